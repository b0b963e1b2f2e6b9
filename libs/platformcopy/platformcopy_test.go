package platformcopy_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/platformcopy"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// newCopy is a copy under a prefix of the test's own, so its county collection is its own.
func newCopy(t *testing.T) platformcopy.Copy {
	t.Helper()
	client := store.Wrap(testkit.Mongo(t))
	return platformcopy.New(client.Service("pctest" + uuid.NewString()[:8]))
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// calendarEvent is what the gateway sends for a programme year or a holiday year.
func calendarEvent(t *testing.T, subject string, rev int64, data map[string]any) events.Envelope {
	t.Helper()
	ev, err := events.New(events.CalendarChanged, "", "county-admin", subject, data)
	require.NoError(t, err)
	ev.Rev = rev
	return ev
}

func programmeEvent(t *testing.T, p calendar.ProgrammeCalendar, rev int64, overrides ...calendar.TownOverride) events.Envelope {
	return calendarEvent(t, fmt.Sprintf("programme-%d", p.Year), rev,
		map[string]any{"part": "programme", "year": p.Year, "programme": p, "overrides": overrides})
}

func extension(town tenancy.TownCode, due calendar.Date) calendar.TownOverride {
	return calendar.TownOverride{Town: town, Kind: calendar.ContactList, Due: due, Reason: "flood",
		Author: "county-admin", At: time.Date(2031, 4, 1, 0, 0, 0, 0, time.UTC)}
}

func TestCalendar_BeforeAnyEvent_IsTheDefaultProgrammeWithPublishedHolidays(t *testing.T) {
	t.Parallel()
	c, town := newCopy(t), testkit.NewTown(t)

	got, err := c.Calendar(testCtx(t), town, 2031)
	require.NoError(t, err)
	require.Equal(t, calendar.DefaultProgramme(2031), got.Programme)
	require.Equal(t, calendar.Published(), got.Holidays)
	require.Empty(t, got.Overrides)
}

func TestCalendar_KeepsTheCountysProgrammeWithOnlyTheTownsExtensions(t *testing.T) {
	t.Parallel()
	c, town, other := newCopy(t), testkit.NewTown(t), testkit.NewTown(t)
	ctx := testCtx(t)
	p := calendar.DefaultProgramme(2031)
	p.ContactListDue = calendar.MonthDay{Month: time.April, Day: 20}
	mine, theirs := extension(town, calendar.NewDate(2031, time.May, 5)), extension(other, calendar.NewDate(2031, time.May, 9))
	require.NoError(t, c.ApplyCalendar(ctx, programmeEvent(t, p, 1, mine, theirs)))

	got, err := c.Calendar(ctx, town, 2031)
	require.NoError(t, err)
	require.Equal(t, p, got.Programme)
	require.Len(t, got.Overrides, 1)
	require.Equal(t, town, got.Overrides[0].Town)
	due, err := got.Deadline(calendar.ContactList, town, calendar.Month{})
	require.NoError(t, err)
	require.Equal(t, calendar.NewDate(2031, time.May, 5), due.Day)

	otherYear, err := c.Calendar(ctx, town, 2032)
	require.NoError(t, err)
	require.Equal(t, calendar.DefaultProgramme(2032), otherYear.Programme, "a year the county has not sent")
}

func TestApplyCalendar_AnOlderRevision_ChangesNothing(t *testing.T) {
	t.Parallel()
	c, town := newCopy(t), testkit.NewTown(t)
	ctx := testCtx(t)
	newer, older := calendar.DefaultProgramme(2031), calendar.DefaultProgramme(2031)
	newer.MonthlyReportDay, older.MonthlyReportDay = 8, 3
	require.NoError(t, c.ApplyCalendar(ctx, programmeEvent(t, newer, 2)))
	require.NoError(t, c.ApplyCalendar(ctx, programmeEvent(t, older, 1)))
	require.NoError(t, c.ApplyCalendar(ctx, programmeEvent(t, older, 2)), "a redelivery")

	got, err := c.Calendar(ctx, town, 2031)
	require.NoError(t, err)
	require.Equal(t, 8, got.Programme.MonthlyReportDay)
}

func TestApplyCalendar_RefusesAnUnknownSubject(t *testing.T) {
	t.Parallel()
	c := newCopy(t)
	err := c.ApplyCalendar(testCtx(t), calendarEvent(t, "weather-2031", 1, map[string]any{"part": "weather"}))
	require.ErrorContains(t, err, "unexpected subject")
}

func TestCalendar_AddsEveryHolidayYearTheCountyEdited(t *testing.T) {
	t.Parallel()
	c, town := newCopy(t), testkit.NewTown(t)
	ctx := testCtx(t)
	holidays := calendar.HolidayYear{Year: 2031, DaysOff: []calendar.Holiday{{
		Name: "元旦", First: calendar.NewDate(2031, time.January, 1), Last: calendar.NewDate(2031, time.January, 1)}}}
	require.NoError(t, c.ApplyCalendar(ctx, calendarEvent(t, "holidays-2031", 1,
		map[string]any{"part": "holidays", "year": 2031, "holidays": holidays})))

	got, err := c.Calendar(ctx, town, 2031)
	require.NoError(t, err)
	require.True(t, got.Holidays.Covers(2031))
	_, off := got.Holidays.DayOff(calendar.NewDate(2031, time.January, 1))
	require.True(t, off)
}

func TestCalendarOfMonth_IsTheProgrammeYearHoldingTheMonth(t *testing.T) {
	t.Parallel()
	c, town := newCopy(t), testkit.NewTown(t)
	ctx := testCtx(t)
	// a programme year from March to the next February
	p := calendar.DefaultProgramme(2031)
	p.Start, p.End = calendar.NewDate(2031, time.March, 1), calendar.NewDate(2032, time.February, 29)
	require.NoError(t, c.ApplyCalendar(ctx, programmeEvent(t, p, 1)))

	tests := []struct {
		name  string
		month calendar.Month
		want  calendar.ProgrammeCalendar
	}{
		{"a month of the county's year", calendar.Month{Year: 2032, Month: time.January}, p},
		{"a month the county has sent no year for", calendar.Month{Year: 2033, Month: time.June}, calendar.DefaultProgramme(2033)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.CalendarOfMonth(ctx, town, tt.month)
			require.NoError(t, err)
			require.Equal(t, tt.want, got.Programme)
		})
	}
}

