// 明查暗访 (L2): the town office checks its own cadres, the county supervision group inspects
// the town. An unannounced visit draws its targets with a recorded seed; until the visit is
// recorded those inspected see only that a visit is planned. Findings, with photo evidence
// ids, can open a rectification task that the inspector verifies.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { createForm } from '../../ui/form.js';
import { openDialog } from '../../ui/dialog.js';
import { toast } from '../../ui/toast.js';
import { errorMessage, get, post } from '../../api.js';
import { t } from '../../i18n.js';
import { formatDate } from '../../format.js';
import { BRANCH_SECRETARY, CADRE, COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN } from '../../roles.js';

export const title = 'assessment.inspections.title';

const CATEGORIES = ['stationing', 'reporting', 'one_links_five', 'logs', 'opinions', 'petitions', 'integrity', 'other'];
const SEVERITIES = ['minor', 'general', 'serious'];
const list = (s) => (s || '').split(/[\s,，、]+/).filter(Boolean);

export async function render(ctx) {
  const base = `towns/${ctx.town}`;
  const county = ctx.can(COUNTY_ADMIN, COUNTY_INSPECTOR);
  const conducts = (r) => (r.level === 'county' ? ctx.can(COUNTY_ADMIN, COUNTY_INSPECTOR) : ctx.can(COUNTY_ADMIN, TOWN_ADMIN));

  const table = createTable({
    caption: 'assessment.inspections.caption',
    signal: ctx.signal,
    columns: [
      { key: 'title', label: 'assessment.inspections.col.title', primary: true, render: (r) => (r.targetsHidden ? t('assessment.inspections.hiddenTitle') : r.title) },
      { key: 'level', label: 'assessment.inspections.col.level', sortable: true, render: (r) => t(`assessment.level.${r.level}`) },
      { key: 'mode', label: 'assessment.inspections.col.mode', sortable: true, render: (r) => t(`assessment.mode.${r.mode}`) },
      { key: 'plannedFor', label: 'assessment.inspections.col.planned', sortable: true, nowrap: true, render: (r) => (r.plannedFor ? formatDate(r.plannedFor) : '') },
      { key: 'targets', label: 'assessment.inspections.col.targets', render: targetsOf },
      {
        key: 'status',
        label: 'assessment.inspections.col.status',
        sortable: true,
        render: (r) => h('span', { class: ['badge', r.status === 'recorded' ? 'badge-ok' : 'badge-info'] }, t(`assessment.status.${r.status}`)),
      },
    ],
    actions: (r) => {
      const out = [];
      const button = (label, fn) => h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => fn(r) }, t(label));
      if (r.status === 'planned' && conducts(r)) out.push(button('assessment.inspections.record', openRecord));
      if (r.status === 'recorded') out.push(button('assessment.inspections.findings', openFindings));
      if (r.communityDraw || r.cadreDraw) out.push(button('assessment.inspections.draw', openDraw));
      return out;
    },
    empty: 'assessment.inspections.empty',
    load: async ({ cursor, signal }) => {
      const res = await get(`${base}/inspections`, { cursor, limit: 100 }, { signal });
      return { items: (res && res.items) || [], next: res && res.next };
    },
  });

  if (ctx.can(COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN)) {
    ctx.actions.append(h('button', { type: 'button', class: 'btn btn-primary', onclick: openPlan }, t('assessment.inspections.plan')));
  }
  mount(ctx.root, h('p', { class: 'lead' }, t('assessment.inspections.lead', { town: ctx.townName })), table.el);

  function targetsOf(r) {
    if (r.targetsHidden) return h('span', { class: 'badge badge-muted' }, t('assessment.inspections.hidden'));
    if (!r.targets) return '';
    return [...r.targets.communities, ...r.targets.cadres].join('、');
  }

  function dialogForm(titleKey, fields, submitLabel, send, done, values) {
    let dlg;
    const form = createForm({
      fields,
      values,
      submitLabel,
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: send,
      onSuccess: () => {
        dlg.close();
        toast(t(done));
        table.reload();
      },
    });
    dlg = openDialog({ title: t(titleKey), content: form.el, wide: true });
    form.focus();
  }

  function openPlan() {
    const levels = county ? (ctx.can(COUNTY_ADMIN) ? ['county', 'town'] : ['county']) : ['town'];
    dialogForm(
      'assessment.inspections.plan',
      [
        { name: 'title', label: 'assessment.field.title', required: true, maxlength: 100 },
        { name: 'level', label: 'assessment.field.level', type: 'select', required: true, options: levels.map((l) => ({ value: l, label: `assessment.level.${l}` })) },
        { name: 'mode', label: 'assessment.field.mode', type: 'select', required: true, options: ['open', 'unannounced'].map((m) => ({ value: m, label: `assessment.mode.${m}` })) },
        { name: 'plannedFor', label: 'assessment.field.plannedFor', type: 'date', required: true },
        { name: 'communities', label: 'assessment.field.communities', type: 'textarea', hint: 'assessment.field.listHint' },
        { name: 'cadres', label: 'assessment.field.cadres', type: 'textarea', hint: 'assessment.field.listHint' },
        { name: 'drawCommunities', label: 'assessment.field.drawCommunities', type: 'number', min: 0, visible: (v) => v.mode === 'unannounced' },
        { name: 'drawCadres', label: 'assessment.field.drawCadres', type: 'number', min: 0, visible: (v) => v.mode === 'unannounced' },
      ],
      'assessment.inspections.plan',
      (v, { idempotencyKey }) =>
        post(
          `${base}/inspections`,
          {
            title: v.title,
            level: v.level,
            mode: v.mode,
            year: ctx.year,
            plannedFor: v.plannedFor,
            targets: { communities: list(v.communities), cadres: list(v.cadres) },
            draw: { communities: Number(v.drawCommunities || 0), cadres: Number(v.drawCadres || 0) },
          },
          { idempotencyKey },
        ),
      'assessment.inspections.planned',
      { level: levels[0], mode: 'open' },
    );
  }

  function openRecord(r) {
    dialogForm(
      'assessment.inspections.record',
      [
        { name: 'visitedOn', label: 'assessment.field.visitedOn', type: 'date', required: true },
        { name: 'summary', label: 'assessment.field.summary', type: 'textarea', required: true, maxlength: 4000 },
      ],
      'assessment.inspections.record',
      (v, { idempotencyKey }) => post(`${base}/inspections/${r.id}/record`, v, { idempotencyKey }),
      'assessment.inspections.recorded',
    );
  }

  function openDraw(r) {
    const draw = (d, key) =>
      d
        ? h(
            'dl',
            { class: 'facts' },
            h('dt', null, t(key)),
            h('dd', null, d.picked.join('、')),
            h('dt', null, t('assessment.draw.seed')),
            h('dd', null, h('code', null, d.seed)),
            h('dt', null, t('assessment.draw.algorithm')),
            h('dd', null, d.algorithm),
            h('dt', null, t('assessment.draw.candidates')),
            h('dd', null, d.candidates.join('、')),
          )
        : null;
    openDialog({
      title: t('assessment.inspections.draw'),
      content: h('div', null, h('p', null, t('assessment.draw.lead')), draw(r.communityDraw, 'assessment.draw.communities'), draw(r.cadreDraw, 'assessment.draw.cadres')),
    });
  }

  async function openFindings(r) {
    const body = h('div');
    const dlg = openDialog({ title: t('assessment.inspections.findings'), content: body, wide: true });
    const may = conducts(r);
    const answers = (f) =>
      ctx.can(TOWN_ADMIN) || (ctx.can(CADRE) && f.cadre === ctx.account.cadreId) || (ctx.can(BRANCH_SECRETARY) && f.community === ctx.account.community);

    async function draw() {
      let items = [];
      try {
        const res = await get(`${base}/inspections/${r.id}/findings`, null, { signal: ctx.signal });
        items = (res && res.items) || [];
      } catch (err) {
        mount(body, h('p', { class: 'field-error' }, errorMessage(err)));
        return;
      }
      const act = (label, fn) => h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: fn }, t(label));
      const rows = items.map((f) => {
        const task = f.rectification;
        const buttons = [];
        if (!task && may) buttons.push(act('assessment.findings.rectify', () => rectify(f)));
        if (task && ['open', 'in_progress', 'reopened'].includes(task.status) && answers(f)) buttons.push(act('assessment.findings.complete', () => step(f, 'complete')));
        if (task && task.status === 'done' && may) {
          buttons.push(act('assessment.findings.verify', () => step(f, 'verify')));
          buttons.push(act('assessment.findings.reopen', () => step(f, 'verify', true)));
        }
        return h(
          'li',
          { class: 'card' },
          h('p', null, h('strong', null, t(`assessment.category.${f.category}`)), ' · ', t(`assessment.severity.${f.severity}`), f.cadre ? ` · ${f.cadre}` : ''),
          h('p', null, f.description),
          f.evidence.length ? h('p', { class: 'hint' }, t('assessment.findings.evidence', { count: f.evidence.length })) : null,
          task ? h('p', null, t('assessment.findings.task', { title: task.title }), ' ', h('span', { class: 'badge badge-info' }, t(`assessment.task.${task.status}`))) : null,
          h('div', { class: 'row-actions' }, buttons),
        );
      });
      mount(body, items.length ? h('ul', { class: 'cards' }, rows) : h('p', { class: 'empty' }, t('assessment.findings.empty')), may ? addForm() : null);
    }

    function addForm() {
      const form = createForm({
        id: `finding.${r.id}`,
        fields: [
          { name: 'category', label: 'assessment.field.category', type: 'select', required: true, options: CATEGORIES.map((c) => ({ value: c, label: `assessment.category.${c}` })) },
          { name: 'severity', label: 'assessment.field.severity', type: 'select', required: true, options: SEVERITIES.map((s) => ({ value: s, label: `assessment.severity.${s}` })) },
          { name: 'cadre', label: 'assessment.field.cadre', maxlength: 100 },
          { name: 'community', label: 'assessment.field.community', maxlength: 12, inputmode: 'numeric' },
          { name: 'description', label: 'assessment.field.description', type: 'textarea', required: true, maxlength: 2000 },
          { name: 'evidence', label: 'assessment.field.evidence', hint: 'assessment.field.listHint' },
        ],
        submitLabel: 'assessment.findings.add',
        onSubmit: (v, { idempotencyKey }) =>
          post(
            `${base}/inspections/${r.id}/findings`,
            { category: v.category, severity: v.severity, cadre: v.cadre || '', community: v.community || '', description: v.description, evidence: list(v.evidence) },
            { idempotencyKey },
          ),
        onSuccess: () => {
          toast(t('assessment.findings.added'));
          draw();
        },
      });
      return h('section', null, h('h3', null, t('assessment.findings.add')), form.el);
    }

    function rectify(f) {
      let inner;
      const form = createForm({
        fields: [
          { name: 'title', label: 'assessment.field.taskTitle', required: true, maxlength: 200 },
          { name: 'detail', label: 'assessment.field.taskDetail', type: 'textarea', maxlength: 4000 },
          { name: 'due', label: 'assessment.field.due', type: 'date' },
        ],
        submitLabel: 'assessment.findings.rectify',
        actions: [{ label: 'common.cancel', onClick: () => inner.close() }],
        onSubmit: (v, { idempotencyKey }) => post(`${base}/findings/${f.id}/rectification`, { title: v.title, detail: v.detail || '', due: v.due || '' }, { idempotencyKey }),
        onSuccess: () => {
          inner.close();
          toast(t('assessment.findings.rectified'));
          draw();
        },
      });
      inner = openDialog({ title: t('assessment.findings.rectify'), content: form.el });
    }

    function step(f, action, reopen = false) {
      let inner;
      const form = createForm({
        fields: [{ name: 'note', label: reopen ? 'assessment.field.reason' : 'assessment.field.note', type: 'textarea', required: reopen, maxlength: 1000 }],
        submitLabel: reopen ? 'assessment.findings.reopen' : `assessment.findings.${action}`,
        actions: [{ label: 'common.cancel', onClick: () => inner.close() }],
        onSubmit: (v, { idempotencyKey }) => post(`${base}/findings/${f.id}/rectification/${action}`, action === 'verify' ? { note: v.note || '', reopen } : { note: v.note || '' }, { idempotencyKey }),
        onSuccess: () => {
          inner.close();
          toast(t('assessment.findings.saved'));
          draw();
        },
      });
      inner = openDialog({ title: t(reopen ? 'assessment.findings.reopen' : `assessment.findings.${action}`), content: form.el });
    }

    await draw();
    return dlg;
  }
}
