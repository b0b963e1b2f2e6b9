package rebuild_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/services/reporting/internal/domain/rebuild"
)

var at = time.Date(2026, 5, 6, 8, 0, 0, 0, time.UTC)

func TestJob_Lifecycle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		finish     error
		wantStatus rebuild.Status
		wantError  string
	}{
		{"a replay that ran through is done", nil, rebuild.Done, ""},
		{"a replay that stopped keeps its error", errors.New("broker gone"), rebuild.Failed, "broker gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := rebuild.New("j1", "", "county", at)
			require.True(t, j.Active())
			j.Start(at.Add(time.Second))
			j.Total, j.Read = 10, 4
			require.True(t, j.Active(), "a running job is taken up again after a restart")
			j.Finish(tt.finish, at.Add(time.Minute))
			require.False(t, j.Active())
			require.Equal(t, tt.wantStatus, j.Status)
			require.Equal(t, tt.wantError, j.Error)
		})
	}
}

func TestJob_StartAgainResetsTheProgress(t *testing.T) {
	t.Parallel()
	j := rebuild.New("j1", "130624100", "county", at)
	j.Start(at)
	j.Total, j.Read, j.Applied, j.Error = 10, 7, 3, "x"
	j.Start(at.Add(time.Hour))
	require.Equal(t, rebuild.Running, j.Status)
	require.Zero(t, j.Total+j.Read+j.Applied)
	require.Empty(t, j.Error)
	require.Equal(t, at.Add(time.Hour), *j.StartedAt)
}

func TestJob_Percent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      rebuild.Status
		total, read int64
		want        int
	}{
		{"nothing known yet", rebuild.Running, 0, 0, 0},
		{"half read", rebuild.Running, 10, 5, 50},
		{"all read but not yet done", rebuild.Running, 10, 10, 99},
		{"done", rebuild.Done, 0, 0, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := rebuild.Job{Status: tt.status, Total: tt.total, Read: tt.read}
			require.Equal(t, tt.want, j.Percent())
		})
	}
}
