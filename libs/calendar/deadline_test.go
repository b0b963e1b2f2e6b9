package calendar_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/libs/tenancy"
)

const (
	town  tenancy.TownCode = "130624100"
	other tenancy.TownCode = "130624101"
)

func month(y int, m time.Month) calendar.Month { return calendar.Month{Year: y, Month: m} }

func mustCalendar(t *testing.T, year int, edit func(*calendar.ProgrammeCalendar), overrides ...calendar.TownOverride) calendar.Calendar {
	t.Helper()
	p := calendar.DefaultProgramme(year)
	if edit != nil {
		edit(&p)
	}
	c, err := calendar.New(p, calendar.Published(), overrides...)
	require.NoError(t, err)
	return c
}

func TestDeadline_DefaultYearlyDeadlines(t *testing.T) {
	t.Parallel()
	c := mustCalendar(t, 2026, nil)
	for _, tc := range []struct {
		kind calendar.DeadlineKind
		want string
	}{
		{calendar.ContactList, "2026-04-15"},
		{calendar.FirstStay, "2026-04-30"},
		{calendar.YearEndReport, "2026-12-25"},
		{calendar.Q1Summary, "2027-03-31"},
	} {
		d, err := c.Deadline(tc.kind, town, month(2026, time.July)) // the month is ignored for yearly kinds
		require.NoError(t, err)
		require.Equal(t, tc.want, d.Day.String(), tc.kind)
		require.Equal(t, d.Nominal, d.Day)
		require.True(t, d.Due.Equal(d.Day.End()))
		require.True(t, d.Month.IsZero())
		require.False(t, d.Shifted)
		require.Nil(t, d.Override)
		require.Equal(t, town, d.Town)
	}
}

func TestDeadline_MonthlyReportIsDueInTheFollowingMonth(t *testing.T) {
	t.Parallel()
	c := mustCalendar(t, 2026, nil)
	for _, tc := range []struct {
		month calendar.Month
		want  string
	}{
		{month(2026, time.January), "2026-02-05"},
		{month(2026, time.May), "2026-06-05"},
		{month(2026, time.December), "2027-01-05"}, // December's report falls in the next year
	} {
		d, err := c.Deadline(calendar.MonthlyReport, town, tc.month)
		require.NoError(t, err)
		require.Equal(t, tc.want, d.Day.String(), tc.month)
		require.Equal(t, tc.month, d.Month)
	}
}

