package service_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/process/processtest"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

type report struct {
	Cadre   string `json:"cadre"`
	Month   string `json:"month"`
	Status  string `json:"status"`
	Figures struct {
		DaysPresent      int            `json:"daysPresent"`
		Logs             int            `json:"logs"`
		Diaries          int            `json:"diaries"`
		ActivitiesByTask map[string]int `json:"activitiesByTask"`
		ContactsVisited  int            `json:"contactsVisited"`
		OpinionsHandled  int            `json:"opinionsHandled"`
	} `json:"figures"`
	Narrative struct{ Measures, Results string } `json:"narrative"`
	Integrity struct {
		Declared bool   `json:"declared"`
		Note     string `json:"note"`
	} `json:"integrity"`
	OnTime   *bool `json:"onTime"`
	DaysLeft *int  `json:"daysLeft"`
	Deadline struct {
		Day string `json:"day"`
	} `json:"deadline"`
	Reviews []struct{ Decision, Comment string } `json:"reviews"`
}

func cadre(town tenancy.TownCode, id string) auth.Principal {
	return auth.Principal{AccountID: "acc-" + id, Role: auth.Cadre, Town: town, CadreID: id}
}

func office(town tenancy.TownCode) auth.Principal {
	return auth.Principal{AccountID: "office-" + string(town), Role: auth.TownAdmin, Town: town}
}

func reportPath(town tenancy.TownCode, cadre string, m calendar.Month) string {
	return fmt.Sprintf("/api/v1/towns/%s/cadres/%s/monthly-reports/%s", town, cadre, m)
}

func complete(note string) map[string]any {
	return map[string]any{
		"narrative": map[string]any{"measures": "走访农户12户，召开院坝会2次", "results": "解决灌溉用水问题"},
		"integrity": map[string]any{"declared": true, "note": note},
	}
}

func call(t *testing.T, s *processtest.Service, p auth.Principal, method, path string, body any, want int) report {
	t.Helper()
	r := s.Do(t, p, method, path, body)
	require.Equal(t, want, r.Status, string(r.Body))
	var out report
	if want == http.StatusOK {
		r.JSON(t, &out)
	}
	return out
}

func TestMonthlyReport_SubmitReturnResubmitApprove(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	m := calendar.MonthOf(time.Now())
	path := reportPath(town, "c1", m)
	me, officer := cadre(town, "c1"), office(town)

	draft := call(t, s, me, http.MethodGet, path, nil, http.StatusOK)
	require.Equal(t, "draft", draft.Status)
	require.NotNil(t, draft.DaysLeft)
	require.Equal(t, calendar.BeijingDay(time.Now()).DaysUntil(m.Next().First().AddDays(4)), *draft.DaysLeft,
		"days left to the 5th of next month")

	call(t, s, me, http.MethodPost, path+"/submit", map[string]any{"narrative": map[string]any{"measures": "走访"}}, http.StatusBadRequest)
	saved := call(t, s, me, http.MethodPut, path, complete(""), http.StatusOK)
	require.Equal(t, "draft", saved.Status)
	require.True(t, saved.Integrity.Declared)
	call(t, s, officer, http.MethodPost, path+"/approve", map[string]any{}, http.StatusConflict)

	sub := call(t, s, me, http.MethodPost, path+"/submit", complete("退回一份土特产"), http.StatusOK)
	require.Equal(t, "submitted", sub.Status)
	require.NotNil(t, sub.OnTime)
	require.True(t, *sub.OnTime, "submitted before the 5th of next month")
	require.Nil(t, sub.DaysLeft)
	require.Equal(t, "退回一份土特产", sub.Integrity.Note)
	call(t, s, me, http.MethodPut, path, complete(""), http.StatusConflict)
	call(t, s, me, http.MethodPost, path+"/submit", complete(""), http.StatusConflict)

	call(t, s, officer, http.MethodPost, path+"/return", map[string]any{"comment": " "}, http.StatusBadRequest)
	ret := call(t, s, officer, http.MethodPost, path+"/return", map[string]any{"comment": "请补充成效数据"}, http.StatusOK)
	require.Equal(t, "returned", ret.Status)
	require.Equal(t, "请补充成效数据", ret.Reviews[0].Comment)
	call(t, s, officer, http.MethodPost, path+"/approve", map[string]any{}, http.StatusConflict)

	call(t, s, me, http.MethodPost, path+"/submit", complete(""), http.StatusOK)
	done := call(t, s, officer, http.MethodPost, path+"/approve", map[string]any{"comment": "同意"}, http.StatusOK)
	require.Equal(t, "approved", done.Status)
	require.Len(t, done.Reviews, 2)
	call(t, s, officer, http.MethodPost, path+"/approve", map[string]any{}, http.StatusConflict)
	call(t, s, officer, http.MethodPost, path+"/return", map[string]any{"comment": "x"}, http.StatusConflict)
	require.Equal(t, "approved", call(t, s, me, http.MethodGet, path, nil, http.StatusOK).Status)
}

