// 调研报告 (T4): a cadre writes research reports — situation, analysis, suggestions — and
// submits them to the town office, which accepts them or returns them with a comment.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { createForm } from '../../ui/form.js';
import { openDialog } from '../../ui/dialog.js';
import { toast } from '../../ui/toast.js';
import { errorMessage, get, patch, post } from '../../api.js';
import { t } from '../../i18n.js';
import { ADMINS, CADRE } from '../../roles.js';

export const title = 'fieldwork.research.title';

const STATUS_BADGE = { draft: 'badge-muted', submitted: 'badge-info', returned: 'badge-warn', accepted: 'badge-ok' };

export async function render(ctx) {
  const base = `towns/${ctx.town}/research-reports`;
  const cadre = ctx.role === CADRE;
  const office = ctx.can(...ADMINS);
  const communities = cadre ? await get(`towns/${ctx.town}/communities`, { limit: 500 }, { signal: ctx.signal }) : { items: [] };

  const table = createTable({
    caption: 'fieldwork.research.title',
    signal: ctx.signal,
    search: { label: 'fieldwork.research.search', text: (r) => `${r.title} ${r.cadre}` },
    columns: [
      { key: 'title', label: 'fieldwork.research.field.title', primary: true, sortable: true },
      { key: 'cadre', label: 'fieldwork.logs.col.cadre', sortable: true },
      { key: 'status', label: 'fieldwork.research.col.status', render: (r) => h('span', { class: `badge ${STATUS_BADGE[r.status] || ''}` }, t(`fieldwork.research.status.${r.status}`)) },
    ],
    actions: (r) => [h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => open(r) }, t('fieldwork.logs.open'))],
    load: ({ cursor, signal }) => get(base, { cursor }, { signal }),
    toolbar: cadre ? [h('button', { type: 'button', class: 'btn btn-primary', onclick: () => open(null) }, t('fieldwork.research.write'))] : [],
    empty: 'fieldwork.research.empty',
  });
  mount(ctx.root, table.el);

  function open(r) {
    const editable = cadre && (!r || r.status === 'draft' || r.status === 'returned');
    let dlg;
    const form = createForm({
      id: `fw-research-${r ? r.id : 'new'}`,
      readonly: !editable,
      fields: [
        !r && { name: 'community', label: 'fieldwork.today.community', type: 'select', required: true, options: (communities.items || []).map((c) => ({ value: c.code, text: c.name })) },
        { name: 'title', label: 'fieldwork.research.field.title', required: true, maxlength: 100, wide: true },
        { name: 'situation', label: 'fieldwork.research.field.situation', type: 'textarea', maxlength: 20000 },
        { name: 'analysis', label: 'fieldwork.research.field.analysis', type: 'textarea', maxlength: 20000 },
        { name: 'suggestions', label: 'fieldwork.research.field.suggestions', type: 'textarea', maxlength: 20000 },
      ].filter(Boolean),
      values: r ? { title: r.title, situation: r.situation || '', analysis: r.analysis || '', suggestions: r.suggestions || '' } : {},
      submitLabel: 'common.save',
      keepValues: true,
      actions: r && editable ? [{ label: 'fieldwork.research.submit', onClick: () => step(() => post(`${base}/${r.id}/submit`), 'fieldwork.research.submitted') }] : [],
      onSubmit: (v) => {
        const body = { title: v.title, situation: v.situation, analysis: v.analysis, suggestions: v.suggestions, attachments: r ? r.attachments || [] : [] };
        return r ? patch(`${base}/${r.id}`, body) : post(base, { ...body, community: v.community });
      },
      onSuccess: () => {
        dlg.close();
        toast(t('fieldwork.research.saved'));
        table.reload();
      },
    });
    const review =
      office && r && r.status === 'submitted'
        ? h(
            'div',
            { class: 'form-actions' },
            h('button', { type: 'button', class: 'btn btn-primary', onclick: () => step(() => post(`${base}/${r.id}/review`, { accept: true }), 'fieldwork.research.accepted') }, t('fieldwork.research.accept')),
            h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => returnReport(r) }, t('fieldwork.research.return')),
          )
        : '';
    dlg = openDialog({
      title: r ? r.title : t('fieldwork.research.write'),
      wide: true,
      content: h('div', null, r && r.comment ? h('p', { class: 'banner banner-info' }, t('fieldwork.research.officeComment', { comment: r.comment })) : '', form.el, review),
    });

    async function step(call, done) {
      try {
        await call();
      } catch (err) {
        toast(errorMessage(err), { kind: 'error' });
        return;
      }
      dlg.close();
      toast(t(done));
      table.reload();
    }
  }

  function returnReport(r) {
    let dlg;
    const form = createForm({
      id: `fw-research-return-${r.id}`,
      fields: [{ name: 'comment', label: 'fieldwork.research.field.comment', type: 'textarea', required: true, maxlength: 1000 }],
      submitLabel: 'fieldwork.research.return',
      onSubmit: (v) => post(`${base}/${r.id}/review`, { accept: false, comment: v.comment }),
      onSuccess: () => {
        dlg.close();
        toast(t('fieldwork.research.returned'));
        table.reload();
      },
    });
    dlg = openDialog({ title: t('fieldwork.research.return'), content: form.el });
  }
}
