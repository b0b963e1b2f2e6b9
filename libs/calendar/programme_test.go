package calendar_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
)

func TestDefaultProgramme_HoldsThePlansDates(t *testing.T) {
	t.Parallel()
	p := calendar.DefaultProgramme(2026)
	require.NoError(t, p.Validate())
	b, err := json.Marshal(p)
	require.NoError(t, err)
	require.JSONEq(t, `{
		"year": 2026, "start": "2026-01-01", "end": "2026-12-31",
		"contactListDue": "04-15", "firstStayDue": "04-30", "monthlyReportDay": 5,
		"minStationingDaysPerMonth": 2, "stationingDayMinHours": 4,
		"yearEndReportDue": "12-25", "q1SummaryDue": "03-31",
		"shiftToNextWorkingDay": false
	}`, string(b))
	var back calendar.ProgrammeCalendar
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, p, back)
	require.Len(t, p.Months(), 12)
}

func TestProgrammeCalendar_Validate_NamesEveryWrongSetting(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		edit  func(*calendar.ProgrammeCalendar)
		field string
	}{
		{"year far off", func(p *calendar.ProgrammeCalendar) { p.Year, p.Start = 1999, day("1999-01-01") }, "year"},
		{"start in another year", func(p *calendar.ProgrammeCalendar) { p.Start = day("2025-12-01") }, "start"},
		{"missing start", func(p *calendar.ProgrammeCalendar) { p.Start = calendar.Date{} }, "start"},
		{"end before start", func(p *calendar.ProgrammeCalendar) { p.End = day("2025-12-31") }, "end"},
		{"end a year after start", func(p *calendar.ProgrammeCalendar) { p.End = day("2027-01-01") }, "end"},
		{"report day 0", func(p *calendar.ProgrammeCalendar) { p.MonthlyReportDay = 0 }, "monthlyReportDay"},
		{"report day 29", func(p *calendar.ProgrammeCalendar) { p.MonthlyReportDay = 29 }, "monthlyReportDay"},
		{"no stationing days", func(p *calendar.ProgrammeCalendar) { p.MinStationingDaysPerMonth = 0 }, "minStationingDaysPerMonth"},
		{"zero hours", func(p *calendar.ProgrammeCalendar) { p.StationingDayMinHours = 0 }, "stationingDayMinHours"},
		{"25 hours", func(p *calendar.ProgrammeCalendar) { p.StationingDayMinHours = 25 }, "stationingDayMinHours"},
		{"29 February", func(p *calendar.ProgrammeCalendar) {
			p.ContactListDue = calendar.MonthDay{Month: time.February, Day: 29}
		}, "contactListDue"},
		{"no Q1 day", func(p *calendar.ProgrammeCalendar) { p.Q1SummaryDue = calendar.MonthDay{} }, "q1SummaryDue"},
		{"contact list after the year", func(p *calendar.ProgrammeCalendar) {
			p.End = day("2026-03-31")
			p.FirstStayDue = calendar.MonthDay{Month: time.March, Day: 31}
			p.YearEndReportDue = calendar.MonthDay{Month: time.March, Day: 25}
		}, "contactListDue"},
		{"year-end report before the year", func(p *calendar.ProgrammeCalendar) {
			p.Start, p.End = day("2026-01-01"), day("2026-06-30")
			p.YearEndReportDue = calendar.MonthDay{Month: time.July, Day: 1}
		}, "yearEndReportDue"},
	} {
		p := calendar.DefaultProgramme(2026)
		tc.edit(&p)
		err := p.Validate()
		require.ErrorIs(t, err, calendar.ErrInvalidProgramme, tc.name)
		requireField(t, err, tc.field, tc.name)
	}
}

func TestProgrammeCalendar_AYearNotStartingInJanuaryPlacesItsDeadlines(t *testing.T) {
	t.Parallel()
	p := calendar.DefaultProgramme(2026)
	p.Start, p.End = day("2026-05-01"), day("2027-04-30")
	require.NoError(t, p.Validate())
	c, err := calendar.New(p, calendar.Published())
	require.NoError(t, err)
	for _, tc := range []struct {
		kind calendar.DeadlineKind
		want string
	}{
		{calendar.ContactList, "2027-04-15"}, // first 15 April on or after the start
		{calendar.FirstStay, "2027-04-30"},
		{calendar.YearEndReport, "2026-12-25"}, // last 25 December on or before the end
		{calendar.Q1Summary, "2028-03-31"},     // first 31 March after the end
	} {
		d, err := c.Deadline(tc.kind, town, calendar.Month{})
		require.NoError(t, err)
		require.Equal(t, tc.want, d.Day.String(), tc.kind)
	}
	months := p.Months()
	require.Len(t, months, 12)
	require.Equal(t, "2026-05", months[0].String())
	require.Equal(t, "2027-04", months[11].String())
}

func TestProgrammeCalendar_StationingRuleUsesTheCountySetting(t *testing.T) {
	t.Parallel()
	p := calendar.DefaultProgramme(2026)
	stays := []calendar.Interval{
		{Start: bj(2026, 5, 6, 18, 0, 0), End: bj(2026, 5, 7, 9, 0, 0)}, // 6 h and 9 h
	}
	require.Len(t, p.StationingDays(stays), 2)
	require.True(t, p.MeetsStationingMinimum(p.StationingDays(stays), calendar.Month{Year: 2026, Month: time.May}))

	p.StationingDayMinHours = 8
	days := p.StationingDays(stays)
	require.Equal(t, []calendar.Date{day("2026-05-07")}, days)
	require.False(t, p.MeetsStationingMinimum(days, calendar.Month{Year: 2026, Month: time.May}))
}
