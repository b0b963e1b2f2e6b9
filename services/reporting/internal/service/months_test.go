package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/process/processtest"
	"dundian.local/libs/tasks"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

type counts struct {
	Cadres               int `json:"cadres"`
	ReportsSubmitted     int `json:"reportsSubmitted"`
	ReportsOnTime        int `json:"reportsOnTime"`
	StationingCompliant  int `json:"stationingCompliant"`
	DaysPresent          int `json:"daysPresent"`
	ContactListsComplete int `json:"contactListsComplete"`
	Logs                 int `json:"logs"`
	Diaries              int `json:"diaries"`
	OpinionsHandled      int `json:"opinionsHandled"`
	BacklogCasesResolved int `json:"backlogCasesResolved"`
	Rates                struct {
		Reporting *float64 `json:"reporting"`
	} `json:"rates"`
}

type townMonth struct {
	Town  string `json:"town"`
	Name  string `json:"name"`
	Month string `json:"month"`
	counts
	Communities []struct {
		Community string `json:"community"`
		counts
		Members []struct {
			Cadre string `json:"cadre"`
			Name  string `json:"name"`
			counts
		} `json:"members"`
	} `json:"communities"`
}

// stationedTown is a town's programme month as the other services' events describe it: two
// active cadres and one transferred, each active one linking a community; c1 stayed two days
// and handed in a complete one-links-five list, c2 wrote a log; a key backlog case of the
// second community was resolved; the county opened a rectification task for c1.
func stationedTown(town tenancy.TownCode, m calendar.Month) map[string][]events.Envelope {
	ev := func(typ, subject string, rev int64, data any) events.Envelope {
		e := events.MustNew(typ, town, "office", subject, data)
		e.Rev = rev
		return e
	}
	c201, c202 := string(town)+"201", string(town)+"202"
	day := func(d int) time.Time { return m.First().AddDays(d - 1).Start().Add(9 * time.Hour) }
	kinds := []string{"org_leader", "veteran_member", "people_rep", "hardship_household", "wealth_leader"}
	created := ev(events.TownCreated, string(town), 1, events.TownCreatedData{Code: string(town), Name: "蹲点镇"})
	return map[string][]events.Envelope{
		events.Platform: {created},
		events.Personnel: {
			ev(events.CadreAdded, "c1", 1, events.CadreData{ID: "c1", Name: "张三", Status: "active"}),
			ev(events.CadreAdded, "c2", 1, events.CadreData{ID: "c2", Name: "李四", Status: "active"}),
			ev(events.CadreAdded, "c3", 1, events.CadreData{ID: "c3", Name: "王五", Status: "active"}),
			ev(events.CadreChanged, "c3", 2, events.CadreData{ID: "c3", Name: "王五", Status: "transferred"}),
			ev(events.AssignmentLinked, "a1", 1, events.AssignmentData{ID: "a1", Cadre: "c1", Year: m.Year, Community: c201}),
			ev(events.AssignmentLinked, "a2", 1, events.AssignmentData{ID: "a2", Cadre: "c2", Year: m.Year, Community: c201}),
			ev(events.AssignmentEnded, "a2", 2, events.AssignmentData{ID: "a2", Cadre: "c2", Year: m.Year}),
			ev(events.AssignmentLinked, "a3", 1, events.AssignmentData{ID: "a3", Cadre: "c2", Year: m.Year, Community: c202}),
			ev(events.ContactListSubmitted, "l1", 3, events.ContactListData{ID: "l1", Cadre: "c1", Year: m.Year, Status: "submitted", Kinds: kinds}),
		},
		events.Fieldwork: {
			ev(events.StayEnded, "s1", 2, map[string]any{"cadre": "c1", "start": day(1), "end": day(1).Add(8 * time.Hour)}),
			ev(events.StayEnded, "s2", 2, map[string]any{"cadre": "c1", "start": day(2), "end": day(2).Add(5 * time.Hour)}),
			ev(events.WorkLogWritten, "w1", 1, map[string]any{"cadre": "c2", "date": m.First(), "task": "T3", "history": []any{}}),
		},
		events.Petitions: {
			ev(events.CaseRegistered, "k1", 1, map[string]any{"community": c202, "backlog": true, "status": "sign"}),
			ev(events.CaseChanged, "k1", 4, map[string]any{"community": c202, "backlog": true, "status": "resolved", "resolvedAt": day(3)}),
			ev(events.CaseChanged, "k2", 4, map[string]any{"community": c202, "backlog": false, "status": "resolved", "resolvedAt": day(3)}),
		},
		events.Assessment: {
			ev(events.AssessmentTaskOpened, "t1", 1, tasks.Task{ID: "t1", Town: town, Kind: tasks.Rectification, Title: "整改台账",
				Owner: tasks.Owner{Kind: tasks.OwnerCadre, ID: "c1"}, Status: tasks.Open, Rev: 1}),
		},
	}
}

