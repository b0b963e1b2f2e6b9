package indicators_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/services/assessment/internal/domain/indicators"
	"dundian.local/services/assessment/internal/domain/scoring"
)

func at(m time.Month, d, h int) time.Time { return time.Date(2025, m, d, h, 0, 0, 0, calendar.Beijing) }

// clock is the default programme of 2025 seen on 10 April: January to March are over, and
// a month's report is due on the 5th of the next.
func clock() indicators.Clock {
	p := calendar.DefaultProgramme(2025)
	return indicators.Clock{Programme: p, Now: at(time.April, 10, 12), ReportDue: func(m calendar.Month) (time.Time, error) {
		return m.Next().First().AddDays(4).End(), nil
	}}
}

func record(sources map[string]indicators.Source) indicators.Record {
	return indicators.Record{ID: "2025|c1", Owner: "c1", Year: 2025, Sources: sources}
}

func TestApply_KeepsOnlyNewerRevisions(t *testing.T) {
	t.Parallel()
	var r indicators.Record
	require.True(t, r.Apply("log:1", indicators.Source{Kind: indicators.WorkLog, Rev: 2, Month: "2025-02"}))
	require.False(t, r.Apply("log:1", indicators.Source{Kind: indicators.WorkLog, Rev: 2, Month: "2025-02"}), "a redelivery")
	require.False(t, r.Apply("log:1", indicators.Source{Kind: indicators.WorkLog, Rev: 1, Month: "2025-01"}), "a stale event")
	require.Equal(t, "2025-02", r.Sources["log:1"].Month)
	require.True(t, r.Apply("log:1", indicators.Source{Kind: indicators.WorkLog, Rev: 3, Deleted: true}))
}

func TestInputs_CountEachIndicatorFromItsRecords(t *testing.T) {
	t.Parallel()
	r := record(map[string]indicators.Source{
		"stay:a":         {Kind: indicators.Stay, Type: "fieldwork.stay.ended", Rev: 2, From: at(1, 10, 8), To: at(1, 11, 20)}, // 2 days
		"stay:b":         {Kind: indicators.Stay, Type: "fieldwork.stay.ended", Rev: 2, From: at(2, 3, 8), To: at(2, 8, 20)},   // 6 days: only 2 count
		"stay:open":      {Kind: indicators.Stay, Type: "fieldwork.stay.started", Rev: 1, From: at(3, 3, 8)},                   // open: nothing yet
		"report:1":       {Kind: indicators.Report, Type: "reporting.monthly_report.submitted", Rev: 2, Month: "2025-01", Done: true},
		"report:4":       {Kind: indicators.Report, Type: "reporting.monthly_report.submitted", Rev: 2, Month: "2025-04", Done: true},
		"log:1":          {Kind: indicators.WorkLog, Type: "fieldwork.work_log.written", Rev: 1, Month: "2025-01"},
		"diary:1":        {Kind: indicators.Diary, Type: "fieldwork.diary.written", Rev: 1, Month: "2025-01"},
		"log:2":          {Kind: indicators.WorkLog, Type: "fieldwork.work_log.written", Rev: 1, Month: "2025-02"},
		"diary:moved":    {Kind: indicators.Diary, Type: "fieldwork.diary.edited", Rev: 2, Month: "2025-02", Deleted: true},
		"contact_list:x": {Kind: indicators.ContactList, Type: "personnel.contactlist.submitted", Rev: 3, Count: 4},
		"opinion:1":      {Kind: indicators.Opinion, Type: "petitions.opinion.responded", Rev: 3, Done: true},
		"opinion:2":      {Kind: indicators.Opinion, Type: "petitions.opinion.assigned", Rev: 2},
		"rating:1":       {Kind: indicators.Rating, Type: "petitions.rating.reviewed", Rev: 2, Score: 5, Done: true},
		"rating:2":       {Kind: indicators.Rating, Type: "petitions.rating.reviewed", Rev: 2, Score: 3, Done: true},
		"rating:3":       {Kind: indicators.Rating, Type: "petitions.rating.received", Rev: 1, Score: 1},
		"assignment:1":   {Kind: indicators.Assignment, Type: "personnel.assignment.linked", Rev: 1, Community: "130624100201"},
	})
	cases := indicators.Record{Sources: map[string]indicators.Source{
		"case:1": {Kind: indicators.Case, Type: "petitions.case.changed", Rev: 3, Counted: true, Done: true},
		"case:2": {Kind: indicators.Case, Type: "petitions.case.registered", Rev: 1, Counted: true},
		"case:3": {Kind: indicators.Case, Type: "petitions.case.registered", Rev: 1}, // a sign, not a case
	}}
	in := r.Inputs(clock(), []indicators.Record{cases})

	for ind, want := range map[scoring.Indicator][2]float64{
		scoring.StationingDays:    {4, 6}, // 2 + 2 + 0 of 2 × 3 elapsed months
		scoring.ReportTimeliness:  {2, 4}, // January to March were due, and April was reported before its deadline
		scoring.OneLinksFive:      {4, 5},
		scoring.LogsAndDiaries:    {1, 3}, // only January has both
		scoring.OpinionsHandled:   {1, 2},
		scoring.PetitionsResolved: {1, 2},
		scoring.Satisfaction:      {80, 100}, // (5+3)/2 of 5; the unreviewed rating does not count
	} {
		require.Equal(t, want, [2]float64{in[ind].Achieved, in[ind].Expected}, ind)
		require.NotEmpty(t, in[ind].Source, ind)
	}
	require.Contains(t, in[scoring.StationingDays].Source, "fieldwork.stay.ended")
	require.Len(t, in[scoring.StationingDays].Records, 3)
	require.Equal(t, []scoring.Record{{Type: "petitions.rating.reviewed", Subject: "1"}, {Type: "petitions.rating.reviewed", Subject: "2"}},
		in[scoring.Satisfaction].Records, "only the ratings that count are named")
	require.Len(t, in[scoring.LogsAndDiaries].Records, 3, "the moved diary is not named")
	require.Equal(t, []string{"130624100201"}, r.Communities())
}

