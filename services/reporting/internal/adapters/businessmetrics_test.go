package adapters_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/libs/store"
	"dundian.local/services/reporting/internal/adapters"
	"dundian.local/services/reporting/internal/domain/comparison"
	"dundian.local/services/reporting/internal/domain/figures"
)

func TestCountRecords_CountsStaysAndWorkLogsOfTheMonthOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		months []figures.Month
		want   adapters.TownBusiness
	}{
		{"no figures yet", nil, adapters.TownBusiness{}},
		{"every cadre's items add up", []figures.Month{
			{Sources: map[string]figures.Source{
				"s1": {Kind: figures.Stay}, "s2": {Kind: figures.Stay}, "l1": {Kind: figures.WorkLog, Task: "T1"},
			}},
			{Sources: map[string]figures.Source{"l2": {Kind: figures.WorkLog}, "s3": {Kind: figures.Stay}}},
		}, adapters.TownBusiness{Stays: 3, WorkLogs: 2}},
		{"an item moved to another month is not counted", []figures.Month{
			{Sources: map[string]figures.Source{"l1": {Kind: figures.WorkLog, Deleted: true}, "s1": {Kind: figures.Stay, Deleted: true}}},
		}, adapters.TownBusiness{}},
		{"diaries and opinions are not stays or logs", []figures.Month{
			{Sources: map[string]figures.Source{"d1": {Kind: figures.Diary}, "o1": {Kind: figures.Opinion, Handled: true}}},
		}, adapters.TownBusiness{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, adapters.CountRecords(tc.months))
		})
	}
}

func TestCountReports_SplitsTheMonthsSubmittedReportsByTimeliness(t *testing.T) {
	t.Parallel()
	may := calendar.Month{Year: 2026, Month: time.May}
	town := comparison.Town{Code: "130624100", Reports: map[string]comparison.ReportState{
		"a|2026-05": {Month: "2026-05", Status: "approved", Reported: true, OnTime: true},
		"b|2026-05": {Month: "2026-05", Status: "submitted", Reported: true, OnTime: true},
		"c|2026-05": {Month: "2026-05", Status: "returned", Reported: true},
		"d|2026-05": {Month: "2026-05", Status: "draft"},
		"a|2026-04": {Month: "2026-04", Status: "approved", Reported: true},
	}}
	for _, tc := range []struct {
		name         string
		month        calendar.Month
		onTime, late int
	}{
		{"a draft is not counted; a returned report keeps its first submission's timeliness", may, 2, 1},
		{"another month's reports are not counted", may.Prev(), 0, 1},
		{"a month without reports", may.Next(), 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			onTime, late := adapters.CountReports(town, tc.month)
			require.Equal(t, tc.onTime, onTime)
			require.Equal(t, tc.late, late)
		})
	}
}

// Not parallel: it sets an environment variable.
func TestBusinessMetrics_BadInterval_StopsTheWorkerNamingTheVariable(t *testing.T) {
	t.Setenv(adapters.BusinessMetricsIntervalVariable, "often")
	client, err := store.Connect("mongodb://127.0.0.1:9", store.Options{}) // never reached
	require.NoError(t, err)
	m := adapters.NewBusinessMetrics(client.Service("reporting"), []string{"127.0.0.1:9"}, slog.New(slog.DiscardHandler))
	err = m.Run(context.Background())
	require.ErrorContains(t, err, adapters.BusinessMetricsIntervalVariable)
}
