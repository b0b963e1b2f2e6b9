package calendar_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
)

func TestPublished_ShipsOnlyYearsWithANotice(t *testing.T) {
	t.Parallel()
	h := calendar.Published()
	require.NoError(t, h.Validate())
	require.True(t, h.Covers(2025))
	require.True(t, h.Covers(2026))
	require.False(t, h.Covers(2027), "no notice for 2027 had been published when this table was built")

	for _, tc := range []struct {
		year            int
		number, title   string
		daysOff, makeUp int
	}{
		// Totals as the notices state them: 2025 1+8+3+5+3+8, 2026 3+9+3+5+3+3+7.
		{2025, "国办发明电〔2024〕12号", "国务院办公厅关于2025年部分节假日安排的通知", 28, 5},
		{2026, "国办发明电〔2025〕7号", "国务院办公厅关于2026年部分节假日安排的通知", 33, 6},
	} {
		y, ok := h.Year(tc.year)
		require.True(t, ok)
		require.Equal(t, tc.number, y.Notice.Number)
		require.Equal(t, tc.title, y.Notice.Title)
		off := 0
		for _, d := range y.DaysOff {
			off += d.First.DaysUntil(d.Last) + 1
		}
		require.Equal(t, tc.daysOff, off, tc.year)
		require.Len(t, y.MakeUpWorkdays, tc.makeUp, tc.year)
	}
}

func TestPublished_ReturnsACopyCallersCannotCorrupt(t *testing.T) {
	t.Parallel()
	h := calendar.Published()
	h.Years[0].DaysOff[0].Last = day("2025-12-31")
	h.Years[0].MakeUpWorkdays = nil
	again := calendar.Published()
	require.Equal(t, day("2025-01-01"), again.Years[0].DaysOff[0].Last)
	require.NotEmpty(t, again.Years[0].MakeUpWorkdays)
}

func TestIsWorkingDay(t *testing.T) {
	t.Parallel()
	h := calendar.Published()
	for _, tc := range []struct {
		day     string
		working bool
		why     string
	}{
		{"2025-01-01", false, "New Year 2025, a Wednesday"},
		{"2025-01-26", true, "Sunday worked for the Spring Festival"},
		{"2025-02-04", false, "last day of the 2025 Spring Festival"},
		{"2025-02-05", true, "first day back"},
		{"2025-02-08", true, "Saturday worked"},
		{"2025-04-27", true, "Sunday worked for Labour Day"},
		{"2025-05-05", false, "Labour Day holiday on a Monday"},
		{"2025-10-08", false, "National Day and Mid-Autumn, 8 days"},
		{"2025-10-09", true, "back after National Day"},
		{"2025-10-11", true, "Saturday worked"},
		{"2026-01-03", false, "New Year 2026 on a Saturday"},
		{"2026-01-04", true, "Sunday worked for New Year"},
		{"2026-02-13", true, "Friday before the Spring Festival"},
		{"2026-02-14", true, "Saturday worked for the Spring Festival"},
		{"2026-02-15", false, "Spring Festival starts"},
		{"2026-02-23", false, "Spring Festival ends on a Monday"},
		{"2026-02-24", true, "back after the Spring Festival"},
		{"2026-02-28", true, "Saturday worked"},
		{"2026-03-01", false, "ordinary Sunday"},
		{"2026-04-06", false, "Qingming on a Monday"},
		{"2026-05-05", false, "Labour Day on a Tuesday"},
		{"2026-05-09", true, "Saturday worked for Labour Day"},
		{"2026-06-19", false, "Dragon Boat on a Friday"},
		{"2026-09-20", true, "Sunday worked for National Day"},
		{"2026-09-25", false, "Mid-Autumn on a Friday"},
		{"2026-10-07", false, "last day of National Day"},
		{"2026-10-08", true, "back after National Day"},
		{"2026-10-10", true, "Saturday worked"},
		{"2026-10-11", false, "ordinary Sunday"},
		{"2026-12-25", true, "an ordinary Friday"},
		{"2027-03-03", true, "weekday of a year without a notice"},
		{"2027-03-06", false, "Saturday of a year without a notice"},
	} {
		require.Equal(t, tc.working, h.IsWorkingDay(day(tc.day)), "%s: %s", tc.day, tc.why)
	}
}

func TestNextWorkingDay(t *testing.T) {
	t.Parallel()
	h := calendar.Published()
	for _, tc := range []struct{ from, want string }{
		{"2026-02-13", "2026-02-13"}, // already a working day
		{"2026-02-14", "2026-02-14"}, // make-up Saturday is a working day
		{"2026-02-15", "2026-02-24"},
		{"2026-04-04", "2026-04-07"},
		{"2026-09-26", "2026-09-28"},
		{"2026-10-01", "2026-10-08"},
		{"2026-10-11", "2026-10-12"},
		{"2025-10-05", "2025-10-09"},
		{"2025-12-27", "2025-12-29"},
	} {
		require.Equal(t, tc.want, h.NextWorkingDay(day(tc.from)).String(), tc.from)
	}
}

