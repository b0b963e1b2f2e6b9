package calendar_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
)

var dateSeeds = []string{
	"2026-04-15", "2026-02-29", "2028-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "0000-01-01",
	"9999-12-31", "2026-4-15", "2026/04/15", "2026-04-15T00:00:00Z", " 2026-04-15", "２０２６-04-15",
	"", "2026-05", "04-15", "02-29", "12-31", "4-15", "13-01", "00-00", "-2026-01-01", "+2026-01-01",
}

// FuzzParseDate: an accepted date exists and prints back as the text it was read from; JSON
// carries it unchanged.
func FuzzParseDate(f *testing.F) {
	for _, s := range dateSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := calendar.ParseDate(s)
		if err != nil {
			require.Zero(t, d)
			return
		}
		require.True(t, d.Valid(), "%q parsed to a day that does not exist: %+v", s, d)
		require.Equal(t, s, d.String())
		require.Equal(t, d, calendar.NewDate(d.Year, d.Month, d.Day))
		raw, err := json.Marshal(d)
		require.NoError(t, err)
		var back calendar.Date
		require.NoError(t, json.Unmarshal(raw, &back))
		require.Equal(t, d, back)
	})
}

// FuzzParseMonth: an accepted month prints back as its text, and its first and last days lie
// in it.
func FuzzParseMonth(f *testing.F) {
	for _, s := range dateSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := calendar.ParseMonth(s)
		if err != nil {
			require.Zero(t, m)
			return
		}
		require.Equal(t, s, m.String())
		require.True(t, m.Contains(m.First()))
		require.True(t, m.Contains(m.Last()))
		require.Equal(t, m, m.Next().Prev())
		var back calendar.Month
		require.NoError(t, back.UnmarshalText([]byte(m.String())))
		require.Equal(t, m, back)
	})
}

// FuzzParseMonthDay: an accepted day of the year exists in every year (no 29 February) and
// prints back as its text.
func FuzzParseMonthDay(f *testing.F) {
	for _, s := range dateSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		md, err := calendar.ParseMonthDay(s)
		if err != nil {
			require.Zero(t, md)
			return
		}
		require.True(t, md.Valid(), "%q", s)
		require.Equal(t, s, md.String())
		require.True(t, md.In(2027).Valid())
		require.True(t, md.In(2028).Valid())
	})
}

// FuzzProgrammeCalendar: a programme calendar a county administrator sends is refused with
// the one domain error, or it is sound: every deadline of every month of its year can be
// computed, never earlier than its nominal day.
func FuzzProgrammeCalendar(f *testing.F) {
	def, err := json.Marshal(calendar.DefaultProgramme(2026))
	require.NoError(f, err)
	for _, seed := range []string{
		string(def),
		`{"year":2026,"start":"2026-03-01","end":"2027-02-28","contactListDue":"04-15","firstStayDue":"04-30","monthlyReportDay":28,"minStationingDaysPerMonth":1,"stationingDayMinHours":0.5,"yearEndReportDue":"12-25","q1SummaryDue":"03-31","shiftToNextWorkingDay":true}`,
		`{"year":2026,"start":"2026-01-01","end":"2027-01-01","contactListDue":"04-15","firstStayDue":"04-30","monthlyReportDay":5,"minStationingDaysPerMonth":2,"stationingDayMinHours":4,"yearEndReportDue":"12-25","q1SummaryDue":"03-31"}`,
		`{"year":2026,"start":"2026-01-01","end":"2026-12-31","contactListDue":"02-29","monthlyReportDay":29,"stationingDayMinHours":24.0001}`,
		`{"year":2101}`, `{}`, `{"stationingDayMinHours":"NaN"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var p calendar.ProgrammeCalendar
		if json.Unmarshal(b, &p) != nil {
			return // refused by the JSON decoder before validation
		}
		c, err := calendar.New(p, calendar.Published())
		if err != nil {
			require.ErrorIs(t, err, calendar.ErrInvalidProgramme)
			return
		}
		for _, m := range p.Months() {
			for _, kind := range calendar.DeadlineKinds {
				d, err := c.Deadline(kind, "130624100", m)
				require.NoError(t, err, "%s in %s", kind, m)
				require.True(t, d.Day.Valid())
				require.False(t, d.Day.Before(d.Nominal), "%s in %s: %s before %s", kind, m, d.Day, d.Nominal)
			}
		}
	})
}

// FuzzHolidayYear: a holiday year is refused with the one domain error or passes the table's
// own check as well.
func FuzzHolidayYear(f *testing.F) {
	for _, y := range calendar.Published().Years {
		raw, err := json.Marshal(y)
		require.NoError(f, err)
		f.Add(raw)
	}
	f.Add([]byte(`{"year":2026,"notice":{"number":"国办发明电〔2025〕7号","title":"t"},"daysOff":[{"name":"元旦","from":"2026-01-01","to":"2026-01-03"}]}`))
	f.Add([]byte(`{"year":2026,"daysOff":[{"name":"x","from":"2026-01-03","to":"2026-01-01"}]}`))
	f.Add([]byte(`{"year":1999}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var y calendar.HolidayYear
		if json.Unmarshal(b, &y) != nil {
			return
		}
		if err := y.Validate(); err != nil {
			require.ErrorIs(t, err, calendar.ErrInvalidHolidays)
			return
		}
		require.NoError(t, calendar.HolidayTable{Years: []calendar.HolidayYear{y}}.Validate())
	})
}
