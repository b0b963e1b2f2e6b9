package stay_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/services/fieldwork/internal/domain/stay"
)

func bj(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Beijing)
	if err != nil {
		panic(err)
	}
	return t
}

func stayOf(from, to string) stay.Stay {
	end := bj(to)
	return stay.Stay{Cadre: "c1", Start: bj(from), End: &end}
}

func firstStayDue(t *testing.T, year int) (calendar.ProgrammeCalendar, calendar.Deadline) {
	t.Helper()
	prog := calendar.DefaultProgramme(year)
	cal, err := calendar.New(prog, calendar.Published())
	require.NoError(t, err)
	d, err := cal.Deadline(calendar.FirstStay, "130624100", calendar.Month{})
	require.NoError(t, err)
	return prog, d
}

func TestSummarise_CountsDaysInBeijingTime(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		stays []stay.Stay
		month string
		want  []string
	}{
		"overnight 18:00 to 09:00 counts both days": {
			[]stay.Stay{stayOf("2026-05-10 18:00", "2026-05-11 09:00")}, "2026-05", []string{"2026-05-10", "2026-05-11"}},
		"3 hours 59 minutes is not a day": {
			[]stay.Stay{stayOf("2026-05-10 08:00", "2026-05-10 11:59")}, "2026-05", []string{}},
		"two short stays of one day add up": {
			[]stay.Stay{stayOf("2026-05-10 08:00", "2026-05-10 10:00"), stayOf("2026-05-10 14:00", "2026-05-10 16:00")}, "2026-05", []string{"2026-05-10"}},
		"overlapping stays are not counted twice": {
			[]stay.Stay{stayOf("2026-05-10 08:00", "2026-05-10 10:00"), stayOf("2026-05-10 09:00", "2026-05-10 11:00")}, "2026-05", []string{}},
		"across a month end each month gets its day": {
			[]stay.Stay{stayOf("2026-05-31 17:00", "2026-06-01 12:00")}, "2026-06", []string{"2026-06-01"}},
		"the earlier month keeps its day": {
			[]stay.Stay{stayOf("2026-05-31 17:00", "2026-06-01 12:00")}, "2026-05", []string{"2026-05-31"}},
		"UTC midnight is not the day boundary": {
			// 2026-05-10 02:00 to 10:00 UTC is 10:00 to 18:00 on 10 May in Beijing: one day.
			[]stay.Stay{{Cadre: "c1", Start: time.Date(2026, 5, 10, 2, 0, 0, 0, time.UTC), End: ptr(time.Date(2026, 5, 10, 10, 0, 0, 0, time.UTC))}},
			"2026-05", []string{"2026-05-10"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			prog, due := firstStayDue(t, 2026)
			m, err := calendar.ParseMonth(tc.month)
			require.NoError(t, err)
			got := stay.Summarise("c1", tc.stays, m, prog, due, bj("2026-07-01 00:00"))
			days := []string{}
			for _, d := range got.Days {
				days = append(days, d.String())
			}
			require.Equal(t, tc.want, days)
			require.Equal(t, len(tc.want), got.Count)
		})
	}
}

func ptr(t time.Time) *time.Time { return &t }

func TestSummarise_TwoDaysAMonthRule(t *testing.T) {
	t.Parallel()
	prog, due := firstStayDue(t, 2026)
	may := calendar.Month{Year: 2026, Month: time.May}
	one := []stay.Stay{stayOf("2026-05-10 08:00", "2026-05-10 16:00")}
	require.False(t, stay.Summarise("c1", one, may, prog, due, bj("2026-06-01 00:00")).MeetsMinimum, "one day is too few")
	two := append(one, stayOf("2026-05-20 08:00", "2026-05-20 16:00"))
	got := stay.Summarise("c1", two, may, prog, due, bj("2026-06-01 00:00"))
	require.True(t, got.MeetsMinimum)
	require.Equal(t, 2, got.Minimum)
	prog.MinStationingDaysPerMonth = 3
	require.False(t, stay.Summarise("c1", two, may, prog, due, bj("2026-06-01 00:00")).MeetsMinimum, "the minimum is the programme's")
}

func TestSummarise_FirstStayBy30April(t *testing.T) {
	t.Parallel()
	prog, due := firstStayDue(t, 2026)
	apr := calendar.Month{Year: 2026, Month: time.April}
	for name, tc := range map[string]struct {
		stays           []stay.Stay
		now             string
		onTime, overdue bool
	}{
		"a day on 30 April is on time":                   {[]stay.Stay{stayOf("2026-04-30 08:00", "2026-04-30 20:00")}, "2026-05-02 00:00", true, false},
		"evening of 30 April into 1 May counts 30 April": {[]stay.Stay{stayOf("2026-04-30 19:00", "2026-05-01 09:00")}, "2026-05-02 00:00", true, false},
		"first day on 1 May is late":                     {[]stay.Stay{stayOf("2026-05-01 08:00", "2026-05-01 20:00")}, "2026-05-02 00:00", false, true},
		"no stay yet before the deadline is not overdue": {nil, "2026-04-29 12:00", false, false},
		"no stay after the deadline is overdue":          {nil, "2026-05-01 00:00", false, true},
		"a stay of last year does not count":             {[]stay.Stay{stayOf("2025-12-20 08:00", "2025-12-20 20:00")}, "2026-05-01 00:00", false, true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := stay.Summarise("c1", tc.stays, apr, prog, due, bj(tc.now)).FirstStay
			require.Equal(t, "2026-04-30", got.Due.String())
			require.Equal(t, tc.onTime, got.OnTime)
			require.Equal(t, tc.overdue, got.Overdue)
		})
	}
}

func TestStay_FinishAndMeals(t *testing.T) {
	t.Parallel()
	now := bj("2026-05-10 20:00")
	s, err := stay.Start("s1", "130624100", "c1", "130624100201", bj("2026-05-10 08:00"), now, "acc")
	require.NoError(t, err)
	require.True(t, s.Open())
	require.ErrorIs(t, s.Finish(bj("2026-05-10 07:00"), now), stay.ErrTimes, "an end before the start")
	require.ErrorIs(t, s.Finish(bj("2026-05-11 07:00"), now), stay.ErrTimes, "an end in the future")
	require.NoError(t, s.Finish(time.Time{}, now))
	require.ErrorIs(t, s.Finish(now, now), stay.ErrEnded)
	require.NoError(t, s.PayMeal(1250, "午饭", now))
	require.ErrorIs(t, s.PayMeal(0, "", now), stay.ErrMeal)
	require.ErrorIs(t, s.PayMeal(100_01, "", now), stay.ErrMeal)
	_, err = stay.Start("s2", "130624100", "c1", "130624100201", bj("2026-01-01 08:00"), now, "acc")
	require.ErrorIs(t, err, stay.ErrTimes, "more than two months back")
}

func TestMonthDays_CountsEveryMonthTheStayTouches(t *testing.T) {
	t.Parallel()
	s := stayOf("2026-05-31 17:00", "2026-06-01 12:00")
	other := stayOf("2026-05-03 08:00", "2026-05-03 18:00")
	got := stay.MonthDays(s, []stay.Stay{s, other}, 4, bj("2026-06-02 00:00"))
	require.Equal(t, map[string]int{"2026-05": 2, "2026-06": 1}, got)
}
