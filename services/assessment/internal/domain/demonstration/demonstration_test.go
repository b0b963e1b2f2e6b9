package demonstration_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/services/assessment/internal/domain/demonstration"
)

var at = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

func TestNominate_MustMeetEveryCriterion(t *testing.T) {
	t.Parallel()
	for i := range demonstration.Criteria {
		missing := append([]demonstration.Criterion{}, demonstration.Criteria[:i]...)
		missing = append(missing, demonstration.Criteria[i+1:]...)
		_, err := demonstration.Nominate("130624100", "130624100201", missing, "说明", "office", at)
		require.ErrorIs(t, err, demonstration.ErrCriteriaNotMet, demonstration.Criteria[i])
	}
	_, err := demonstration.Nominate("130624100", "110101001201", demonstration.Criteria, "说明", "office", at)
	require.ErrorIs(t, err, demonstration.ErrCriteriaNotMet, "a community of another town")
	_, err = demonstration.Nominate("130624100", "130624100201", demonstration.Criteria, "说明", "office", at)
	require.NoError(t, err)
}

func TestPoint_Lifecycle(t *testing.T) {
	t.Parallel()
	p, err := demonstration.Nominate("130624100", "130624100201", demonstration.Criteria, "说明", "office", at)
	require.NoError(t, err)
	require.ErrorIs(t, p.Revoke("r", "leader", at), demonstration.ErrNotDesignated)
	require.NoError(t, p.Designate("leader", at))
	require.ErrorIs(t, p.Designate("leader", at), demonstration.ErrNotNominated)
	require.ErrorIs(t, p.Revoke(" ", "leader", at), demonstration.ErrReasonRequired)
	require.NoError(t, p.Revoke("群众满意度下降", "leader", at))
	require.Equal(t, demonstration.Revoked, p.Status)
	n, _ := demonstration.Nominate("130624100", "130624100201", demonstration.Criteria, "整改后再推荐", "office", at)
	require.NoError(t, p.Renominate(n))
	require.Equal(t, demonstration.Nominated, p.Status)
	require.ErrorIs(t, p.Renominate(n), demonstration.ErrExists)
}
