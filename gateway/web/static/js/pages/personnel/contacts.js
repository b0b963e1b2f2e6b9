// 一联五: a cadre's own one-links-five list — one contact of each of the five kinds, then
// 报送 to the town office by the programme calendar's deadline. The town office sees every
// cadre's list state here and accepts, returns, exports and forwards them to the county.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { createForm } from '../../ui/form.js';
import { openDialog } from '../../ui/dialog.js';
import { toast } from '../../ui/toast.js';
import { download, errorMessage, get, post, put } from '../../api.js';
import { t } from '../../i18n.js';
import { formatDate, formatDateTime } from '../../format.js';
import { ADMINS, CADRE } from '../../roles.js';

export const title = 'personnel.contacts.title';

const KINDS = ['org_leader', 'veteran_member', 'people_rep', 'hardship_household', 'wealth_leader'];

export async function render(ctx) {
  if (ctx.role === CADRE) return ownList(ctx);
  return townLists(ctx);
}

async function ownList(ctx) {
  const cadre = ctx.account.cadreId;
  if (!cadre) {
    mount(ctx.root, h('p', { class: 'empty' }, t('personnel.contacts.noCadre')));
    return;
  }
  const base = `towns/${ctx.town}/cadres/${cadre}/contact-lists/${ctx.year}`;
  let list;
  try {
    list = await get(base, null, { signal: ctx.signal });
  } catch (err) {
    if (!err || err.status !== 404) throw err;
    list = { status: 'draft', contacts: [] };
  }
  const editable = list.status === 'draft' || list.status === 'returned';
  const byKind = new Map((list.contacts || []).map((c) => [c.kind, c]));

  const cards = KINDS.map((kind) => {
    const c = byKind.get(kind);
    return h(
      'div',
      { class: 'card' },
      h('h2', null, t(`personnel.kind.${kind}`)),
      c
        ? h('p', null, `${c.name} · ${c.phone}`, h('br'), c.address, c.hardship ? h('span', { class: 'badge badge-muted' }, c.hardship) : '')
        : h('p', { class: 'empty' }, t('personnel.contacts.missing')),
      editable ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => openContact(kind, c) }, t(c ? 'personnel.contacts.replace' : 'personnel.contacts.set')) : '',
    );
  });
  const complete = KINDS.every((k) => byKind.has(k));
  const status = h('p', { class: 'lead' }, t(`personnel.listStatus.${list.status}`), list.late ? h('span', { class: 'badge badge-warn' }, t('personnel.contacts.late')) : '');
  const comment = list.status === 'returned' && list.comment ? h('p', { class: 'banner banner-info' }, t('personnel.contacts.returned', { comment: list.comment })) : '';
  const submit =
    editable && complete
      ? h('button', { type: 'button', class: 'btn btn-primary', onclick: submitList }, t('personnel.contacts.submit'))
      : '';
  mount(ctx.root, status, comment, h('div', { class: 'form-grid' }, ...cards), submit);
  ctx.actions.append(h('button', { type: 'button', class: 'btn btn-secondary', onclick: printCard }, t('personnel.cards.print')));

  async function printCard() {
    try {
      await download(`towns/${ctx.town}/cadres/${cadre}/card`, null, t('personnel.cards.file'), { signal: ctx.signal });
    } catch (err) {
      toast(errorMessage(err), { kind: 'error' });
    }
  }

  async function submitList() {
    await post(`${base}/submit`);
    toast(t('personnel.contacts.submitted'));
    ctx.refresh();
  }

  function openContact(kind, c) {
    let dlg;
    const form = createForm({
      id: `contact.${cadre}.${ctx.year}.${kind}`,
      fields: [
        { name: 'name', label: 'personnel.contacts.field.name', required: true, maxlength: 60 },
        { name: 'phone', label: 'personnel.contacts.field.phone', type: 'tel', required: true, maxlength: 20 },
        { name: 'address', label: 'personnel.contacts.field.address', required: true, maxlength: 120 },
        { name: 'details', label: 'personnel.contacts.field.details', maxlength: 60 },
        kind === 'hardship_household' && { name: 'hardship', label: 'personnel.contacts.field.hardship', required: true, maxlength: 60 },
      ].filter(Boolean),
      values: c ? { name: c.name, phone: c.phone, address: c.address, details: c.details || '', hardship: c.hardship || '' } : {},
      submitLabel: 'common.save',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v) => {
        const body = { name: v.name, phone: v.phone, address: v.address, details: v.details || '' };
        if (kind === 'hardship_household') body.hardship = v.hardship;
        return put(`${base}/contacts/${kind}`, body);
      },
      onSuccess: () => {
        dlg.close();
        ctx.refresh();
      },
    });
    dlg = openDialog({ title: t(`personnel.kind.${kind}`), content: form.el });
    form.focus();
  }
}

