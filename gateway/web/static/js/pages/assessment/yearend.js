// 年终考核 (L2): the drafted score explained line by line from the records the other services
// keep (each line names its events and records), the cadre's self-examination, the county
// supervision group's adjustments (the one manual correction, each with a written reason) and
// the final grade. A cadre sees only their own assessment.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { createForm } from '../../ui/form.js';
import { openDialog } from '../../ui/dialog.js';
import { toast } from '../../ui/toast.js';
import { errorMessage, get, post, put } from '../../api.js';
import { currentLang, t } from '../../i18n.js';
import { CADRE, COUNTY_ADMIN, COUNTY_INSPECTOR } from '../../roles.js';

export const title = 'assessment.yearend.title';

const GRADES = ['excellent', 'competent', 'basic', 'incompetent'];

export async function render(ctx) {
  const base = `towns/${ctx.town}/assessments/${ctx.year}`;
  const county = ctx.can(COUNTY_ADMIN, COUNTY_INSPECTOR);

  let table = null;
  if (ctx.can(CADRE)) {
    await showOne(ctx.account.cadreId, ctx.root);
    return;
  }

  table = createTable({
    caption: 'assessment.yearend.caption',
    signal: ctx.signal,
    columns: [
      { key: 'cadre', label: 'assessment.yearend.col.cadre', primary: true, render: (r) => r.cadreName || r.cadre },
      { key: 'draft', label: 'assessment.yearend.col.draft', align: 'end', value: (r) => r.scored.adjusted, render: (r) => String(r.scored.adjusted) },
      { key: 'status', label: 'assessment.yearend.col.status', render: (r) => t(`assessment.assessmentStatus.${r.status}`) },
      { key: 'grade', label: 'assessment.yearend.col.grade', render: (r) => (r.grade ? t(`assessment.grade.${r.grade}`) : t(`assessment.yearend.suggested`, { grade: t(`assessment.grade.${r.scored.suggestedGrade}`) })) },
    ],
    actions: (r) => [h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => openOne(r.cadre, r.cadreName) }, t('assessment.yearend.open'))],
    empty: 'assessment.yearend.empty',
    exportUrl: () => ({ path: base, query: { format: 'xlsx' }, filename: `assessments-${ctx.year}.xlsx` }),
    load: async ({ cursor, signal }) => {
      const res = await get(base, { cursor, limit: 100 }, { signal });
      return { items: (res && res.items) || [], next: res && res.next };
    },
  });
  mount(ctx.root, h('p', { class: 'lead' }, t('assessment.yearend.lead', { year: ctx.year })), table.el);

  function openOne(cadre, name) {
    const body = h('div');
    openDialog({ title: t('assessment.yearend.of', { cadre: name || cadre }), content: body, wide: true });
    showOne(cadre, body);
  }

  async function showOne(cadre, root) {
    let a;
    try {
      a = await get(`${base}/${encodeURIComponent(cadre)}`, null, { signal: ctx.signal });
    } catch (err) {
      mount(root, h('p', { class: err.status === 404 ? 'empty' : 'field-error' }, err.status === 404 ? t('assessment.yearend.none') : errorMessage(err)));
      if (ctx.can(CADRE)) root.append(selfForm(cadre, ''));
      return;
    }
    // one card per indicator: readable on a phone, where a three-column table is too narrow
    const lines = h(
      'ul',
      { class: 'cards', 'aria-label': t('assessment.yearend.col.explain') },
      a.scored.draft.lines.map((l) =>
        h(
          'li',
          { class: 'card' },
          h('p', null, h('strong', null, t(`assessment.indicator.${l.indicator}`)), ' · ', t('assessment.yearend.points', { points: l.points })),
          h('p', null, currentLang() === 'en' ? l.explain : l.explainZh),
          records(l),
        ),
      ),
    );
    const adjustments = a.adjustments.map((x) => h('li', null, t('assessment.yearend.adjustment', { points: x.points, reason: x.reason })));
    const final = a.status === 'finalised';
    mount(
      root,
      h('p', null, t('assessment.yearend.total', { draft: a.scored.draft.total, adjusted: a.scored.adjusted })),
      final ? h('p', null, h('strong', null, t('assessment.yearend.final', { grade: t(`assessment.grade.${a.grade}`), score: a.score }))) : null,
      lines,
      adjustments.length ? h('ul', null, adjustments) : null,
      h('h3', null, t('assessment.yearend.self')),
      ctx.can(CADRE) && !final ? selfForm(cadre, a.selfExamination || '') : h('p', null, a.selfExamination || t('assessment.yearend.noSelf')),
      county && !final ? countyForms(cadre, a, root) : null,
    );
  }

  function selfForm(cadre, text) {
    return createForm({
      id: `self-exam.${ctx.year}`,
      fields: [{ name: 'text', label: 'assessment.field.self', type: 'textarea', required: true, maxlength: 8000, hint: 'assessment.field.selfHint' }],
      values: { text },
      keepValues: true,
      onSubmit: (v) => put(`${base}/${encodeURIComponent(cadre)}/self-examination`, { text: v.text }),
      onSuccess: () => toast(t('assessment.yearend.saved')),
    }).el;
  }

  function countyForms(cadre, a, root) {
    const adjust = createForm({
      fields: [
        { name: 'points', label: 'assessment.field.points', type: 'number', required: true, min: -100, max: 100 },
        { name: 'reason', label: 'assessment.field.reason', type: 'textarea', required: true, maxlength: 1000 },
      ],
      submitLabel: 'assessment.yearend.adjust',
      onSubmit: (v, { idempotencyKey }) => post(`${base}/${encodeURIComponent(cadre)}/adjustments`, { points: Number(v.points), reason: v.reason }, { idempotencyKey }),
      onSuccess: () => {
        toast(t('assessment.yearend.saved'));
        showOne(cadre, root);
      },
    });
    const finalise = createForm({
      fields: [{ name: 'grade', label: 'assessment.field.grade', type: 'select', required: true, options: GRADES.map((g) => ({ value: g, label: `assessment.grade.${g}` })) }],
      values: { grade: a.scored.suggestedGrade },
      submitLabel: 'assessment.yearend.finalise',
      onSubmit: (v, { idempotencyKey }) => post(`${base}/${encodeURIComponent(cadre)}/finalise`, { grade: v.grade }, { idempotencyKey }),
      onSuccess: () => {
        toast(t('assessment.yearend.finalised'));
        showOne(cadre, root);
        if (table) table.reload();
      },
    });
    return h('section', null, h('h3', null, t('assessment.yearend.adjust')), adjust.el, h('h3', null, t('assessment.yearend.finalise')), finalise.el);
  }

  // records lists the records a line was counted from, folded away: each by its event type and id.
  function records(line) {
    const list = (line.input && line.input.records) || [];
    if (!list.length) return null;
    return h(
      'details',
      null,
      h('summary', null, t('assessment.yearend.records', { count: list.length })),
      h('ul', { class: 'records' }, list.map((r) => h('li', null, h('code', null, r.type), ' ', r.subject))),
    );
  }
}