func TestDeadline_ShiftToNextWorkingDay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		year      int
		reportDay int // 0 keeps the default 5th
		kind      calendar.DeadlineKind
		month     calendar.Month
		contact   string // MM-DD; "" keeps 04-15
		nominal   string
		shiftedTo string // the day with ShiftToNextWorkingDay on; "" means unchanged
	}{
		{name: "ordinary Friday", year: 2026, kind: calendar.MonthlyReport, month: month(2026, time.May), nominal: "2026-06-05"},
		{name: "ordinary Sunday", year: 2026, kind: calendar.MonthlyReport, month: month(2026, time.June), nominal: "2026-07-05", shiftedTo: "2026-07-06"},
		{name: "Qingming Sunday", year: 2026, kind: calendar.MonthlyReport, month: month(2026, time.March), nominal: "2026-04-05", shiftedTo: "2026-04-07"},
		{name: "Labour Day Tuesday", year: 2026, kind: calendar.MonthlyReport, month: month(2026, time.April), nominal: "2026-05-05", shiftedTo: "2026-05-06"},
		{name: "Labour Day Monday 2025", year: 2025, kind: calendar.MonthlyReport, month: month(2025, time.April), nominal: "2025-05-05", shiftedTo: "2025-05-06"},
		{name: "National Day 2025", year: 2025, kind: calendar.MonthlyReport, month: month(2025, time.September), nominal: "2025-10-05", shiftedTo: "2025-10-09"},
		{name: "National Day 2026", year: 2026, kind: calendar.MonthlyReport, month: month(2026, time.September), nominal: "2026-10-05", shiftedTo: "2026-10-08"},
		{name: "Spring Festival start", year: 2026, reportDay: 15, kind: calendar.MonthlyReport, month: month(2026, time.January), nominal: "2026-02-15", shiftedTo: "2026-02-24"},
		{name: "ordinary Sunday after a make-up Saturday", year: 2026, reportDay: 1, kind: calendar.MonthlyReport, month: month(2026, time.February), nominal: "2026-03-01", shiftedTo: "2026-03-02"},
		{name: "make-up Saturday before the Spring Festival", year: 2026, reportDay: 14, kind: calendar.MonthlyReport, month: month(2026, time.January), nominal: "2026-02-14"},
		{name: "make-up Saturday after the Spring Festival", year: 2026, reportDay: 28, kind: calendar.MonthlyReport, month: month(2026, time.January), nominal: "2026-02-28"},
		{name: "make-up Saturday after Labour Day", year: 2026, reportDay: 9, kind: calendar.MonthlyReport, month: month(2026, time.April), nominal: "2026-05-09"},
		{name: "make-up Saturday after National Day", year: 2026, reportDay: 10, kind: calendar.MonthlyReport, month: month(2026, time.September), nominal: "2026-10-10"},
		{name: "make-up Saturday 2025", year: 2025, reportDay: 11, kind: calendar.MonthlyReport, month: month(2025, time.September), nominal: "2025-10-11"},
		{name: "day before Qingming", year: 2026, kind: calendar.ContactList, contact: "04-03", nominal: "2026-04-03"},
		{name: "first day of Qingming", year: 2026, kind: calendar.ContactList, contact: "04-04", nominal: "2026-04-04", shiftedTo: "2026-04-07"},
		{name: "day after Qingming", year: 2026, kind: calendar.ContactList, contact: "04-07", nominal: "2026-04-07"},
		{name: "contact list 2025", year: 2025, kind: calendar.ContactList, nominal: "2025-04-15"},
		{name: "first stay 2025", year: 2025, kind: calendar.FirstStay, nominal: "2025-04-30"},
		{name: "year without a notice shifts over weekends only", year: 2027, kind: calendar.ContactList, contact: "04-17", nominal: "2027-04-17", shiftedTo: "2027-04-19"},
	} {
		for _, shift := range []bool{false, true} {
			c := mustCalendar(t, tc.year, func(p *calendar.ProgrammeCalendar) {
				p.ShiftToNextWorkingDay = shift
				if tc.reportDay != 0 {
					p.MonthlyReportDay = tc.reportDay
				}
				if tc.contact != "" {
					md, err := calendar.ParseMonthDay(tc.contact)
					require.NoError(t, err)
					p.ContactListDue = md
				}
			})
			d, err := c.Deadline(tc.kind, town, tc.month)
			require.NoError(t, err, tc.name)
			require.Equal(t, tc.nominal, d.Nominal.String(), tc.name)
			want, shifted := tc.nominal, false
			if shift && tc.shiftedTo != "" {
				want, shifted = tc.shiftedTo, true
			}
			require.Equal(t, want, d.Day.String(), "%s, shift %v", tc.name, shift)
			require.Equal(t, shifted, d.Shifted, "%s, shift %v", tc.name, shift)
			require.True(t, d.Due.Equal(d.Day.End()), tc.name)
		}
	}
}

func TestDeadline_OnTimeUntilTheLastInstantOfTheBeijingDay(t *testing.T) {
	t.Parallel()
	c := mustCalendar(t, 2026, nil)
	may, err := c.Deadline(calendar.MonthlyReport, town, month(2026, time.May))
	require.NoError(t, err)
	contacts, err := c.Deadline(calendar.ContactList, town, calendar.Month{})
	require.NoError(t, err)

	require.True(t, may.Due.Equal(time.Date(2026, 6, 5, 23, 59, 59, 999999999, calendar.Beijing)))
	for _, tc := range []struct {
		name   string
		d      calendar.Deadline
		at     time.Time
		onTime bool
	}{
		{"S9: 23:59:59 on the 5th", may, bj(2026, 6, 5, 23, 59, 59), true},
		{"S9: the last nanosecond of the 5th", may, time.Date(2026, 6, 5, 23, 59, 59, 999999999, calendar.Beijing), true},
		{"S9: midnight starting the 6th", may, bj(2026, 6, 6, 0, 0, 0), false},
		{"S9: 00:00:01 on the 6th", may, bj(2026, 6, 6, 0, 0, 1), false},
		{"S9: early, on the 1st", may, bj(2026, 6, 1, 9, 0, 0), true},
		{"S9: UTC 16:30 on the 5th is 00:30 on the 6th in Beijing", may, utc("2026-06-05T16:30:00Z"), false},
		{"S9: UTC 15:59:59 on the 5th is 23:59:59 in Beijing", may, utc("2026-06-05T15:59:59Z"), true},
		{"S9: UTC 23:00 on the 4th is still the 5th in Beijing", may, utc("2026-06-04T23:00:00Z"), true},
		{"O2: 15 April 23:59", contacts, bj(2026, 4, 15, 23, 59, 0), true},
		{"O2: 16 April 00:01", contacts, bj(2026, 4, 16, 0, 1, 0), false},
	} {
		require.Equal(t, tc.onTime, tc.d.OnTime(tc.at), tc.name)
	}
}