func TestMonthlyReport_LateAfterTheDeadline(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	m := calendar.MonthOf(time.Now()).Prev().Prev() // its deadline, early last month, has passed
	path := reportPath(town, "c1", m)
	draft := call(t, s, cadre(town, "c1"), http.MethodGet, path, nil, http.StatusOK)
	require.Less(t, *draft.DaysLeft, 0, "已逾期")
	sub := call(t, s, cadre(town, "c1"), http.MethodPost, path+"/submit", complete(""), http.StatusOK)
	require.False(t, *sub.OnTime)
}

func TestMonthlyReport_TownExtensionFromTheCalendarEvent(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	m := calendar.MonthOf(time.Now()).Prev().Prev().Prev()
	due := calendar.BeijingDay(time.Now()).AddDays(10)
	programme := calendar.DefaultProgramme(m.Year)
	ev := events.MustNew(events.CalendarChanged, "", "county", fmt.Sprintf("programme-%d", m.Year), map[string]any{
		"part": "programme", "year": m.Year, "programme": programme,
		"overrides": []calendar.TownOverride{{Town: town, Kind: calendar.MonthlyReport, Month: m, Due: due,
			Reason: "洪灾", Author: "county", At: time.Now()}},
	})
	ev.Rev = time.Now().UnixNano() // newer than whatever earlier runs left in the county's copy
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	require.NoError(t, pub.Publish(context.Background(), events.Topic(events.Platform), ev))

	path := reportPath(town, "c1", m)
	testkit.Eventually(t, 60*time.Second, func() bool {
		return call(t, s, cadre(town, "c1"), http.MethodGet, path, nil, http.StatusOK).Deadline.Day == due.String()
	})
	r := call(t, s, cadre(town, "c1"), http.MethodGet, path, nil, http.StatusOK)
	require.Equal(t, 10, *r.DaysLeft, "还剩10天")
	sub := call(t, s, cadre(town, "c1"), http.MethodPost, path+"/submit", complete(""), http.StatusOK)
	require.True(t, *sub.OnTime, "on time within the town's extension")
}

