package app

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/libs/tenancy"
	"dundian.local/services/reporting/internal/domain/comparison"
	"dundian.local/services/reporting/internal/domain/notification"
	"dundian.local/services/reporting/internal/domain/rebuild"
)

type townsOf []comparison.Town

func (t townsOf) All(context.Context) ([]comparison.Town, error) { return t, nil }

type defaultCalendar struct{}

func (defaultCalendar) CalendarOfMonth(_ context.Context, _ tenancy.TownCode, m calendar.Month) (calendar.Calendar, error) {
	return calendar.Calendar{Programme: calendar.DefaultProgramme(m.Year), Holidays: calendar.Published()}, nil
}

type sink map[string]notification.Notification

func (s sink) Add(ctx context.Context, n notification.Notification) error {
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return err
	}
	s[string(town)+"/"+n.ID] = n
	return nil
}

func TestReminders_ReachTheCadresWhoHaveNotReported(t *testing.T) {
	t.Parallel()
	town := comparison.Town{Code: "130624100",
		Cadres:  map[string]comparison.CadreState{"c1": {Name: "张三", Active: true}, "c2": {Name: "李四", Active: true}, "c3": {Name: "王五"}},
		Reports: map[string]comparison.ReportState{"c2|2026-06": {Month: "2026-06", Reported: true}},
	}
	erased := comparison.Town{Code: "130624101", Erased: true, Cadres: map[string]comparison.CadreState{"x": {Active: true}}}
	got := sink{}
	// 2 July 2026: the report on June is due on Sunday 5 July, three days on
	now := time.Date(2026, time.July, 2, 9, 0, 0, 0, calendar.Beijing)
	h := RemindersHandler{towns: townsOf{town, erased}, calendars: defaultCalendar{}, sink: got, now: func() time.Time { return now }}
	require.NoError(t, h.Run(context.Background()))
	require.NoError(t, h.Run(context.Background()), "a second run the same day")
	require.Len(t, got, 1, "only c1: c2 has reported, c3 is no longer active, the erased town is skipped")
	n := got["130624100/deadline-2026-06-3|cadre:c1"]
	require.Equal(t, notification.DeadlineComing, n.Kind)
	require.Equal(t, "3", n.Params["days"])
}

type latestJob struct{ rebuild.Job }

func (l latestJob) Queue(context.Context, rebuild.Job) error { return nil }
func (l latestJob) Latest(context.Context) (rebuild.Job, error) {
	if l.ID == "" {
		return rebuild.Job{}, rebuild.ErrNotFound
	}
	return l.Job, nil
}

func TestReminders_WaitWhileTheProjectionsAreRebuilt(t *testing.T) {
	t.Parallel()
	town := comparison.Town{Code: "130624100", Cadres: map[string]comparison.CadreState{"c1": {Name: "张三", Active: true}}}
	now := time.Date(2026, time.July, 2, 9, 0, 0, 0, calendar.Beijing)
	tests := []struct {
		name string
		job  rebuild.Job
		want int
	}{
		{"never rebuilt", rebuild.Job{}, 1},
		{"a rebuild running", rebuild.Job{ID: "j1", Status: rebuild.Running}, 0},
		{"a rebuild queued", rebuild.Job{ID: "j1", Status: rebuild.Queued}, 0},
		{"the last rebuild done", rebuild.Job{ID: "j1", Status: rebuild.Done}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := sink{}
			h := RemindersHandler{towns: townsOf{town}, calendars: defaultCalendar{}, sink: got, rebuilds: latestJob{tt.job},
				now: func() time.Time { return now }}
			require.NoError(t, h.Run(context.Background()))
			require.Len(t, got, tt.want)
		})
	}
}
