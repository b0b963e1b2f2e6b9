// 操作日志: every change made through the gateway — who, in which role, what, on what, with
// what result, when. A town's log for its office; the county organisation department also
// sees the county-level log (towns, calendar, county accounts).

import { h, mount } from '../ui/dom.js';
import { createTable } from '../ui/table.js';
import { get } from '../api.js';
import { has, t } from '../i18n.js';
import { formatDateTime } from '../format.js';
import { COUNTY_ADMIN } from '../roles.js';
import * as session from '../session.js';

export const title = 'audit.title';

const PAGE = 50;
const COUNTY_LOG = 'county';

export async function render(ctx) {
  const countyAdmin = ctx.can(COUNTY_ADMIN);
  const ownTown = countyAdmin ? ctx.town : ctx.account.town;

  const scopes = countyAdmin
    ? [{ value: COUNTY_LOG, label: 'audit.countyLog' }, ...session.towns().map((tw) => ({ value: tw.code, text: tw.name }))]
    : null;

  const table = createTable({
    caption: 'audit.caption',
    signal: ctx.signal,
    search: { label: 'audit.search', text: (r) => `${r.name || ''} ${actionName(r)} ${targetText(r)}` },
    filters: scopes ? [{ name: 'scope', label: 'audit.scope', options: scopes, value: ownTown || COUNTY_LOG, noAll: true }] : [],
    columns: [
      { key: 'at', label: 'audit.col.at', sortable: true, nowrap: true, render: (r) => formatDateTime(r.at) },
      { key: 'name', label: 'audit.col.actor', primary: true, sortable: true, render: actorOf },
      { key: 'action', label: 'audit.col.action', sortable: true, value: actionName, render: actionName },
      { key: 'target', label: 'audit.col.target', render: targetText },
      { key: 'result', label: 'audit.col.result', sortable: true, render: resultBadge },
    ],
    empty: 'audit.empty',
    load: async ({ cursor, filters, signal }) => {
      const scope = countyAdmin ? filters.scope || COUNTY_LOG : ownTown;
      const path = scope === COUNTY_LOG ? 'audit' : `towns/${scope}/audit`;
      const res = await get(path, { limit: PAGE, cursor }, { signal });
      return { items: (res && res.items) || [], next: res && res.next };
    },
  });

  mount(ctx.root, h('p', { class: 'lead' }, t('audit.lead')), table.el);

  // Accounts are named, not numbered: the accounts this administrator manages give the names.
  get('accounts', { town: countyAdmin ? '' : ownTown }, { signal: ctx.signal })
    .then((res) => {
      for (const a of (res && res.items) || []) accountNames.set(a.id, a.displayName || a.username);
      table.redraw();
    })
    .catch(() => {}); // ids stay readable without the names
}

const accountNames = new Map();

function actorOf(r) {
  const role = r.role ? t(`role.${r.role}`) : '';
  return h('span', null, r.name || t('audit.system'), role ? h('span', { class: 'muted' }, ` · ${role}`) : null);
}

/** The action in words: the route's operation from the catalogue, else its method and path. */
function actionName(r) {
  const key = `audit.action.${r.action}`;
  return has(key) ? t(key) : `${r.method || ''} ${r.path || r.action || ''}`.trim();
}

function targetText(r) {
  const target = r.target || {};
  const parts = [];
  if (target.town) parts.push(t('audit.target.town', { name: session.townName(target.town) }));
  for (const [k, v] of Object.entries(target)) {
    if (k === 'town') continue;
    const value = k === 'account' ? accountNames.get(v) || v : v;
    parts.push(has(`audit.target.${k}`) ? t(`audit.target.${k}`, { value }) : `${k}: ${v}`);
  }
  return parts.join(t('common.listSep'));
}

function resultBadge(r) {
  const s = Number(r.result) || 0;
  if (s >= 200 && s < 400) return h('span', { class: 'badge badge-ok' }, t('audit.result.ok'));
  if (s === 401 || s === 403) return h('span', { class: 'badge badge-warn' }, t('audit.result.denied', { status: s }));
  if (s >= 400 && s < 500) return h('span', { class: 'badge badge-warn' }, t('audit.result.refused', { status: s }));
  return h('span', { class: 'badge badge-error' }, t('audit.result.failed', { status: s }));
}
