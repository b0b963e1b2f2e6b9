package figures_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/services/reporting/internal/domain/figures"
)

var may = calendar.Month{Year: 2026, Month: time.May}

func at(d, h int) time.Time { return time.Date(2026, time.May, d, h, 0, 0, 0, calendar.Beijing) }

type applied struct {
	id string
	s  figures.Source
}

func events() []applied {
	return []applied{
		{"s1", figures.Source{Kind: figures.Stay, Rev: 1, From: at(3, 18), To: at(4, 9)}}, // overnight: two days
		{"s2", figures.Source{Kind: figures.Stay, Rev: 1, From: at(10, 8), To: at(10, 10)}},
		{"s3", figures.Source{Kind: figures.Stay, Rev: 1, From: at(10, 14), To: at(10, 16)}}, // with s2: 4 hours
		{"l1", figures.Source{Kind: figures.WorkLog, Rev: 1}},
		{"l2", figures.Source{Kind: figures.WorkLog, Rev: 1}},
		{"l2", figures.Source{Kind: figures.WorkLog, Rev: 2, Deleted: true}},
		{"d1", figures.Source{Kind: figures.Diary, Rev: 1}},
		{"a1", figures.Source{Kind: figures.WorkLog, Rev: 1, Task: "T1", Contacts: []string{"k1"}}},
		{"a2", figures.Source{Kind: figures.WorkLog, Rev: 1, Task: "T3"}},
		{"a2", figures.Source{Kind: figures.WorkLog, Rev: 2, Task: "T4", Contacts: []string{"k1", "k2"}}}, // reclassified
		{"d2", figures.Source{Kind: figures.Diary, Rev: 1, Contacts: []string{"k2"}}},                     // same contact again
		{"o1", figures.Source{Kind: figures.Opinion, Rev: 1}},
		{"o1", figures.Source{Kind: figures.Opinion, Rev: 2, Handled: true}},
		{"o2", figures.Source{Kind: figures.Opinion, Rev: 1}},
	}
}

func TestFigures_CountTheRecordsAsTheirLatestRevisionsSay(t *testing.T) {
	t.Parallel()
	var m figures.Month
	for _, e := range events() {
		m.Apply(e.id, e.s)
	}
	require.Equal(t, figures.Figures{
		DaysPresent:      3,
		Logs:             3,
		Diaries:          2,
		ActivitiesByTask: map[string]int{"T1": 1, "T4": 1},
		ContactsVisited:  2,
		OpinionsHandled:  1,
	}, m.Figures(may, 4))
}

func TestApply_ReplayingAndLateEventsChangeNothing(t *testing.T) {
	t.Parallel()
	var once, twice figures.Month
	for _, e := range events() {
		once.Apply(e.id, e.s)
	}
	for range 2 {
		for _, e := range events() {
			twice.Apply(e.id, e.s)
		}
	}
	require.Equal(t, once.Sources, twice.Sources)
	require.False(t, twice.Apply("o1", figures.Source{Kind: figures.Opinion, Rev: 1}), "an older revision arriving late")
	require.Equal(t, once.Figures(may, 4), twice.Figures(may, 4))
}

func TestID_IsTheCadreAndMonth(t *testing.T) {
	t.Parallel()
	require.Equal(t, "c1|2026-05", figures.ID("c1", may))
}
