package comparison_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/services/reporting/internal/domain/comparison"
)

func TestApplyCommunity_IsIdempotentAndOrdered(t *testing.T) {
	t.Parallel()
	now := time.Now()
	var town comparison.Town
	require.True(t, town.ApplyCommunity("130624100201", comparison.CommunityState{Rev: 1, Archived: false}, now))
	require.False(t, town.ApplyCommunity("130624100201", comparison.CommunityState{Rev: 1, Archived: false}, now), "a redelivery changes nothing")
	require.True(t, town.ApplyCommunity("130624100202", comparison.CommunityState{Rev: 1, Archived: false}, now))
	require.Equal(t, 2, town.CommunityCount())

	require.True(t, town.ApplyCommunity("130624100201", comparison.CommunityState{Rev: 3, Archived: true}, now))
	require.False(t, town.ApplyCommunity("130624100201", comparison.CommunityState{Rev: 2, Archived: false}, now), "an older event arriving late changes nothing")
	require.Equal(t, 1, town.CommunityCount(), "archived communities are not counted")
}

func TestApplyCommunity_IgnoredAfterErase(t *testing.T) {
	t.Parallel()
	town := comparison.Town{Erased: true}
	require.False(t, town.ApplyCommunity("130624100201", comparison.CommunityState{Rev: 1, Archived: false}, time.Now()))
	require.Zero(t, town.CommunityCount())
}

func TestRow_CountsTheMonthsReportsIdempotently(t *testing.T) {
	t.Parallel()
	now := time.Now()
	town := comparison.Town{Code: "130624100"}
	require.True(t, town.ApplyReport("c1|2026-05", comparison.ReportState{Rev: 2, Month: "2026-05", Status: "submitted", Reported: true, OnTime: true}, now))
	require.True(t, town.ApplyReport("c2|2026-05", comparison.ReportState{Rev: 1, Month: "2026-05", Status: "draft"}, now))
	require.True(t, town.ApplyReport("c3|2026-05", comparison.ReportState{Rev: 2, Month: "2026-05", Status: "submitted", Reported: true}, now))
	require.True(t, town.ApplyReport("c1|2026-04", comparison.ReportState{Rev: 3, Month: "2026-04", Status: "approved", Reported: true, OnTime: true}, now))
	require.True(t, town.ApplyReport("c1|2026-05", comparison.ReportState{Rev: 3, Month: "2026-05", Status: "approved", Reported: true, OnTime: true}, now))
	require.False(t, town.ApplyReport("c1|2026-05", comparison.ReportState{Rev: 2, Month: "2026-05", Status: "submitted", Reported: true, OnTime: true}, now), "an older event changes nothing")

	r := town.Row("2026-05")
	require.Equal(t, 2, r.ReportsSubmitted, "drafts are not reported")
	require.Equal(t, 1, r.ReportsOnTime)
	require.Equal(t, 1, r.ReportsApproved)
}

func TestRow_CadresAndContactListsOfTheYear(t *testing.T) {
	t.Parallel()
	now := time.Now()
	town := comparison.Town{Code: "130624100"}
	require.True(t, town.ApplyCadre("c1", comparison.CadreState{Rev: 1, Name: "张三", Active: true}, now))
	require.True(t, town.ApplyCadre("c2", comparison.CadreState{Rev: 1, Name: "李四", Active: true}, now))
	require.True(t, town.ApplyCadre("c2", comparison.CadreState{Rev: 2, Name: "李四", Active: false}, now))
	require.False(t, town.ApplyCadre("c1", comparison.CadreState{Rev: 1, Name: "张三", Active: true}, now), "a redelivery")
	require.False(t, town.ApplyCadre("a.b", comparison.CadreState{Rev: 1}, now), "not a safe key")
	require.True(t, town.ApplyContactList("l1", comparison.ContactListState{Rev: 3, Year: 2026, Status: "accepted", Kinds: 5}, now))
	require.True(t, town.ApplyContactList("l2", comparison.ContactListState{Rev: 2, Year: 2026, Status: "submitted", Kinds: 4}, now))
	require.True(t, town.ApplyContactList("l3", comparison.ContactListState{Rev: 2, Year: 2025, Status: "accepted", Kinds: 5}, now))

	forwarded := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
	require.True(t, town.ApplyForwarded(2026, forwarded))
	require.False(t, town.ApplyForwarded(2026, forwarded.Add(time.Hour)), "the first forwarding counts")

	r := town.Row("2026-05")
	require.Equal(t, forwarded, *r.ContactListsForwardedAt)
	require.Nil(t, town.Row("2025-05").ContactListsForwardedAt)
	require.Equal(t, 1, r.Cadres, "a transferred cadre is not counted")
	require.Equal(t, 1, r.ContactListsComplete)
	require.Equal(t, 1, r.ContactListsAccepted)
	require.Equal(t, "张三", town.CadreName("c1"))
}
