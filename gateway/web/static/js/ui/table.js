// The data table every list page uses: a filter box, sortable columns, cursor paging
// ("加载更多"), an empty state, an "导出Excel" button when the page names an export URL, and
// cards instead of columns on a phone (the CSS does that from the data-label of each cell).

import { h, mount, uid } from './dom.js';
import { bannerSlot } from './banner.js';
import { download } from '../api.js';
import { currentLang, t } from '../i18n.js';

/**
 * createTable(spec) → {el, reload(), rows(), replaceRow(match, row), redraw(), setRows(rows)}
 *
 * spec.caption   key of the table's accessible name (shown to screen readers)
 * spec.columns   [{key, label (key), render(row) → node|string, value(row) → sort value,
 *                  sortable, primary (the card title on a phone), align: 'end', nowrap}]
 * spec.load      async ({cursor, filters, signal}) → {items, next}; called again with `next`
 *                for "加载更多" until next is empty. Or spec.rows: a fixed array.
 * spec.search    {label (key), text(row) → string}: a filter box over the loaded rows
 * spec.filters   [{name, label (key), options: [{value, label|text}], value, noAll}] sent to
 *                load (noAll: no "全部" choice, one option is always picked)
 * spec.sort      {key, dir: 'asc' | 'desc'} to start with
 * spec.actions   (row) → [nodes] for a last column of row buttons
 * spec.toolbar   [nodes] placed beside the filters (e.g. the page's primary action)
 * spec.exportUrl () → {path, query, filename} for "导出Excel"; the server builds the .xlsx
 * spec.empty     key of the sentence when there is nothing yet
 * spec.signal    the page's AbortSignal
 */
