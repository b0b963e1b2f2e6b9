package calendar_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
)

func stay(from, to time.Time) calendar.Interval { return calendar.Interval{Start: from, End: to} }

func TestStationingDays(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		stays    []calendar.Interval
		minHours float64
		want     []string
	}{
		{"exactly four hours counts", []calendar.Interval{stay(bj(2026, 5, 6, 9, 0, 0), bj(2026, 5, 6, 13, 0, 0))}, 4,
			[]string{"2026-05-06"}},
		{"one second short does not", []calendar.Interval{stay(bj(2026, 5, 6, 9, 0, 0), bj(2026, 5, 6, 12, 59, 59))}, 4,
			nil},
		{"overnight 18:00 to 09:00 counts two days", []calendar.Interval{stay(bj(2026, 5, 6, 18, 0, 0), bj(2026, 5, 7, 9, 0, 0))}, 4,
			[]string{"2026-05-06", "2026-05-07"}},
		{"overnight with a higher threshold counts only the morning", []calendar.Interval{stay(bj(2026, 5, 6, 18, 0, 0), bj(2026, 5, 7, 9, 0, 0))}, 8,
			[]string{"2026-05-07"}},
		{"21:00 to 02:00 is 3 h and 2 h: no day", []calendar.Interval{stay(bj(2026, 5, 6, 21, 0, 0), bj(2026, 5, 7, 2, 0, 0))}, 4,
			nil},
		{"overlapping stays are counted once", []calendar.Interval{
			stay(bj(2026, 5, 6, 8, 0, 0), bj(2026, 5, 6, 10, 30, 0)),
			stay(bj(2026, 5, 6, 9, 0, 0), bj(2026, 5, 6, 11, 0, 0)), // 4.5 h summed, 3 h covered
		}, 4, nil},
		{"a duplicate record adds nothing", []calendar.Interval{
			stay(bj(2026, 5, 6, 9, 0, 0), bj(2026, 5, 6, 11, 0, 0)),
			stay(bj(2026, 5, 6, 9, 0, 0), bj(2026, 5, 6, 11, 0, 0)),
		}, 4, nil},
		{"two separate stays on one day add up", []calendar.Interval{
			stay(bj(2026, 5, 6, 14, 0, 0), bj(2026, 5, 6, 16, 0, 0)),
			stay(bj(2026, 5, 6, 8, 0, 0), bj(2026, 5, 6, 10, 0, 0)),
		}, 4, []string{"2026-05-06"}},
		{"touching stays join", []calendar.Interval{
			stay(bj(2026, 5, 6, 8, 0, 0), bj(2026, 5, 6, 10, 0, 0)),
			stay(bj(2026, 5, 6, 10, 0, 0), bj(2026, 5, 6, 12, 0, 0)),
		}, 4, []string{"2026-05-06"}},
		{"a stay inside another counts once", []calendar.Interval{
			stay(bj(2026, 5, 6, 8, 0, 0), bj(2026, 5, 6, 11, 0, 0)),
			stay(bj(2026, 5, 6, 9, 0, 0), bj(2026, 5, 6, 10, 0, 0)),
		}, 4, nil},
		{"across the month end", []calendar.Interval{stay(bj(2026, 5, 31, 20, 0, 0), bj(2026, 6, 1, 10, 0, 0))}, 4,
			[]string{"2026-05-31", "2026-06-01"}},
		{"across the year end", []calendar.Interval{stay(bj(2026, 12, 31, 19, 0, 0), bj(2027, 1, 1, 8, 0, 0))}, 4,
			[]string{"2026-12-31", "2027-01-01"}},
		{"a three-day stay counts every day", []calendar.Interval{stay(bj(2026, 5, 6, 8, 0, 0), bj(2026, 5, 8, 18, 0, 0))}, 4,
			[]string{"2026-05-06", "2026-05-07", "2026-05-08"}},
		{"days are Beijing days even for UTC input", []calendar.Interval{
			stay(utc("2026-06-05T12:00:00Z"), utc("2026-06-05T18:00:00Z")), // 20:00 to 02:00 in Beijing
		}, 4, []string{"2026-06-05"}},
		{"ending at midnight stays within the day", []calendar.Interval{stay(bj(2026, 5, 6, 20, 0, 0), bj(2026, 5, 7, 0, 0, 0))}, 4,
			[]string{"2026-05-06"}},
		{"an open or inverted stay adds nothing", []calendar.Interval{
			{Start: bj(2026, 5, 6, 8, 0, 0)},
			stay(bj(2026, 5, 7, 18, 0, 0), bj(2026, 5, 7, 8, 0, 0)),
			stay(bj(2026, 5, 8, 8, 0, 0), bj(2026, 5, 8, 8, 0, 0)),
		}, 4, nil},
		{"results are sorted whatever the input order", []calendar.Interval{
			stay(bj(2026, 5, 20, 8, 0, 0), bj(2026, 5, 20, 17, 0, 0)),
			stay(bj(2026, 5, 2, 8, 0, 0), bj(2026, 5, 2, 17, 0, 0)),
			stay(bj(2026, 5, 11, 8, 0, 0), bj(2026, 5, 11, 17, 0, 0)),
		}, 4, []string{"2026-05-02", "2026-05-11", "2026-05-20"}},
		{"no stays", nil, 4, nil},
	} {
		var got []string
		for _, d := range calendar.StationingDays(tc.stays, tc.minHours) {
			got = append(got, d.String())
		}
		require.Equal(t, tc.want, got, tc.name)
	}
}

func TestCountInMonth_CountsDistinctDaysOfTheMonth(t *testing.T) {
	t.Parallel()
	days := []calendar.Date{day("2026-05-31"), day("2026-06-01"), day("2026-06-01"), day("2026-06-30"), day("2027-06-02")}
	require.Equal(t, 1, calendar.CountInMonth(days, month(2026, time.May)))
	require.Equal(t, 2, calendar.CountInMonth(days, month(2026, time.June)))
	require.Equal(t, 0, calendar.CountInMonth(days, month(2026, time.July)))
	require.Equal(t, 0, calendar.CountInMonth(nil, month(2026, time.July)))
}

func TestStationingDays_OvernightStaysAcrossAMonthMeetTheMinimum(t *testing.T) {
	t.Parallel()
	// One overnight stay on the last evening of May gives May one day and June one day; a
	// second overnight stay in June gives June its minimum of two and more.
	stays := []calendar.Interval{
		stay(bj(2026, 5, 31, 18, 0, 0), bj(2026, 6, 1, 9, 0, 0)),
		stay(bj(2026, 6, 10, 18, 0, 0), bj(2026, 6, 11, 9, 0, 0)),
	}
	days := calendar.StationingDays(stays, 4)
	require.Equal(t, 1, calendar.CountInMonth(days, month(2026, time.May)))
	require.Equal(t, 3, calendar.CountInMonth(days, month(2026, time.June)))
}
