// 信访案件 (T6): early signs (苗头) with their risk level, the cases they become, key backlog
// cases (积案) by age, and every change with its reason. The town office and the town's
// leaders act; county roles read. Each case's resolution plan and stabilisation measures are
// tasks: the owner completes them, the town office verifies or sends them back with a comment.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { createForm } from '../../ui/form.js';
import { openDialog } from '../../ui/dialog.js';
import { toast } from '../../ui/toast.js';
import { get, post } from '../../api.js';
import { t } from '../../i18n.js';
import { beijingToday, deadline, formatDate, formatDateTime } from '../../format.js';
import { TOWN_ADMIN, TOWN_LEADER } from '../../roles.js';

export const title = 'petitions.cases.title';

const STATUSES = ['sign', 'dismissed', 'open', 'resolving', 'resolved', 'closed'];
const NEXT = { sign: ['open', 'dismissed'], open: ['resolving'], resolving: ['resolved'], resolved: ['closed', 'resolving'] };

export async function render(ctx) {
  const town = ctx.town;
  const base = `towns/${town}/cases`;
  const writer = ctx.can(TOWN_ADMIN, TOWN_LEADER);

  const table = createTable({
    caption: 'petitions.cases.caption',
    signal: ctx.signal,
    search: { label: 'petitions.cases.search', text: (r) => `${r.title} ${r.community} ${r.petitioner || ''}` },
    filters: [
      { name: 'status', label: 'petitions.cases.col.status', options: STATUSES.map((s) => ({ value: s, label: `petitions.caseStatus.${s}` })) },
      { name: 'backlog', label: 'petitions.cases.col.backlog', options: [{ value: 'true', label: 'petitions.cases.backlogOnly' }] },
    ],
    sort: { key: 'ageDays', dir: 'desc' },
    columns: [
      { key: 'title', label: 'petitions.cases.col.title', primary: true },
      { key: 'community', label: 'petitions.cases.col.community', sortable: true, nowrap: true },
      {
        key: 'risk',
        label: 'petitions.cases.col.risk',
        sortable: true,
        render: (r) => h('span', { class: ['badge', r.risk === 'high' ? 'badge-error' : r.risk === 'medium' ? 'badge-warn' : 'badge-muted'] }, t(`petitions.risk.${r.risk}`)),
      },
      { key: 'status', label: 'petitions.cases.col.status', sortable: true, render: (r) => t(`petitions.caseStatus.${r.status}`) },
      { key: 'backlog', label: 'petitions.cases.col.backlog', sortable: true, render: (r) => (r.backlog ? h('span', { class: 'badge badge-info' }, t('petitions.cases.backlog')) : '') },
      { key: 'ageDays', label: 'petitions.cases.col.age', sortable: true, align: 'end', render: (r) => (r.openedAt ? t('petitions.cases.age', { count: r.ageDays }) : '') },
      { key: 'registeredAt', label: 'petitions.cases.col.registered', sortable: true, nowrap: true, render: (r) => formatDateTime(r.registeredAt) },
    ],
    actions: (r) => [
      h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => openTasks(r) }, t('petitions.tasks.open')),
      writer && NEXT[r.status] ? h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => openMove(r) }, t('petitions.cases.move')) : null,
    ],
    empty: 'petitions.cases.empty',
    load: async ({ cursor, filters, signal }) => {
      const query = { cursor, limit: 100 };
      if (filters.status) query.status = filters.status;
      if (filters.backlog) query.backlog = 'true';
      const res = await get(base, query, { signal });
      return { items: (res && res.items) || [], next: res && res.next };
    },
  });

  if (writer) ctx.actions.append(h('button', { type: 'button', class: 'btn btn-primary', onclick: openRegister }, t('petitions.cases.register')));
  mount(ctx.root, h('p', { class: 'lead' }, t('petitions.cases.lead', { town: ctx.townName })), table.el);

  function openRegister() {
    let dlg;
    const form = createForm({
      id: `case-register.${town}`,
      fields: [
        { name: 'community', label: 'petitions.field.community', required: true, inputmode: 'numeric', maxlength: 12, pattern: '\\d{12}', patternMessage: 'petitions.field.communityPattern' },
        { name: 'title', label: 'petitions.cases.field.title', required: true, maxlength: 200 },
        { name: 'detail', label: 'petitions.cases.field.detail', type: 'textarea', maxlength: 4000 },
        { name: 'petitioner', label: 'petitions.cases.field.petitioner', maxlength: 60 },
        { name: 'risk', label: 'petitions.cases.col.risk', type: 'select', required: true, options: ['low', 'medium', 'high'].map((r) => ({ value: r, label: `petitions.risk.${r}` })) },
        { name: 'backlog', label: 'petitions.cases.field.backlog', type: 'checkbox' },
      ],
      values: { community: town, risk: 'medium' },
      submitLabel: 'petitions.cases.register',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v, { idempotencyKey }) =>
        post(base, { community: v.community, title: v.title, detail: v.detail || '', petitioner: v.petitioner || '', risk: v.risk, backlog: !!v.backlog }, { idempotencyKey }),
      onSuccess: () => {
        dlg.close();
        toast(t('petitions.cases.registered'));
        table.reload();
      },
    });
    dlg = openDialog({ title: t('petitions.cases.register'), content: form.el, wide: true });
    form.focus();
  }

  function openMove(r) {
    let dlg;
    const form = createForm({
      fields: [
        { name: 'to', label: 'petitions.cases.field.to', type: 'select', required: true, options: NEXT[r.status].map((s) => ({ value: s, label: `petitions.caseStatus.${s}` })) },
        { name: 'reason', label: 'petitions.cases.field.reason', type: 'textarea', required: true, maxlength: 2000 },
        { name: 'outcome', label: 'petitions.cases.field.outcome', type: 'textarea', maxlength: 2000, visible: (v) => v.to === 'resolved' },
        {
          name: 'satisfaction',
          label: 'petitions.cases.field.satisfaction',
          type: 'select',
          options: [5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: `petitions.satisfaction.${n}` })),
          visible: (v) => v.to === 'resolved',
        },
      ],
      values: { to: NEXT[r.status][0], satisfaction: '4' },
      submitLabel: 'petitions.cases.move',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v, { idempotencyKey }) => {
        const body = { to: v.to, reason: v.reason };
        if (v.to === 'resolved') Object.assign(body, { outcome: v.outcome || '', satisfaction: Number(v.satisfaction) });
        return post(`${base}/${r.id}/transitions`, body, { idempotencyKey });
      },
      onSuccess: () => {
        dlg.close();
        toast(t('petitions.cases.moved'));
        table.reload();
      },
    });
    dlg = openDialog({ title: `${t('petitions.cases.move')} · ${r.title}`, content: form.el });
    form.focus();
  }

  // The case's tasks: the office verifies what an owner completed or reopens it with a comment;
  // it completes only the tasks the town office owns itself (the server checks all of this).
  function openTasks(r) {
    const active = ['sign', 'open', 'resolving'].includes(r.status);
    const tasks = createTable({
      caption: 'petitions.tasks.caption',
      columns: [
        { key: 'title', label: 'petitions.tasks.col.title', primary: true },
        { key: 'kind', label: 'petitions.tasks.col.kind', render: (x) => t(`petitions.taskKind.${x.kind}`) },
        { key: 'owner', label: 'petitions.tasks.col.owner', render: (x) => `${t(`petitions.ownerKind.${x.owner.kind}`)} ${x.owner.name || x.owner.id}` },
        {
          key: 'due',
          label: 'petitions.tasks.col.due',
          nowrap: true,
          render: (x) => {
            if (!x.due) return '';
            const day = beijingToday(new Date(x.due)); // the due day in Beijing, as the API set it
            const d = deadline(day);
            const late = d.overdue && ['open', 'in_progress', 'reopened'].includes(x.status);
            return h('span', null, formatDate(day), ' ', late ? h('span', { class: 'badge badge-overdue' }, d.text) : '');
          },
        },
        { key: 'status', label: 'petitions.tasks.col.status', render: (x) => t(`petitions.taskStatus.${x.status}`) },
        { key: 'note', label: 'petitions.tasks.col.note', render: (x) => (x.verification && x.verification.note) || (x.completion && x.completion.note) || '' },
      ],
      actions: (x) => {
        if (!writer) return [];
        const b = (step) => h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => openStep(x, step) }, t(`petitions.tasks.step.${step}`));
        if (x.status === 'done') return [b('verify'), b('reopen')];
        if (x.status === 'verified') return [b('reopen')];
        if (x.owner.kind === 'town_office' && ['open', 'in_progress', 'reopened'].includes(x.status)) return [b('complete')];
        return [];
      },
      empty: 'petitions.tasks.empty',
      load: async ({ signal }) => {
        const res = await get(`${base}/${r.id}/tasks`, {}, { signal });
        return { items: (res && res.items) || [] };
      },
    });
    const content = h('div', null, tasks.el);
    if (writer && active) content.append(h('h3', null, t('petitions.tasks.plan')), planForm(r, () => tasks.reload()).el);
    openDialog({ title: `${t('petitions.tasks.title')} · ${r.title}`, content, wide: true });

    function openStep(x, step) {
      let dlg;
      const form = createForm({
        fields: [{ name: 'note', label: `petitions.tasks.note.${step}`, type: 'textarea', required: step === 'reopen', maxlength: 1000 }],
        submitLabel: `petitions.tasks.step.${step}`,
        actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
        onSubmit: (v, { idempotencyKey }) => post(`${base}/${r.id}/tasks/${x.id}/${step}`, { note: v.note || '' }, { idempotencyKey }),
        onSuccess: () => {
          dlg.close();
          toast(t(`petitions.tasks.done.${step}`));
          tasks.reload();
        },
      });
      dlg = openDialog({ title: `${t(`petitions.tasks.step.${step}`)} · ${x.title}`, content: form.el });
      form.focus();
    }
  }

  function planForm(r, reload) {
    return createForm({
      id: `case-task.${town}.${r.id}`,
      fields: [
        { name: 'kind', label: 'petitions.tasks.col.kind', type: 'select', required: true, options: ['resolution_step', 'stabilisation_measure'].map((k) => ({ value: k, label: `petitions.taskKind.${k}` })) },
        { name: 'title', label: 'petitions.tasks.col.title', required: true, maxlength: 200 },
        { name: 'ownerKind', label: 'petitions.tasks.field.ownerKind', type: 'select', required: true, options: ['cadre', 'community', 'town_office'].map((k) => ({ value: k, label: `petitions.ownerKind.${k}` })) },
        // the town office owns a task as the town: nothing to name
        { name: 'ownerId', label: 'petitions.tasks.field.ownerId', required: true, maxlength: 100, hint: 'petitions.tasks.field.ownerIdHint', visible: (v) => v.ownerKind !== 'town_office' },
        { name: 'ownerName', label: 'petitions.tasks.field.ownerName', maxlength: 60, visible: (v) => v.ownerKind !== 'town_office' },
        { name: 'due', label: 'petitions.tasks.col.due', type: 'date' },
      ],
      values: { kind: 'resolution_step', ownerKind: 'cadre' },
      submitLabel: 'petitions.tasks.plan',
      onSubmit: (v, { idempotencyKey }) => {
        const owner = v.ownerKind === 'town_office' ? { kind: v.ownerKind, id: town } : { kind: v.ownerKind, id: v.ownerId, name: v.ownerName || '' };
        const body = { kind: v.kind, title: v.title, owner };
        if (v.due) body.due = v.due;
        return post(`${base}/${r.id}/tasks`, body, { idempotencyKey });
      },
      onSuccess: () => {
        toast(t('petitions.tasks.planned'));
        reload();
      },
    });
  }
}

