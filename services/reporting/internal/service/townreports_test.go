package service_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/testkit"
)

type townReport struct {
	Status     string `json:"status"`
	Statistics struct {
		ReportsSubmitted int `json:"reportsSubmitted"`
		ReportsOnTime    int `json:"reportsOnTime"`
		ReportsApproved  int `json:"reportsApproved"`
		MeetingsHeld     int `json:"meetingsHeld"`
		ActionItems      int `json:"actionItems"`
	} `json:"statistics"`
	Template []struct{ Key, Title string } `json:"template"`
	Comment  string                        `json:"comment"`
	SignedBy string                        `json:"signedBy"`
	FiledAt  *time.Time                    `json:"filedAt"`
}

func TestTownReport_StatisticsSignOffAndFiling(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	m := calendar.MonthOf(time.Now())
	officer := office(town)
	leader := auth.Principal{AccountID: "leader", Role: auth.TownLeader, Town: town}

	// what the statistics count: one approved monthly report and one held meeting with an item
	call(t, s, cadre(town, "c1"), http.MethodPost, reportPath(town, "c1", m)+"/submit", complete(""), http.StatusOK)
	call(t, s, officer, http.MethodPost, reportPath(town, "c1", m)+"/approve", map[string]any{}, http.StatusOK)
	r := s.Do(t, officer, http.MethodPost, fmt.Sprintf("/api/v1/towns/%s/meetings", town), map[string]any{"title": "调度会", "scheduledAt": time.Now()})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var mt meetingBody
	r.JSON(t, &mt)
	require.Equal(t, http.StatusOK, s.Do(t, officer, http.MethodPut, fmt.Sprintf("/api/v1/towns/%s/meetings/%s/minutes", town, mt.ID), map[string]any{"minutes": "纪要"}).Status)
	require.Equal(t, http.StatusCreated, s.Do(t, officer, http.MethodPost, fmt.Sprintf("/api/v1/towns/%s/meetings/%s/action-items", town, mt.ID),
		map[string]any{"title": "整改", "owner": map[string]any{"kind": "town_office", "id": string(town)}}).Status)

	path := fmt.Sprintf("/api/v1/towns/%s/town-reports/monthly_summary/%s", town, m)
	do := func(p auth.Principal, method, suffix string, body any, want int) townReport {
		t.Helper()
		r := s.Do(t, p, method, path+suffix, body)
		require.Equal(t, want, r.Status, string(r.Body))
		var out townReport
		if want == http.StatusOK {
			r.JSON(t, &out)
		}
		return out
	}
	draft := do(leader, http.MethodGet, "", nil, http.StatusOK)
	require.Equal(t, "draft", draft.Status)
	require.Len(t, draft.Template, 3)
	require.Equal(t, 1, draft.Statistics.ReportsSubmitted)
	require.Equal(t, 1, draft.Statistics.ReportsOnTime)
	require.Equal(t, 1, draft.Statistics.ReportsApproved)
	require.Equal(t, 1, draft.Statistics.MeetingsHeld)
	require.Equal(t, 1, draft.Statistics.ActionItems)

	do(officer, http.MethodPost, "/submit", map[string]any{}, http.StatusBadRequest) // sections missing
	do(leader, http.MethodPut, "", map[string]any{"sections": map[string]string{"work": "w"}}, http.StatusForbidden)
	do(officer, http.MethodPut, "", map[string]any{"sections": map[string]string{"work": "开展走访", "problems": "无", "next": "继续"}}, http.StatusOK)
	do(leader, http.MethodPost, "/sign", map[string]any{}, http.StatusConflict)
	do(officer, http.MethodPost, "/submit", map[string]any{}, http.StatusOK)
	do(officer, http.MethodPost, "/sign", map[string]any{}, http.StatusForbidden)
	require.Equal(t, "补充数据", do(leader, http.MethodPost, "/return", map[string]any{"comment": "补充数据"}, http.StatusOK).Comment)
	do(officer, http.MethodPost, "/submit", map[string]any{}, http.StatusOK)
	require.Equal(t, "leader", do(leader, http.MethodPost, "/sign", map[string]any{}, http.StatusOK).SignedBy)
	filed := do(officer, http.MethodPost, "/file", map[string]any{}, http.StatusOK)
	require.Equal(t, "filed", filed.Status)
	require.NotNil(t, filed.FiledAt)
	require.Equal(t, "filed", do(countyAdmin, http.MethodGet, "", nil, http.StatusOK).Status)
	require.Equal(t, http.StatusForbidden, s.Do(t, cadre(town, "c1"), http.MethodGet, path, nil).Status)
	require.Equal(t, http.StatusBadRequest, s.Do(t, officer, http.MethodGet, fmt.Sprintf("/api/v1/towns/%s/town-reports/year_end/%s", town, m), nil).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, office(testkit.NewTown(t)), http.MethodGet, path, nil).Status)
}
