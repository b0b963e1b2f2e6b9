// 召回 (S10): a case moves raised → opened (town office) → explained (the cadre) → decided
// (town leading group, with reasons and the persons held accountable) → circulated (通报).
// The page offers only the next step, to the role that takes it; the server refuses any other.
// Cases are also raised by the service itself when the records cross the county's thresholds
// (low satisfaction, missed stationing months, serious findings, integrity breaches); the
// county administrator sets those thresholds here.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { createForm } from '../../ui/form.js';
import { openDialog } from '../../ui/dialog.js';
import { toast } from '../../ui/toast.js';
import { get, post, put } from '../../api.js';
import { t } from '../../i18n.js';
import { formatDateTime } from '../../format.js';
import { CADRE, COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER } from '../../roles.js';

export const title = 'assessment.recalls.title';

const TRIGGERS = ['low_satisfaction', 'missed_days', 'serious_finding', 'integrity_breach'];
const THRESHOLDS = [
  { name: 'satisfactionBelow', min: 0, max: 100 },
  { name: 'minRatings', min: 1, max: 1000 },
  { name: 'missedMonths', min: 1, max: 12 },
  { name: 'seriousFindings', min: 1, max: 100 },
  { name: 'integrityBreaches', min: 1, max: 100 },
];
const NEXT = { raised: 'open', opened: 'explanation', explained: 'decision', decided: 'notice' };

