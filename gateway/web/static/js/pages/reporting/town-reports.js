// 镇级报告 (L4): the town office's monthly summary, the year-end written report to the county
// and the first-quarter summary — a template whose statistics come from the projections and
// whose sections the office writes; the town leader signs it off, the office files it with the
// county.

import { h, mount } from '../../ui/dom.js';
import { createForm } from '../../ui/form.js';
import { bannerSlot } from '../../ui/banner.js';
import { toast } from '../../ui/toast.js';
import { get, post, put } from '../../api.js';
import { t } from '../../i18n.js';
import { beijingToday, deadline, formatDateTime } from '../../format.js';
import { TOWN_ADMIN, TOWN_LEADER } from '../../roles.js';
import { navigate } from '../../router.js';

export const title = 'reporting.townReports.title';

const KINDS = ['monthly_summary', 'year_end', 'q1_summary'];
const STATS = ['reportsSubmitted', 'reportsOnTime', 'reportsLate', 'reportsApproved', 'daysPresent', 'logs', 'diaries', 'contactsVisited', 'opinionsHandled', 'meetingsHeld', 'actionItems', 'actionItemsClosed'];

export async function render(ctx) {
  const kind = KINDS.includes(ctx.query.kind) ? ctx.query.kind : 'monthly_summary';
  const today = beijingToday();
  const period = ctx.query.period || (kind === 'monthly_summary' ? today.slice(0, 7) : String(ctx.year || today.slice(0, 4)));
  const path = `towns/${ctx.town}/town-reports/${kind}/${period}`;
  const banner = bannerSlot();

  const kindSelect = h('select', { class: 'input', 'aria-label': t('reporting.townReports.kind') }, KINDS.map((k) => h('option', { value: k, selected: k === kind }, t(`reporting.townReports.kinds.${k}`))));
  const periodInput = h('input', { class: 'input', value: period, 'aria-label': t('reporting.townReports.period'), placeholder: kind === 'monthly_summary' ? '2026-05' : '2026' });
  const go = () => navigate('/town-reports', { kind: kindSelect.value, period: kindSelect.value === kind ? periodInput.value : '' });
  kindSelect.addEventListener('change', go);
  periodInput.addEventListener('change', go);
  const bar = h('div', { class: 'toolbar' }, h('label', { class: 'field-label' }, t('reporting.townReports.kind')), kindSelect, h('label', { class: 'field-label' }, t('reporting.townReports.period')), periodInput);

  let r;
  try {
    r = await get(path, null, { signal: ctx.signal });
  } catch (err) {
    mount(ctx.root, bar, banner.el);
    banner.error(err);
    return;
  }
  const office = ctx.can(TOWN_ADMIN);
  const leader = ctx.can(TOWN_LEADER);
  const step = async (name, body = {}) => {
    try {
      await post(`${path}/${name}`, body);
      toast(t(`reporting.townReports.done.${name}`));
      ctx.refresh();
    } catch (err) {
      banner.error(err);
    }
  };
  const form = createForm({
    readonly: !(office && r.status === 'draft'),
    keepValues: true,
    values: r.sections,
    fields: r.template.map((s) => ({ name: s.key, label: `reporting.townReports.section.${s.key}`, type: 'textarea', required: true, maxlength: 10000 })),
    submitLabel: 'common.save',
    onSubmit: (v) => put(path, { sections: v }),
    onSuccess: () => toast(t('reporting.reports.saved')),
  });
  const comment = h('textarea', { class: 'input', maxlength: 1000, 'aria-label': t('reporting.field.comment') });
  const buttons = [];
  const button = (label, onClick, primary) => h('button', { type: 'button', class: ['btn', primary ? 'btn-primary' : 'btn-secondary'], onclick: onClick }, t(label));
  if (office && r.status === 'draft') buttons.push(button('reporting.townReports.submit', () => step('submit'), true));
  if (leader && r.status === 'awaiting_sign_off') buttons.push(button('reporting.townReports.sign', () => step('sign'), true), button('reporting.reports.return', () => step('return', { comment: comment.value })));
  if (office && r.status === 'signed') buttons.push(button('reporting.townReports.file', () => step('file'), true));
  const due = r.deadline ? deadline(r.deadline.day) : null;

  mount(
    ctx.root,
    bar,
    banner.el,
    h(
      'section',
      { class: 'card' },
      h('p', null, h('span', { class: 'badge badge-info' }, t(`reporting.townReports.status.${r.status}`)), due && r.status !== 'filed' ? h('span', { class: ['badge', due.overdue ? 'badge-overdue' : 'badge-muted'] }, due.text) : null),
      r.comment ? h('p', null, t('reporting.townReports.sentBack', { comment: r.comment })) : null,
      r.signedAt ? h('p', { class: 'muted' }, t('reporting.townReports.signedAt', { at: formatDateTime(r.signedAt) })) : null,
      r.filedAt ? h('p', { class: 'muted' }, t('reporting.townReports.filedAt', { at: formatDateTime(r.filedAt) })) : null,
    ),
    h('section', { class: 'card' }, h('h2', null, t('reporting.townReports.statistics')), h('dl', { class: 'facts' }, STATS.flatMap((k) => [h('dt', null, t(`reporting.townReports.stat.${k}`)), h('dd', null, String(r.statistics[k] ?? 0))]))),
    h('section', { class: 'card' }, form.el),
    buttons.length ? h('section', { class: 'card' }, leader ? h('label', { class: 'field-label' }, t('reporting.field.comment')) : null, leader ? comment : null, h('div', { class: 'form-actions' }, buttons)) : null,
  );
}