func TestHolidayTable_WithAddsOrReplacesAYear(t *testing.T) {
	t.Parallel()
	h := calendar.Published()
	// A fictitious arrangement: the gateway adds a year when its notice appears.
	y := calendar.HolidayYear{
		Year:    2027,
		Notice:  calendar.Notice{Number: "test-number", Title: "test notice"},
		DaysOff: []calendar.Holiday{{Name: "test", First: day("2027-03-03"), Last: day("2027-03-04")}},
	}
	added := h.With(y)
	require.NoError(t, added.Validate())
	require.False(t, h.Covers(2027), "With leaves the receiver alone")
	require.False(t, added.IsWorkingDay(day("2027-03-04")))
	require.Equal(t, []int{2025, 2026, 2027}, years(added))

	y.DaysOff[0].Last = day("2027-03-03")
	replaced := added.With(y)
	require.True(t, replaced.IsWorkingDay(day("2027-03-04")))
	require.Equal(t, []int{2025, 2026, 2027}, years(replaced))
}

func years(h calendar.HolidayTable) []int {
	var out []int
	for _, y := range h.Years {
		out = append(out, y.Year)
	}
	return out
}

func TestHolidayYear_Validate(t *testing.T) {
	t.Parallel()
	valid := func() calendar.HolidayYear {
		y, _ := calendar.Published().Year(2026)
		return y
	}
	require.NoError(t, valid().Validate())
	for _, tc := range []struct {
		name  string
		edit  func(*calendar.HolidayYear)
		field string
	}{
		{"no notice number", func(y *calendar.HolidayYear) { y.Notice.Number = "" }, "notice"},
		{"year far off", func(y *calendar.HolidayYear) { y.Year = 1900 }, "year"},
		{"range reversed", func(y *calendar.HolidayYear) { y.DaysOff[0].Last = day("2025-12-31") }, "daysOff[0]"},
		{"range in another year", func(y *calendar.HolidayYear) { y.DaysOff[1].First = day("2027-02-15") }, "daysOff[1]"},
		{"a year typed as a range", func(y *calendar.HolidayYear) { y.DaysOff[6].Last = day("2026-12-31") }, "daysOff[6]"},
		{"unnamed holiday", func(y *calendar.HolidayYear) { y.DaysOff[2].Name = "" }, "daysOff[2].name"},
		{"make-up day on a weekday", func(y *calendar.HolidayYear) { y.MakeUpWorkdays[0].Date = day("2026-01-05") }, "makeUpWorkdays[0].date"},
		{"make-up day also off", func(y *calendar.HolidayYear) { y.MakeUpWorkdays[0].Date = day("2026-02-15") }, "makeUpWorkdays[0].date"},
	} {
		y := valid()
		y.DaysOff = append([]calendar.Holiday(nil), y.DaysOff...)
		y.MakeUpWorkdays = append([]calendar.MakeUpWorkday(nil), y.MakeUpWorkdays...)
		tc.edit(&y)
		err := y.Validate()
		require.ErrorIs(t, err, calendar.ErrInvalidHolidays, tc.name)
		requireField(t, err, tc.field, tc.name)
	}

	h := calendar.Published()
	h.Years = append(h.Years, h.Years[1])
	err := h.Validate()
	require.ErrorIs(t, err, calendar.ErrInvalidHolidays)
	requireField(t, err, "years[2].year", "duplicate year")
}

func TestHolidayYear_MayStartInThePreviousDecember(t *testing.T) {
	t.Parallel()
	// A fictitious arrangement shaped like a New Year holiday that starts before 1 January.
	y := calendar.HolidayYear{
		Year:    2019,
		Notice:  calendar.Notice{Number: "test-number", Title: "test notice"},
		DaysOff: []calendar.Holiday{{Name: "元旦", First: day("2018-12-30"), Last: day("2019-01-01")}},
		MakeUpWorkdays: []calendar.MakeUpWorkday{
			{Date: day("2018-12-29"), Holiday: "元旦"},
		},
	}
	require.NoError(t, y.Validate())
	h := calendar.HolidayTable{Years: []calendar.HolidayYear{y}}
	require.False(t, h.IsWorkingDay(day("2018-12-31")))
	require.True(t, h.IsWorkingDay(day("2018-12-29")))
	require.Equal(t, time.Saturday, day("2018-12-29").Weekday())
}

// requireField asserts that err names the field among its field errors, in both languages.
func requireField(t *testing.T, err error, field string, msg ...any) {
	t.Helper()
	e, ok := errs.As(err)
	require.True(t, ok, msg...)
	for _, f := range e.Fields {
		if f.Field == field {
			require.NotEmpty(t, f.Message, msg...)
			require.NotEmpty(t, f.Zh, msg...)
			return
		}
	}
	require.Failf(t, "field not named", "want %q in %+v (%v)", field, e.Fields, msg)
}
