// 待办与逾期: one view of every open follow-up across services — meeting action items,
// rectification of findings, petition resolution steps — with how late each is. A cadre sees
// the tasks they own.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { get } from '../../api.js';
import { t } from '../../i18n.js';
import { beijingToday, deadline } from '../../format.js';

export const title = 'reporting.due.title';

export async function render(ctx) {
  const table = createTable({
    caption: 'reporting.due.title',
    signal: ctx.signal,
    search: { label: 'reporting.due.search', text: (r) => `${r.task.title} ${r.task.owner.name || r.task.owner.id}` },
    columns: [
      { key: 'title', label: 'reporting.due.col.title', primary: true, render: (r) => r.task.title },
      { key: 'service', label: 'reporting.due.col.service', sortable: true, render: (r) => t(`reporting.due.service.${r.service}`) },
      { key: 'owner', label: 'reporting.due.col.owner', render: (r) => r.task.owner.name || r.task.owner.id },
      { key: 'status', label: 'reporting.col.status', render: (r) => h('span', { class: 'badge badge-muted' }, t(`reporting.task.${r.task.status}`)) },
      {
        key: 'due',
        label: 'reporting.meetings.field.due',
        render: (r) => {
          if (!r.task.due) return '';
          const d = deadline(beijingToday(new Date(r.task.due)));
          return d ? h('span', { class: ['badge', r.overdue ? 'badge-overdue' : 'badge-muted'] }, d.text) : '';
        },
      },
    ],
    empty: 'reporting.due.empty',
    load: async ({ signal }) => {
      const res = await get(`towns/${ctx.town}/tasks/due`, null, { signal });
      return { items: (res && res.items) || [] };
    },
  });
  mount(ctx.root, h('p', { class: 'lead' }, t('reporting.due.lead', { town: ctx.townName })), table.el);
}