export async function render(ctx) {
  const base = `towns/${ctx.town}/recalls`;
  const takes = {
    open: (r) => ctx.can(TOWN_ADMIN, COUNTY_ADMIN),
    explanation: (r) => ctx.can(CADRE) && r.cadre === ctx.account.cadreId,
    decision: () => ctx.can(TOWN_LEADER),
    notice: () => ctx.can(TOWN_ADMIN, COUNTY_ADMIN),
  };

  const table = createTable({
    caption: 'assessment.recalls.caption',
    signal: ctx.signal,
    columns: [
      { key: 'cadreName', label: 'assessment.recalls.col.cadre', primary: true },
      { key: 'trigger', label: 'assessment.recalls.col.trigger', sortable: true, render: (r) => t(`assessment.trigger.${r.trigger}`) },
      { key: 'step', label: 'assessment.recalls.col.step', sortable: true, render: (r) => h('span', { class: 'badge badge-info' }, t(`assessment.step.${r.step}`)) },
      { key: 'next', label: 'assessment.recalls.col.next', render: (r) => (NEXT[r.step] ? t(`assessment.action.${NEXT[r.step]}`) : t('assessment.recalls.closed')) },
    ],
    actions: (r) => {
      const out = [h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => openCase(r) }, t('assessment.recalls.view'))];
      const next = NEXT[r.step];
      if (next && takes[next](r)) out.push(h('button', { type: 'button', class: 'btn btn-primary btn-small', onclick: () => openStep(r, next) }, t(`assessment.action.${next}`)));
      return out;
    },
    empty: 'assessment.recalls.empty',
    load: async ({ cursor, signal }) => {
      const res = await get(base, { cursor, limit: 100 }, { signal });
      return { items: (res && res.items) || [], next: res && res.next };
    },
  });

  if (ctx.can(TOWN_ADMIN, COUNTY_ADMIN, COUNTY_INSPECTOR)) {
    ctx.actions.append(h('button', { type: 'button', class: 'btn btn-primary', onclick: openRaise }, t('assessment.recalls.raise')));
  }
  if (ctx.can(COUNTY_ADMIN)) {
    ctx.actions.append(h('button', { type: 'button', class: 'btn btn-secondary', onclick: openThresholds }, t('assessment.recalls.thresholds')));
  }
  mount(ctx.root, h('p', { class: 'lead' }, t('assessment.recalls.lead')), table.el);

  function dialogForm(titleKey, fields, submitLabel, send, values) {
    let dlg;
    const form = createForm({
      fields,
      values,
      submitLabel,
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: send,
      onSuccess: () => {
        dlg.close();
        toast(t('assessment.recalls.saved'));
        table.reload();
      },
    });
    dlg = openDialog({ title: t(titleKey), content: form.el, wide: true });
    form.focus();
  }

  function openRaise() {
    dialogForm(
      'assessment.recalls.raise',
      [
        { name: 'cadre', label: 'assessment.field.cadre', required: true, maxlength: 100 },
        { name: 'cadreName', label: 'assessment.field.cadreName', required: true, maxlength: 60 },
        { name: 'trigger', label: 'assessment.field.trigger', type: 'select', required: true, options: TRIGGERS.map((x) => ({ value: x, label: `assessment.trigger.${x}` })) },
        { name: 'grounds', label: 'assessment.field.grounds', type: 'textarea', required: true, maxlength: 4000 },
      ],
      'assessment.recalls.raise',
      (v, { idempotencyKey }) => post(base, v, { idempotencyKey }),
    );
  }

  async function openThresholds() {
    const current = await get('county/recall-thresholds', null, { signal: ctx.signal });
    dialogForm(
      'assessment.recalls.thresholds',
      THRESHOLDS.map((f) => ({ name: f.name, label: `assessment.threshold.${f.name}`, type: 'number', required: true, min: f.min, max: f.max })),
      'common.save',
      (v) => put('county/recall-thresholds', Object.fromEntries(THRESHOLDS.map((f) => [f.name, Number(v[f.name])]))),
      Object.fromEntries(THRESHOLDS.map((f) => [f.name, String(current[f.name])])),
    );
  }

  function openStep(r, next) {
    const path = `${base}/${r.id}/${next}`;
    const fields = {
      open: [{ name: 'text', label: 'assessment.field.note', type: 'textarea', maxlength: 4000 }],
      explanation: [{ name: 'text', label: 'assessment.field.explanation', type: 'textarea', required: true, maxlength: 4000 }],
      decision: [
        { name: 'outcome', label: 'assessment.field.outcome', type: 'select', required: true, options: ['criticism', 'recall'].map((o) => ({ value: o, label: `assessment.outcome.${o}` })) },
        { name: 'reasons', label: 'assessment.field.reasons', type: 'textarea', required: true, maxlength: 4000 },
        { name: 'accountable', label: 'assessment.field.accountable', hint: 'assessment.field.listHint' },
      ],
      notice: [{ name: 'issuer', label: 'assessment.field.issuer', required: true, maxlength: 60 }],
    }[next];
    const bodyOf = (v) =>
      next === 'decision'
        ? { outcome: v.outcome, reasons: v.reasons, accountable: (v.accountable || '').split(/[,，、\n]+/).map((s) => s.trim()).filter(Boolean) }
        : next === 'notice'
          ? { issuer: v.issuer }
          : { text: v.text || '' };
    dialogForm(`assessment.action.${next}`, fields, `assessment.action.${next}`, (v, { idempotencyKey }) => post(path, bodyOf(v), { idempotencyKey }));
  }

  async function openCase(r) {
    const c = await get(`${base}/${r.id}`, null, { signal: ctx.signal });
    const history = h(
      'ol',
      { class: 'timeline' },
      c.history.map((s) => h('li', null, h('strong', null, t(`assessment.step.${s.step}`)), ` · ${formatDateTime(s.at)} · ${s.actor}`, s.text ? h('p', null, s.text) : null)),
    );
    const decision = c.decision
      ? h('p', null, t('assessment.recalls.decision', { outcome: t(`assessment.outcome.${c.decision.outcome}`), accountable: c.decision.accountable.join('、') || '—' }))
      : null;
    openDialog({
      title: t('assessment.recalls.case', { name: c.cadreName }),
      wide: true,
      content: h('div', null, h('p', null, c.grounds), decision, history, c.notice ? h('pre', { class: 'notice' }, c.notice) : null),
    });
  }
}
