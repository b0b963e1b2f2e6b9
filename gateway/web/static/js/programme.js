// The programme year's deadlines as days, for showing them. The rules mirror libs/calendar
// (the one place deadlines are decided): a yearly day falls on the first such day on or after
// the start (一联五名单, 首次蹲点), the year-end report on the last one on or before the end,
// the Q1 summary on the first one after the end; a monthly report on the report day of the
// following month; with shiftToNextWorkingDay a day off moves to the next working day; a
// town's extension replaces the day as granted.

/** Deadline kinds in the order of the year (libs/calendar DeadlineKinds). */
export const KINDS = ['contact_list', 'first_stay', 'monthly_report', 'year_end_report', 'q1_summary'];

/** The setting of the programme year that holds each kind's day. */
export const KIND_FIELD = {
  contact_list: 'contactListDue',
  first_stay: 'firstStayDue',
  monthly_report: 'monthlyReportDay',
  year_end_report: 'yearEndReportDue',
  q1_summary: 'q1SummaryDue',
};

const DAY = 86400000;

function toMs(day) {
  const [y, m, d] = day.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
}

function fromMs(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day, n) {
  return fromMs(toMs(day) + n * DAY);
}

/** "04-15" in a year → "2026-04-15". */
function inYear(monthDay, year) {
  return `${String(year).padStart(4, '0')}-${monthDay}`;
}

function firstOnOrAfter(monthDay, from) {
  const y = Number(from.slice(0, 4));
  const d = inYear(monthDay, y);
  return d < from ? inYear(monthDay, y + 1) : d;
}

function lastOnOrBefore(monthDay, to) {
  const y = Number(to.slice(0, 4));
  const d = inYear(monthDay, y);
  return d > to ? inYear(monthDay, y - 1) : d;
}

/** The month after "2026-05" → "2026-06". */
export function nextMonth(month) {
  let [y, m] = month.split('-').map(Number);
  m += 1;
  if (m > 12) {
    m = 1;
    y += 1;
  }
  return `${y}-${String(m).padStart(2, '0')}`;
}

/** The day the county's settings name for a kind (month: the month reported on). */
export function nominalDay(p, kind, month) {
  switch (kind) {
    case 'contact_list':
      return firstOnOrAfter(p.contactListDue, p.start);
    case 'first_stay':
      return firstOnOrAfter(p.firstStayDue, p.start);
    case 'year_end_report':
      return lastOnOrBefore(p.yearEndReportDue, p.end);
    case 'q1_summary':
      return firstOnOrAfter(p.q1SummaryDue, addDays(p.end, 1));
    case 'monthly_report':
      return `${nextMonth(month)}-${String(p.monthlyReportDay).padStart(2, '0')}`;
    default:
      return '';
  }
}

/** Whether offices work that day under the holiday table ([{daysOff, makeUpWorkdays}]). */
export function isWorkingDay(day, holidayYears) {
  for (const y of holidayYears) {
    if ((y.makeUpWorkdays || []).some((w) => w.date === day)) return true;
  }
  for (const y of holidayYears) {
    if ((y.daysOff || []).some((o) => o.first <= day && day <= o.last)) return false;
  }
  const wd = new Date(toMs(day)).getUTCDay();
  return wd !== 0 && wd !== 6;
}

/**
 * The effective deadline of a kind for a town: {kind, month, nominal, day, shifted, override}.
 * overrides are the programme year's town extensions (libs/calendar TownOverride).
 */
export function deadlineOf(p, holidayYears, kind, { town = '', month = '' } = {}) {
  const nominal = nominalDay(p, kind, month);
  let day = nominal;
  let shifted = false;
  if (p.shiftToNextWorkingDay) {
    for (let i = 0; i < 60 && !isWorkingDay(day, holidayYears); i++) day = addDays(day, 1);
    shifted = day !== nominal;
  }
  const override = (p.overrides || []).find(
    (o) => o.town === town && o.kind === kind && (kind !== 'monthly_report' || o.month === month),
  );
  if (override) return { kind, month, nominal, day: override.due, shifted: false, override };
  return { kind, month, nominal, day, shifted, override: null };
}

/** The months a programme year touches, "2026-01" … "2026-12". */
export function monthsOf(p) {
  const out = [];
  for (let m = p.start.slice(0, 7); m <= p.end.slice(0, 7); m = nextMonth(m)) out.push(m);
  return out;
}

/** "2026-04-15" → "04-15" (how the API takes a yearly deadline). */
export function monthDayOf(day) {
  return day ? day.slice(5) : '';
}
