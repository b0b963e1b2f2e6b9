// 月度概况: one town's month, added up from its cadres to its communities — monthly reports
// handed in and on time, stationing days (O3), one-links-five lists, logs, diaries, opinions
// handled and key backlog cases resolved. A community opens its cadres; a cadre opens the
// town's monthly reports. Rows stay in code order: no ranking.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { get } from '../../api.js';
import { t } from '../../i18n.js';
import { beijingToday, formatMonth, formatNumber } from '../../format.js';
import { navigate } from '../../router.js';
import { errorBanner } from '../../ui/banner.js';

export const title = 'reporting.months.title';

function previousMonth() {
  const [y, m] = beijingToday().split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 2, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

const share = (n, of) => (of > 0 ? `${formatNumber(n)} / ${formatNumber(of)}（${Math.round((100 * n) / of)}%）` : formatNumber(n));

// The figures every level shows, after its own name column.
const figureColumns = [
  { key: 'cadres', label: 'reporting.comparison.col.cadres', align: 'end', render: (r) => formatNumber(r.cadres) },
  { key: 'reportsSubmitted', label: 'reporting.comparison.col.submitted', render: (r) => share(r.reportsSubmitted, r.cadres) },
  { key: 'reportsOnTime', label: 'reporting.comparison.col.onTime', render: (r) => share(r.reportsOnTime, r.cadres) },
  { key: 'stationingCompliant', label: 'reporting.months.col.stationing', render: (r) => share(r.stationingCompliant, r.cadres) },
  { key: 'daysPresent', label: 'reporting.figures.daysPresent', align: 'end', render: (r) => formatNumber(r.daysPresent) },
  { key: 'contactListsComplete', label: 'reporting.comparison.col.lists', render: (r) => share(r.contactListsComplete, r.cadres) },
  { key: 'logs', label: 'reporting.figures.logs', align: 'end', render: (r) => formatNumber(r.logs) },
  { key: 'diaries', label: 'reporting.figures.diaries', align: 'end', render: (r) => formatNumber(r.diaries) },
  { key: 'opinionsHandled', label: 'reporting.figures.opinionsHandled', align: 'end', render: (r) => formatNumber(r.opinionsHandled) },
  { key: 'backlogCasesResolved', label: 'reporting.months.col.backlog', align: 'end', render: (r) => formatNumber(r.backlogCasesResolved) },
];

export async function render(ctx) {
  const month = /^\d{4}-\d{2}$/.test(ctx.query.month || '') ? ctx.query.month : previousMonth();
  const picker = h('input', { type: 'month', value: month, class: 'input', 'aria-label': t('reporting.reports.month') });
  picker.addEventListener('change', () => picker.value && navigate('/town-month', { month: picker.value }));
  const body = h('div', null, h('p', { class: 'muted' }, t('common.loading')));
  mount(
    ctx.root,
    h('div', { class: 'toolbar-field' }, h('label', { class: 'field-label' }, t('reporting.reports.month')), picker),
    h('p', { class: 'lead' }, t('reporting.months.lead', { town: ctx.townName, month: formatMonth(month) })),
    body,
  );
  let tm;
  try {
    tm = await get(`towns/${ctx.town}/months/${month}`, null, { signal: ctx.signal });
  } catch (err) {
    if (err && err.name === 'AbortError') return;
    mount(body, errorBanner(err));
    return;
  }
  const members = h('section', { 'aria-live': 'polite' });
  const openCommunity = (c) => {
    const table = createTable({
      caption: 'reporting.months.cadres',
      rows: c.members,
      columns: [
        {
          key: 'name',
          label: 'reporting.col.cadre',
          primary: true,
          render: (r) => h('button', { type: 'button', class: 'btn-link', onclick: () => navigate('/reports', { month }) }, r.name || r.cadre),
        },
        ...figureColumns.filter((col) => col.key !== 'cadres' && col.key !== 'backlogCasesResolved'),
      ],
      empty: 'reporting.months.noCadres',
    });
    mount(members, h('h2', null, t('reporting.months.cadresOf', { community: communityName(c) })), table.el);
    members.scrollIntoView({ block: 'nearest' });
  };
  const communities = createTable({
    caption: 'reporting.months.communities',
    rows: [{ ...tm, community: null, members: [] }, ...tm.communities],
    columns: [
      {
        key: 'community',
        label: 'reporting.months.col.community',
        primary: true,
        render: (r) =>
          r.community === null
            ? h('strong', null, t('reporting.months.total'))
            : h('button', { type: 'button', class: 'btn-link', onclick: () => openCommunity(r) }, communityName(r)),
      },
      ...figureColumns,
    ],
    empty: 'reporting.months.empty',
  });
  mount(body, communities.el, members);
}

function communityName(c) {
  if (!c.community) return t('reporting.months.unlinked');
  return c.name || c.community;
}
