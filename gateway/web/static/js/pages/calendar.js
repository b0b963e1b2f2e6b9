// 蹲点年度与节假日: the programme year's deadlines as dates (P1), the national holiday table
// they shift around (cited to its State Council notice), and the extensions granted to towns.
// The county organisation department sets them; everyone else reads them.

import { h, mount } from '../ui/dom.js';
import { createTable } from '../ui/table.js';
import { createForm } from '../ui/form.js';
import { openDialog } from '../ui/dialog.js';
import { toast } from '../ui/toast.js';
import { put } from '../api.js';
import { t } from '../i18n.js';
import { deadline, formatDate, formatDateTime, formatMonth } from '../format.js';
import { COUNTY_ADMIN, isCounty } from '../roles.js';
import { KINDS, addDays, deadlineOf, monthDayOf, monthsOf, nominalDay } from '../programme.js';
import * as session from '../session.js';

export const title = 'calendar.title';

export async function render(ctx) {
  await session.loadCalendar(); // fresh: another administrator may have changed it
  const admin = ctx.can(COUNTY_ADMIN);
  const years = session.programmeYears();
  const holidays = session.holidayYears();
  const p = years.find((y) => y.year === session.year()) || years[years.length - 1];

  if (admin) {
    ctx.actions.append(h('button', { type: 'button', class: 'btn btn-primary', onclick: () => editYear(null) }, t('calendar.newYear')));
  }
  if (!p) {
    mount(ctx.root, h('div', { class: 'card empty-state' }, h('p', null, t(admin ? 'calendar.noYearAdmin' : 'calendar.noYear'))));
    return;
  }

  const town = isCounty(ctx.role) ? ctx.town : ctx.account.town;
  mount(
    ctx.root,
    deadlinesCard(p, holidays, town, ctx),
    overridesCard(p, ctx, admin),
    holidaysCard(p, holidays),
    yearsCard(years, admin),
  );

  function yearsCard(list, canEdit) {
    const table = createTable({
      caption: 'calendar.yearsCaption',
      rows: list,
      sort: { key: 'year', dir: 'desc' },
      columns: [
        { key: 'year', label: 'calendar.col.year', primary: true, sortable: true, render: (y) => t('calendar.yearName', { year: y.year }) },
        { key: 'span', label: 'calendar.col.span', render: (y) => t('calendar.span', { start: formatDate(y.start), end: formatDate(y.end) }) },
        { key: 'rule', label: 'calendar.col.rule', render: (y) => t('calendar.rule', { days: y.minStationingDaysPerMonth, hours: y.stationingDayMinHours }) },
        { key: 'shift', label: 'calendar.col.shift', render: (y) => t(y.shiftToNextWorkingDay ? 'common.yes' : 'common.no') },
      ],
      actions: canEdit ? (y) => [h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => editYear(y) }, t('common.edit'))] : null,
      empty: 'calendar.noYear',
    });
    return h('section', { class: 'card' }, h('h2', null, t('calendar.yearsTitle')), table.el);
  }

  function editYear(y) {
    const latest = years[years.length - 1];
    const base = y || nextYearFrom(latest);
    let dlg;
    const dayField = (name, kind) => ({
      name,
      label: `calendar.kind.${kind}`,
      type: 'date',
      required: true,
      hint: `calendar.hint.${kind}`,
    });
    const form = createForm({
      id: y ? `calendar-year.${y.year}` : 'calendar-year.new',
      keepValues: true,
      fields: [
        { name: 'year', label: 'calendar.field.year', type: 'number', required: true, min: 2000, max: 2100, disabled: Boolean(y) },
        { name: 'start', label: 'calendar.field.start', type: 'date', required: true },
        { name: 'end', label: 'calendar.field.end', type: 'date', required: true },
        dayField('contactListDue', 'contact_list'),
        dayField('firstStayDue', 'first_stay'),
        { name: 'monthlyReportDay', label: 'calendar.field.monthlyReportDay', type: 'number', required: true, min: 1, max: 28, hint: 'calendar.hint.monthly_report' },
        { name: 'minStationingDaysPerMonth', label: 'calendar.field.minDays', type: 'number', required: true, min: 1, max: 28 },
        { name: 'stationingDayMinHours', label: 'calendar.field.minHours', type: 'number', required: true, min: 0.5, max: 24, step: 0.5, hint: 'calendar.hint.minHours' },
        dayField('yearEndReportDue', 'year_end_report'),
        dayField('q1SummaryDue', 'q1_summary'),
        { name: 'shiftToNextWorkingDay', label: 'calendar.field.shift', type: 'checkbox', wide: true },
      ],
      values: asFormValues(base),
      submitLabel: 'common.save',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v) => {
        const year = y ? y.year : v.year;
        return put(`calendar/years/${year}`, {
          year,
          start: v.start,
          end: v.end,
          contactListDue: monthDayOf(v.contactListDue),
          firstStayDue: monthDayOf(v.firstStayDue),
          monthlyReportDay: v.monthlyReportDay,
          minStationingDaysPerMonth: v.minStationingDaysPerMonth,
          stationingDayMinHours: v.stationingDayMinHours,
          yearEndReportDue: monthDayOf(v.yearEndReportDue),
          q1SummaryDue: monthDayOf(v.q1SummaryDue),
          shiftToNextWorkingDay: v.shiftToNextWorkingDay,
        });
      },
      onSuccess: (res, v) => {
        dlg.close();
        toast(t('calendar.yearSaved', { year: y ? y.year : v.year }));
        ctx.refresh();
      },
    });
    dlg = openDialog({ title: y ? t('calendar.editYear', { year: y.year }) : t('calendar.newYear'), wide: true, content: form.el });
    form.focus();
  }
}

