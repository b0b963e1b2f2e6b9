import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deadlineOf, isWorkingDay, monthsOf, nominalDay } from '../static/js/programme.js';

// libs/calendar DefaultProgramme(2026) as the API sends it.
const p2026 = {
  year: 2026,
  start: '2026-01-01',
  end: '2026-12-31',
  contactListDue: '04-15',
  firstStayDue: '04-30',
  monthlyReportDay: 5,
  minStationingDaysPerMonth: 2,
  stationingDayMinHours: 4,
  yearEndReportDue: '12-25',
  q1SummaryDue: '03-31',
  shiftToNextWorkingDay: false,
  overrides: [],
};

// The 2026 arrangement (国办发明电〔2025〕7号), the parts these tests touch.
const holidays = [
  {
    year: 2026,
    daysOff: [
      { name: '劳动节', first: '2026-05-01', last: '2026-05-05' },
      { name: '国庆节', first: '2026-10-01', last: '2026-10-07' },
    ],
    makeUpWorkdays: [{ date: '2026-05-09', holiday: '劳动节' }],
  },
];

test('yearly deadlines fall where libs/calendar puts them', () => {
  const cases = [
    ['contact_list', '', '2026-04-15'],
    ['first_stay', '', '2026-04-30'],
    ['year_end_report', '', '2026-12-25'],
    ['q1_summary', '', '2027-03-31'],
    ['monthly_report', '2026-04', '2026-05-05'],
    ['monthly_report', '2026-12', '2027-01-05'],
  ];
  for (const [kind, month, want] of cases) assert.equal(nominalDay(p2026, kind, month), want, `${kind} ${month}`);
});

test('a programme year that starts in July places April deadlines in the next year', () => {
  const p = { ...p2026, start: '2026-07-01', end: '2027-06-30' };
  assert.equal(nominalDay(p, 'contact_list'), '2027-04-15');
  assert.equal(nominalDay(p, 'year_end_report'), '2026-12-25');
  assert.equal(nominalDay(p, 'q1_summary'), '2028-03-31');
});

test('with the shift on, a deadline on a day off moves to the next working day', () => {
  const p = { ...p2026, shiftToNextWorkingDay: true };
  // The April report is due 5 May, the last day of the May Day holiday; 6 May is a Wednesday.
  const d = deadlineOf(p, holidays, 'monthly_report', { month: '2026-04' });
  assert.equal(d.nominal, '2026-05-05');
  assert.equal(d.day, '2026-05-06');
  assert.equal(d.shifted, true);
  assert.equal(isWorkingDay('2026-05-09', holidays), true, 'a make-up Saturday is worked');
  assert.equal(isWorkingDay('2026-05-10', holidays), false, 'an ordinary Sunday is not');
});

test("a town's extension replaces the day for that town and month only", () => {
  const p = {
    ...p2026,
    overrides: [{ town: '130624101', kind: 'monthly_report', month: '2026-07', due: '2026-08-12', reason: '暴雨' }],
  };
  assert.equal(deadlineOf(p, holidays, 'monthly_report', { town: '130624101', month: '2026-07' }).day, '2026-08-12');
  assert.equal(deadlineOf(p, holidays, 'monthly_report', { town: '130624100', month: '2026-07' }).day, '2026-08-05');
  assert.equal(deadlineOf(p, holidays, 'monthly_report', { town: '130624101', month: '2026-08' }).day, '2026-09-05');
});

test('a calendar-year programme owes twelve monthly reports', () => {
  const months = monthsOf(p2026);
  assert.equal(months.length, 12);
  assert.equal(months[0], '2026-01');
  assert.equal(months[11], '2026-12');
});
