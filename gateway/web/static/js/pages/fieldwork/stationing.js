// 蹲点天数: the town office's view of every cadre's stationing days in a month (O3: at least
// the programme's minimum a month) and of the first stay (O4: by 30 April), counted by the
// fieldwork service from the recorded stays.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { get } from '../../api.js';
import { t } from '../../i18n.js';
import { beijingToday, formatDate, formatMonth } from '../../format.js';

export const title = 'fieldwork.stationing.title';

export async function render(ctx) {
  const base = `towns/${ctx.town}`;
  const current = beijingToday().slice(0, 7);
  const months = [];
  for (let i = 0; i < 12; i++) {
    const [y, m] = current.split('-').map(Number);
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    months.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  const table = createTable({
    caption: 'fieldwork.stationing.title',
    signal: ctx.signal,
    filters: [{ name: 'month', label: 'fieldwork.attendance.month', value: current, noAll: true, options: months.map((m) => ({ value: m, text: formatMonth(m) })) }],
    search: { label: 'fieldwork.stationing.search', text: (r) => r.name },
    sort: { key: 'count', dir: 'asc' },
    columns: [
      { key: 'name', label: 'fieldwork.logs.col.cadre', primary: true, sortable: true },
      { key: 'count', label: 'fieldwork.attendance.col.count', align: 'end', sortable: true },
      {
        key: 'met',
        label: 'fieldwork.stationing.col.met',
        render: (r) => h('span', { class: `badge ${r.meetsMinimum ? 'badge-ok' : 'badge-warn'}` }, t(r.meetsMinimum ? 'fieldwork.today.met' : 'fieldwork.today.notMet')),
      },
      {
        key: 'firstStay',
        label: 'fieldwork.stationing.col.firstStay',
        render: (r) => {
          const fs = r.firstStay || {};
          if (fs.day) return h('span', { class: fs.onTime ? '' : 'badge badge-overdue' }, formatDate(fs.day));
          return h('span', { class: `badge ${fs.overdue ? 'badge-overdue' : 'badge-muted'}` }, t(fs.overdue ? 'fieldwork.stationing.overdue' : 'fieldwork.stationing.notYet'));
        },
      },
    ],
    load: async ({ filters, signal }) => {
      const month = filters.month || current;
      const cadres = await get(`${base}/cadres`, { limit: 500 }, { signal });
      const rows = await Promise.all(
        (cadres.items || [])
          .filter((c) => c.status !== 'transferred')
          .map(async (c) => ({ name: c.name, ...(await get(`${base}/stays/months/${month}`, { cadre: c.id }, { signal })) })),
      );
      return { items: rows };
    },
    empty: 'fieldwork.stationing.empty',
  });
  mount(ctx.root, h('p', { class: 'muted' }, t('fieldwork.stationing.hint')), table.el);
}