/** The settings as the form shows them: yearly deadlines as the dates they fall on. */
function asFormValues(p) {
  return {
    year: p.year,
    start: p.start,
    end: p.end,
    contactListDue: nominalDay(p, 'contact_list'),
    firstStayDue: nominalDay(p, 'first_stay'),
    monthlyReportDay: p.monthlyReportDay,
    minStationingDaysPerMonth: p.minStationingDaysPerMonth,
    stationingDayMinHours: p.stationingDayMinHours,
    yearEndReportDue: nominalDay(p, 'year_end_report'),
    q1SummaryDue: nominalDay(p, 'q1_summary'),
    shiftToNextWorkingDay: Boolean(p.shiftToNextWorkingDay),
  };
}

/** A new year starts from the last one's settings, a year later (or the plan's own dates). */
function nextYearFrom(latest) {
  if (!latest) {
    const y = Number(new Date().getUTCFullYear());
    return {
      year: y,
      start: `${y}-01-01`,
      end: `${y}-12-31`,
      contactListDue: '04-15',
      firstStayDue: '04-30',
      monthlyReportDay: 5,
      minStationingDaysPerMonth: 2,
      stationingDayMinHours: 4,
      yearEndReportDue: '12-25',
      q1SummaryDue: '03-31',
      shiftToNextWorkingDay: false,
    };
  }
  const shift = (day) => `${Number(day.slice(0, 4)) + 1}${day.slice(4)}`;
  return { ...latest, year: latest.year + 1, start: shift(latest.start), end: shift(latest.end), overrides: [] };
}

