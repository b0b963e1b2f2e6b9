package service_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/httpx"
	"dundian.local/libs/process/processtest"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

// station publishes personnel's events that put cadre in the town's test community.
func station(t *testing.T, s *processtest.Service, town tenancy.TownCode, cadre, name string) {
	t.Helper()
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	c := events.MustNew(events.CadreAdded, town, "office", cadre, events.CadreData{ID: cadre, Town: string(town), Name: name})
	c.Rev = 1
	a := events.MustNew(events.AssignmentLinked, town, "office", cadre+"|2026", events.AssignmentData{
		ID: cadre + "|2026", Town: string(town), Cadre: cadre, Year: 2026, Community: community(town)})
	a.Rev = 1
	require.NoError(t, pub.Publish(context.Background(), events.Topic(events.Personnel), c, a))
	testkit.Eventually(t, 60*time.Second, func() bool {
		r := s.Do(t, auth.Principal{}, http.MethodGet, publicPath(town)+"/ratings/cadres", nil)
		var page httpx.Page[struct{ ID, Name string }]
		r.JSON(t, &page)
		for _, c := range page.Items {
			if c.ID == cadre && c.Name == name {
				return true
			}
		}
		return false
	})
}

func rate(t *testing.T, s *processtest.Service, town tenancy.TownCode, body map[string]any) processtest.Response {
	t.Helper()
	if _, ok := body["altcha"]; !ok {
		body["altcha"] = challenge(t, s, town)
	}
	return s.Do(t, auth.Principal{}, http.MethodPost, publicPath(town)+"/ratings", body, "X-Forwarded-For", clientIP(), "Accept-Language", "zh-CN")
}

type aggregateJSON struct {
	ID       string  `json:"id"`
	Count    int     `json:"count"`
	Sum      int     `json:"sum"`
	Flagged  int     `json:"flagged"`
	Accepted int     `json:"accepted"`
	AccSum   int     `json:"acceptedSum"`
	Scores   [5]int  `json:"scores"`
	Average  float64 `json:"average"`
}

