// 村（社区）: the contact points (联系点) of the town being looked at. Personnel owns them;
// the town office (and the county) adds those the division-code import did not bring.

import { h, mount } from '../ui/dom.js';
import { createTable } from '../ui/table.js';
import { createForm } from '../ui/form.js';
import { openDialog } from '../ui/dialog.js';
import { toast } from '../ui/toast.js';
import { download, errorMessage, get, post } from '../api.js';
import { t } from '../i18n.js';
import { ADMINS } from '../roles.js';

export const title = 'communities.title';

export async function render(ctx) {
  const town = ctx.town;
  const base = `towns/${town}/communities`;
  const admin = ctx.can(...ADMINS);

  const table = createTable({
    caption: 'communities.caption',
    signal: ctx.signal,
    search: { label: 'communities.search', text: (r) => `${r.name} ${r.code} ${r.branch || ''} ${r.secretary || ''}` },
    filters: [
      {
        name: 'state',
        label: 'communities.col.state',
        value: 'current',
        options: [
          { value: 'current', label: 'communities.state.current' },
          { value: 'archived', label: 'communities.state.archived' },
        ],
      },
    ],
    sort: { key: 'code', dir: 'asc' },
    columns: [
      { key: 'name', label: 'communities.col.name', primary: true, sortable: true },
      { key: 'code', label: 'communities.col.code', sortable: true, nowrap: true, render: (r) => h('span', { class: 'code' }, r.code) },
      { key: 'branch', label: 'communities.col.branch', sortable: true },
      { key: 'secretary', label: 'communities.col.secretary', sortable: true },
      {
        key: 'demonstrationPoint',
        label: 'communities.col.demonstration',
        sortable: true,
        render: (r) => (r.demonstrationPoint ? h('span', { class: 'badge badge-info' }, t('communities.demonstration')) : ''),
      },
      {
        key: 'archived',
        label: 'communities.col.state',
        sortable: true,
        render: (r) =>
          r.archived
            ? h('span', { class: 'badge badge-muted' }, t('communities.state.archived'))
            : h('span', { class: 'badge badge-ok' }, t('communities.state.current')),
      },
    ],
    // 公示牌: the community's disclosure board as an A4 PDF with the QR code of its public page.
    actions: (r) =>
      r.archived
        ? ''
        : [h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => printPoster(r) }, t('personnel.poster.print'))],
    empty: admin ? 'communities.emptyAdmin' : 'communities.empty',
    load: async ({ cursor, filters, signal }) => {
      const res = await get(base, { cursor, limit: 200 }, { signal });
      let items = (res && res.items) || [];
      if (filters.state === 'current') items = items.filter((x) => !x.archived);
      if (filters.state === 'archived') items = items.filter((x) => x.archived);
      return { items, next: res && res.next };
    },
  });

  if (admin) ctx.actions.append(h('button', { type: 'button', class: 'btn btn-primary', onclick: openAdd }, t('communities.add')));
  mount(ctx.root, h('p', { class: 'lead' }, t('communities.lead', { town: ctx.townName })), table.el);

  async function printPoster(row) {
    try {
      await download(`${base}/${row.code}/poster`, null, t('personnel.poster.fileName', { name: row.name }), { signal: ctx.signal });
    } catch (err) {
      toast(errorMessage(err), { kind: 'error' });
    }
  }

  function openAdd() {
    let dlg;
    const form = createForm({
      id: `community-add.${town}`,
      fields: [
        {
          name: 'code',
          label: 'communities.field.code',
          required: true,
          inputmode: 'numeric',
          maxlength: 12,
          pattern: '\\d{12}',
          patternMessage: 'communities.field.codePattern',
          hint: 'communities.field.codeHint',
        },
        { name: 'name', label: 'communities.field.name', required: true, maxlength: 60 },
        { name: 'branch', label: 'communities.field.branch', maxlength: 60, hint: 'communities.field.branchHint' },
        { name: 'secretary', label: 'communities.field.secretary', maxlength: 40 },
      ],
      values: { code: town },
      validate: (v) => (v.code && !v.code.startsWith(town) ? [{ field: 'code', message: t('communities.field.codeTown', { town }) }] : []),
      submitLabel: 'communities.add',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v, { idempotencyKey }) => {
        const body = { code: v.code, name: v.name };
        if (v.branch) body.branch = v.branch;
        if (v.secretary) body.secretary = v.secretary;
        return post(base, body, { idempotencyKey });
      },
      onSuccess: (res, v) => {
        dlg.close();
        toast(t('communities.added', { name: v.name }));
        table.reload();
      },
    });
    dlg = openDialog({ title: t('communities.add'), content: form.el });
    form.focus();
  }
}