func TestLatestYear_IsTheLatestProgrammeYearReceived(t *testing.T) {
	t.Parallel()
	c := newCopy(t)
	ctx := testCtx(t)
	latest, err := c.LatestYear(ctx)
	require.NoError(t, err)
	require.Zero(t, latest, "none received")

	for _, y := range []int{2032, 2031} {
		require.NoError(t, c.ApplyCalendar(ctx, programmeEvent(t, calendar.DefaultProgramme(y), 1)))
	}
	latest, err = c.LatestYear(ctx)
	require.NoError(t, err)
	require.Equal(t, 2032, latest)
}

func settingsEvent(t *testing.T, town tenancy.TownCode, rev int64, s platformcopy.Settings) events.Envelope {
	t.Helper()
	ev, err := events.New(events.SettingsChanged, town, "town-admin", "settings", struct {
		Town tenancy.TownCode `json:"town"`
		platformcopy.Settings
		Rev int64 `json:"rev"`
	}{town, s, rev})
	require.NoError(t, err)
	return ev
}

func TestSettings_BeforeAnyEvent_AreTheDefaults(t *testing.T) {
	t.Parallel()
	got, err := newCopy(t).Settings(testCtx(t), testkit.NewTown(t))
	require.NoError(t, err)
	require.Equal(t, platformcopy.DefaultSettings(), got)
	require.Equal(t, platformcopy.EvidenceOff, got.LocationEvidence, "no location capture by default")
}

func TestSettings_KeepsEachTownsOwnAndTheNewestRevision(t *testing.T) {
	t.Parallel()
	c, town, other := newCopy(t), testkit.NewTown(t), testkit.NewTown(t)
	ctx := testCtx(t)
	strict := platformcopy.Settings{LocationEvidence: platformcopy.EvidenceRequired, PhotoEvidence: platformcopy.EvidenceOff,
		DiaryVisibility: platformcopy.DiaryTownOffice, ResponseDueDays: 7, RankingsShown: true}
	stale := strict
	stale.ResponseDueDays = 30
	require.NoError(t, c.ApplySettings(ctx, settingsEvent(t, town, 3, strict)))
	require.NoError(t, c.ApplySettings(ctx, settingsEvent(t, town, 2, stale)))

	got, err := c.Settings(ctx, town)
	require.NoError(t, err)
	require.Equal(t, strict, got)
	untouched, err := c.Settings(ctx, other)
	require.NoError(t, err)
	require.Equal(t, platformcopy.DefaultSettings(), untouched)
}

func TestSettings_FillsWhatAnEventLeftOutWithTheDefaults(t *testing.T) {
	t.Parallel()
	c, town := newCopy(t), testkit.NewTown(t)
	ctx := testCtx(t)
	require.NoError(t, c.ApplySettings(ctx, settingsEvent(t, town, 1, platformcopy.Settings{RankingsShown: true})))

	got, err := c.Settings(ctx, town)
	require.NoError(t, err)
	want := platformcopy.DefaultSettings()
	want.RankingsShown = true
	require.Equal(t, want, got)
}

func TestHandlers_ApplyThePlatformEventsThroughDispatch(t *testing.T) {
	t.Parallel()
	c, town := newCopy(t), testkit.NewTown(t)
	ctx := testCtx(t)
	h := c.Handlers()
	require.Len(t, h, 2)
	s := platformcopy.DefaultSettings()
	s.ResponseDueDays = 20
	require.NoError(t, h[events.SettingsChanged](ctx, settingsEvent(t, town, 1, s)))
	p := calendar.DefaultProgramme(2031)
	p.MonthlyReportDay = 9
	require.NoError(t, h[events.CalendarChanged](ctx, programmeEvent(t, p, 1)))

	got, err := c.Settings(ctx, town)
	require.NoError(t, err)
	require.Equal(t, 20, got.ResponseDueDays)
	cal, err := c.Calendar(ctx, town, 2031)
	require.NoError(t, err)
	require.Equal(t, 9, cal.Programme.MonthlyReportDay)
}
