package overview_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/tasks"
	"dundian.local/libs/tenancy"
	"dundian.local/services/petitions/internal/domain/opinion"
	"dundian.local/services/petitions/internal/domain/overview"
	"dundian.local/services/petitions/internal/domain/petition"
)

// now is 1 June 2026, 00:30 in Beijing (31 May 16:30 UTC).
var now = time.Date(2026, 5, 31, 16, 30, 0, 0, time.UTC)

func bj(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, time.FixedZone("CST", 8*3600))
}

func openedCase(id, community string, status petition.Status, opened time.Time, backlog bool) petition.Case {
	return petition.Case{ID: id, Community: tenancy.CommunityCode("110101001" + community), Status: status, OpenedAt: &opened, Backlog: backlog}
}

func resolvedCase(id string, resolved time.Time, backlog bool) petition.Case {
	opened := resolved.AddDate(-1, 0, 0)
	return petition.Case{ID: id, Community: "110101001201", Status: petition.Closed, OpenedAt: &opened, ResolvedAt: &resolved, Backlog: backlog}
}

func answered(id, community, cadre string, received time.Time, after time.Duration) opinion.Opinion {
	at := received.Add(after)
	return opinion.Opinion{ID: id, Community: tenancy.CommunityCode("110101001" + community), Status: opinion.Responded,
		Responsible: &opinion.Cadre{ID: cadre, Name: "干部" + cadre},
		ReceivedAt:  received, Due: opinion.DueAfter(received, 15), RespondedAt: &at,
		History: []opinion.Change{{To: opinion.Received, At: received}, {From: opinion.Assigned, To: opinion.Responded, At: at}}}
}

func TestCompute_CaseAgesOnTheBeijingCalendar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opened time.Time
		bucket int
	}{
		{"opened today in Beijing, yesterday in UTC", time.Date(2026, 5, 31, 16, 10, 0, 0, time.UTC), 0},
		{"30 Beijing days old", bj(2026, 5, 2, 23), 0},
		{"31 Beijing days old", bj(2026, 5, 1, 0), 1},
		{"90 days", bj(2026, 3, 3, 12), 1},
		{"91 days", bj(2026, 3, 2, 12), 2},
		{"365 days", bj(2025, 6, 1, 9), 3},
		{"366 days", bj(2025, 5, 31, 9), 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := overview.Compute(overview.Records{Cases: []petition.Case{openedCase("c", "201", petition.Resolving, tt.opened, false)}}, 2026, now)
			want := make([]int, len(overview.Buckets))
			want[tt.bucket] = 1
			require.Equal(t, want, f.ByAge)
			require.Equal(t, 1, f.OpenCases)
		})
	}
}

func TestCompute_BacklogResolvedInTheBeijingYearOnly(t *testing.T) {
	t.Parallel()
	recs := overview.Records{Cases: []petition.Case{
		resolvedCase("a", bj(2026, 1, 1, 0), true),                                       // first hour of 2026 in Beijing
		resolvedCase("b", time.Date(2025, 12, 31, 15, 59, 0, 0, time.UTC), true),         // 23:59 on 31 Dec 2025 in Beijing
		resolvedCase("c", bj(2026, 3, 1, 10), false),                                     // not a backlog case
		openedCase("d", "201", petition.Open, bj(2024, 3, 1, 10), true),                  // backlog still open
		{ID: "e", Community: "110101001201", Status: petition.Sign},                      // early sign
		{ID: "f", Community: "110101001201", Status: petition.Dismissed, Backlog: false}, // dismissed sign
	}}
	f := overview.Compute(recs, 2026, now)
	require.Equal(t, 1, f.BacklogResolved)
	require.Equal(t, 1, f.BacklogOpen)
	require.Equal(t, 1, f.OpenCases)
	require.Equal(t, 1, f.Signs)
	require.Equal(t, []int{0, 0, 0, 0, 1}, f.ByAge)
}

func TestCompute_ResponseTimesMedianAndP90ByNearestRank(t *testing.T) {
	t.Parallel()
	received := bj(2026, 4, 1, 9)
	tests := []struct {
		name        string
		hours       []int
		median, p90 *float64
	}{
		{"none answered", nil, nil, nil},
		{"one", []int{5}, ptr(5), ptr(5)},
		{"ten", []int{10, 1, 2, 3, 4, 5, 6, 7, 8, 9}, ptr(5), ptr(9)},
		{"eleven", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100}, ptr(6), ptr(10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ops []opinion.Opinion
			for i, h := range tt.hours {
				ops = append(ops, answered(string(rune('a'+i)), "201", "c1", received, time.Duration(h)*time.Hour))
			}
			f := overview.Compute(overview.Records{Opinions: ops}, 2026, now)
			require.Equal(t, tt.median, f.ResponseMedianHours)
			require.Equal(t, tt.p90, f.ResponseP90Hours)
			require.Equal(t, len(tt.hours), f.Responded)
		})
	}
}

func TestCompute_FirstResponseCountsNotALaterOne(t *testing.T) {
	t.Parallel()
	o := answered("a", "201", "c1", bj(2026, 4, 1, 9), 2*time.Hour)
	later := bj(2026, 4, 5, 9)
	o.History = append(o.History, opinion.Change{From: opinion.Responded, To: opinion.Assigned, At: later},
		opinion.Change{From: opinion.Assigned, To: opinion.Responded, At: later.Add(time.Hour)})
	again := later.Add(time.Hour)
	o.RespondedAt = &again
	f := overview.Compute(overview.Records{Opinions: []opinion.Opinion{o}}, 2026, now)
	require.Equal(t, ptr(2), f.ResponseMedianHours)
}

