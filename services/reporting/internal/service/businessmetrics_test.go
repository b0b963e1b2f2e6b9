package service_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
	"dundian.local/services/reporting/internal/adapters"
)

// The running service projects the events and keeps the petition cases' status; a second
// BusinessMetrics over the same store measures what it holds.
func TestBusinessMetrics_MeasureTheTownsMonthFromTheProjections(t *testing.T) {
	t.Parallel()
	reporting(t)
	town := testkit.NewTown(t)
	now := time.Now()
	month := calendar.MonthOf(now)
	last := month.Prev().String()
	ev := func(typ, subject string, rev int64, data any) events.Envelope {
		e := events.MustNew(typ, town, "test", subject, data)
		e.Rev = rev
		return e
	}
	submitted := now.Add(-time.Hour)
	onTime, late := true, false
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	ctx := context.Background()
	require.NoError(t, pub.Publish(ctx, events.Topic(events.Platform),
		ev(events.TownCreated, string(town), 1, events.TownCreatedData{Code: string(town), Name: "指标镇"})))
	require.NoError(t, pub.Publish(ctx, events.Topic(events.Reporting),
		ev(events.MonthlyReportSubmitted, "c1|"+last, 2, map[string]any{"month": last, "status": "submitted", "firstSubmittedAt": submitted, "onTime": onTime}),
		ev(events.MonthlyReportSubmitted, "c2|"+last, 2, map[string]any{"month": last, "status": "submitted", "firstSubmittedAt": submitted, "onTime": late}),
		ev(events.MonthlyReportDrafted, "c3|"+last, 1, map[string]any{"month": last, "status": "draft"}),
	))
	require.NoError(t, pub.Publish(ctx, events.Topic(events.Fieldwork),
		ev(events.StayStarted, "stay-1", 1, map[string]any{"cadre": "c1", "start": now}),
		ev(events.WorkLogWritten, "log-1", 1, map[string]any{"cadre": "c1", "date": calendar.BeijingDay(now)}),
		ev(events.WorkLogWritten, "log-2", 1, map[string]any{"cadre": "c2", "date": calendar.BeijingDay(now)}),
	))
	require.NoError(t, pub.Publish(ctx, events.Topic(events.Petitions),
		ev(events.CaseRegistered, "case-1", 1, map[string]any{"status": "sign"}),
		ev(events.CaseChanged, "case-1", 2, map[string]any{"status": "open"}),
		ev(events.CaseRegistered, "case-2", 1, map[string]any{"status": "sign"}),
		ev(events.CaseRegistered, "case-3", 1, map[string]any{"status": "sign"}),
		ev(events.CaseChanged, "case-3", 3, map[string]any{"status": "resolved"}),
		ev(events.CaseChanged, "case-3", 2, map[string]any{"status": "resolving"}), // older, late: ignored
	))

	m := adapters.NewBusinessMetrics(store.Wrap(testkit.Mongo(t)).Service("reporting"), testkit.Brokers(t), slog.New(slog.DiscardHandler))
	want := adapters.TownBusiness{Stays: 1, WorkLogs: 2, ReportsOnTime: 1, ReportsLate: 1, OpenPetitionCases: 1}
	var got adapters.TownBusiness
	testkit.Eventually(t, 60*time.Second, func() bool {
		_ = m.Refresh(ctx) // other tests' towns may fail meanwhile (erased); ours is checked
		got = m.Last()[tenancy.TownCode(town)]
		return got == want
	}, "the town's month as projected")
	require.Equal(t, want, got)
}
