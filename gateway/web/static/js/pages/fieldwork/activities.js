// 活动: structured activities of the tasks T2 (guide activities), T3 (serve the people) and
// T5 (build organisations), and the rectification measures agreed in them, tracked until the
// town office verifies them.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { createForm } from '../../ui/form.js';
import { openDialog } from '../../ui/dialog.js';
import { toast } from '../../ui/toast.js';
import { errorMessage, get, post } from '../../api.js';
import { t } from '../../i18n.js';
import { beijingToday, formatDate } from '../../format.js';
import { ADMINS, BRANCH_SECRETARY, CADRE } from '../../roles.js';

export const title = 'fieldwork.activities.title';

const TYPES = {
  T2: ['lecture', 'group_study', 'tutoring', 'party_lesson', 'org_life_meeting', 'stage_work_plan'],
  T3: ['policy_briefing', 'science_popularisation', 'technical_training', 'legal_lecture', 'market_development', 'problem_solving', 'subsidy_review'],
  T5: ['training', 'branch_rules', 'member_management', 'weak_org_rectification'],
};
const MEASURES = ['stage_work_plan', 'org_life_meeting', 'weak_org_rectification'];
const STEPS = { open: ['start', 'complete'], in_progress: ['complete'], reopened: ['start', 'complete'], done: ['verify', 'reopen'], verified: ['reopen'] };

