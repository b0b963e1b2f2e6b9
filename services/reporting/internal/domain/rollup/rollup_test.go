package rollup_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/services/reporting/internal/domain/comparison"
	"dundian.local/services/reporting/internal/domain/figures"
	"dundian.local/services/reporting/internal/domain/rollup"
)

var may = calendar.Month{Year: 2026, Month: time.May}

// stays gives the cadre a month with a stay of 8 hours on each of the days.
func stays(cadre string, days ...int) figures.Month {
	fm := figures.Month{ID: figures.ID(cadre, may), Cadre: cadre, Month: may.String()}
	for i, d := range days {
		from := calendar.NewDate(2026, time.May, d).Start().Add(9 * time.Hour)
		fm.Apply(cadre+"-stay-"+string(rune('a'+i)), figures.Source{Kind: figures.Stay, Rev: 1, From: from, To: from.Add(8 * time.Hour)})
	}
	fm.Apply(cadre+"-log", figures.Source{Kind: figures.WorkLog, Rev: 1, Task: "T1"})
	return fm
}

func town() comparison.Town {
	five := 5
	return comparison.Town{
		Code: "130624100", Name: "演示镇",
		Communities: map[string]comparison.CommunityState{"130624100201": {Rev: 1, Name: "城厢村"}},
		Cadres: map[string]comparison.CadreState{
			"c1": {Rev: 1, Name: "张三", Active: true},
			"c2": {Rev: 1, Name: "李四", Active: true},
			"c3": {Rev: 1, Name: "王五", Active: true},
			"c4": {Rev: 2, Name: "赵六", Active: false},
		},
		Assignments: map[string]comparison.AssignmentState{
			"a1": {Rev: 1, Cadre: "c1", Year: 2026, Community: "130624100201"},
			"a2": {Rev: 1, Cadre: "c2", Year: 2026, Community: "130624100201"},
			"a3": {Rev: 2, Cadre: "c3", Year: 2026}, // ended
			"a4": {Rev: 1, Cadre: "c3", Year: 2025, Community: "130624100202"},
		},
		Reports: map[string]comparison.ReportState{
			"c1|2026-05": {Rev: 2, Month: "2026-05", Status: "submitted", Reported: true, OnTime: true},
			"c2|2026-05": {Rev: 3, Month: "2026-05", Status: "returned", Reported: true, OnTime: false},
			"c3|2026-04": {Rev: 2, Month: "2026-04", Status: "approved", Reported: true, OnTime: true},
		},
		ContactLists: map[string]comparison.ContactListState{
			"l1": {Rev: 3, Cadre: "c1", Year: 2026, Status: "accepted", Kinds: five},
			"l2": {Rev: 2, Cadre: "c2", Year: 2026, Status: "draft", Kinds: five},
			"l3": {Rev: 2, Cadre: "c3", Year: 2025, Status: "accepted", Kinds: five},
		},
		Cases: map[string]comparison.CaseState{
			"k1": {Rev: 4, Community: "130624100201", Backlog: true, ResolvedMonth: "2026-05"},
			"k2": {Rev: 4, Community: "130624100202", Backlog: true, ResolvedMonth: "2026-05"},
			"k3": {Rev: 2, Community: "130624100202", Backlog: false, ResolvedMonth: "2026-05"},
			"k4": {Rev: 2, Community: "130624100201", Backlog: true, ResolvedMonth: "2026-04"},
			"k5": {Rev: 1, Community: "130624100201", Backlog: true},
		},
	}
}

