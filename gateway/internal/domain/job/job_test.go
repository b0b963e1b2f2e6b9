package job_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"

	"dundian.local/gateway/internal/domain/job"
)

func TestObserved_ASilentRunningJobIsReportedFailed(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	j := job.Start("j1", job.ImportTowns, "", "acc-1", 10, start)
	require.Equal(t, job.Running, j.Observed(start.Add(job.StaleAfter)).Status)
	got := j.Observed(start.Add(job.StaleAfter + time.Second))
	require.Equal(t, job.Failed, got.Status)
	require.Equal(t, "interrupted", got.Errors[0].Code)

	j.Status = job.Succeeded
	require.Equal(t, job.Succeeded, j.Observed(start.Add(time.Hour)).Status)
}

func TestVisibleTo_CreatorAndCountyAdmins(t *testing.T) {
	t.Parallel()
	j := job.Start("j1", job.ExportTown, "130624100", "acc-1", 0, time.Now())
	require.True(t, j.VisibleTo(auth.Principal{AccountID: "acc-1", Role: auth.TownAdmin, Town: "130624100"}))
	require.True(t, j.VisibleTo(auth.Principal{AccountID: "other", Role: auth.CountyAdmin}))
	require.False(t, j.VisibleTo(auth.Principal{AccountID: "other", Role: auth.CountyInspector}))
	require.False(t, j.VisibleTo(auth.Principal{AccountID: "other", Role: auth.TownAdmin, Town: "130624100"}))
}