func TestMonthlyReport_FiguresPrefilledFromEventsIdempotently(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	m := calendar.MonthOf(time.Now())
	day := m.First()
	at := func(h int) time.Time { return day.Start().Add(time.Duration(h) * time.Hour) }
	entry := func(typ, id string, rev int64, cadre, task string, contacts ...string) events.Envelope {
		ev := events.MustNew(typ, town, "acc", id, map[string]any{"cadre": cadre, "date": day, "task": task, "contacts": contacts, "history": []any{}})
		ev.Rev = rev
		return ev
	}
	stay := events.MustNew(events.StayEnded, town, "acc", "stay1", map[string]any{"cadre": "c1", "start": at(8), "end": at(14)})
	stay.Rev = 2
	opinion := events.MustNew(events.OpinionResponded, town, "acc", "op1", map[string]any{
		"responsible": map[string]any{"id": "c1"}, "respondedAt": at(10)})
	opinion.Rev = 3
	fieldwork := []events.Envelope{
		entry(events.WorkLogWritten, "log1", 1, "c1", "T1", "k1"),
		entry(events.WorkLogWritten, "log2", 1, "c1", "T3"),
		entry(events.WorkLogEdited, "log2", 2, "c1", "T4", "k1", "k2"),
		entry(events.DiaryWritten, "diary1", 1, "c1", ""),
		entry(events.WorkLogWritten, "other", 1, "c2", "T1"), // another cadre's
		stay,
	}
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	ctx := context.Background()
	publish := func() {
		require.NoError(t, pub.Publish(ctx, events.Topic(events.Fieldwork), fieldwork...))
		require.NoError(t, pub.Publish(ctx, events.Topic(events.Petitions), opinion))
	}
	publish()
	path := reportPath(town, "c1", m)
	want := func(r report) bool {
		f := r.Figures
		return f.Logs == 2 && f.Diaries == 1 && f.DaysPresent == 1 && f.ContactsVisited == 2 && f.OpinionsHandled == 1 &&
			f.ActivitiesByTask["T1"] == 1 && f.ActivitiesByTask["T4"] == 1 && f.ActivitiesByTask["T3"] == 0
	}
	testkit.Eventually(t, 60*time.Second, func() bool {
		return want(call(t, s, cadre(town, "c1"), http.MethodGet, path, nil, http.StatusOK))
	})
	first := call(t, s, cadre(town, "c1"), http.MethodGet, path, nil, http.StatusOK)

	// Every event again, then a marker behind them in the same town (same partition).
	publish()
	require.NoError(t, pub.Publish(ctx, events.Topic(events.Fieldwork), entry(events.WorkLogWritten, "marker", 1, "marker", "")))
	testkit.Eventually(t, 60*time.Second, func() bool {
		return call(t, s, cadre(town, "marker"), http.MethodGet, reportPath(town, "marker", m), nil, http.StatusOK).Figures.Logs == 1
	})
	require.Equal(t, first.Figures, call(t, s, cadre(town, "c1"), http.MethodGet, path, nil, http.StatusOK).Figures,
		"replaying the events leaves the figures unchanged")

	call(t, s, cadre(town, "c1"), http.MethodPost, path+"/submit", map[string]any{
		"narrative": map[string]any{"measures": "m", "results": "r"}, "integrity": map[string]any{"declared": true},
		"figures": map[string]any{"logs": 99},
	}, http.StatusBadRequest) // figures are never typed
	sub := call(t, s, cadre(town, "c1"), http.MethodPost, path+"/submit", complete(""), http.StatusOK)
	require.Equal(t, first.Figures, sub.Figures, "the submitted report holds the recorded figures")
}