/** This year's deadlines for the town in view, with how long is left. */
function deadlinesCard(p, holidays, town, ctx) {
  const today = new Date();
  const rows = KINDS.filter((k) => k !== 'monthly_report').map((kind) => deadlineOf(p, holidays, kind, { town }));
  const months = monthsOf(p).map((month) => deadlineOf(p, holidays, 'monthly_report', { town, month }));
  const upcoming = months.find((d) => deadline(d.day, today).days >= 0) || months[months.length - 1];
  rows.splice(2, 0, upcoming);
  rows.sort((a, b) => (a.day < b.day ? -1 : 1));

  const table = createTable({
    caption: 'calendar.deadlinesCaption',
    rows,
    columns: [
      {
        key: 'kind',
        label: 'calendar.col.kind',
        primary: true,
        render: (d) => (d.kind === 'monthly_report' ? t('calendar.monthlyOf', { month: formatMonth(d.month) }) : t(`calendar.kind.${d.kind}`)),
      },
      { key: 'day', label: 'calendar.col.day', nowrap: true, render: (d) => formatDate(d.day) },
      { key: 'left', label: 'calendar.col.left', nowrap: true, render: (d) => leftOf(d.day, today) },
      { key: 'note', label: 'calendar.col.note', render: noteOf },
    ],
  });

  const monthly = h(
    'details',
    { class: 'more-months' },
    h('summary', null, t('calendar.allMonths')),
    h(
      'ul',
      { class: 'deadline-list' },
      months.map((d) =>
        h(
          'li',
          null,
          h('span', null, t('calendar.monthlyOf', { month: formatMonth(d.month) })),
          h('span', null, formatDate(d.day), ' ', noteOf(d) ? h('span', { class: 'muted' }, noteOf(d)) : null),
        ),
      ),
    ),
  );
  const scope = town ? t('calendar.deadlinesFor', { town: session.townName(town) }) : t('calendar.deadlinesCounty');
  return h(
    'section',
    { class: 'card' },
    h('h2', null, t('calendar.deadlinesTitle', { year: p.year })),
    h('p', { class: 'lead' }, scope, ' ', t('calendar.span', { start: formatDate(p.start), end: formatDate(p.end) })),
    table.el,
    monthly,
  );
}

// A day that has passed is only past here: whether someone is overdue is a matter of their
// own records, shown (in red) where those are.
function leftOf(day, today) {
  const d = deadline(day, today);
  if (!d) return '';
  if (d.overdue) return h('span', { class: 'muted' }, t('calendar.passed'));
  return h('span', { class: `deadline-${d.level}` }, d.text);
}

function noteOf(d) {
  if (d.override) return t('calendar.extended', { nominal: formatDate(d.nominal), reason: d.override.reason });
  if (d.shifted) return t('calendar.shifted', { nominal: formatDate(d.nominal) });
  return '';
}

/** The extensions granted to towns in the year (a town role sees only its own). */
function overridesCard(p, ctx, admin) {
  const table = createTable({
    caption: 'calendar.overridesCaption',
    rows: p.overrides || [],
    sort: { key: 'at', dir: 'desc' },
    columns: [
      { key: 'town', label: 'calendar.col.town', primary: true, sortable: true, render: (o) => session.townName(o.town) },
      {
        key: 'kind',
        label: 'calendar.col.kind',
        sortable: true,
        render: (o) => (o.kind === 'monthly_report' ? t('calendar.monthlyOf', { month: formatMonth(o.month) }) : t(`calendar.kind.${o.kind}`)),
      },
      { key: 'due', label: 'calendar.col.extendedTo', sortable: true, nowrap: true, render: (o) => formatDate(o.due) },
      { key: 'reason', label: 'calendar.col.reason' },
      { key: 'at', label: 'calendar.col.grantedAt', sortable: true, nowrap: true, render: (o) => formatDateTime(o.at) },
    ],
    toolbar: admin ? [h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => grant(p, ctx) }, t('calendar.grant'))] : null,
    empty: 'calendar.noOverrides',
  });
  return h('section', { class: 'card' }, h('h2', null, t('calendar.overridesTitle')), h('p', { class: 'lead' }, t('calendar.overridesLead')), table.el);
}

