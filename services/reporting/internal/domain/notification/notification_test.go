package notification_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/services/reporting/internal/domain/notification"
)

func TestFor_KeepsWhatThePrincipalReadsLatestFirst(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	all := []notification.Notification{
		notification.New("e1", notification.ToCadre("c1"), notification.ReportReturned, nil, "/reports", t0),
		notification.New("e2", notification.ToRole(auth.TownAdmin), notification.ReportSubmitted, nil, "/reports", t0.Add(time.Hour)),
		notification.New("e3", notification.ToCadre("c2"), notification.ActionItemAssigned, nil, "/due", t0.Add(2*time.Hour)),
		notification.New("e4", notification.ToCadre("c1"), notification.ActionItemAssigned, nil, "/due", t0.Add(3*time.Hour)),
	}
	c1 := notification.For(all, auth.Principal{AccountID: "a1", Role: auth.Cadre, CadreID: "c1"}, t0.Add(time.Minute))
	require.Len(t, c1, 2)
	require.Equal(t, "e4|cadre:c1", c1[0].ID)
	require.True(t, c1[0].Unread)
	require.False(t, c1[1].Unread, "read before the mark")

	office := notification.For(all, auth.Principal{AccountID: "o", Role: auth.TownAdmin}, time.Time{})
	require.Len(t, office, 1)
	require.Equal(t, notification.ReportSubmitted, office[0].Kind)
}

func TestReminders_OnTheDaysBeforeAndAfterTheDeadline(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 6, 2, 1, 0, 0, 0, time.UTC)
	unreported := map[string]string{"c1": "张三"}
	for _, tc := range []struct {
		daysLeft int
		want     []string
	}{
		{4, nil},
		{3, []string{"deadline-2026-05-3|cadre:c1"}},
		{2, nil},
		{1, []string{"deadline-2026-05-1|cadre:c1"}},
		{0, []string{"deadline-2026-05-0|cadre:c1"}},
		{-1, []string{"deadline-2026-05--1-c1|role:town_admin", "deadline-2026-05--1|cadre:c1"}},
		{-2, nil},
	} {
		var ids []string
		for _, n := range notification.Reminders("2026-05", tc.daysLeft, unreported, at) {
			ids = append(ids, n.ID)
		}
		require.Equal(t, tc.want, ids, "%d days left", tc.daysLeft)
	}
	require.Empty(t, notification.Reminders("2026-05", 0, map[string]string{}, at), "everyone reported")
}
