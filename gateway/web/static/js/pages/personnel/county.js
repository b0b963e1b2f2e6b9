// 一联五汇总: the county's forwarding view — every town's one-links-five lists of the
// programme year (active cadres, lists handed in, accepted, late) and when the town office
// forwarded them to the county. Sortable; the server builds the Excel export.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { get } from '../../api.js';
import { t } from '../../i18n.js';
import { formatDateTime } from '../../format.js';
import * as session from '../../session.js';

export const title = 'personnel.county.title';

const ORDERS = ['town', 'late', 'pending', 'forwarded'];

/** The towns in the chosen order; ties keep the towns' code order. */
function ordered(items, order) {
  const byCode = [...items].sort((a, b) => (a.town < b.town ? -1 : a.town > b.town ? 1 : 0));
  const key = {
    late: (r) => -r.late,
    pending: (r) => -(r.cadres - r.accepted), // most lists still to accept first
    forwarded: (r) => (r.forwardedAt ? -Date.parse(r.forwardedAt) : Infinity), // latest first, then the waiting
  }[order];
  if (!key) return byCode;
  return byCode.map((r, i) => [key(r), i, r]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[2]);
}

export async function render(ctx) {
  const year = ctx.year;
  const path = `county/contact-lists/${year}`;
  const count = (key) => ({ key, label: `personnel.county.col.${key}`, sortable: true, align: 'end', nowrap: true });

  const table = createTable({
    caption: 'personnel.county.caption',
    signal: ctx.signal,
    search: { label: 'personnel.county.search', text: (r) => `${session.townName(r.town)} ${r.town}` },
    // The order is a filter too, so that it can be chosen on a phone, where the table is cards.
    filters: [
      {
        name: 'order',
        label: 'personnel.county.order.label',
        value: 'town',
        noAll: true,
        options: ORDERS.map((o) => ({ value: o, label: `personnel.county.order.${o}` })),
      },
      {
        name: 'state',
        label: 'personnel.county.col.forwarded',
        options: [
          { value: 'forwarded', label: 'personnel.county.state.forwarded' },
          { value: 'waiting', label: 'personnel.county.state.waiting' },
        ],
      },
    ],
    columns: [
      {
        key: 'town',
        label: 'personnel.county.col.town',
        primary: true,
        sortable: true,
        value: (r) => session.townName(r.town) || r.town,
        render: (r) => session.townName(r.town) || r.town,
      },
      count('cadres'),
      count('submitted'),
      count('accepted'),
      {
        key: 'late',
        label: 'personnel.county.col.late',
        sortable: true,
        align: 'end',
        render: (r) => (r.late ? h('span', { class: 'badge badge-overdue' }, String(r.late)) : '0'),
      },
      {
        key: 'forwardedAt',
        label: 'personnel.county.col.forwarded',
        sortable: true,
        value: (r) => r.forwardedAt || '',
        render: (r) =>
          r.forwardedAt
            ? h('span', { class: 'badge badge-ok' }, t('personnel.county.forwardedAt', { at: formatDateTime(r.forwardedAt) }))
            : h('span', { class: 'badge badge-muted' }, t('personnel.county.state.waiting')),
      },
    ],
    empty: 'personnel.county.empty',
    exportUrl: () => ({ path, query: { format: 'xlsx' }, filename: t('personnel.county.fileName', { year }) }),
    load: async ({ filters, signal }) => {
      const res = await get(path, null, { signal });
      let items = (res && res.towns) || [];
      if (filters.state === 'forwarded') items = items.filter((x) => x.forwardedAt);
      if (filters.state === 'waiting') items = items.filter((x) => !x.forwardedAt);
      return { items: ordered(items, filters.order), next: '' };
    },
  });

  mount(ctx.root, h('p', { class: 'lead' }, t('personnel.county.lead', { year })), table.el);
}