func month(t *testing.T, s *processtest.Service, town tenancy.TownCode) map[string]aggregateJSON {
	t.Helper()
	r := s.Do(t, office(town), http.MethodGet, "/api/v1/towns/"+string(town)+"/ratings/months/"+calendar.MonthOf(time.Now()).String(), nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var page httpx.Page[aggregateJSON]
	r.JSON(t, &page)
	out := map[string]aggregateJSON{}
	for _, a := range page.Items {
		out[a.ID] = a
	}
	return out
}

func TestRating_OncePerDeviceAndPhonePerMonth_Aggregated(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	station(t, s, town, "c1", "李干部")
	key := "c1|" + calendar.MonthOf(time.Now()).String()

	r := rate(t, s, town, map[string]any{"cadre": "c1", "score": 5, "device": "dev-a", "phone": "13800001111", "comment": "很负责"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	require.NotContains(t, string(r.Body), "13800001111")

	r = rate(t, s, town, map[string]any{"cadre": "c1", "score": 1, "device": "dev-a"})
	require.Equal(t, http.StatusConflict, r.Status, "the same device this month")
	require.Contains(t, string(r.Body), "本月您已评价过")
	r = rate(t, s, town, map[string]any{"cadre": "c1", "score": 1, "device": "dev-b", "phone": "138 0000 1111"})
	require.Equal(t, http.StatusConflict, r.Status, "the same phone on another device")
	r = rate(t, s, town, map[string]any{"cadre": "c1", "score": 3, "device": "dev-b"})
	require.Equal(t, http.StatusCreated, r.Status, "the refused attempt claimed nothing: dev-b may still rate")

	r = rate(t, s, town, map[string]any{"cadre": "c9", "score": 1, "device": "dev-c"})
	require.Equal(t, http.StatusNotFound, r.Status, "a cadre not stationed here")
	r = rate(t, s, town, map[string]any{"cadre": "c1", "score": 1, "device": "dev-d", "website": "x"})
	require.Equal(t, http.StatusCreated, r.Status, "the honeypot looks accepted")
	sol := challenge(t, s, town)
	sol.Number++
	r = rate(t, s, town, map[string]any{"cadre": "c1", "score": 1, "device": "dev-e", "altcha": sol})
	require.Equal(t, http.StatusForbidden, r.Status)

	a := month(t, s, town)[key]
	require.Equal(t, 2, a.Count, "only the two real ratings count")
	require.Equal(t, 8, a.Sum)
	require.Equal(t, [5]int{0, 0, 1, 0, 1}, a.Scores)
	require.InDelta(t, 4.0, a.Average, 0.001)
	require.Equal(t, 0, a.Flagged)
}

func TestRating_IdenticalCommentsAndBursts_AreFlagged(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	station(t, s, town, "c2", "王干部")
	key := "c2|" + calendar.MonthOf(time.Now()).String()
	for i := 0; i < 12; i++ {
		r := rate(t, s, town, map[string]any{"cadre": "c2", "score": 1, "device": fmt.Sprintf("dev-%d", i), "comment": "不作为，要求召回！"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	}
	a := month(t, s, town)[key]
	require.Equal(t, 12, a.Count)
	require.Equal(t, 11, a.Flagged, "every repeat of the comment, and the ratings past the burst")
}

func TestRatingMonth_OtherTownsAndCadresKeptOut(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town, other := testkit.NewTown(t), testkit.NewTown(t)
	path := "/api/v1/towns/" + string(town) + "/ratings/months/2026-05"
	require.Equal(t, http.StatusForbidden, s.Do(t, cadre(town, "c1"), http.MethodGet, path, nil).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, office(other), http.MethodGet, path, nil).Status)
	require.Equal(t, http.StatusBadRequest, s.Do(t, office(town), http.MethodGet, "/api/v1/towns/"+string(town)+"/ratings/months/may", nil).Status)
}

func TestRatingReview_OnlyAcceptedCountTowardsRecall(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	station(t, s, town, "c3", "赵干部")
	m := calendar.MonthOf(time.Now()).String()
	for i, score := range []int{1, 2} {
		r := rate(t, s, town, map[string]any{"cadre": "c3", "score": score, "device": fmt.Sprintf("rv-%d", i)})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	}
	base := "/api/v1/towns/" + string(town) + "/ratings"
	r := s.Do(t, office(town), http.MethodGet, base+"?review=pending&month="+m, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var page httpx.Page[struct {
		ID     string `json:"id"`
		Score  int    `json:"score"`
		Review string `json:"review"`
	}]
	r.JSON(t, &page)
	require.Len(t, page.Items, 2)
	require.NotContains(t, string(r.Body), "rv-0", "the device id is not kept")

	one, two := page.Items[0], page.Items[1]
	leader := auth.Principal{AccountID: "leader", Role: auth.TownLeader, Town: town}
	require.Equal(t, http.StatusForbidden, s.Do(t, leader, http.MethodPost, base+"/"+one.ID+"/review", map[string]string{"decision": "accepted"}).Status)
	r = s.Do(t, office(town), http.MethodPost, base+"/"+one.ID+"/review", map[string]string{"decision": "accepted"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r = s.Do(t, office(town), http.MethodPost, base+"/"+one.ID+"/review", map[string]string{"decision": "rejected"})
	require.Equal(t, http.StatusConflict, r.Status, "a decision is final")
	r = s.Do(t, office(town), http.MethodPost, base+"/"+two.ID+"/review", map[string]string{"decision": "rejected"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	a := month(t, s, town)["c3|"+m]
	require.Equal(t, 2, a.Count)
	require.Equal(t, 1, a.Accepted)
	require.Equal(t, one.Score, a.AccSum)
}
