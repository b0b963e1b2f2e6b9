// 示范点 (L1): the town nominates a contact point that meets every criterion; the town leading
// group designates it (or later revokes it with a reason), and personnel shows the flag on the
// community and its public page.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { createForm } from '../../ui/form.js';
import { openDialog } from '../../ui/dialog.js';
import { toast } from '../../ui/toast.js';
import { errorMessage, get, post } from '../../api.js';
import { t } from '../../i18n.js';
import { COUNTY_ADMIN, TOWN_ADMIN, TOWN_LEADER } from '../../roles.js';

export const title = 'assessment.demonstration.title';

const CRITERIA = ['full_stationing', 'one_links_five', 'opinions_closed', 'no_backlog_petition', 'high_satisfaction', 'no_integrity_breach'];

export async function render(ctx) {
  const base = `towns/${ctx.town}/demonstration-points`;
  const decides = ctx.can(TOWN_LEADER, COUNTY_ADMIN);

  const table = createTable({
    caption: 'assessment.demonstration.caption',
    signal: ctx.signal,
    columns: [
      { key: 'community', label: 'assessment.demonstration.col.community', primary: true, nowrap: true },
      { key: 'statement', label: 'assessment.demonstration.col.statement' },
      { key: 'status', label: 'assessment.demonstration.col.status', sortable: true, render: (r) => h('span', { class: ['badge', r.status === 'designated' ? 'badge-ok' : 'badge-muted'] }, t(`assessment.demonstration.status.${r.status}`)) },
    ],
    actions: (r) => {
      const out = [];
      if (decides && r.status === 'nominated') out.push(h('button', { type: 'button', class: 'btn btn-primary btn-small', onclick: () => designate(r) }, t('assessment.demonstration.designate')));
      if (decides && r.status === 'designated') out.push(h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => revoke(r) }, t('assessment.demonstration.revoke')));
      return out;
    },
    empty: 'assessment.demonstration.empty',
    load: async ({ cursor, signal }) => {
      const res = await get(base, { cursor, limit: 200 }, { signal });
      return { items: (res && res.items) || [], next: res && res.next };
    },
  });
  if (ctx.can(TOWN_ADMIN, TOWN_LEADER)) ctx.actions.append(h('button', { type: 'button', class: 'btn btn-primary', onclick: nominate }, t('assessment.demonstration.nominate')));
  mount(ctx.root, h('p', { class: 'lead' }, t('assessment.demonstration.lead')), table.el);

  async function designate(r) {
    try {
      await post(`${base}/${r.community}/designate`);
      toast(t('assessment.demonstration.designated'));
      table.reload();
    } catch (err) {
      toast(errorMessage(err), { kind: 'error' });
    }
  }

  function dialogForm(titleKey, fields, send) {
    let dlg;
    const form = createForm({
      fields,
      submitLabel: titleKey,
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: send,
      onSuccess: () => {
        dlg.close();
        toast(t('assessment.demonstration.saved'));
        table.reload();
      },
    });
    dlg = openDialog({ title: t(titleKey), content: form.el, wide: true });
    form.focus();
  }

  function nominate() {
    dialogForm(
      'assessment.demonstration.nominate',
      [
        { name: 'community', label: 'assessment.field.community', required: true, maxlength: 12, inputmode: 'numeric' },
        ...CRITERIA.map((c) => ({ name: c, label: `assessment.criterion.${c}`, type: 'checkbox' })),
        { name: 'statement', label: 'assessment.demonstration.statement', type: 'textarea', required: true, maxlength: 2000 },
      ],
      (v, { idempotencyKey }) => post(base, { community: v.community, criteria: CRITERIA.filter((c) => v[c]), statement: v.statement }, { idempotencyKey }),
    );
  }

  function revoke(r) {
    dialogForm('assessment.demonstration.revoke', [{ name: 'reason', label: 'assessment.field.reason', type: 'textarea', required: true, maxlength: 1000 }], (v, { idempotencyKey }) =>
      post(`${base}/${r.community}/revoke`, { reason: v.reason }, { idempotencyKey }),
    );
  }
}
