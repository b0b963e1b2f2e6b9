// 意见建议 (T4): what cadres heard in visits, activities and joint work, and what people left
// on the community's public page. The town office assigns, closes and watches the overdue
// ones (escalated to it); a cadre records what they heard and answers what they are given.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { createForm } from '../../ui/form.js';
import { openDialog } from '../../ui/dialog.js';
import { toast } from '../../ui/toast.js';
import { get, post } from '../../api.js';
import { t } from '../../i18n.js';
import { beijingToday, deadline, formatDateTime } from '../../format.js';
import { BRANCH_SECRETARY, CADRE, TOWN_ADMIN, TOWN_LEADER } from '../../roles.js';

export const title = 'petitions.opinions.title';

const STATUSES = ['received', 'assigned', 'responded', 'closed'];
const SOURCES = ['visit', 'activity', 'joint_work'];
const KINDS = ['opinion', 'suggestion', 'appeal'];
const CATEGORIES = ['livelihood', 'infrastructure', 'environment', 'safety', 'industry', 'formalism', 'bureaucratism', 'hedonism', 'extravagance', 'other'];

export async function render(ctx) {
  const town = ctx.town;
  const base = `towns/${town}/opinions`;
  const office = ctx.can(TOWN_ADMIN, TOWN_LEADER);
  const recorder = ctx.can(TOWN_ADMIN, CADRE, BRANCH_SECRETARY);
  const responder = ctx.can(TOWN_ADMIN, TOWN_LEADER, CADRE);

  const table = createTable({
    caption: 'petitions.opinions.caption',
    signal: ctx.signal,
    search: { label: 'petitions.opinions.search', text: (r) => `${r.text} ${r.community} ${(r.responsible && r.responsible.name) || ''}` },
    filters: [
      { name: 'status', label: 'petitions.opinions.col.status', options: STATUSES.map((s) => ({ value: s, label: `petitions.status.${s}` })) },
      {
        name: 'overdue',
        label: 'petitions.opinions.col.due',
        options: [{ value: 'true', label: 'petitions.opinions.overdueOnly' }],
        value: ctx.query.overdue === 'true' ? 'true' : '',
      },
    ],
    columns: [
      { key: 'text', label: 'petitions.opinions.col.text', primary: true, render: (r) => r.text },
      { key: 'category', label: 'petitions.opinions.col.category', sortable: true, render: (r) => t(`petitions.category.${r.category}`) },
      { key: 'source', label: 'petitions.opinions.col.source', sortable: true, render: (r) => t(`petitions.source.${r.source}`) },
      { key: 'community', label: 'petitions.opinions.col.community', sortable: true, nowrap: true },
      { key: 'responsible', label: 'petitions.opinions.col.responsible', render: (r) => (r.responsible ? r.responsible.name || r.responsible.id : '') },
      { key: 'phone', label: 'petitions.opinions.col.phone', nowrap: true, render: (r) => r.phone || '' },
      {
        key: 'status',
        label: 'petitions.opinions.col.status',
        sortable: true,
        render: (r) => h('span', { class: ['badge', r.status === 'closed' ? 'badge-muted' : r.status === 'responded' ? 'badge-ok' : 'badge-info'] }, t(`petitions.status.${r.status}`)),
      },
      {
        key: 'due',
        label: 'petitions.opinions.col.due',
        sortable: true,
        render: (r) => {
          if (r.status === 'responded' || r.status === 'closed') return '';
          const d = deadline(beijingToday(new Date(r.due)));
          return d ? h('span', { class: ['badge', r.overdue ? 'badge-overdue' : 'badge-muted'] }, r.overdue ? t('petitions.opinions.escalated', { text: d.text }) : d.text) : '';
        },
      },
      { key: 'receivedAt', label: 'petitions.opinions.col.received', sortable: true, nowrap: true, render: (r) => formatDateTime(r.receivedAt) },
    ],
    actions: (r) => actionsOf(r),
    empty: 'petitions.opinions.empty',
    load: async ({ cursor, filters, signal }) => {
      const query = { cursor, limit: 100 };
      if (filters.status) query.status = filters.status;
      if (filters.overdue) query.overdue = 'true';
      const res = await get(base, query, { signal });
      return { items: (res && res.items) || [], next: res && res.next };
    },
  });

  if (recorder) ctx.actions.append(h('button', { type: 'button', class: 'btn btn-primary', onclick: openRecord }, t('petitions.opinions.record')));
  mount(ctx.root, h('p', { class: 'lead' }, t('petitions.opinions.lead', { town: ctx.townName })), table.el);

  function actionsOf(r) {
    const out = [];
    const button = (label, onClick) => h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => onClick(r) }, t(label));
    if (office && (r.status === 'received' || r.status === 'assigned' || r.status === 'responded')) out.push(button('petitions.opinions.assign', openAssign));
    const mine = !ctx.can(CADRE) || (r.responsible && r.responsible.id === ctx.account.cadreId);
    if (responder && mine && r.status === 'assigned') out.push(button('petitions.opinions.respond', openRespond));
    if (office && (r.status === 'received' || r.status === 'responded')) out.push(button('petitions.opinions.close', openClose));
    return out;
  }

  function dialogForm(titleKey, fields, submitLabel, send, done) {
    let dlg;
    const form = createForm({
      fields,
      submitLabel,
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: send,
      onSuccess: () => {
        dlg.close();
        toast(t(done));
        table.reload();
      },
    });
    dlg = openDialog({ title: t(titleKey), content: form.el });
    form.focus();
  }

  function openAssign(r) {
    dialogForm(
      'petitions.opinions.assign',
      [
        { name: 'cadre', label: 'petitions.field.cadre', required: true, maxlength: 100, hint: 'petitions.field.cadreHint' },
        { name: 'name', label: 'petitions.field.cadreName', maxlength: 60 },
        { name: 'reason', label: 'petitions.field.reason', type: 'textarea', maxlength: 2000 },
      ],
      'petitions.opinions.assign',
      (v, { idempotencyKey }) => post(`${base}/${r.id}/assign`, { cadre: { id: v.cadre, name: v.name || '' }, reason: v.reason || '' }, { idempotencyKey }),
      'petitions.opinions.assigned',
    );
  }

  function openRespond(r) {
    dialogForm(
      'petitions.opinions.respond',
      [{ name: 'response', label: 'petitions.field.response', type: 'textarea', required: true, maxlength: 2000, hint: 'petitions.field.responseHint' }],
      'petitions.opinions.respond',
      (v, { idempotencyKey }) => post(`${base}/${r.id}/respond`, { response: v.response }, { idempotencyKey }),
      'petitions.opinions.responded',
    );
  }

  function openClose(r) {
    dialogForm(
      'petitions.opinions.close',
      [{ name: 'reason', label: 'petitions.field.reason', type: 'textarea', maxlength: 2000 }],
      'petitions.opinions.close',
      (v, { idempotencyKey }) => post(`${base}/${r.id}/close`, { reason: v.reason || '' }, { idempotencyKey }),
      'petitions.opinions.closed',
    );
  }

  function openRecord() {
    let dlg;
    const form = createForm({
      id: `opinion-record.${town}`,
      fields: [
        {
          name: 'community',
          label: 'petitions.field.community',
          required: true,
          inputmode: 'numeric',
          maxlength: 12,
          pattern: '\\d{12}',
          patternMessage: 'petitions.field.communityPattern',
        },
        { name: 'source', label: 'petitions.field.source', type: 'select', required: true, options: SOURCES.map((s) => ({ value: s, label: `petitions.source.${s}` })) },
        { name: 'kind', label: 'petitions.field.kind', type: 'select', options: KINDS.map((k) => ({ value: k, label: `petitions.kind.${k}` })) },
        { name: 'category', label: 'petitions.field.category', type: 'select', options: CATEGORIES.map((c) => ({ value: c, label: `petitions.category.${c}` })) },
        { name: 'text', label: 'petitions.field.text', type: 'textarea', required: true, maxlength: 2000 },
        { name: 'phone', label: 'petitions.field.phone', type: 'tel', maxlength: 13, hint: 'petitions.field.phoneHint', noDraft: true },
      ],
      values: { community: ctx.account.community || town, source: 'visit', kind: 'opinion', category: 'other' },
      submitLabel: 'petitions.opinions.record',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v, { idempotencyKey }) =>
        post(base, { community: v.community, source: v.source, kind: v.kind, category: v.category, text: v.text, phone: v.phone || '' }, { idempotencyKey }),
      onSuccess: (res) => {
        dlg.close();
        toast(t('petitions.opinions.recorded', { code: res.trackingCode }));
        table.reload();
      },
    });
    dlg = openDialog({ title: t('petitions.opinions.record'), content: form.el, wide: true });
    form.focus();
  }
}
