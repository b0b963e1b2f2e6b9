// 信访工作统计 (T4, T6): open cases by age, what is overdue, backlog cases resolved in the year
// and how fast opinions are answered, for the programme year in the top bar. County roles
// start with the towns side by side; a town opens its communities, a community its cadres.
// Rows stay in code order: no league table.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { get } from '../../api.js';
import { t } from '../../i18n.js';
import { formatDateTime, formatNumber } from '../../format.js';
import { navigate } from '../../router.js';
import * as session from '../../session.js';
import { COUNTY_ADMIN, COUNTY_INSPECTOR } from '../../roles.js';

export const title = 'petitions.overview.title';

const PATH = '/petitions-overview';

const hours = (v) => (v === null || v === undefined ? '—' : t('petitions.overview.hours', { n: formatNumber(v) }));

export async function render(ctx) {
  const county = ctx.can(COUNTY_ADMIN, COUNTY_INSPECTOR);
  const year = ctx.year;
  const community = /^\d{12}$/.test(ctx.query.community || '') ? ctx.query.community : '';
  const level = county && ctx.query.scope !== 'town' ? 'county' : community ? 'community' : 'town';
  if (level !== 'county' && !ctx.town) {
    navigate(PATH, {});
    return;
  }
  const base = level === 'county' ? 'county/petitions/overview' : `towns/${ctx.town}/petitions/overview`;
  const query = { year };
  if (community) query.community = community;
  const view = await get(base, query, { signal: ctx.signal });

  const go = (q) => navigate(PATH, q);
  const openRow = (r) => {
    if (level === 'county') {
      session.setTown(r.key, { quiet: true });
      go({ scope: 'town' });
    } else if (level === 'town') {
      go({ scope: 'town', community: r.key });
    }
  };
  const rowName = (r) => {
    if (level === 'community') return r.key ? r.name || r.key : t('petitions.overview.unassigned');
    const name = r.name ? `${r.name}（${r.key}）` : r.key;
    return h('button', { type: 'button', class: 'btn-link', onclick: () => openRow(r) }, name);
  };
  const n = (key) => (r) => formatNumber(r[key]);
  const overdue = (key) => (r) => (r[key] > 0 ? h('span', { class: 'badge badge-overdue' }, formatNumber(r[key])) : '0');
  // the service's buckets, labelled from the catalogue so the English console reads English
  const buckets = view.buckets.map((_, i) => ({
    key: `age${i}`,
    label: `petitions.overview.col.age.${i}`,
    align: 'end',
    sortable: true,
    value: (r) => r.byAge[i],
    render: (r) => formatNumber(r.byAge[i]),
  }));
  const table = createTable({
    caption: `petitions.overview.caption.${level}`,
    signal: ctx.signal,
    columns: [
      { key: 'name', label: `petitions.overview.col.${level}`, primary: true, value: (r) => r.key, render: rowName },
      { key: 'signs', label: 'petitions.overview.col.signs', align: 'end', sortable: true, render: n('signs') },
      { key: 'openCases', label: 'petitions.overview.col.openCases', align: 'end', sortable: true, render: n('openCases') },
      ...buckets,
      { key: 'backlogOpen', label: 'petitions.overview.col.backlogOpen', align: 'end', sortable: true, render: n('backlogOpen') },
      { key: 'backlogResolved', label: 'petitions.overview.col.backlogResolved', align: 'end', sortable: true, render: n('backlogResolved') },
      { key: 'overdueOpinions', label: 'petitions.overview.col.overdueOpinions', align: 'end', sortable: true, render: overdue('overdueOpinions') },
      { key: 'overdueTasks', label: 'petitions.overview.col.overdueTasks', align: 'end', sortable: true, render: overdue('overdueTasks') },
      { key: 'responded', label: 'petitions.overview.col.responded', align: 'end', render: (r) => `${formatNumber(r.responded)} / ${formatNumber(r.opinions)}` },
      { key: 'responseMedianHours', label: 'petitions.overview.col.median', align: 'end', sortable: true, render: (r) => hours(r.responseMedianHours) },
      { key: 'responseP90Hours', label: 'petitions.overview.col.p90', align: 'end', sortable: true, render: (r) => hours(r.responseP90Hours) },
    ],
    rows: view.rows,
    empty: `petitions.overview.empty.${level}`,
    exportUrl: () => ({ path: `${base}/export`, query, filename: `petitions-${community || (level === 'county' ? 'county' : ctx.town)}-${year}.xlsx` }),
  });

  const crumbs = [];
  if (county) crumbs.push(level === 'county' ? t('petitions.overview.county') : h('button', { type: 'button', class: 'btn-link', onclick: () => go({}) }, t('petitions.overview.county')));
  if (level !== 'county') {
    const name = view.townName || ctx.townName || ctx.town;
    crumbs.push(level === 'town' ? name : h('button', { type: 'button', class: 'btn-link', onclick: () => go({ scope: 'town' }) }, name));
  }
  if (level === 'community') crumbs.push(view.communityName || community);
  const nav = h('nav', { class: 'crumbs', 'aria-label': t('petitions.overview.path') }, crumbs.flatMap((c, i) => (i ? [' › ', c] : [c])));

  const total = view.total;
  const facts = [
    ['petitions.overview.col.openCases', formatNumber(total.openCases)],
    ['petitions.overview.col.signs', formatNumber(total.signs)],
    ['petitions.overview.col.backlogOpen', formatNumber(total.backlogOpen)],
    ['petitions.overview.col.backlogResolved', formatNumber(total.backlogResolved)],
    ['petitions.overview.col.overdueOpinions', formatNumber(total.overdueOpinions)],
    ['petitions.overview.col.overdueTasks', formatNumber(total.overdueTasks)],
    ['petitions.overview.col.responded', `${formatNumber(total.responded)} / ${formatNumber(total.opinions)}`],
    ['petitions.overview.col.median', hours(total.responseMedianHours)],
    ['petitions.overview.col.p90', hours(total.responseP90Hours)],
  ];

  mount(
    ctx.root,
    nav,
    h('p', { class: 'lead' }, t('petitions.overview.lead', { year, asOf: formatDateTime(view.asOf) })),
    h('section', { class: 'card' }, h('h2', null, t('petitions.overview.total')), h('dl', { class: 'facts' }, facts.flatMap(([k, v]) => [h('dt', null, t(k)), h('dd', null, v)]))),
    table.el,
  );
}
