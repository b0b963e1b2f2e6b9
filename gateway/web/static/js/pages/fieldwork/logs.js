// 日志: work logs (工作日志) and sentiment diaries (民情日记). A cadre reads its own; the branch
// secretary reads those of its community, which the branch keeps on file (§四6); the town
// office reads the town's (diaries only the office itself, never the county).

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { apiUrl, get } from '../../api.js';
import { t } from '../../i18n.js';
import { formatDate, formatDateTime } from '../../format.js';
import { openDialog } from '../../ui/dialog.js';

export const title = 'fieldwork.logs.title';

const EXCERPT = 60;

export async function render(ctx) {
  const base = `towns/${ctx.town}`;
  const table = createTable({
    caption: 'fieldwork.logs.title',
    signal: ctx.signal,
    filters: [
      {
        name: 'kind',
        label: 'fieldwork.field.kind',
        value: 'work-logs',
        noAll: true,
        options: [
          { value: 'work-logs', label: 'fieldwork.kind.workLog' },
          { value: 'diaries', label: 'fieldwork.kind.diary' },
        ],
      },
    ],
    search: { label: 'fieldwork.logs.search', text: (r) => `${r.text} ${r.cadre} ${r.activityType || ''}` },
    sort: { key: 'date', dir: 'desc' },
    columns: [
      { key: 'date', label: 'fieldwork.field.date', sortable: true, nowrap: true, primary: true, value: (r) => r.date, render: (r) => formatDate(r.date) },
      { key: 'cadre', label: 'fieldwork.logs.col.cadre', sortable: true },
      { key: 'task', label: 'fieldwork.field.task', render: (r) => (r.task ? t(`fieldwork.task.${r.task}`) : '') },
      { key: 'text', label: 'fieldwork.field.text', render: (r) => (r.text.length > EXCERPT ? `${r.text.slice(0, EXCERPT)}…` : r.text) },
      { key: 'peopleReached', label: 'fieldwork.field.peopleReached', align: 'end', sortable: true },
    ],
    actions: (r) => [h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => show(r) }, t('fieldwork.logs.open'))],
    load: ({ cursor, filters, signal }) => get(`${base}/${filters.kind || 'work-logs'}`, { cursor }, { signal }),
    empty: 'fieldwork.logs.empty',
  });
  mount(ctx.root, table.el);

  function show(r) {
    openDialog({
      title: t(r.kind === 'diary' ? 'fieldwork.kind.diary' : 'fieldwork.kind.workLog'),
      content: h(
        'div',
        null,
        h('p', { class: 'muted' }, formatDate(r.date), ' · ', r.cadre, r.task ? ` · ${t(`fieldwork.task.${r.task}`)}` : ''),
        h('p', null, r.text),
        (r.history || []).length ? h('p', { class: 'muted' }, t('fieldwork.logs.edited', { count: r.history.length, at: formatDateTime(r.history.at(-1).replaced) })) : '',
        (r.attachments || []).length ? h('div', { class: 'photo-strip' }, r.attachments.map((id) => photo(id))) : '',
      ),
    });
  }

  /** A photo's thumbnail (or a document's name) that opens the file itself; the camera's time
   * and place show where the town keeps them and the reader is the office. */
  function photo(id) {
    const slot = h('figure', { class: 'photo' }, h('span', { class: 'muted' }, t('common.loading')));
    get(`${base}/attachments/${id}`, null, { signal: ctx.signal })
      .then((a) => {
        const open = async () => {
          const { url } = await get(`${base}/attachments/${id}/url`);
          window.open(url, '_blank', 'noopener');
        };
        const ev = a.evidence;
        mount(
          slot,
          h(
            'button',
            { type: 'button', class: 'photo-open', onclick: open, 'aria-label': t('fieldwork.logs.openFile', { name: a.name }) },
            a.thumbnail ? h('img', { src: apiUrl(`${base}/attachments/${id}/thumbnail`), alt: a.name, loading: 'lazy' }) : a.name,
          ),
          ev
            ? h(
                'figcaption',
                { class: 'muted' },
                [
                  ev.taken ? t('fieldwork.logs.taken', { at: formatDateTime(ev.taken) }) : '',
                  ev.lat !== undefined ? t('fieldwork.logs.place', { lat: ev.lat.toFixed(5), lng: ev.lng.toFixed(5) }) : '',
                ].filter(Boolean).join(' · '),
              )
            : '',
        );
      })
      .catch(() => mount(slot, h('span', { class: 'muted' }, t('fieldwork.logs.photoGone'))));
    return slot;
  }
}