func TestMonthlyReport_RolesAndIsolation(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town, other := testkit.NewTown(t), testkit.NewTown(t)
	m := calendar.MonthOf(time.Now())
	path := reportPath(town, "c1", m)
	call(t, s, cadre(town, "c1"), http.MethodPut, path, complete("无"), http.StatusOK)
	call(t, s, cadre(town, "c2"), http.MethodPut, reportPath(town, "c2", m), complete(""), http.StatusOK)

	for _, tc := range []struct {
		who  auth.Principal
		want int
	}{
		{countyAdmin, http.StatusOK},
		{auth.Principal{AccountID: "i", Role: auth.CountyInspector}, http.StatusOK},
		{office(town), http.StatusOK},
		{auth.Principal{AccountID: "l", Role: auth.TownLeader, Town: town}, http.StatusOK},
		{cadre(town, "c1"), http.StatusOK},
		{cadre(town, "c2"), http.StatusForbidden},
		{auth.Principal{AccountID: "nocadre", Role: auth.Cadre, Town: town}, http.StatusForbidden},
		{auth.Principal{AccountID: "b", Role: auth.BranchSecretary, Town: town}, http.StatusForbidden},
		{office(other), http.StatusNotFound}, // another town's staff do not learn the town exists
		{cadre(other, "c1"), http.StatusNotFound},
	} {
		r := s.Do(t, tc.who, http.MethodGet, path, nil)
		require.Equal(t, tc.want, r.Status, "%s %s: %s", tc.who.Role, tc.who.Town, r.Body)
	}
	call(t, s, office(town), http.MethodPut, path, complete(""), http.StatusForbidden)
	call(t, s, cadre(town, "c2"), http.MethodPut, path, complete(""), http.StatusForbidden)
	call(t, s, auth.Principal{AccountID: "l", Role: auth.TownLeader, Town: town}, http.MethodPost, path+"/return", map[string]any{"comment": "x"}, http.StatusForbidden)
	call(t, s, cadre(town, "c1"), http.MethodPost, path+"/approve", map[string]any{}, http.StatusForbidden)

	list := func(p auth.Principal, t2 tenancy.TownCode) []report {
		r := s.Do(t, p, http.MethodGet, fmt.Sprintf("/api/v1/towns/%s/monthly-reports?month=%s", t2, m), nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var body struct{ Items []report }
		r.JSON(t, &body)
		return body.Items
	}
	require.Len(t, list(office(town), town), 2)
	mine := list(cadre(town, "c1"), town)
	require.Len(t, mine, 1, "a cadre lists only their own reports")
	require.Equal(t, "c1", mine[0].Cadre)
	require.Empty(t, list(office(other), other), "another town's database holds none of them")
	require.Empty(t, call(t, s, countyAdmin, http.MethodGet, reportPath(other, "c1", m), nil, http.StatusOK).Narrative.Measures)
}

func TestMonthlyReport_ListHoldsReportsFromBeforeTheMonthListsAndNewOnes(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	m := calendar.MonthOf(time.Now())
	list := func() []string {
		r := s.Do(t, office(town), http.MethodGet, fmt.Sprintf("/api/v1/towns/%s/monthly-reports?month=%s", town, m), nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var body struct{ Items []report }
		r.JSON(t, &body)
		var cadres []string
		for _, it := range body.Items {
			cadres = append(cadres, it.Cadre)
		}
		return cadres
	}

	// A report stored before the town had month lists, and one of another month.
	old := testkit.Mongo(t).Database(town.Database()).Collection("reporting_monthly_reports")
	for _, x := range []struct {
		cadre string
		month calendar.Month
	}{{"c9", m}, {"c9", m.Prev()}} {
		_, err := old.InsertOne(context.Background(), bson.D{
			{Key: "_id", Value: x.cadre + "|" + x.month.String()}, {Key: "town", Value: string(town)}, {Key: "cadre", Value: x.cadre},
			{Key: "month", Value: bson.D{{Key: "year", Value: x.month.Year}, {Key: "month", Value: int(x.month.Month)}}},
			{Key: "status", Value: "draft"}, {Key: "rev", Value: 1},
		})
		require.NoError(t, err)
	}
	require.Equal(t, []string{"c9"}, list(), "found by their month the first time")

	call(t, s, cadre(town, "c2"), http.MethodPut, reportPath(town, "c2", m), complete(""), http.StatusOK)
	call(t, s, cadre(town, "c1"), http.MethodPut, reportPath(town, "c1", m), complete(""), http.StatusOK)
	call(t, s, cadre(town, "c1"), http.MethodPut, reportPath(town, "c1", m), complete(""), http.StatusOK)
	require.Equal(t, []string{"c1", "c2", "c9"}, list(), "reports saved later are on the month's list, once each, by cadre")
}