async function townLists(ctx) {
  const town = ctx.town;
  const year = ctx.year;
  const admin = ctx.can(...ADMINS);
  const view = await get(`towns/${town}/contact-lists/${year}`, null, { signal: ctx.signal });
  const listPath = (r) => `towns/${town}/cadres/${r.cadre}/contact-lists/${year}`;

  const table = createTable({
    caption: 'personnel.contacts.caption',
    signal: ctx.signal,
    rows: view.items,
    search: { label: 'personnel.cadres.search', text: (r) => r.cadreName },
    columns: [
      { key: 'cadreName', label: 'personnel.cadres.col.name', primary: true, sortable: true },
      { key: 'status', label: 'personnel.contacts.col.status', sortable: true, render: (r) => t(`personnel.listStatus.${r.status}`) },
      { key: 'contacts', label: 'personnel.contacts.col.contacts', render: (r) => `${r.contacts}/5` },
      { key: 'submittedAt', label: 'personnel.contacts.col.submittedAt', render: (r) => (r.submittedAt ? formatDateTime(r.submittedAt) : '') },
      { key: 'late', label: 'personnel.contacts.col.late', render: (r) => (r.late ? h('span', { class: 'badge badge-warn' }, t('personnel.contacts.late')) : '') },
    ],
    actions:
      admin &&
      ((r) =>
        r.status === 'submitted'
          ? [
              h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => decide(r) }, t('personnel.contacts.accept')),
              h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => openReturn(r) }, t('personnel.contacts.return')),
            ]
          : []),
    exportUrl: admin ? () => ({ path: `towns/${town}/contact-lists/${year}/export`, filename: `一联五名单-${year}.xlsx` }) : undefined,
    empty: 'personnel.contacts.empty',
  });

  const summary = t('personnel.contacts.summary', {
    due: formatDate(view.deadline.day),
    cadres: view.cadres,
    submitted: view.submitted,
    accepted: view.accepted,
    late: view.late,
  });
  const forwarded = view.forwarded
    ? h('p', null, t('personnel.contacts.forwardedAt', { at: formatDateTime(view.forwarded.forwardedAt) }))
    : '';
  if (admin && view.cadres > 0 && view.accepted === view.cadres) {
    ctx.actions.append(h('button', { type: 'button', class: 'btn btn-primary', onclick: forward }, t('personnel.contacts.forward')));
  }
  mount(ctx.root, h('p', { class: 'lead' }, summary), forwarded, table.el);

  async function decide(r) {
    await post(`${listPath(r)}/accept`);
    toast(t('personnel.contacts.acceptedToast', { name: r.cadreName }));
    ctx.refresh();
  }

  function openReturn(r) {
    let dlg;
    const form = createForm({
      fields: [{ name: 'comment', label: 'personnel.contacts.field.comment', type: 'textarea', required: true, maxlength: 300 }],
      submitLabel: 'personnel.contacts.return',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v) => post(`${listPath(r)}/return`, { comment: v.comment }),
      onSuccess: () => {
        dlg.close();
        ctx.refresh();
      },
    });
    dlg = openDialog({ title: t('personnel.contacts.return'), content: form.el });
    form.focus();
  }

  async function forward() {
    await post(`towns/${town}/contact-lists/${year}/forward`);
    toast(t('personnel.contacts.forwarded'));
    ctx.refresh();
  }
}