func publishAll(t *testing.T, byService map[string][]events.Envelope) {
	t.Helper()
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	for service, evs := range byService {
		require.NoError(t, pub.Publish(context.Background(), events.Topic(service), evs...))
	}
}

func getTownMonth(t *testing.T, s *processtest.Service, p auth.Principal, town tenancy.TownCode, m calendar.Month) townMonth {
	t.Helper()
	r := s.Do(t, p, http.MethodGet, fmt.Sprintf("/api/v1/towns/%s/months/%s", town, m), nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var out townMonth
	r.JSON(t, &out)
	return out
}

// settled reports whether the town's month shows every event of stationedTown.
func settled(tm townMonth) bool {
	return tm.Name == "蹲点镇" && tm.Cadres == 2 && tm.ReportsSubmitted == 1 && tm.StationingCompliant == 1 &&
		tm.ContactListsComplete == 1 && tm.Logs == 1 && tm.BacklogCasesResolved == 1 && len(tm.Communities) == 2 &&
		len(tm.Communities[1].Members) == 1
}

func TestMonths_TownCommunityCadreAndCountyFromEvents(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	m := calendar.MonthOf(time.Now())
	publishAll(t, stationedTown(town, m))
	call(t, s, cadre(town, "c1"), http.MethodPost, reportPath(town, "c1", m)+"/submit", complete(""), http.StatusOK)

	testkit.Eventually(t, 60*time.Second, func() bool { return settled(getTownMonth(t, s, office(town), town, m)) })
	tm := getTownMonth(t, s, office(town), town, m)
	require.Equal(t, counts{Cadres: 2, ReportsSubmitted: 1, ReportsOnTime: 1, StationingCompliant: 1, DaysPresent: 2,
		ContactListsComplete: 1, Logs: 1, BacklogCasesResolved: 1}, withoutRates(tm.counts))
	require.Equal(t, 50.0, *tm.Rates.Reporting)

	c201, c202 := tm.Communities[0], tm.Communities[1]
	require.Equal(t, string(town)+"201", c201.Community)
	require.Len(t, c201.Members, 1, "c2's first link ended")
	require.Equal(t, "张三", c201.Members[0].Name)
	require.Equal(t, counts{Cadres: 1, ReportsSubmitted: 1, ReportsOnTime: 1, StationingCompliant: 1, DaysPresent: 2, ContactListsComplete: 1},
		withoutRates(c201.Members[0].counts))
	require.Equal(t, string(town)+"202", c202.Community)
	require.Equal(t, "c2", c202.Members[0].Cadre)
	require.Equal(t, counts{Cadres: 1, Logs: 1, BacklogCasesResolved: 1}, withoutRates(c202.counts), "only the backlog case counts")

	r := s.Do(t, countyAdmin, http.MethodGet, "/api/v1/county/comparison/months/"+m.String(), nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var county struct {
		Month string `json:"month"`
		counts
		Towns []townMonth `json:"towns"`
	}
	r.JSON(t, &county)
	var row *townMonth
	for i := range county.Towns {
		if county.Towns[i].Town == string(town) {
			row = &county.Towns[i]
		}
	}
	require.NotNil(t, row, "the town is in the county's month")
	require.Equal(t, withoutRates(tm.counts), withoutRates(row.counts))
	require.Nil(t, row.Communities, "the county's month lists towns; a town opens its communities")
	require.GreaterOrEqual(t, county.Cadres, tm.Cadres)

	r = s.Do(t, countyAdmin, http.MethodGet, fmt.Sprintf("/api/v1/county/comparison/trend?from=%s&to=%s", m.Prev(), m), nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var trend struct {
		Months []struct {
			Month string      `json:"month"`
			Towns []townMonth `json:"towns"`
		} `json:"months"`
	}
	r.JSON(t, &trend)
	require.Len(t, trend.Months, 2)
	require.Equal(t, m.String(), trend.Months[1].Month)
	for _, x := range trend.Months[0].Towns {
		if x.Town == string(town) {
			require.Zero(t, x.ReportsSubmitted, "last month had no report")
		}
	}
	r = s.Do(t, countyAdmin, http.MethodGet, "/api/v1/county/comparison/trend?from=2020-01&to=2026-01", nil)
	require.Equal(t, http.StatusBadRequest, r.Status, "a trend longer than two years")
}

func TestMonths_RolesAndIsolation(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town, other := testkit.NewTown(t), testkit.NewTown(t)
	path := fmt.Sprintf("/api/v1/towns/%s/months/2026-05", town)
	for _, tc := range []struct {
		who  auth.Principal
		want int
	}{
		{countyAdmin, http.StatusOK},
		{auth.Principal{AccountID: "i", Role: auth.CountyInspector}, http.StatusOK},
		{office(town), http.StatusOK},
		{auth.Principal{AccountID: "l", Role: auth.TownLeader, Town: town}, http.StatusOK},
		{cadre(town, "c1"), http.StatusForbidden},
		{auth.Principal{AccountID: "b", Role: auth.BranchSecretary, Town: town}, http.StatusForbidden},
		{office(other), http.StatusNotFound},
	} {
		r := s.Do(t, tc.who, http.MethodGet, path, nil)
		require.Equal(t, tc.want, r.Status, "%s %s: %s", tc.who.Role, tc.who.Town, r.Body)
	}
	for _, p := range []string{"/api/v1/county/comparison/months/2026-05", "/api/v1/county/comparison/trend"} {
		require.Equal(t, http.StatusForbidden, s.Do(t, office(town), http.MethodGet, p, nil).Status, p)
		require.Equal(t, http.StatusOK, s.Do(t, countyAdmin, http.MethodGet, p, nil).Status, p)
	}
	require.Equal(t, http.StatusBadRequest, s.Do(t, office(town), http.MethodGet, fmt.Sprintf("/api/v1/towns/%s/months/2026-13", town), nil).Status)
}

func withoutRates(c counts) counts {
	c.Rates.Reporting = nil
	return c
}

// snapshot is every projection document of the town as plain JSON values (maps are compared
// by content, not by the order their keys were written in), without the documents' own
// version counters (a rebuild writes them fewer times).
func snapshot(t *testing.T, town tenancy.TownCode) map[string][]map[string]any {
	t.Helper()
	ctx := context.Background()
	mc := testkit.Mongo(t)
	read := func(db, coll string, filter bson.D) []map[string]any {
		cur, err := mc.Database(db).Collection(coll).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
		require.NoError(t, err)
		var docs []bson.Raw
		require.NoError(t, cur.All(ctx, &docs))
		out := []map[string]any{}
		for _, d := range docs {
			b, err := bson.MarshalExtJSON(d, true, false)
			require.NoError(t, err)
			var v map[string]any
			require.NoError(t, json.Unmarshal(b, &v))
			delete(v, "ver")
			out = append(out, v)
		}
		return out
	}
	return map[string][]map[string]any{
		"towns":   read(tenancy.CountyDatabase, "reporting_towns", bson.D{{Key: "_id", Value: string(town)}}),
		"figures": read(town.Database(), "reporting_figures", bson.D{}),
		"tasks":   read(town.Database(), "reporting_open_tasks", bson.D{}),
	}
}

type rebuildJob struct {
	ID      string   `json:"id"`
	Town    string   `json:"town"`
	Status  string   `json:"status"`
	Applied int      `json:"applied"`
	Percent int      `json:"percent"`
	Error   string   `json:"error"`
	Kept    []string `json:"kept"`
}

// rebuild starts a rebuild of the town and waits for it to finish.
func rebuild(t *testing.T, s *processtest.Service, town tenancy.TownCode) rebuildJob {
	t.Helper()
	var job rebuildJob
	// A job left running by an earlier, killed test run is taken over and finished first.
	testkit.Eventually(t, 3*time.Minute, func() bool {
		r := s.Do(t, countyAdmin, http.MethodPost, "/api/v1/county/projections/rebuild", map[string]any{"town": town})
		if r.Status == http.StatusAccepted {
			r.JSON(t, &job)
		}
		return r.Status == http.StatusAccepted
	})
	testkit.Eventually(t, 3*time.Minute, func() bool {
		r := s.Do(t, countyAdmin, http.MethodGet, "/api/v1/county/projections/rebuild", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var cur rebuildJob
		r.JSON(t, &cur)
		require.Equal(t, job.ID, cur.ID)
		require.NotEqual(t, "failed", cur.Status, cur.Error)
		job = cur
		return cur.Status == "done"
	})
	return job
}

func TestRebuild_EqualsTheLiveStateWithEveryEventTwice(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	m := calendar.MonthOf(time.Now())
	evs := stationedTown(town, m)
	publishAll(t, evs)
	call(t, s, cadre(town, "c1"), http.MethodPost, reportPath(town, "c1", m)+"/submit", complete(""), http.StatusOK)
	testkit.Eventually(t, 60*time.Second, func() bool {
		return settled(getTownMonth(t, s, office(town), town, m)) && len(snapshot(t, town)["tasks"]) == 1
	})
	live := snapshot(t, town)
	require.Len(t, live["towns"], 1)
	require.Len(t, live["figures"], 2, "c1's and c2's month")
	liveMonth := getTownMonth(t, s, office(town), town, m)

	publishAll(t, evs) // every event once more: the replay reads each of them twice
	job := rebuild(t, s, town)
	require.Equal(t, string(town), job.Town)
	require.Equal(t, 100, job.Percent)
	require.Positive(t, job.Applied)
	require.Equal(t, live, snapshot(t, town), "a rebuild from every event, each twice, equals the live state")
	require.Equal(t, liveMonth, getTownMonth(t, s, office(town), town, m))

	rebuild(t, s, town)
	require.Equal(t, live, snapshot(t, town), "rebuilding again changes nothing")
}

// Not parallel: one rebuild job runs at a time, and the other rebuild test runs in parallel.
func TestRebuild_KeepsATownWhoseHistoryIsNotInTheTopics(t *testing.T) {
	s := reporting(t)
	town := testkit.NewTown(t)
	m := calendar.MonthOf(time.Now())
	evs := stationedTown(town, m)
	// A town restored from a backup: its records arrive, its creation was never announced here.
	delete(evs, events.Platform)
	publishAll(t, evs)
	var before map[string][]map[string]any
	testkit.Eventually(t, 60*time.Second, func() bool { // every event applied: the projections stop changing
		before = snapshot(t, town)
		time.Sleep(time.Second)
		return len(before["tasks"]) == 1 && reflect.DeepEqual(before, snapshot(t, town))
	})
	require.Len(t, before["figures"], 2)

	job := rebuild(t, s, town)
	require.Equal(t, []string{string(town)}, job.Kept)
	require.Equal(t, before, snapshot(t, town), "nothing of the town is cleared")
}

func TestRebuild_OnlyTheCountyAdministrator(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	for _, p := range []auth.Principal{{AccountID: "i", Role: auth.CountyInspector}, office(town)} {
		require.Equal(t, http.StatusForbidden, s.Do(t, p, http.MethodGet, "/api/v1/county/projections/rebuild", nil).Status, p.Role)
		require.Equal(t, http.StatusForbidden, s.Do(t, p, http.MethodPost, "/api/v1/county/projections/rebuild", map[string]any{}).Status, p.Role)
	}
	r := s.Do(t, countyAdmin, http.MethodPost, "/api/v1/county/projections/rebuild", map[string]any{"town": "12"})
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
}
