package deploycheck

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

type grafanaDashboard struct {
	UID        string `json:"uid"`
	Title      string `json:"title"`
	Templating struct {
		List []struct {
			Name  string `json:"name"`
			Query struct {
				Query string `json:"query"`
			} `json:"query"`
		} `json:"list"`
	} `json:"templating"`
	Panels []struct {
		ID         int    `json:"id"`
		Title      string `json:"title"`
		Datasource struct {
			UID string `json:"uid"`
		} `json:"datasource"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

func dashboardFiles(t *testing.T, root string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "charts", "dundian", "files", "dashboards", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

func TestDashboardsQueryOnlyMetricsTheProcessesEmit(t *testing.T) {
	t.Parallel()
	root, err := RepoRoot()
	require.NoError(t, err)
	emitted, err := EmittedMetrics(root)
	require.NoError(t, err)
	uids := map[string]string{}
	for _, file := range dashboardFiles(t, root) {
		raw, err := os.ReadFile(file)
		require.NoError(t, err)
		var d grafanaDashboard
		require.NoError(t, json.Unmarshal(raw, &d), file)
		require.NotEmpty(t, d.UID, file)
		require.NotContains(t, uids, d.UID, "%s reuses the uid of %s", file, uids[d.UID])
		uids[d.UID] = file

		queries := 0
		for _, v := range d.Templating.List {
			for _, m := range QueriedMetrics(v.Query.Query) {
				require.True(t, emitted[m], "%s: variable %s queries %s, which no process emits", file, v.Name, m)
			}
		}
		for _, p := range d.Panels {
			require.Equal(t, "prometheus", p.Datasource.UID, "%s: panel %q", file, p.Title)
			require.NotEmpty(t, p.Targets, "%s: panel %q has no query", file, p.Title)
			for _, target := range p.Targets {
				metrics := QueriedMetrics(target.Expr)
				require.NotEmpty(t, metrics, "%s: panel %q: %q reads no metric", file, p.Title, target.Expr)
				for _, m := range metrics {
					require.True(t, emitted[m], "%s: panel %q queries %s, which no process emits", file, p.Title, m)
				}
				queries++
			}
		}
		require.Positive(t, queries, file)
	}
}

// The source scan and libs/telemetry/doc.go translate the pipeline's instruments to the same
// Prometheus names, so a renamed instrument or a stale doc fails here.
func TestPipelineInstrumentsMatchTelemetryDoc(t *testing.T) {
	t.Parallel()
	root, err := RepoRoot()
	require.NoError(t, err)
	documented, err := ReadMetricNames(filepath.Join(root, "libs", "telemetry", "doc.go"))
	require.NoError(t, err)
	found := map[string]bool{}
	for _, dir := range []string{"bus", "outbox"} {
		names, err := ReadInstruments(filepath.Join(root, "libs", dir))
		require.NoError(t, err)
		for n := range names {
			found[n] = true
		}
	}
	for _, name := range []string{"dundian_consumer_lag", "dundian_consumer_applied_total", "dundian_consumer_dlq_total",
		"dundian_outbox_pending", "dundian_outbox_oldest_pending_age_seconds", "dundian_events_published_total"} {
		require.True(t, found[name], "libs/bus or libs/outbox no longer creates %s", name)
		require.True(t, documented[name], "libs/telemetry/doc.go no longer lists %s", name)
	}
}

func TestQueriedMetricsFindsSeriesNotLabelsOrFunctions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		expr string
		want []string
	}{
		{`sum by (job) (rate(http_server_request_duration_seconds_count{job=~"$service"}[$__rate_interval]))`,
			[]string{"http_server_request_duration_seconds_count"}},
		{`histogram_quantile(0.95, sum by (job, le) (rate(a_bucket{x="y"}[5m])))`, []string{"a_bucket"}},
		{`sum(rate(a_total{code=~"5.."}[1m])) / sum(rate(b_total[1m]))`, []string{"a_total", "b_total"}},
		{`max by (group) (dundian_consumer_lag) > 1e3 and on (job) up`, []string{"dundian_consumer_lag", "up"}},
		{`label_values(go_goroutine_count, job)`, []string{"go_goroutine_count"}},
		{`topk(10, x offset 5m)`, []string{"x"}},
	} {
		require.Equal(t, tc.want, QueriedMetrics(tc.expr), tc.expr)
	}
}
