// 蹲点干部: the town office keeps its cadres (name, unit, post, phone, leadership team,
// status) and links each leadership-team member to one community for the programme year (O1).
// Phones come from the server already masked for roles that may not see them whole.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { createForm } from '../../ui/form.js';
import { openDialog } from '../../ui/dialog.js';
import { toast } from '../../ui/toast.js';
import { download, errorMessage, get, patch, post, put } from '../../api.js';
import { t } from '../../i18n.js';
import { formatDateTime } from '../../format.js';
import { ADMINS, COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN } from '../../roles.js';
import * as session from '../../session.js';

export const title = 'personnel.cadres.title';

const STATUSES = ['active', 'recalled', 'transferred'];

export async function render(ctx) {
  const town = ctx.town;
  const year = ctx.year;
  const base = `towns/${town}/cadres`;
  const admin = ctx.can(...ADMINS);
  const fileReader = ctx.can(COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN);
  const countyAdmin = ctx.can(COUNTY_ADMIN);
  let links = new Map();
  let communities = [];

  async function loadLinks(signal) {
    const [a, c] = await Promise.all([
      get(`towns/${town}/assignments`, { year, limit: 500 }, { signal }),
      get(`towns/${town}/communities`, { limit: 500 }, { signal }),
    ]);
    links = new Map(((a && a.items) || []).map((x) => [x.cadre, x]));
    communities = ((c && c.items) || []).filter((x) => !x.archived);
  }

  const table = createTable({
    caption: 'personnel.cadres.caption',
    signal: ctx.signal,
    search: { label: 'personnel.cadres.search', text: (r) => `${r.name} ${r.unit} ${r.post}` },
    sort: { key: 'name', dir: 'asc' },
    columns: [
      { key: 'name', label: 'personnel.cadres.col.name', primary: true, sortable: true },
      { key: 'unit', label: 'personnel.cadres.col.unit', sortable: true },
      { key: 'post', label: 'personnel.cadres.col.post', sortable: true },
      { key: 'phone', label: 'personnel.cadres.col.phone', nowrap: true },
      {
        key: 'leadership',
        label: 'personnel.cadres.col.leadership',
        render: (r) => (r.leadership ? h('span', { class: 'badge badge-info' }, t('personnel.cadres.leadership')) : ''),
      },
      {
        key: 'community',
        label: 'personnel.cadres.col.community',
        value: (r) => (links.get(r.id) || {}).communityName || '',
        render: (r) => (links.get(r.id) || {}).communityName || '',
      },
      {
        key: 'status',
        label: 'personnel.cadres.col.status',
        sortable: true,
        render: (r) => h('span', { class: ['badge', r.status === 'active' ? 'badge-ok' : 'badge-muted'] }, t(`personnel.status.${r.status}`)),
      },
    ],
    actions: fileReader
      ? (r) => [
          h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => openFile(r) }, t('personnel.file.open')),
          admin ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => openEdit(r) }, t('personnel.cadres.edit')) : '',
          admin && r.leadership && r.status === 'active'
            ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => openLink(r) }, t('personnel.cadres.link'))
            : '',
          admin && r.status === 'active' && (links.get(r.id) || {}).community
            ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => printCard(r) }, t('personnel.cards.print'))
            : '',
          countyAdmin && r.status !== 'transferred'
            ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => openTransfer(r) }, t('personnel.transfer.open'))
            : '',
        ]
      : undefined,
    empty: admin ? 'personnel.cadres.emptyAdmin' : 'personnel.cadres.empty',
    load: async ({ cursor, signal }) => {
      if (!cursor) await loadLinks(signal);
      const res = await get(base, { cursor, limit: 200 }, { signal });
      return { items: (res && res.items) || [], next: res && res.next };
    },
  });

  if (admin) {
    ctx.actions.append(
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: printCards }, t('personnel.cards.printAll')),
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => openEdit(null) }, t('personnel.cadres.add')),
    );
  }

  async function printCards() {
    try {
      await download(`towns/${town}/cards`, null, t('personnel.cards.fileAll'), { signal: ctx.signal });
    } catch (err) {
      toast(errorMessage(err), { kind: 'error' });
    }
  }
  async function printCard(row) {
    try {
      await download(`${base}/${row.id}/card`, null, t('personnel.cards.fileOne', { name: row.name }), { signal: ctx.signal });
    } catch (err) {
      toast(errorMessage(err), { kind: 'error' });
    }
  }
  mount(ctx.root, h('p', { class: 'lead' }, t('personnel.cadres.lead', { town: ctx.townName, year })), table.el);

  // 调动: the county moves a cadre to another town; they keep their id and their personal
  // file follows them, and here they become 已调离.
  function openTransfer(row) {
    let dlg;
    const targets = session.towns().filter((tw) => tw.code !== town && tw.status !== 'archived');
    const form = createForm({
      fields: [
        {
          name: 'town',
          label: 'personnel.transfer.town',
          type: 'select',
          required: true,
          options: targets.map((tw) => ({ value: tw.code, text: tw.name || tw.code })),
        },
        { name: 'reason', label: 'personnel.transfer.reason', type: 'textarea', required: true, maxlength: 200 },
      ],
      submitLabel: 'personnel.transfer.submit',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v, { idempotencyKey }) => post(`${base}/${row.id}/transfer`, { town: v.town, reason: v.reason }, { idempotencyKey }),
      onSuccess: (res, v) => {
        const to = session.townName(v.town) || v.town;
        mount(
          box,
          h(
            'div',
            { role: 'status' },
            h('p', null, t('personnel.transfer.done', { name: row.name, from: ctx.townName, to })),
            h('p', null, t('personnel.transfer.fileFollows', { name: row.name })),
            h('p', null, h('span', { class: 'badge badge-muted' }, t(`personnel.status.${res ? res.status : 'transferred'}`))),
            h('button', { type: 'button', class: 'btn btn-primary', onclick: () => dlg.close() }, t('personnel.transfer.close')),
          ),
        );
        table.reload();
      },
    });
    const box = h('div', null, h('p', null, t('personnel.transfer.intro', { name: row.name, town: ctx.townName })), form.el);
    dlg = openDialog({ title: t('personnel.transfer.title', { name: row.name }), content: box });
    form.focus();
  }

  function openEdit(row) {
    let dlg;
    const form = createForm({
      id: row ? undefined : `cadre-add.${town}`,
      fields: [
        { name: 'name', label: 'personnel.cadres.field.name', required: true, maxlength: 60 },
        { name: 'unit', label: 'personnel.cadres.field.unit', maxlength: 60 },
        { name: 'post', label: 'personnel.cadres.field.post', maxlength: 60 },
        // The masked number is not sent back: a change needs the whole new number.
        { name: 'phone', label: 'personnel.cadres.field.phone', type: 'tel', required: !row, maxlength: 20, noDraft: true, hint: row ? 'personnel.cadres.field.phoneHint' : undefined },
        { name: 'leadership', label: 'personnel.cadres.field.leadership', type: 'checkbox' },
        row && {
          name: 'status',
          label: 'personnel.cadres.field.status',
          type: 'select',
          options: STATUSES.map((s) => ({ value: s, label: `personnel.status.${s}` })),
        },
      ].filter(Boolean),
      values: row ? { name: row.name, unit: row.unit, post: row.post, leadership: row.leadership, status: row.status } : {},
      keepValues: Boolean(row),
      submitLabel: row ? 'common.save' : 'personnel.cadres.add',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v, { idempotencyKey }) => {
        const body = { name: v.name, unit: v.unit || '', post: v.post || '', leadership: Boolean(v.leadership) };
        if (v.phone) body.phone = v.phone;
        if (!row) return post(base, body, { idempotencyKey });
        body.status = v.status;
        return patch(`${base}/${row.id}`, body);
      },
      onSuccess: (res, v) => {
        dlg.close();
        toast(t(row ? 'personnel.cadres.saved' : 'personnel.cadres.added', { name: v.name }));
        table.reload();
      },
    });
    dlg = openDialog({ title: t(row ? 'personnel.cadres.edit' : 'personnel.cadres.add'), content: form.el });
    form.focus();
  }

  function openLink(row) {
    let dlg;
    const current = links.get(row.id);
    const linked = current && current.community;
    const form = createForm({
      fields: linked
        ? [{ name: 'reason', label: 'personnel.cadres.field.reason', type: 'textarea', required: true, maxlength: 200 }]
        : [
            {
              name: 'community',
              label: 'personnel.cadres.field.community',
              type: 'select',
              required: true,
              options: communities.map((c) => ({ value: c.code, text: c.name })),
            },
          ],
      submitLabel: linked ? 'personnel.cadres.endLink' : 'personnel.cadres.link',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v) => {
        const path = `${base}/${row.id}/assignments/${year}`;
        return linked ? post(`${path}/end`, { reason: v.reason }) : put(path, { community: v.community });
      },
      onSuccess: () => {
        dlg.close();
        toast(t(linked ? 'personnel.cadres.ended' : 'personnel.cadres.linked', { name: row.name }));
        table.reload();
      },
    });
    const intro = linked
      ? h('p', null, t('personnel.cadres.linkedTo', { name: row.name, community: current.communityName, year }))
      : h('p', null, t('personnel.cadres.linkRule', { year }));
    dlg = openDialog({ title: t('personnel.cadres.link'), content: h('div', null, intro, form.el) });
    form.focus();
  }

  async function openFile(row) {
    let file;
    try {
      file = await get(`${base}/${row.id}/file`, null, { signal: ctx.signal });
    } catch (err) {
      toast(errorMessage(err), { kind: 'error' });
      return;
    }
    const items = file.entries.length
      ? h('ul', null, ...file.entries.map((e) => h('li', null, `${formatDateTime(e.at)} · ${t(`personnel.file.kind.${e.kind}`)} · ${e.summary}`)))
      : h('p', { class: 'empty' }, t('personnel.file.empty'));
    const exportButton = h('button', {
      type: 'button',
      class: 'btn btn-secondary',
      onclick: () => download(`${base}/${row.id}/file/export`, null, t('personnel.file.fileName', { name: row.name })).catch((err) => toast(errorMessage(err), { kind: 'error' })),
    }, t('personnel.file.export'));
    openDialog({ title: t('personnel.file.title', { name: row.name }), content: h('div', null, items, exportButton), wide: true });
  }
}
