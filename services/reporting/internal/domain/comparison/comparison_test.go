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
	require.True(t, town.ApplyCommunity("130624100201", 1, false, now))
	require.False(t, town.ApplyCommunity("130624100201", 1, false, now), "a redelivery changes nothing")
	require.True(t, town.ApplyCommunity("130624100202", 1, false, now))
	require.Equal(t, 2, town.CommunityCount())

	require.True(t, town.ApplyCommunity("130624100201", 3, true, now))
	require.False(t, town.ApplyCommunity("130624100201", 2, false, now), "an older event arriving late changes nothing")
	require.Equal(t, 1, town.CommunityCount(), "archived communities are not counted")
}

func TestApplyCommunity_IgnoredAfterErase(t *testing.T) {
	t.Parallel()
	town := comparison.Town{Erased: true}
	require.False(t, town.ApplyCommunity("130624100201", 1, false, time.Now()))
	require.Zero(t, town.CommunityCount())
}