func TestTown_AddsCadresUpToCommunitiesAndTheTown(t *testing.T) {
	t.Parallel()
	tm := rollup.Town(town(), may, []figures.Month{stays("c1", 3, 4), stays("c2", 10), stays("c3", 1, 2, 3)}, 2, 4)

	require.Equal(t, "2026-05", tm.Month)
	require.Len(t, tm.Communities, 3, "two communities with cadres or cases, and the unlinked cadre")
	unlinked, c201, c202 := tm.Communities[0], tm.Communities[1], tm.Communities[2]

	require.Equal(t, "", unlinked.Community)
	require.Equal(t, []string{"c3"}, cadres(unlinked), "an ended link leaves the cadre without community")
	require.Equal(t, rollup.Counts{Cadres: 1, StationingCompliant: 1, DaysPresent: 3, Logs: 1}, unlinked.Counts)

	require.Equal(t, []string{"c1", "c2"}, cadres(c201))
	require.Equal(t, "城厢村", c201.Name)
	require.Equal(t, rollup.Counts{Cadres: 2, ReportsSubmitted: 2, ReportsOnTime: 1, StationingCompliant: 1, DaysPresent: 3,
		ContactListsComplete: 1, Logs: 2, BacklogCasesResolved: 1}, c201.Counts)
	require.Equal(t, "张三", c201.Members[0].Name)
	require.Equal(t, rollup.Counts{Cadres: 1, ReportsSubmitted: 1, ReportsOnTime: 1, StationingCompliant: 1, DaysPresent: 2,
		ContactListsComplete: 1, Logs: 1}, c201.Members[0].Counts)

	require.Equal(t, rollup.Counts{BacklogCasesResolved: 1}, c202.Counts, "a community with only a resolved backlog case")

	require.Equal(t, rollup.Counts{Cadres: 3, ReportsSubmitted: 2, ReportsOnTime: 1, StationingCompliant: 2, DaysPresent: 6,
		ContactListsComplete: 1, Logs: 3, BacklogCasesResolved: 2}, tm.Counts)
	require.InDelta(t, 66.6, *tm.Rates.Reporting, 0.001)
	require.InDelta(t, 33.3, *tm.Rates.Timeliness, 0.001)
}

func TestTown_WithoutFiguresOrCadres(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		town comparison.Town
		want rollup.Counts
	}{
		{"a cadre who recorded nothing owes the month", comparison.Town{Cadres: map[string]comparison.CadreState{"c1": {Active: true}}}, rollup.Counts{Cadres: 1}},
		{"an empty town", comparison.Town{}, rollup.Counts{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tm := rollup.Town(tt.town, may, nil, 2, 4)
			require.Equal(t, tt.want, tm.Counts)
			if tt.want.Cadres == 0 {
				require.Nil(t, tm.Rates.Reporting, "no rate without anyone who owes the report")
			} else {
				require.Equal(t, 0.0, *tm.Rates.Reporting)
			}
		})
	}
}

func TestTown_FiguresOfAnotherMonthDoNotCount(t *testing.T) {
	t.Parallel()
	june := stays("c1", 3, 4)
	june.Month = "2026-06"
	tm := rollup.Town(comparison.Town{Cadres: map[string]comparison.CadreState{"c1": {Active: true}}}, may, []figures.Month{june}, 2, 4)
	require.Equal(t, rollup.Counts{Cadres: 1}, tm.Counts)
}

func TestCounty_AddsTheTownsInCodeOrderWithoutTheirCommunities(t *testing.T) {
	t.Parallel()
	a := rollup.Town(town(), may, []figures.Month{stays("c1", 3, 4)}, 2, 4)
	b := a
	b.Town = "130624099"
	cm := rollup.County(may, []rollup.TownMonth{a, b})
	require.Equal(t, []string{"130624099", "130624100"}, []string{cm.Towns[0].Town, cm.Towns[1].Town})
	require.Nil(t, cm.Towns[0].Communities)
	require.Equal(t, 2*a.Cadres, cm.Cadres)
	require.Equal(t, 2*a.BacklogCasesResolved, cm.BacklogCasesResolved)
	require.Equal(t, a.Rates, cm.Rates, "two equal towns have the same shares as each")
}

func cadres(c rollup.CommunityMonth) []string {
	var out []string
	for _, x := range c.Members {
		out = append(out, x.Cadre)
	}
	return out
}
