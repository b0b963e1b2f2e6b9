package calendar_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
)

// bj is an instant on the Beijing wall clock.
func bj(y int, m time.Month, d, h, min, s int) time.Time {
	return time.Date(y, m, d, h, min, s, 0, calendar.Beijing)
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestBeijingDay_FollowsTheBeijingWallClockNotUTC(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{utc("2026-06-05T15:59:59Z"), "2026-06-05"},
		{utc("2026-06-05T16:00:00Z"), "2026-06-06"},
		{utc("2026-06-05T16:30:00Z"), "2026-06-06"},
		{utc("2026-12-31T16:00:00Z"), "2027-01-01"},
		{bj(2026, 6, 5, 23, 59, 59), "2026-06-05"},
		{bj(2026, 6, 6, 0, 0, 0), "2026-06-06"},
		{utc("2026-06-05T23:30:00-08:00"), "2026-06-06"}, // 07:30 the next morning in Beijing
	} {
		require.Equal(t, tc.want, calendar.BeijingDay(tc.at).String(), tc.at)
	}
}

func TestDate_StartAndEndAreTheBeijingDayBounds(t *testing.T) {
	t.Parallel()
	d := day("2026-06-05")
	require.True(t, d.Start().Equal(utc("2026-06-04T16:00:00Z")))
	require.True(t, d.End().Equal(utc("2026-06-05T15:59:59.999999999Z")))
	require.Equal(t, d, calendar.BeijingDay(d.Start()))
	require.Equal(t, d, calendar.BeijingDay(d.End()))
	require.Equal(t, d.AddDays(1), calendar.BeijingDay(d.End().Add(time.Nanosecond)))
}

func TestParseDate_RefusesDaysThatDoNotExist(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"2026-04-15", true},
		{"2028-02-29", true},
		{"2026-02-29", false},
		{"2026-04-31", false},
		{"2026-4-15", false},
		{"15/04/2026", false},
		{"", false},
	} {
		d, err := calendar.ParseDate(tc.in)
		if tc.ok {
			require.NoError(t, err, tc.in)
			require.Equal(t, tc.in, d.String())
			require.True(t, d.Valid())
		} else {
			require.Error(t, err, tc.in)
		}
	}
	require.False(t, calendar.Date{Year: 2026, Month: time.February, Day: 29}.Valid())
	require.False(t, calendar.Date{}.Valid())
}

func TestDate_Arithmetic(t *testing.T) {
	t.Parallel()
	require.Equal(t, day("2027-01-01"), day("2026-12-31").AddDays(1))
	require.Equal(t, day("2028-02-29"), day("2028-03-01").AddDays(-1))
	require.Equal(t, 3, day("2026-06-02").DaysUntil(day("2026-06-05")))
	require.Equal(t, -2, day("2026-06-07").DaysUntil(day("2026-06-05")))
	require.Equal(t, 5, day("2026-12-31").DaysUntil(day("2027-01-05")))
	require.Equal(t, time.Saturday, day("2026-02-14").Weekday())
	require.True(t, day("2026-06-04").Before(day("2026-06-05")))
	require.True(t, day("2027-01-01").After(day("2026-12-31")))
	require.Equal(t, calendar.Month{Year: 2026, Month: time.June}, day("2026-06-30").YearMonth())
	require.Equal(t, day("2026-05-01"), calendar.NewDate(2026, time.April, 31), "normalised like time.Date")
}

func TestMonth_Navigation(t *testing.T) {
	t.Parallel()
	dec := calendar.Month{Year: 2026, Month: time.December}
	require.Equal(t, calendar.Month{Year: 2027, Month: time.January}, dec.Next())
	require.Equal(t, dec, dec.Next().Prev())
	require.Equal(t, day("2026-12-31"), dec.Last())
	require.Equal(t, day("2028-02-29"), calendar.Month{Year: 2028, Month: time.February}.Last())
	require.Equal(t, day("2026-02-28"), calendar.Month{Year: 2026, Month: time.February}.Last())
	require.True(t, dec.Contains(day("2026-12-01")))
	require.False(t, dec.Contains(day("2027-12-01")))
	require.Equal(t, calendar.Month{Year: 2026, Month: time.June}, calendar.MonthOf(utc("2026-05-31T16:00:00Z")))
	require.Equal(t, calendar.Month{Year: 2026, Month: time.May}, calendar.MonthOf(utc("2026-05-31T15:59:59Z")))
}

func TestDayTypes_JSONRoundTrip(t *testing.T) {
	t.Parallel()
	type doc struct {
		D  calendar.Date     `json:"d"`
		M  calendar.Month    `json:"m"`
		MD calendar.MonthDay `json:"md"`
		Z  calendar.Date     `json:"z,omitzero"`
	}
	in := doc{D: day("2026-04-15"), M: calendar.Month{Year: 2026, Month: time.May}, MD: calendar.MonthDay{Month: time.April, Day: 15}}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	require.JSONEq(t, `{"d":"2026-04-15","m":"2026-05","md":"04-15"}`, string(b))
	var out doc
	require.NoError(t, json.Unmarshal(b, &out))
	require.Equal(t, in, out)

	for _, bad := range []string{`{"d":"2026-02-30"}`, `{"m":"2026-13"}`, `{"md":"02-29"}`, `{"md":"4-15"}`} {
		require.Error(t, json.Unmarshal([]byte(bad), &out), bad)
	}
}
