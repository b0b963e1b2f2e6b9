// 全县概览: the first page of the county comparison — each town with its communities, from
// reporting's projection (GET /api/v1/county/comparison). No ranking: sorted by town code.

import { h, mount } from '../ui/dom.js';
import { createTable } from '../ui/table.js';
import { get } from '../api.js';
import { t } from '../i18n.js';
import { formatDateTime, formatNumber } from '../format.js';
import * as session from '../session.js';
import { navigate } from '../router.js';

export const title = 'overview.title';

export async function render(ctx) {
  const table = createTable({
    caption: 'overview.caption',
    signal: ctx.signal,
    search: { label: 'overview.search', text: (r) => `${r.name} ${r.town}` },
    sort: { key: 'town', dir: 'asc' },
    columns: [
      { key: 'name', label: 'overview.col.name', primary: true, sortable: true, render: (r) => townLink(r) },
      { key: 'town', label: 'overview.col.code', sortable: true, nowrap: true, render: (r) => h('span', { class: 'code' }, r.town) },
      { key: 'communities', label: 'overview.col.communities', sortable: true, align: 'end', render: (r) => formatNumber(r.communities) },
      { key: 'updatedAt', label: 'overview.col.updatedAt', sortable: true, nowrap: true, render: (r) => formatDateTime(r.updatedAt) },
    ],
    empty: 'overview.empty',
    load: async ({ signal }) => {
      const res = await get('county/comparison', null, { signal });
      return { items: (res && res.towns) || [], next: '' };
    },
  });
  mount(ctx.root, h('p', { class: 'lead' }, t('overview.lead')), table.el);
}

function townLink(row) {
  return h(
    'button',
    {
      type: 'button',
      class: 'btn-link',
      title: t('overview.openTown'),
      onclick: () => {
        session.setTown(row.town, { quiet: true });
        navigate('/communities');
      },
    },
    row.name || row.town,
  );
}