export async function render(ctx) {
  const base = `towns/${ctx.town}`;
  const cadre = ctx.role === CADRE;
  const office = ctx.can(...ADMINS);
  const communities = cadre ? await get(`${base}/communities`, { limit: 500 }, { signal: ctx.signal }) : { items: [] };

  const table = createTable({
    caption: 'fieldwork.activities.title',
    signal: ctx.signal,
    filters: [{ name: 'task', label: 'fieldwork.field.task', options: Object.keys(TYPES).map((v) => ({ value: v, label: `fieldwork.task.${v}` })) }],
    search: { label: 'fieldwork.research.search', text: (r) => `${r.title} ${r.cadre}` },
    sort: { key: 'date', dir: 'desc' },
    columns: [
      { key: 'date', label: 'fieldwork.field.date', sortable: true, nowrap: true, value: (r) => r.date, render: (r) => formatDate(r.date) },
      { key: 'title', label: 'fieldwork.research.field.title', primary: true, sortable: true },
      { key: 'type', label: 'fieldwork.activities.field.type', render: (r) => t(`fieldwork.activityType.${r.type}`) },
      { key: 'participants', label: 'fieldwork.activities.field.participants', align: 'end', sortable: true },
    ],
    actions: (r) => [h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => show(r) }, t('fieldwork.logs.open'))],
    load: ({ cursor, filters, signal }) => get(`${base}/activities`, { cursor, task: filters.task }, { signal }),
    toolbar: cadre ? [h('button', { type: 'button', class: 'btn btn-primary', onclick: record }, t('fieldwork.activities.record'))] : [],
    empty: 'fieldwork.activities.empty',
  });
  mount(ctx.root, table.el);

  function record() {
    let dlg;
    const form = createForm({
      id: 'fw-activity-new',
      fields: [
        { name: 'community', label: 'fieldwork.today.community', type: 'select', required: true, options: (communities.items || []).map((c) => ({ value: c.code, text: c.name })) },
        {
          name: 'type',
          label: 'fieldwork.activities.field.type',
          type: 'select',
          required: true,
          options: Object.entries(TYPES).flatMap(([task, types]) => types.map((ty) => ({ value: `${task}:${ty}`, text: `${t(`fieldwork.task.${task}`)} · ${t(`fieldwork.activityType.${ty}`)}` }))),
        },
        { name: 'date', label: 'fieldwork.field.date', type: 'date', required: true },
        { name: 'title', label: 'fieldwork.research.field.title', required: true, maxlength: 100 },
        { name: 'participants', label: 'fieldwork.activities.field.participants', type: 'number', min: 0 },
        { name: 'summary', label: 'fieldwork.activities.field.summary', type: 'textarea', maxlength: 5000 },
        { name: 'findings', label: 'fieldwork.activities.field.findings', type: 'textarea', maxlength: 5000 },
      ],
      values: { date: beijingToday() },
      submitLabel: 'common.save',
      onSubmit: (v) => {
        const [task, type] = v.type.split(':');
        return post(`${base}/activities`, {
          community: v.community, task, type, date: v.date, title: v.title,
          participants: v.participants ? Number(v.participants) : 0, summary: v.summary, findings: v.findings,
        });
      },
      onSuccess: () => {
        dlg.close();
        toast(t('fieldwork.activities.recorded'));
        table.reload();
      },
    });
    dlg = openDialog({ title: t('fieldwork.activities.record'), wide: true, content: form.el });
  }

  async function show(a) {
    const canWork = office || (cadre && ctx.account.cadreId === a.cadre) || ctx.role === BRANCH_SECRETARY;
    const list = h('ul', { class: 'deadline-list' });
    const dlg = openDialog({
      title: a.title,
      wide: true,
      content: h(
        'div',
        null,
        h('p', { class: 'muted' }, formatDate(a.date), ' · ', t(`fieldwork.task.${a.task}`), ' · ', t(`fieldwork.activityType.${a.type}`)),
        a.summary ? h('p', null, a.summary) : '',
        a.findings ? h('p', null, t('fieldwork.activities.findingsOf', { text: a.findings })) : '',
        MEASURES.includes(a.type) ? h('h3', null, t('fieldwork.activities.measures')) : '',
        MEASURES.includes(a.type) ? list : '',
        MEASURES.includes(a.type) && (office || (cadre && ctx.account.cadreId === a.cadre)) ? addMeasure() : '',
      ),
    });
    await loadMeasures();

    async function loadMeasures() {
      if (!MEASURES.includes(a.type)) return;
      const ms = await get(`${base}/activities/${a.id}/measures`);
      mount(
        list,
        (ms.items || []).length
          ? ms.items.map((m) =>
              h(
                'li',
                null,
                h('div', null, h('div', { class: 'deadline-what' }, m.title), m.due ? h('div', { class: 'deadline-when' }, formatDate(m.due.slice(0, 10))) : ''),
                h('span', { class: 'badge' }, t(`fieldwork.measureStatus.${m.status}`)),
                canWork
                  ? (STEPS[m.status] || [])
                      .filter((s) => office || s === 'start' || s === 'complete')
                      .map((s) => h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => move(m, s) }, t(`fieldwork.measureStep.${s}`)))
                  : '',
              ),
            )
          : h('li', { class: 'empty' }, t('fieldwork.activities.noMeasures')),
      );
    }

    async function move(m, s) {
      if (s === 'reopen') return reopen(m);
      try {
        await post(`towns/${ctx.town}/measures/${m.id}/${s}`, {});
        toast(t('fieldwork.activities.moved'));
        await loadMeasures();
      } catch (err) {
        toast(errorMessage(err), { kind: 'error' });
      }
    }

    function reopen(m) {
      let inner;
      const form = createForm({
        id: `fw-reopen-${m.id}`,
        fields: [{ name: 'note', label: 'fieldwork.activities.reason', type: 'textarea', required: true, maxlength: 1000 }],
        submitLabel: 'fieldwork.measureStep.reopen',
        onSubmit: (v) => post(`towns/${ctx.town}/measures/${m.id}/reopen`, { note: v.note }),
        onSuccess: () => {
          inner.close();
          toast(t('fieldwork.activities.moved'));
          loadMeasures();
        },
      });
      inner = openDialog({ title: t('fieldwork.measureStep.reopen'), content: form.el });
    }

    function addMeasure() {
      const form = createForm({
        id: `fw-measure-${a.id}`,
        fields: [
          { name: 'title', label: 'fieldwork.activities.field.measure', required: true, maxlength: 200 },
          { name: 'due', label: 'fieldwork.activities.field.due', type: 'date' },
        ],
        submitLabel: 'fieldwork.activities.addMeasure',
        onSubmit: (v) => post(`${base}/activities/${a.id}/measures`, { title: v.title, due: v.due || undefined }),
        onSuccess: () => loadMeasures(),
      });
      return form.el;
    }
    return dlg;
  }
}