func TestCompute_OverdueOpinionsAndTasks(t *testing.T) {
	t.Parallel()
	late := opinion.Opinion{ID: "late", Community: "110101001201", Status: opinion.Assigned,
		ReceivedAt: bj(2026, 5, 1, 9), Due: bj(2026, 5, 31, 0).Add(24*time.Hour - time.Nanosecond)}
	dueToday := opinion.Opinion{ID: "today", Community: "110101001201", Status: opinion.Received,
		ReceivedAt: bj(2026, 5, 17, 9), Due: bj(2026, 6, 1, 0).Add(24*time.Hour - time.Nanosecond)}
	lastYear := opinion.Opinion{ID: "old", Community: "110101001201", Status: opinion.Received,
		ReceivedAt: bj(2025, 12, 1, 9), Due: bj(2025, 12, 16, 23)}
	taskLate := tasks.Task{ID: "t1", Status: tasks.InProgress, Due: bj(2026, 5, 31, 23)}
	taskDone := tasks.Task{ID: "t2", Status: tasks.Done, Due: bj(2026, 5, 1, 23)}
	taskToday := tasks.Task{ID: "t3", Status: tasks.Open, Due: bj(2026, 6, 1, 23)}
	f := overview.Compute(overview.Records{Opinions: []opinion.Opinion{late, dueToday, lastYear},
		Tasks: []tasks.Task{taskLate, taskDone, taskToday}}, 2026, now)
	require.Equal(t, 2, f.OverdueOpinions, "late this year and last year's still unanswered")
	require.Equal(t, 2, f.Opinions, "received in 2026")
	require.Equal(t, 1, f.OverdueTasks)
}

func TestByCommunityAndByCadre_DrillDown(t *testing.T) {
	t.Parallel()
	received := bj(2026, 4, 1, 9)
	c1 := openedCase("case1", "201", petition.Resolving, bj(2026, 5, 20, 9), false)
	c2 := openedCase("case2", "202", petition.Open, bj(2026, 1, 20, 9), true)
	recs := overview.Records{
		Opinions: []opinion.Opinion{
			answered("o1", "201", "c1", received, 4*time.Hour),
			answered("o2", "201", "c2", received, 8*time.Hour),
			{ID: "o3", Community: "110101001201", Status: opinion.Received, ReceivedAt: received, Due: bj(2026, 4, 16, 23)},
			answered("o4", "202", "c1", received, time.Hour),
		},
		Cases: []petition.Case{c1, c2},
		Tasks: []tasks.Task{
			{ID: "t1", Source: tasks.Source{ID: "case1"}, Owner: tasks.Owner{Kind: tasks.OwnerCadre, ID: "c1", Name: "干部c1"}, Status: tasks.Open, Due: bj(2026, 5, 25, 23)},
			{ID: "t2", Source: tasks.Source{ID: "case1"}, Owner: tasks.Owner{Kind: tasks.OwnerCadre, ID: "c2"}, Status: tasks.Open},
			{ID: "t3", Source: tasks.Source{ID: "case1"}, Owner: tasks.Owner{Kind: tasks.OwnerCommunity, ID: "110101001201"}, Status: tasks.Open, Due: bj(2026, 5, 1, 23)},
		},
	}
	byCommunity := overview.ByCommunity(recs, 2026, now)
	require.Len(t, byCommunity, 2)
	require.Equal(t, "110101001201", byCommunity[0].Key)
	require.Equal(t, 3, byCommunity[0].Opinions)
	require.Equal(t, 1, byCommunity[0].OverdueOpinions)
	require.Equal(t, 2, byCommunity[0].OverdueTasks)
	require.Equal(t, []int{1, 0, 0, 0, 0}, byCommunity[0].ByAge)
	require.Equal(t, "110101001202", byCommunity[1].Key)
	require.Equal(t, 1, byCommunity[1].BacklogOpen)
	require.Equal(t, []int{0, 0, 1, 0, 0}, byCommunity[1].ByAge, "opened 20 Jan: 132 days on 1 June")

	byCadre := overview.ByCadre(recs.Community("110101001201"), 2026, now)
	require.Len(t, byCadre, 3)
	require.Equal(t, "c1", byCadre[0].Key)
	require.Equal(t, "干部c1", byCadre[0].Name)
	require.Equal(t, 1, byCadre[0].Opinions)
	require.Equal(t, 1, byCadre[0].OpenCases, "a case counts for each cadre owning a task of it")
	require.Equal(t, 1, byCadre[0].OverdueTasks)
	require.Equal(t, ptr(4), byCadre[0].ResponseMedianHours)
	require.Equal(t, "c2", byCadre[1].Key)
	require.Equal(t, 1, byCadre[1].OpenCases)
	require.Equal(t, 0, byCadre[1].OverdueTasks)
	require.Equal(t, overview.Unassigned, byCadre[2].Key, "unassigned opinions last")
	require.Equal(t, 1, byCadre[2].OverdueOpinions)
	require.Equal(t, 0, byCadre[2].OpenCases)
}

func ptr(v float64) *float64 { return &v }