func TestDeadline_DaysLeftCountsBeijingCalendarDays(t *testing.T) {
	t.Parallel()
	c := mustCalendar(t, 2026, nil)
	d, err := c.Deadline(calendar.MonthlyReport, town, month(2026, time.May)) // due 2026-06-05
	require.NoError(t, err)
	for _, tc := range []struct {
		now  time.Time
		want int
	}{
		{bj(2026, 6, 2, 0, 0, 0), 3},      // 还剩3天
		{bj(2026, 6, 2, 23, 59, 59), 3},   // whole days, not hours
		{utc("2026-06-01T23:00:00Z"), 3},  // 07:00 on the 2nd in Beijing
		{bj(2026, 6, 5, 23, 59, 59), 0},   // due today
		{bj(2026, 6, 6, 0, 0, 1), -1},     // 已逾期1天
		{utc("2026-06-06T16:30:00Z"), -2}, // 00:30 on the 7th in Beijing: 已逾期2天
		{bj(2026, 5, 6, 12, 0, 0), 30},    // a month ahead
	} {
		require.Equal(t, tc.want, d.DaysLeft(tc.now), tc.now)
	}
}

func TestDeadline_TownOverrideMovesOnlyThatTownsDeadline(t *testing.T) {
	t.Parallel()
	flood := calendar.TownOverride{
		Town: town, Kind: calendar.ContactList, Due: day("2026-04-30"),
		Reason: "汛期抢险", Author: "acc-county-1", At: bj(2026, 4, 10, 9, 0, 0),
	}
	juneOnly := calendar.TownOverride{
		Town: town, Kind: calendar.MonthlyReport, Month: month(2026, time.May), Due: day("2026-06-12"),
		Reason: "网络中断", Author: "acc-county-1", At: bj(2026, 6, 3, 9, 0, 0),
	}
	c := mustCalendar(t, 2026, func(p *calendar.ProgrammeCalendar) { p.ShiftToNextWorkingDay = true }, flood, juneOnly)

	mine, err := c.Deadline(calendar.ContactList, town, calendar.Month{})
	require.NoError(t, err)
	require.Equal(t, "2026-04-30", mine.Day.String())
	require.Equal(t, "2026-04-15", mine.Nominal.String())
	require.NotNil(t, mine.Override)
	require.Equal(t, "汛期抢险", mine.Override.Reason)
	require.Equal(t, "acc-county-1", mine.Override.Author)
	require.True(t, mine.OnTime(bj(2026, 4, 30, 23, 0, 0)))

	theirs, err := c.Deadline(calendar.ContactList, other, calendar.Month{})
	require.NoError(t, err)
	require.Equal(t, "2026-04-15", theirs.Day.String())
	require.Nil(t, theirs.Override)
	require.False(t, theirs.OnTime(bj(2026, 4, 30, 23, 0, 0)))

	firstStay, err := c.Deadline(calendar.FirstStay, town, calendar.Month{})
	require.NoError(t, err)
	require.Nil(t, firstStay.Override, "an override extends one kind only")

	may, err := c.Deadline(calendar.MonthlyReport, town, month(2026, time.May))
	require.NoError(t, err)
	require.Equal(t, "2026-06-12", may.Day.String())
	june, err := c.Deadline(calendar.MonthlyReport, town, month(2026, time.June))
	require.NoError(t, err)
	require.Equal(t, "2026-07-06", june.Day.String(), "the next month keeps the regular (shifted) deadline")
	require.Nil(t, june.Override)
}

func TestDeadline_LatestOverrideWinsAndIsNeverShifted(t *testing.T) {
	t.Parallel()
	first := calendar.TownOverride{
		Town: town, Kind: calendar.ContactList, Due: day("2026-04-24"),
		Reason: "换届", Author: "acc-1", At: bj(2026, 4, 1, 9, 0, 0),
	}
	second := first
	second.Due, second.Reason, second.At = day("2026-05-02"), "再次延期", bj(2026, 4, 20, 9, 0, 0)
	// Listed out of order on purpose: the grant time decides, not the position.
	c := mustCalendar(t, 2026, func(p *calendar.ProgrammeCalendar) { p.ShiftToNextWorkingDay = true }, second, first)
	d, err := c.Deadline(calendar.ContactList, town, calendar.Month{})
	require.NoError(t, err)
	require.Equal(t, "2026-05-02", d.Day.String(), "a Labour Day holiday, kept as granted")
	require.False(t, d.Shifted)
	require.Equal(t, "再次延期", d.Override.Reason)
}

