// 乡镇对比 (D4): towns side by side on one month — cadres, monthly reports handed in, on time
// and approved, one-links-five lists complete and forwarded — and the county's trend over the
// twelve months up to it, as a chart with its table one click away. No league table unless
// the county allows one: towns stay in code order and the figures are not ranked (national
// rules discourage ranking); where the county administrator allows it, the columns sort. A
// town opens its month (town → community → cadre).

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { get, put } from '../../api.js';
import { t } from '../../i18n.js';
import { beijingToday, formatDateTime, formatMonth, formatNumber } from '../../format.js';
import { navigate } from '../../router.js';
import * as session from '../../session.js';
import { errorBanner } from '../../ui/banner.js';
import { lineChart } from './chart.js';
import { COUNTY_ADMIN } from '../../roles.js';

export const title = 'reporting.comparison.title';

function previousMonth() {
  const [y, m] = beijingToday().split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 2, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

const rate = (n, of) => (of > 0 ? `${formatNumber(n)} / ${formatNumber(of)}（${Math.round((100 * n) / of)}%）` : formatNumber(n));
const share = (n, of) => (of > 0 ? n / of : -1);

export async function render(ctx) {
  const month = /^\d{4}-\d{2}$/.test(ctx.query.month || '') ? ctx.query.month : previousMonth();
  const picker = h('input', { type: 'month', value: month, class: 'input', 'aria-label': t('reporting.reports.month') });
  picker.addEventListener('change', () => picker.value && navigate('/comparison', { month: picker.value }));
  const open = (r) => {
    session.setTown(r.town, { quiet: true });
    navigate('/town-month', { month });
  };
  // The county decides whether the towns may be put in order by a figure (a league table).
  const { rankingsShown: ranked } = await get('county/comparison/settings', null, { signal: ctx.signal });
  const table = createTable({
    caption: 'reporting.comparison.title',
    signal: ctx.signal,
    columns: [
      { key: 'name', label: 'reporting.comparison.col.town', primary: true, render: (r) => h('button', { type: 'button', class: 'btn-link', onclick: () => open(r) }, r.name || r.town) },
      { key: 'communities', label: 'reporting.comparison.col.communities', align: 'end', sortable: ranked, render: (r) => formatNumber(r.communities) },
      { key: 'cadres', label: 'reporting.comparison.col.cadres', align: 'end', sortable: ranked, render: (r) => formatNumber(r.cadres) },
      { key: 'reportsSubmitted', label: 'reporting.comparison.col.submitted', sortable: ranked, value: (r) => share(r.reportsSubmitted, r.cadres), render: (r) => rate(r.reportsSubmitted, r.cadres) },
      { key: 'reportsOnTime', label: 'reporting.comparison.col.onTime', sortable: ranked, value: (r) => share(r.reportsOnTime, r.reportsSubmitted), render: (r) => rate(r.reportsOnTime, r.reportsSubmitted) },
      { key: 'reportsApproved', label: 'reporting.comparison.col.approved', align: 'end', sortable: ranked, render: (r) => formatNumber(r.reportsApproved) },
      { key: 'contactListsComplete', label: 'reporting.comparison.col.lists', sortable: ranked, value: (r) => share(r.contactListsComplete, r.cadres), render: (r) => rate(r.contactListsComplete, r.cadres) },
      { key: 'contactListsForwardedAt', label: 'reporting.comparison.col.forwarded', nowrap: true, render: (r) => (r.contactListsForwardedAt ? formatDateTime(r.contactListsForwardedAt) : t('reporting.comparison.notForwarded')) },
    ],
    empty: 'reporting.comparison.empty',
    exportUrl: () => ({ path: 'county/comparison/export', query: { month }, filename: `county-comparison-${month}.xlsx` }),
    load: async ({ signal }) => {
      const res = await get('county/comparison', { month }, { signal });
      return { items: (res && res.towns) || [] };
    },
  });
  mount(
    ctx.root,
    h('div', { class: 'toolbar-field' }, h('label', { class: 'field-label' }, t('reporting.reports.month')), picker),
    h('p', { class: 'lead' }, t(ranked ? 'reporting.comparison.leadRanked' : 'reporting.comparison.lead')),
    ctx.role === COUNTY_ADMIN ? rankingSwitch(ctx, ranked) : '',
    table.el,
    trend(ctx, month),
  );
}

/** The county administrator's switch for league tables, with what it means. */
function rankingSwitch(ctx, ranked) {
  const box = h('input', { type: 'checkbox', id: 'rankings-shown', checked: ranked });
  box.addEventListener('change', async () => {
    box.disabled = true;
    try {
      await put('county/comparison/settings', { rankingsShown: box.checked });
      ctx.refresh();
    } catch (err) {
      box.checked = !box.checked;
      box.disabled = false;
      ctx.root.prepend(errorBanner(err));
    }
  });
  return h(
    'div',
    { class: 'toolbar-field' },
    h('label', { class: 'check' }, box, ' ', t('reporting.comparison.rankings')),
    h('p', { class: 'field-hint' }, t('reporting.comparison.rankingsHint')),
  );
}

/** The rates the trend draws, as the API names them (rollup.Rates). */
export const RATES = ['reporting', 'timeliness', 'stationing', 'contactLists'];

const percent = (v) => (v === null || v === undefined ? '—' : `${v}%`);

// trend is the county's months up to month: a chart of the rates, and the table behind it.
function trend(ctx, month) {
  const body = h('div', null, h('p', { class: 'muted' }, t('common.loading')));
  const section = h('section', { class: 'card', 'aria-labelledby': 'trend-title' }, h('h2', { id: 'trend-title' }, t('reporting.trend.title')), body);
  get('county/comparison/trend', { to: month }, { signal: ctx.signal })
    .then((res) => {
      const months = (res && res.months) || [];
      const chart = lineChart({
        label: t('reporting.trend.title'),
        labels: months.map((m) => formatMonth(m.month)),
        series: RATES.map((k) => ({ label: t(`reporting.trend.rate.${k}`), values: months.map((m) => m.rates[k]) })),
      });
      const table = createTable({
        caption: 'reporting.trend.table',
        rows: months,
        columns: [
          { key: 'month', label: 'reporting.trend.col.month', primary: true, render: (m) => formatMonth(m.month) },
          { key: 'cadres', label: 'reporting.comparison.col.cadres', align: 'end', render: (m) => formatNumber(m.cadres) },
          ...RATES.map((k) => ({ key: k, label: `reporting.trend.rate.${k}`, align: 'end', render: (m) => percent(m.rates[k]) })),
          { key: 'backlogCasesResolved', label: 'reporting.months.col.backlog', align: 'end', render: (m) => formatNumber(m.backlogCasesResolved) },
        ],
        empty: 'reporting.comparison.empty',
      });
      table.el.hidden = true;
      const toggle = h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-expanded': 'false' }, t('reporting.trend.showTable'));
      toggle.addEventListener('click', () => {
        const showTable = table.el.hidden;
        table.el.hidden = !showTable;
        chart.hidden = showTable;
        toggle.setAttribute('aria-expanded', String(showTable));
        toggle.textContent = t(showTable ? 'reporting.trend.showChart' : 'reporting.trend.showTable');
      });
      mount(body, h('p', { class: 'lead' }, t('reporting.trend.lead')), toggle, chart, table.el);
    })
    .catch((err) => {
      if (err && err.name === 'AbortError') return;
      mount(body, errorBanner(err));
    });
  return section;
}
