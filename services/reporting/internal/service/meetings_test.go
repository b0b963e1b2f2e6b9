package service_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/testkit"
)

type task struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Owner  struct{ Kind, ID string }
	Due    time.Time `json:"due"`
}

type meetingBody struct {
	ID          string   `json:"id"`
	Status      string   `json:"status"`
	Problems    []string `json:"problems"`
	Decisions   []string `json:"decisions"`
	ActionItems []task   `json:"actionItems"`
}

func TestMeeting_ActionItemsTrackedToClosure(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town, other := testkit.NewTown(t), testkit.NewTown(t)
	officer, leader := office(town), auth.Principal{AccountID: "l", Role: auth.TownLeader, Town: town}
	base := fmt.Sprintf("/api/v1/towns/%s/meetings", town)

	sched := map[string]any{"title": "十一月调度会", "place": "镇政府二楼", "scheduledAt": time.Now().Add(time.Hour), "attendees": []string{"张书记", "李干部"}}
	require.Equal(t, http.StatusForbidden, s.Do(t, leader, http.MethodPost, base, sched).Status)
	r := s.Do(t, officer, http.MethodPost, base, sched)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var m meetingBody
	r.JSON(t, &m)
	require.Equal(t, "scheduled", m.Status)

	r = s.Do(t, officer, http.MethodPut, base+"/"+m.ID+"/minutes", map[string]any{
		"attendees": []string{"张书记"}, "minutes": "听取各联系点汇报", "problems": []string{"水渠失修"}, "decisions": []string{"月底前修复"}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &m)
	require.Equal(t, "held", m.Status)
	require.Equal(t, []string{"水渠失修"}, m.Problems)

	r = s.Do(t, officer, http.MethodPost, base+"/"+m.ID+"/action-items", map[string]any{
		"title": "修复水渠", "owner": map[string]any{"kind": "cadre", "id": "c1"}, "due": "2026-12-20"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var item task
	r.JSON(t, &item)
	require.Equal(t, "open", item.Status)
	step := func(p auth.Principal, name string, want int) task {
		t.Helper()
		r := s.Do(t, p, http.MethodPost, fmt.Sprintf("/api/v1/towns/%s/action-items/%s/%s", town, item.ID, name), map[string]any{"note": "已完成"})
		require.Equal(t, want, r.Status, "%s by %s: %s", name, p.AccountID, r.Body)
		var out task
		if want == http.StatusOK {
			r.JSON(t, &out)
		}
		return out
	}
	step(cadre(town, "c2"), "start", http.StatusForbidden)
	require.Equal(t, "in_progress", step(cadre(town, "c1"), "start", http.StatusOK).Status)
	step(officer, "verify", http.StatusConflict) // not done yet
	require.Equal(t, "done", step(cadre(town, "c1"), "complete", http.StatusOK).Status)
	step(cadre(town, "c1"), "verify", http.StatusForbidden)
	require.Equal(t, "verified", step(officer, "verify", http.StatusOK).Status)
	step(officer, "verify", http.StatusConflict)
	step(officer, "fly", http.StatusNotFound)

	r = s.Do(t, leader, http.MethodGet, base+"/"+m.ID, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &m)
	require.Len(t, m.ActionItems, 1)
	require.Equal(t, "verified", m.ActionItems[0].Status)

	require.Equal(t, http.StatusNotFound, s.Do(t, office(other), http.MethodGet, base+"/"+m.ID, nil).Status)
	r = s.Do(t, office(other), http.MethodGet, fmt.Sprintf("/api/v1/towns/%s/meetings", other), nil)
	require.Equal(t, http.StatusOK, r.Status)
	var list struct{ Items []meetingBody }
	r.JSON(t, &list)
	require.Empty(t, list.Items, "another town sees none of this town's meetings")
}