func TestCalendar_Validate_Overrides(t *testing.T) {
	t.Parallel()
	valid := calendar.TownOverride{
		Town: town, Kind: calendar.ContactList, Due: day("2026-04-30"),
		Reason: "汛期抢险", Author: "acc-1", At: bj(2026, 4, 10, 9, 0, 0),
	}
	for _, tc := range []struct {
		name  string
		edit  func(*calendar.TownOverride)
		shift bool
		field string
	}{
		{"no reason", func(o *calendar.TownOverride) { o.Reason = "" }, false, "overrides[0].reason"},
		{"no author", func(o *calendar.TownOverride) { o.Author = "" }, false, "overrides[0].author"},
		{"no time", func(o *calendar.TownOverride) { o.At = time.Time{} }, false, "overrides[0].author"},
		{"bad town", func(o *calendar.TownOverride) { o.Town = "1306" }, false, "overrides[0].town"},
		{"unknown kind", func(o *calendar.TownOverride) { o.Kind = "annual_party" }, false, "overrides[0].kind"},
		{"monthly report without its month", func(o *calendar.TownOverride) { o.Kind = calendar.MonthlyReport }, false, "overrides[0].month"},
		{"yearly deadline with a month", func(o *calendar.TownOverride) { o.Month = month(2026, time.April) }, false, "overrides[0].month"},
		{"month outside the year", func(o *calendar.TownOverride) {
			o.Kind, o.Month, o.Due = calendar.MonthlyReport, month(2027, time.January), day("2027-02-10")
		}, false, "overrides[0].month"},
		{"no new date", func(o *calendar.TownOverride) { o.Due = calendar.Date{} }, false, "overrides[0].due"},
		{"earlier than the deadline", func(o *calendar.TownOverride) { o.Due = day("2026-04-14") }, false, "overrides[0].due"},
		{"earlier than the shifted deadline", func(o *calendar.TownOverride) {
			o.Kind, o.Month, o.Due = calendar.MonthlyReport, month(2026, time.April), day("2026-05-05")
		}, true, "overrides[0].due"},
	} {
		o := valid
		tc.edit(&o)
		p := calendar.DefaultProgramme(2026)
		p.ShiftToNextWorkingDay = tc.shift
		_, err := calendar.New(p, calendar.Published(), o)
		require.ErrorIs(t, err, calendar.ErrInvalidOverride, tc.name)
		requireField(t, err, tc.field, tc.name)
	}
	_, err := calendar.New(calendar.DefaultProgramme(2026), calendar.Published(), valid)
	require.NoError(t, err)
}

func TestCalendar_New_RefusesInvalidSettingsAndHolidays(t *testing.T) {
	t.Parallel()
	p := calendar.DefaultProgramme(2026)
	p.MonthlyReportDay = 31
	_, err := calendar.New(p, calendar.Published())
	require.ErrorIs(t, err, calendar.ErrInvalidProgramme)

	h := calendar.Published()
	h.Years[1].MakeUpWorkdays[0].Date = day("2026-01-05")
	_, err = calendar.New(calendar.DefaultProgramme(2026), h)
	require.ErrorIs(t, err, calendar.ErrInvalidHolidays)
}

func TestDeadline_RefusesUnknownKindsAndMonthsOutsideTheYear(t *testing.T) {
	t.Parallel()
	c := mustCalendar(t, 2026, nil)
	_, err := c.Deadline("annual_party", town, calendar.Month{})
	require.ErrorIs(t, err, calendar.ErrUnknownDeadlineKind)
	for _, m := range []calendar.Month{{}, month(2025, time.December), month(2027, time.January), {Year: 2026, Month: 13}} {
		_, err := c.Deadline(calendar.MonthlyReport, town, m)
		require.ErrorIs(t, err, calendar.ErrMonthOutsideProgramme, m)
	}
}

func TestDeadline_JSONCarriesTheEffectiveDayAndDue(t *testing.T) {
	t.Parallel()
	c := mustCalendar(t, 2026, func(p *calendar.ProgrammeCalendar) { p.ShiftToNextWorkingDay = true })
	d, err := c.Deadline(calendar.MonthlyReport, town, month(2026, time.April))
	require.NoError(t, err)
	b, err := json.Marshal(d)
	require.NoError(t, err)
	require.JSONEq(t, `{
		"kind": "monthly_report", "town": "130624100", "month": "2026-04",
		"nominal": "2026-05-05", "day": "2026-05-06",
		"due": "2026-05-06T23:59:59.999999999+08:00", "shifted": true
	}`, string(b))

	cb, err := json.Marshal(c)
	require.NoError(t, err)
	var back calendar.Calendar
	require.NoError(t, json.Unmarshal(cb, &back))
	require.NoError(t, back.Validate())
	again, err := back.Deadline(calendar.MonthlyReport, town, month(2026, time.April))
	require.NoError(t, err)
	require.True(t, again.Due.Equal(d.Due))
}

func TestDeadlineKind_NamesInChinese(t *testing.T) {
	t.Parallel()
	for _, k := range calendar.DeadlineKinds {
		require.True(t, k.Valid())
		require.NotEqual(t, string(k), k.Zh(), k)
	}
	require.False(t, calendar.DeadlineKind("annual_party").Valid())
}
