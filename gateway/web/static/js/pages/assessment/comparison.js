// 考核结果对比 (D4): the county's inspectors compare towns and cadres on the finalised year-end
// results — grade counts and a ten-point score histogram per town. Towns stay in code order
// and are never ranked; a town's cadres are listed by score only where the town's settings
// show rankings (off by default: national rules discourage league tables).

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { openDialog } from '../../ui/dialog.js';
import { get } from '../../api.js';
import { t } from '../../i18n.js';
import { formatNumber } from '../../format.js';
import * as session from '../../session.js';

export const title = 'assessment.comparison.title';

const GRADES = ['excellent', 'competent', 'basic', 'incompetent'];

// histogram draws ten-point bins as native meters (no inline styles under the CSP).
function histogram(d, caption) {
  const top = Math.max(1, ...d.histogram);
  return h(
    'table',
    { class: 'table' },
    h('caption', null, caption),
    h('thead', null, h('tr', null, h('th', null, t('assessment.comparison.col.bin')), h('th', null, t('assessment.comparison.col.cadres')))),
    h(
      'tbody',
      null,
      d.histogram.map((n, i) =>
        h(
          'tr',
          null,
          h('td', null, t('assessment.comparison.bin', { from: i * 10, to: i === 9 ? 100 : i * 10 + 9 })),
          h('td', null, h('meter', { min: 0, max: top, value: n, 'aria-hidden': 'true' }), ' ', formatNumber(n)),
        ),
      ),
    ),
  );
}

function grades(d) {
  return h('p', null, GRADES.map((g) => t('assessment.comparison.gradeCount', { grade: t(`assessment.grade.${g}`), count: d.grades[g] || 0 })).join('　'));
}

export async function render(ctx) {
  const res = await get(`county/assessment-comparison/${ctx.year}`, null, { signal: ctx.signal });
  const county = res.county;
  const table = createTable({
    caption: 'assessment.comparison.towns',
    signal: ctx.signal,
    columns: [
      { key: 'town', label: 'assessment.comparison.col.town', primary: true, render: (r) => session.townName(r.town) || r.town },
      { key: 'count', label: 'assessment.comparison.col.count', align: 'end', render: (r) => formatNumber(r.count) },
      ...GRADES.map((g) => ({ key: g, label: `assessment.grade.${g}`, align: 'end', render: (r) => formatNumber(r.grades[g] || 0) })),
    ],
    actions: (r) => [h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => openTown(r) }, t('assessment.comparison.open'))],
    empty: 'assessment.comparison.empty',
    rows: res.towns,
  });
  mount(
    ctx.root,
    h('p', { class: 'lead' }, t('assessment.comparison.lead', { year: ctx.year })),
    h('h2', null, t('assessment.comparison.county', { count: county.count })),
    grades(county),
    histogram(county, t('assessment.comparison.histogram')),
    table.el,
  );

  function openTown(r) {
    const cadres = r.rankingsShown
      ? h(
          'ol',
          null,
          (r.cadres || []).map((c) => h('li', null, t('assessment.comparison.cadre', { name: c.name || c.cadre, grade: t(`assessment.grade.${c.grade}`), score: formatNumber(c.score) }))),
        )
      : h('p', { class: 'empty' }, t('assessment.comparison.noRanking'));
    openDialog({
      title: session.townName(r.town) || r.town,
      wide: true,
      content: h('div', null, grades(r), histogram(r, t('assessment.comparison.histogram')), h('h3', null, t('assessment.comparison.cadres')), cadres),
    });
  }
}