function grant(p, ctx) {
  let dlg;
  const towns = session.towns().filter((tw) => tw.status !== 'archived');
  const form = createForm({
    id: `calendar-override.${p.year}`,
    fields: [
      {
        name: 'town',
        label: 'calendar.col.town',
        type: 'select',
        required: true,
        options: towns.map((tw) => ({ value: tw.code, text: tw.name })),
      },
      {
        name: 'kind',
        label: 'calendar.col.kind',
        type: 'select',
        required: true,
        options: KINDS.map((k) => ({ value: k, label: `calendar.kind.${k}` })),
      },
      {
        name: 'month',
        label: 'calendar.field.month',
        type: 'month',
        required: true,
        min: p.start.slice(0, 7),
        max: p.end.slice(0, 7),
        visible: (v) => v.kind === 'monthly_report',
        apiNames: [/^overrides\[\d+\]\.month$/],
      },
      { name: 'due', label: 'calendar.field.due', type: 'date', required: true, apiNames: [/^overrides\[\d+\]\.due$/] },
      { name: 'reason', label: 'calendar.field.reason', type: 'textarea', required: true, maxlength: 200, rows: 3, apiNames: [/^overrides\[\d+\]\.reason$/] },
    ],
    values: { town: ctx.town },
    submitLabel: 'calendar.grant',
    actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
    onSubmit: (v) => {
      const body = { year: p.year, due: v.due, reason: v.reason };
      if (v.kind === 'monthly_report') body.month = v.month;
      return put(`towns/${v.town}/calendar/overrides/${v.kind}`, body);
    },
    onSuccess: (res, v) => {
      dlg.close();
      toast(t('calendar.granted', { town: session.townName(v.town) }));
      ctx.refresh();
    },
  });
  dlg = openDialog({ title: t('calendar.grant'), content: h('div', null, h('p', null, t('calendar.grantLead')), form.el) });
  form.focus();
}

/** The national holidays of the year, as its State Council notice lists them. */
function holidaysCard(p, holidays) {
  const years = [...new Set([p.start.slice(0, 4), p.end.slice(0, 4), addDays(p.end, 1).slice(0, 4)].map(Number))];
  const sections = years
    .map((y) => holidays.find((x) => x.year === y))
    .filter(Boolean)
    .map((hy) => {
      const byHoliday = (name) => (hy.makeUpWorkdays || []).filter((w) => w.holiday === name).map((w) => formatDate(w.date));
      const table = createTable({
        caption: 'calendar.holidaysCaption',
        rows: hy.daysOff || [],
        columns: [
          { key: 'name', label: 'calendar.col.holiday', primary: true },
          { key: 'off', label: 'calendar.col.daysOff', render: (o) => t('calendar.span', { start: formatDate(o.first), end: formatDate(o.last) }) },
          { key: 'count', label: 'calendar.col.count', align: 'end', render: (o) => t('calendar.days', { count: daysBetween(o.first, o.last) }) },
          { key: 'work', label: 'calendar.col.makeUp', render: (o) => byHoliday(o.name).join(t('common.listSep')) },
        ],
      });
      const n = hy.notice || {};
      const cite = h(
        'p',
        { class: 'lead' },
        t('calendar.notice', { title: n.title || '', number: n.number || '', issued: n.issued ? formatDate(n.issued) : '' }),
        ' ',
        n.url ? h('a', { href: n.url, rel: 'noopener noreferrer', target: '_blank' }, t('calendar.noticeLink')) : null,
      );
      return h('div', { class: 'holiday-year' }, h('h3', null, t('calendar.holidaysOf', { year: hy.year })), cite, table.el);
    });
  const missing = years.filter((y) => !holidays.some((x) => x.year === y));
  return h(
    'section',
    { class: 'card' },
    h('h2', null, t('calendar.holidaysTitle')),
    sections,
    missing.length ? h('p', { class: 'muted' }, t('calendar.holidaysMissing', { years: missing.join(t('common.listSep')) })) : null,
  );
}

function daysBetween(first, last) {
  return Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86400000) + 1;
}