func TestInputs_NothingRecorded_NoInputs(t *testing.T) {
	t.Parallel()
	require.Empty(t, record(nil).Inputs(clock(), nil))
}

func TestInputs_AnActiveCadreOwesTheElapsedMonths(t *testing.T) {
	t.Parallel()
	r := record(map[string]indicators.Source{
		"contact_list:x": {Kind: indicators.ContactList, Type: "personnel.contactlist.accepted", Rev: 1, Count: 5},
	})
	in := r.Inputs(clock(), nil)
	require.Equal(t, scoring.Input{Achieved: 0, Expected: 6, Source: in[scoring.StationingDays].Source, Records: []scoring.Record{}},
		in[scoring.StationingDays], "no stay in three elapsed months earns nothing")
	require.Contains(t, in[scoring.StationingDays].Source, "fieldwork.stay.*")
	require.Equal(t, 3.0, in[scoring.ReportTimeliness].Expected)
	require.Equal(t, 0.0, in[scoring.OpinionsHandled].Expected, "no opinion was the cadre's: nothing required")
	require.NotContains(t, in, scoring.Satisfaction, "no accepted rating: no satisfaction figure")
}

func TestMissedMonths_ElapsedMonthsBelowTheMinimum(t *testing.T) {
	t.Parallel()
	r := record(map[string]indicators.Source{
		"stay:a": {Kind: indicators.Stay, Rev: 1, From: at(1, 10, 8), To: at(1, 11, 20)}, // 2 days in January
		"stay:b": {Kind: indicators.Stay, Rev: 1, From: at(2, 3, 8), To: at(2, 3, 20)},   // 1 day in February
		"stay:c": {Kind: indicators.Stay, Rev: 1, From: at(4, 3, 8), To: at(4, 3, 20)},   // April is not over
	})
	require.Equal(t, []calendar.Month{{Year: 2025, Month: time.February}, {Year: 2025, Month: time.March}}, r.MissedMonths(clock()))
}

func TestRatings_OnlyAcceptedOnesCount(t *testing.T) {
	t.Parallel()
	r := record(map[string]indicators.Source{
		"rating:1": {Kind: indicators.Rating, Rev: 2, Score: 2, Done: true},
		"rating:2": {Kind: indicators.Rating, Rev: 2, Score: 1, Done: true, Deleted: true},
		"rating:3": {Kind: indicators.Rating, Rev: 2, Score: 5},
	})
	n, share := r.Ratings()
	require.Equal(t, 1, n)
	require.InDelta(t, 40.0, share, 1e-9)
}

func TestOwed_FromTheMonthTheCadreWasLinked(t *testing.T) {
	t.Parallel()
	linked := func(at time.Time) indicators.Record {
		return record(map[string]indicators.Source{
			"assignment:1": {Kind: indicators.Assignment, Rev: 1, Community: "130624100201", From: at},
		})
	}
	march := []calendar.Month{{Year: 2025, Month: time.March}}
	for name, tc := range map[string]struct {
		r    indicators.Record
		want []calendar.Month
	}{
		"linked in March owes March":               {linked(at(3, 2, 9)), march},
		"linked before the year owes every month":  {linked(time.Date(2024, 12, 1, 9, 0, 0, 0, calendar.Beijing)), append([]calendar.Month{{Year: 2025, Month: time.January}, {Year: 2025, Month: time.February}}, march...)},
		"linked after the year owes every month":   {linked(time.Date(2026, 2, 1, 9, 0, 0, 0, calendar.Beijing)), append([]calendar.Month{{Year: 2025, Month: time.January}, {Year: 2025, Month: time.February}}, march...)},
		"linked in April owes nothing elapsed yet": {linked(at(4, 1, 9)), []calendar.Month{}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := tc.r.Owed(clock())
			require.Equal(t, len(tc.want), len(got))
			for i := range got {
				require.Equal(t, tc.want[i], got[i])
			}
			require.Len(t, tc.r.MissedMonths(clock()), len(tc.want), "every owed month without stays is missed")
		})
	}
	in := linked(at(3, 2, 9)).Inputs(clock(), nil)
	require.Equal(t, 2.0, in[scoring.StationingDays].Expected, "two days of March")
	require.Equal(t, 1.0, in[scoring.ReportTimeliness].Expected, "only March's report was due of the linked months")
}
