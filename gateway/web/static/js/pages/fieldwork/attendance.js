// 考勤表: a community's monthly attendance sheet (S6), counted from the cadres' stays. The town
// office generates it; the community's branch secretary confirms it — after which it and the
// month's stays are locked — or disputes it with a comment, and the office regenerates it.

import { h, mount } from '../../ui/dom.js';
import { createForm } from '../../ui/form.js';
import { openDialog } from '../../ui/dialog.js';
import { toast } from '../../ui/toast.js';
import { navigate } from '../../router.js';
import { get, post } from '../../api.js';
import { t } from '../../i18n.js';
import { beijingToday, formatDate, formatMonth } from '../../format.js';
import { BRANCH_SECRETARY, COUNTY_ADMIN, TOWN_ADMIN } from '../../roles.js';

export const title = 'fieldwork.attendance.title';

const STATUS_BADGE = { pending: 'badge-warn', confirmed: 'badge-ok', disputed: 'badge-overdue' };

export async function render(ctx) {
  const base = `towns/${ctx.town}`;
  const secretary = ctx.role === BRANCH_SECRETARY;
  const communities = secretary ? { items: [] } : await get(`${base}/communities`, { limit: 500 }, { signal: ctx.signal });
  const community = secretary ? ctx.account.community : ctx.query.community || (communities.items || [])[0]?.code;
  if (!community) {
    mount(ctx.root, h('p', { class: 'empty' }, t('fieldwork.attendance.noCommunity')));
    return;
  }
  const [sheets, cadres] = await Promise.all([
    get(`${base}/attendance-sheets`, { community }, { signal: ctx.signal }),
    // Names from personnel where the role may list cadres; the id otherwise.
    get(`${base}/cadres`, { limit: 500 }, { signal: ctx.signal }).catch(() => ({ items: [] })),
  ]);
  const cadreName = new Map((cadres.items || []).map((c) => [c.id, c.name]));

  const parts = [];
  if (!secretary) parts.push(picker());
  if (ctx.can(COUNTY_ADMIN, TOWN_ADMIN)) parts.push(generator());
  const items = sheets.items || [];
  parts.push(items.length ? items.map(sheetCard) : h('p', { class: 'empty' }, t('fieldwork.attendance.empty')));
  mount(ctx.root, ...parts);

  function picker() {
    const sel = h(
      'select',
      { id: 'fw-att-community', onchange: () => navigate('/attendance', { community: sel.value }) },
      (communities.items || []).map((c) => h('option', { value: c.code, selected: c.code === community }, c.name)),
    );
    return h('section', { class: 'card' }, h('label', { for: 'fw-att-community' }, t('fieldwork.attendance.community')), sel);
  }

  function generator() {
    const form = createForm({
      id: `fw-attendance-${community}`,
      fields: [{ name: 'month', label: 'fieldwork.attendance.month', type: 'month', required: true }],
      values: { month: beijingToday().slice(0, 7) },
      submitLabel: 'fieldwork.attendance.generate',
      keepValues: true,
      onSubmit: (v) => post(`${base}/attendance-sheets`, { community, month: v.month }),
      onSuccess: () => {
        toast(t('fieldwork.attendance.generated'));
        ctx.refresh();
      },
    });
    return h('section', { class: 'card' }, form.el);
  }

  function sheetCard(s) {
    const rows = s.rows || [];
    return h(
      'section',
      { class: 'card' },
      h('h2', null, formatMonth(s.month), ' ', h('span', { class: `badge ${STATUS_BADGE[s.status] || ''}` }, t(`fieldwork.attendance.status.${s.status}`))),
      s.comment ? h('p', { class: 'muted' }, t('fieldwork.attendance.comment', { comment: s.comment })) : '',
      rows.length
        ? h(
            'table',
            { class: 'data-table' },
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('fieldwork.attendance.col.cadre')), h('th', { scope: 'col' }, t('fieldwork.attendance.col.count')), h('th', { scope: 'col' }, t('fieldwork.attendance.col.days')))),
            h(
              'tbody',
              null,
              rows.map((r) =>
                h(
                  'tr',
                  null,
                  h('td', { 'data-label': t('fieldwork.attendance.col.cadre') }, cadreName.get(r.cadre) || r.cadre),
                  h('td', { 'data-label': t('fieldwork.attendance.col.count') }, String(r.count)),
                  h('td', { 'data-label': t('fieldwork.attendance.col.days') }, (r.days || []).map(formatDate).join(t('common.listSep'))),
                ),
              ),
            ),
          )
        : h('p', { class: 'empty' }, t('fieldwork.attendance.noStays')),
      secretary && s.status === 'pending'
        ? h(
            'div',
            { class: 'form-actions' },
            h('button', { type: 'button', class: 'btn btn-primary', onclick: () => decide(s, 'confirm') }, t('fieldwork.attendance.confirm')),
            h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => decide(s, 'dispute') }, t('fieldwork.attendance.dispute')),
          )
        : '',
    );
  }

  function decide(s, action) {
    let dlg;
    const form = createForm({
      id: `fw-${action}-${s.id}`,
      fields: [{ name: 'comment', label: 'fieldwork.attendance.field.comment', type: 'textarea', required: action === 'dispute', maxlength: 500 }],
      submitLabel: action === 'confirm' ? 'fieldwork.attendance.confirm' : 'fieldwork.attendance.dispute',
      onSubmit: (v) => post(`${base}/attendance-sheets/${s.id}/${action}`, { comment: v.comment }),
      onSuccess: () => {
        dlg.close();
        toast(t(action === 'confirm' ? 'fieldwork.attendance.confirmed' : 'fieldwork.attendance.disputed'));
        ctx.refresh();
      },
    });
    dlg = openDialog({
      title: t(action === 'confirm' ? 'fieldwork.attendance.confirmTitle' : 'fieldwork.attendance.disputeTitle', { month: formatMonth(s.month) }),
      content: h('div', null, action === 'confirm' ? h('p', null, t('fieldwork.attendance.lockNote')) : '', form.el),
    });
  }
}
