// 典型事迹 (L3): the town office writes up good practice from the cadres' logs; the town
// leader approves it for the town's public page, and either may withdraw it.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { createForm } from '../../ui/form.js';
import { openDialog } from '../../ui/dialog.js';
import { toast } from '../../ui/toast.js';
import { get, post } from '../../api.js';
import { t } from '../../i18n.js';
import { formatDateTime } from '../../format.js';
import { TOWN_ADMIN, TOWN_LEADER } from '../../roles.js';

export const title = 'reporting.stories.title';

export async function render(ctx) {
  const base = `towns/${ctx.town}/stories`;
  const office = ctx.can(TOWN_ADMIN);
  const leader = ctx.can(TOWN_LEADER);
  const step = async (r, name) => {
    try {
      await post(`${base}/${r.id}/${name}`, {});
      toast(t(`reporting.stories.done.${name}`));
      table.reload();
    } catch (err) {
      toast(err.message, { kind: 'error' });
    }
  };
  const button = (r, name) => h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => step(r, name) }, t(`reporting.stories.${name}`));
  const table = createTable({
    caption: 'reporting.stories.title',
    signal: ctx.signal,
    columns: [
      { key: 'title', label: 'reporting.stories.col.title', primary: true },
      { key: 'community', label: 'reporting.stories.col.community', nowrap: true },
      { key: 'status', label: 'reporting.col.status', render: (r) => h('span', { class: ['badge', r.status === 'published' ? 'badge-ok' : 'badge-muted'] }, t(`reporting.stories.status.${r.status}`)) },
      { key: 'publishedAt', label: 'reporting.stories.col.published', nowrap: true, render: (r) => (r.publishedAt ? formatDateTime(r.publishedAt) : '') },
    ],
    actions: (r) => [
      leader && r.status === 'draft' ? button(r, 'approve') : null,
      (office || leader) && r.status !== 'withdrawn' ? button(r, 'withdraw') : null,
    ].filter(Boolean),
    empty: 'reporting.stories.empty',
    load: async ({ signal }) => {
      const res = await get(base, null, { signal });
      return { items: (res && res.items) || [] };
    },
  });
  if (office) ctx.actions.append(h('button', { type: 'button', class: 'btn btn-primary', onclick: openDraft }, t('reporting.stories.draft')));
  mount(ctx.root, h('p', { class: 'lead' }, t('reporting.stories.lead', { town: ctx.townName })), table.el);

  function openDraft() {
    let dlg;
    const form = createForm({
      id: `story.${ctx.town}`,
      fields: [
        { name: 'title', label: 'reporting.stories.col.title', required: true, maxlength: 100 },
        { name: 'community', label: 'reporting.stories.col.community', maxlength: 12 },
        { name: 'text', label: 'reporting.stories.field.text', type: 'textarea', required: true, maxlength: 10000 },
        { name: 'logs', label: 'reporting.stories.field.logs', type: 'textarea', hint: 'reporting.meetings.field.onePerLine' },
      ],
      submitLabel: 'reporting.stories.draft',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v, { idempotencyKey }) =>
        post(base, { title: v.title, text: v.text, community: v.community || '', logs: String(v.logs || '').split('\n').map((x) => x.trim()).filter(Boolean) }, { idempotencyKey }),
      onSuccess: () => {
        dlg.close();
        toast(t('reporting.stories.done.draft'));
        table.reload();
      },
    });
    dlg = openDialog({ title: t('reporting.stories.draft'), content: form.el, wide: true });
    form.focus();
  }
}
