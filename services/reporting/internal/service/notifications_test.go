package service_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

type note struct {
	Kind   string            `json:"kind"`
	Params map[string]string `json:"params"`
	Link   string            `json:"link"`
	Unread bool              `json:"unread"`
}

func TestNotifications_ReturnedReportReachesTheCadreOnce(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	m := calendar.MonthOf(time.Now())
	path := reportPath(town, "c1", m)
	call(t, s, cadre(town, "c1"), http.MethodPost, path+"/submit", complete(""), http.StatusOK)
	call(t, s, office(town), http.MethodPost, path+"/return", map[string]any{"comment": "请补充走访记录"}, http.StatusOK)

	notes := func(p auth.Principal, tn tenancy.TownCode) []note {
		r := s.Do(t, p, http.MethodGet, fmt.Sprintf("/api/v1/towns/%s/notifications", tn), nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var body struct{ Items []note }
		r.JSON(t, &body)
		return body.Items
	}
	testkit.Eventually(t, 60*time.Second, func() bool { return len(notes(cadre(town, "c1"), town)) == 1 && len(notes(office(town), town)) == 1 })
	got := notes(cadre(town, "c1"), town)[0]
	require.Equal(t, "report_returned", got.Kind)
	require.Equal(t, "请补充走访记录", got.Params["comment"])
	require.True(t, got.Unread)
	require.Equal(t, "report_submitted", notes(office(town), town)[0].Kind)
	require.Empty(t, notes(cadre(town, "c2"), town))

	r := s.Do(t, cadre(town, "c1"), http.MethodPost, fmt.Sprintf("/api/v1/towns/%s/notifications/read", town), nil)
	require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
	require.False(t, notes(cadre(town, "c1"), town)[0].Unread)
	require.True(t, notes(office(town), town)[0].Unread, "each account keeps its own mark")
}