export function createTable(spec) {
  const banner = bannerSlot();
  const collator = new Intl.Collator(currentLang(), { numeric: true, sensitivity: 'base' });
  let items = [];
  let next = '';
  let loading = false;
  let failed = false; // the last load failed: say so instead of "nothing here"
  let sort = spec.sort ? { ...spec.sort } : null;
  let query = '';
  const filterValues = Object.fromEntries((spec.filters || []).map((f) => [f.name, f.value ?? '']));

  const columns = spec.actions
    ? [...spec.columns, { key: '__actions', label: 'common.actions', render: spec.actions, actions: true }]
    : spec.columns;

  // Toolbar -----------------------------------------------------------------------------
  const controls = [];
  if (spec.search) {
    const id = uid('search');
    const box = h('input', {
      id,
      type: 'search',
      class: 'input-search',
      placeholder: t('table.searchPlaceholder'),
      oninput: (e) => {
        query = e.target.value.trim().toLowerCase();
        renderBody();
      },
    });
    controls.push(h('div', { class: 'toolbar-field' }, h('label', { for: id, class: 'field-label' }, t(spec.search.label || 'table.search')), box));
  }
  for (const f of spec.filters || []) {
    const id = uid(`filter-${f.name}`);
    const sel = h(
      'select',
      {
        id,
        onchange: (e) => {
          filterValues[f.name] = e.target.value;
          reload();
        },
      },
      f.noAll ? null : h('option', { value: '' }, t('table.all')),
      f.options.map((o) => h('option', { value: o.value, selected: o.value === filterValues[f.name] }, o.text ?? t(o.label))),
    );
    controls.push(h('div', { class: 'toolbar-field' }, h('label', { for: id, class: 'field-label' }, t(f.label)), sel));
  }
  const exportBtn = spec.exportUrl
    ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: onExport }, t('table.export'))
    : null;
  const toolbar = h(
    'div',
    { class: 'toolbar no-print', hidden: !controls.length && !exportBtn && !(spec.toolbar && spec.toolbar.length) },
    h('div', { class: 'toolbar-filters' }, controls),
    h('div', { class: 'toolbar-actions' }, spec.toolbar || [], exportBtn),
  );

  // Table -------------------------------------------------------------------------------
  const headRow = h('tr');
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'data-table' },
    h('caption', { class: 'sr-only' }, t(spec.caption || 'table.caption')),
    h('thead', null, headRow),
    tbody,
  );
  const status = h('p', { class: 'table-status', role: 'status', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'btn btn-secondary more no-print', hidden: true, onclick: loadMore }, t('table.loadMore'));
  const el = h('div', { class: 'table-block' }, toolbar, banner.el, h('div', { class: 'table-wrap' }, table), h('div', { class: 'table-foot' }, status, more));

  renderHead();

  function renderHead() {
    mount(
      headRow,
      columns.map((c) => {
        if (!c.sortable) return h('th', { scope: 'col', class: [c.align === 'end' && 'align-end', c.actions && 'col-actions'] }, c.actions ? h('span', { class: 'sr-only' }, t(c.label)) : t(c.label));
        const dir = sort && sort.key === c.key ? sort.dir : null;
        return h(
          'th',
          { scope: 'col', 'aria-sort': dir ? (dir === 'asc' ? 'ascending' : 'descending') : 'none', class: c.align === 'end' && 'align-end' },
          h(
            'button',
            { type: 'button', class: 'th-sort', onclick: () => toggleSort(c.key) },
            t(c.label),
            h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : '↕'),
          ),
        );
      }),
    );
  }

  function toggleSort(key) {
    sort = sort && sort.key === key ? { key, dir: sort.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' };
    renderHead();
    renderBody();
  }

  function visibleRows() {
    let rows = items;
    if (query && spec.search) rows = rows.filter((r) => String(spec.search.text(r) || '').toLowerCase().includes(query));
    if (sort) {
      const col = columns.find((c) => c.key === sort.key);
      const val = col.value || ((r) => r[col.key]);
      const sign = sort.dir === 'asc' ? 1 : -1;
      rows = [...rows].sort((a, b) => sign * compare(val(a), val(b)));
    }
    return rows;
  }

  function compare(a, b) {
    if (a === b) return 0;
    if (a === undefined || a === null || a === '') return 1;
    if (b === undefined || b === null || b === '') return -1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'boolean' && typeof b === 'boolean') return a ? -1 : 1;
    return collator.compare(String(a), String(b));
  }

  function renderBody() {
    const rows = visibleRows();
    if (rows.length === 0) {
      let msg = loading ? t('common.loading') : items.length ? t('table.noMatch') : t(spec.empty || 'table.empty');
      if (failed && !loading && !items.length) {
        msg = [t('table.loadFailed'), ' ', h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => reload() }, t('table.retry'))];
      }
      mount(tbody, h('tr', { class: 'row-empty' }, h('td', { colspan: columns.length }, msg)));
    } else {
      mount(
        tbody,
        rows.map((r) =>
          h(
            'tr',
            null,
            columns.map((c) => {
              const content = c.render ? c.render(r) : r[c.key];
              return h(
                'td',
                {
                  'data-label': c.actions ? null : t(c.label),
                  class: [c.primary && 'cell-primary', c.align === 'end' && 'align-end', c.nowrap && 'nowrap', c.actions && 'cell-actions'],
                },
                content === '' || content === undefined || content === null ? h('span', { class: 'muted' }, '—') : content,
              );
            }),
          ),
        ),
      );
    }
    status.textContent = loading && items.length ? t('common.loading') : items.length ? countText(rows.length) : '';
    more.hidden = !next || loading;
  }

  function countText(shown) {
    const params = { count: shown, total: items.length };
    if (shown < items.length) return t(next ? 'table.filteredMore' : 'table.filtered', params);
    return t(next ? 'table.countMore' : 'table.count', params);
  }

  async function fetchPage(cursor) {
    if (!spec.load) return;
    loading = true;
    failed = false;
    banner.clear();
    renderBody();
    try {
      const page = await spec.load({ cursor, filters: { ...filterValues }, signal: spec.signal });
      const got = (page && page.items) || [];
      items = cursor ? items.concat(got) : got;
      next = (page && page.next) || '';
    } catch (err) {
      if (err && err.name === 'AbortError') return;
      failed = true;
      banner.error(err);
    } finally {
      loading = false;
      if (!spec.signal || !spec.signal.aborted) renderBody();
    }
  }

  function loadMore() {
    if (next && !loading) fetchPage(next);
  }

  /** Load the first page again (after a change or a new filter). */
  function reload() {
    if (spec.rows) {
      items = spec.rows;
      renderBody();
      return Promise.resolve();
    }
    return fetchPage('');
  }

  async function onExport() {
    const { path, query: q, filename } = spec.exportUrl();
    exportBtn.disabled = true;
    try {
      await download(path, { ...q, ...filterValues }, filename, { signal: spec.signal });
    } catch (err) {
      if (err && err.name !== 'AbortError') banner.error(err);
    } finally {
      exportBtn.disabled = false;
    }
  }

  reload();

  return {
    el,
    reload,
    rows: () => items,
    /** Put a changed row in place without a reload; match(row) finds the old one. */
    replaceRow(match, row) {
      items = items.map((r) => (match(r) ? row : r));
      renderBody();
    },
    /** Draw the rows again (after data a render function uses has arrived). */
    redraw: () => renderBody(),
    setRows(rows) {
      items = rows;
      next = '';
      renderBody();
    },
  };
}
