// 月报告 (S9): a cadre's report on a month — the figures counted from what they recorded
// (read-only: "report once"), the measures and results they write, the integrity declaration
// (S7) — submitted by the 5th of the next month. The town office approves or returns it with
// a comment; the town leader and the county read.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { createForm } from '../../ui/form.js';
import { openDialog } from '../../ui/dialog.js';
import { bannerSlot } from '../../ui/banner.js';
import { toast } from '../../ui/toast.js';
import { get, post, put } from '../../api.js';
import { t } from '../../i18n.js';
import { beijingToday, deadline, formatDateTime } from '../../format.js';
import { CADRE, TOWN_ADMIN } from '../../roles.js';
import { navigate } from '../../router.js';

export const title = 'reporting.reports.title';

const TASKS = ['T1', 'T2', 'T3', 'T4', 'T5', 'T6'];

/** The month a report is usually written on: the previous one (due on the 5th of this one). */
function defaultMonth() {
  const [y, m] = beijingToday().split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 2, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export async function render(ctx) {
  const month = /^\d{4}-\d{2}$/.test(ctx.query.month || '') ? ctx.query.month : defaultMonth();
  const picker = h('input', { type: 'month', value: month, class: 'input', 'aria-label': t('reporting.reports.month') });
  picker.addEventListener('change', () => picker.value && navigate('/reports', { month: picker.value }));
  const bar = h('div', { class: 'toolbar-field' }, h('label', { class: 'field-label' }, t('reporting.reports.month')), picker);
  if (ctx.can(CADRE)) return renderOwn(ctx, month, bar);
  return renderTown(ctx, month, bar);
}

function statusBadge(r) {
  const cls = { draft: 'badge-muted', submitted: 'badge-info', approved: 'badge-ok', returned: 'badge-overdue' }[r.status];
  return h('span', { class: ['badge', cls] }, t(`reporting.status.${r.status}`));
}

function timeliness(r) {
  if (r.onTime === true) return h('span', { class: 'badge badge-ok' }, t('reporting.reports.onTime'));
  if (r.onTime === false) return h('span', { class: 'badge badge-overdue' }, t('reporting.reports.late'));
  const d = deadline(r.deadline && r.deadline.day);
  return d ? h('span', { class: ['badge', d.overdue ? 'badge-overdue' : 'badge-muted'] }, d.text) : '';
}

function figuresList(f) {
  const rows = [
    ['reporting.figures.daysPresent', f.daysPresent],
    ['reporting.figures.logs', f.logs],
    ['reporting.figures.diaries', f.diaries],
    ...TASKS.map((k) => [`reporting.figures.task.${k}`, (f.activitiesByTask && f.activitiesByTask[k]) || 0]),
    ['reporting.figures.contactsVisited', f.contactsVisited],
    ['reporting.figures.opinionsHandled', f.opinionsHandled],
  ];
  return h('dl', { class: 'facts' }, rows.flatMap(([k, v]) => [h('dt', null, t(k)), h('dd', null, String(v ?? 0))]));
}

async function renderOwn(ctx, month, bar) {
  const path = `towns/${ctx.town}/cadres/${ctx.account.cadreId}/monthly-reports/${month}`;
  const banner = bannerSlot();
  if (!ctx.account.cadreId) {
    mount(ctx.root, bar, h('p', { class: 'lead' }, t('reporting.reports.noCadre')));
    return;
  }
  let r;
  try {
    r = await get(path, null, { signal: ctx.signal });
  } catch (err) {
    mount(ctx.root, bar, banner.el);
    banner.error(err);
    return;
  }
  const editable = r.status === 'draft' || r.status === 'returned';
  const body = (v) => ({
    narrative: { measures: v.measures || '', results: v.results || '' },
    integrity: { declared: Boolean(v.declared), note: v.note || '' },
  });
  let submitting = false;
  const form = createForm({
    id: `monthly-report.${ctx.town}.${month}`,
    readonly: !editable,
    keepValues: true,
    values: { measures: r.narrative.measures, results: r.narrative.results, declared: r.integrity.declared, note: r.integrity.note },
    fields: [
      { name: 'measures', label: 'reporting.field.measures', type: 'textarea', required: true, maxlength: 5000, hint: 'reporting.field.measuresHint' },
      { name: 'results', label: 'reporting.field.results', type: 'textarea', required: true, maxlength: 5000 },
      { name: 'declared', label: 'reporting.field.declared', type: 'checkbox', wide: true },
      { name: 'note', label: 'reporting.field.note', type: 'textarea', maxlength: 1000, hint: 'reporting.field.noteHint' },
    ],
    submitLabel: 'reporting.reports.submit',
    actions: [{ label: 'common.save', onClick: saveDraft }],
    onSubmit: (v, { idempotencyKey }) => {
      submitting = true;
      return post(`${path}/submit`, body(v), { idempotencyKey });
    },
    onSuccess: () => {
      toast(t(submitting ? 'reporting.reports.submitted' : 'reporting.reports.saved'));
      ctx.refresh();
    },
  });

  async function saveDraft() {
    try {
      await put(path, body(form.values()));
      toast(t('reporting.reports.saved'));
    } catch (err) {
      banner.error(err);
    }
  }

  const returned = (r.reviews || []).filter((x) => x.decision === 'returned').pop();
  mount(
    ctx.root,
    bar,
    banner.el,
    h(
      'section',
      { class: 'card' },
      h('p', null, statusBadge(r), ' ', timeliness(r)),
      h('p', { class: 'muted' }, t('reporting.reports.due', { day: r.deadline.day }), r.deadline.shifted ? ` · ${t('reporting.reports.shifted')}` : ''),
      r.status === 'returned' && returned ? h('div', { class: 'banner banner-error', role: 'status' }, h('p', { class: 'banner-title' }, t('reporting.reports.returnedWith', { comment: returned.comment }))) : null,
    ),
    h('section', { class: 'card' }, h('h2', null, t('reporting.reports.figures')), h('p', { class: 'muted' }, t('reporting.reports.figuresHint')), figuresList(r.figures)),
    h('section', { class: 'card' }, h('h2', null, t('reporting.reports.narrative')), form.el),
  );
}

async function renderTown(ctx, month, bar) {
  const base = `towns/${ctx.town}`;
  const reviewer = ctx.can(TOWN_ADMIN);
  const table = createTable({
    caption: 'reporting.reports.caption',
    signal: ctx.signal,
    search: { label: 'reporting.reports.search', text: (r) => `${r.cadreName || ''} ${r.cadre}` },
    columns: [
      { key: 'cadre', label: 'reporting.col.cadre', primary: true, sortable: true, value: (r) => r.cadreName || r.cadre, render: (r) => r.cadreName || r.cadre },
      { key: 'status', label: 'reporting.col.status', sortable: true, render: statusBadge },
      { key: 'onTime', label: 'reporting.col.timeliness', render: timeliness },
      { key: 'daysPresent', label: 'reporting.figures.daysPresent', value: (r) => r.figures.daysPresent, render: (r) => String(r.figures.daysPresent) },
      { key: 'logs', label: 'reporting.figures.logs', value: (r) => r.figures.logs, render: (r) => String(r.figures.logs) },
      { key: 'submittedAt', label: 'reporting.col.submitted', sortable: true, nowrap: true, render: (r) => (r.submittedAt ? formatDateTime(r.submittedAt) : '') },
    ],
    actions: (r) => [h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => openReport(r) }, t(reviewer && r.status === 'submitted' ? 'reporting.reports.review' : 'reporting.reports.open'))],
    empty: 'reporting.reports.empty',
    exportUrl: () => ({ path: `${base}/monthly-reports/export`, query: { month }, filename: `monthly-reports-${month}.xlsx` }),
    load: async ({ signal }) => {
      const res = await get(`${base}/monthly-reports`, { month }, { signal });
      return { items: (res && res.items) || [] };
    },
  });
  mount(ctx.root, bar, h('p', { class: 'lead' }, t('reporting.reports.lead', { town: ctx.townName })), table.el);

  function openReport(r) {
    const path = `${base}/cadres/${r.cadre}/monthly-reports/${r.month}`;
    const banner = bannerSlot();
    const comment = h('textarea', { class: 'input', maxlength: 1000, 'aria-label': t('reporting.field.comment') });
    let dlg;
    const decide = async (step) => {
      try {
        await post(`${path}/${step}`, { comment: comment.value });
        dlg.close();
        toast(t(step === 'approve' ? 'reporting.reports.approved' : 'reporting.reports.returned'));
        table.reload();
      } catch (err) {
        banner.error(err);
      }
    };
    const review =
      reviewer && r.status === 'submitted'
        ? h(
            'div',
            null,
            h('label', { class: 'field-label' }, t('reporting.field.comment')),
            comment,
            h(
              'div',
              { class: 'form-actions' },
              h('button', { type: 'button', class: 'btn btn-primary', onclick: () => decide('approve') }, t('reporting.reports.approve')),
              h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => decide('return') }, t('reporting.reports.return')),
            ),
          )
        : null;
    const content = h(
      'div',
      null,
      banner.el,
      h('p', null, statusBadge(r), ' ', timeliness(r)),
      figuresList(r.figures),
      h('h3', null, t('reporting.field.measures')),
      h('p', { class: 'prewrap' }, r.narrative.measures),
      h('h3', null, t('reporting.field.results')),
      h('p', { class: 'prewrap' }, r.narrative.results),
      h('h3', null, t('reporting.reports.integrity')),
      h('p', null, t(r.integrity.declared ? 'reporting.reports.declared' : 'reporting.reports.notDeclared'), r.integrity.note ? ` · ${r.integrity.note}` : ''),
      review,
    );
    dlg = openDialog({ title: t('reporting.reports.of', { cadre: r.cadreName || r.cadre, month: r.month }), content, wide: true });
  }
}
