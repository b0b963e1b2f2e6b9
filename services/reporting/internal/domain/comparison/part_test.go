package comparison_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/services/reporting/internal/domain/comparison"
)

func TestPartPath_RefusesIdsTheRowCannotHoldAsKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		part comparison.Part
		path string
		ok   bool
	}{
		{"a cadre", comparison.CadrePart("c1"), "cadres.c1", true},
		{"a report under its composite id", comparison.ReportPart("c1|2026-05"), "reports.c1|2026-05", true},
		{"an empty id", comparison.CasePart(""), "", false},
		{"a dot would nest the key", comparison.CommunityPart("a.b"), "", false},
		{"a dollar is an operator", comparison.AssignmentPart("$set"), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path, ok := tc.part.Path()
			require.Equal(t, tc.ok, ok)
			require.Equal(t, tc.path, path)
		})
	}
}

func TestEntry_IsWhatTheApplyMethodStoredWithItsRevision(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 5, 6, 1, 0, 0, 0, time.UTC)
	var town comparison.Town
	require.True(t, town.ApplyCommunity("201", comparison.CommunityState{Rev: 2, Name: "村"}, at))
	require.True(t, town.ApplyReport("c1|2026-05", comparison.ReportState{Rev: 3, Month: "2026-05"}, at))
	require.True(t, town.ApplyCadre("c1", comparison.CadreState{Rev: 4, Name: "张三"}, at))
	require.True(t, town.ApplyContactList("l1", comparison.ContactListState{Rev: 5, Cadre: "c1"}, at))
	require.True(t, town.ApplyAssignment("a1", comparison.AssignmentState{Rev: 6, Cadre: "c1"}, at))
	require.True(t, town.ApplyCase("k1", comparison.CaseState{Rev: 7, Community: "201"}, at))
	for _, tc := range []struct {
		part  comparison.Part
		state any
		rev   int64
	}{
		{comparison.CommunityPart("201"), comparison.CommunityState{Rev: 2, Name: "村"}, 2},
		{comparison.ReportPart("c1|2026-05"), comparison.ReportState{Rev: 3, Month: "2026-05"}, 3},
		{comparison.CadrePart("c1"), comparison.CadreState{Rev: 4, Name: "张三"}, 4},
		{comparison.ContactListPart("l1"), comparison.ContactListState{Rev: 5, Cadre: "c1"}, 5},
		{comparison.AssignmentPart("a1"), comparison.AssignmentState{Rev: 6, Cadre: "c1"}, 6},
		{comparison.CasePart("k1"), comparison.CaseState{Rev: 7, Community: "201"}, 7},
	} {
		t.Run(tc.part.Field, func(t *testing.T) {
			t.Parallel()
			state, rev, ok := town.Entry(tc.part)
			require.True(t, ok)
			require.Equal(t, tc.state, state)
			require.Equal(t, tc.rev, rev)
			_, _, ok = town.Entry(comparison.Part{Field: tc.part.Field, Key: "other"})
			require.False(t, ok, "an id the row does not hold")
		})
	}
}
