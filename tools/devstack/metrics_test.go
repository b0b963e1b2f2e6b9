package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/embedstack"
	"dundian.local/libs/events"
	"dundian.local/tools/deploycheck"
)

// TestDashboardsQueryOnlyMetricsTheRunningSystemEmits runs the devstack, exercises it (a
// stay, a work log, a photo, an event no consumer can apply), scrapes every process's
// /metrics and fails, naming the dashboard, the panel and the metric, for each metric a
// dashboard queries that no process emits; the demo town's stay, work log and photo must
// show on the business and storage gauges. The static check in tools/deploycheck reads the
// sources; this one believes only what the processes serve.
func TestDashboardsQueryOnlyMetricsTheRunningSystemEmits(t *testing.T) {
	// The storage and business gauges are measured in the background; measure every second
	// here instead of every few minutes. The devstack passes its environment on.
	t.Setenv("GATEWAY_STORAGE_METRICS_INTERVAL", "1s")
	t.Setenv("REPORTING_METRICS_INTERVAL", "1s")
	root, err := embedstack.RepoRoot()
	require.NoError(t, err)
	dashboards, err := deploycheck.ReadDashboards(root)
	require.NoError(t, err)

	d := startDemo(t)
	base, data, sec := d.base, d.data, d.sec

	exercise(t, base, data, sec)
	endpoints := metricsEndpoints(t, data)

	// What the exercise must show on the business and storage dashboards for the demo town.
	want := []string{"dundian_business_stays", "dundian_business_work_logs", "dundian_storage_objects"}
	var missing []string
	deadline := time.Now().Add(45 * time.Second)
	for {
		emitted, demo := scrape(t, endpoints)
		missing = missing[:0]
		for _, d := range dashboards {
			for _, q := range d.Queries() {
				for _, m := range deploycheck.QueriedMetrics(q.Expr) {
					if !emitted[m] {
						missing = append(missing, fmt.Sprintf("%s: %s queries %s", filepath.Base(d.File), q.Where, m))
					}
				}
			}
		}
		for _, m := range want {
			if demo[m] < 1 {
				missing = append(missing, fmt.Sprintf("%s{dundian_town=%q} is %v after the exercise", m, demoTown, demo[m]))
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	slices.Sort(missing)
	require.Empty(t, slices.Compact(missing), "metrics that no process emits")
}

// exercise does what produces the metrics that appear only with use: requests through the
// gateway to the services, events through the outbox, the consumers and the dead-letter
// topic, an object in the store.
func exercise(t *testing.T, base, data string, sec secrets) {
	t.Helper()
	cadre := login(t, base, "fuping-cadre", sec.DemoPassword)
	town := "/api/v1/towns/" + demoTown
	call(t, base, cadre, http.MethodPost, town+"/stays", map[string]string{"community": demoCommunity}, http.StatusCreated, nil)
	today := calendar.BeijingDay(time.Now())
	call(t, base, cadre, http.MethodPost, town+"/work-logs",
		map[string]any{"community": demoCommunity, "date": today.String(), "text": "走访了三户脱贫户。", "task": "T1"}, http.StatusCreated, nil)

	var photo bytes.Buffer
	require.NoError(t, jpeg.Encode(&photo, image.NewRGBA(image.Rect(0, 0, 64, 48)), nil))
	req, err := http.NewRequest(http.MethodPut, base+town+"/attachments/"+uuid.NewString()+"?name=visit.jpg", &photo)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+cadre)
	req.Header.Set("Content-Type", "image/jpeg")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))

	// A well-formed event whose data no handler can read: retried, then dead-lettered.
	poison := events.MustNew(events.StayStarted, demoTown, "test", "stay-unreadable", "not a stay")
	poison.Rev = 1
	pub := bus.NewPublisher(bus.ParseBrokers(stackVar(t, data, embedstack.VarKafkaBrokers)))
	defer pub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, pub.Publish(ctx, events.Topic(events.Fieldwork), poison))
}

// metricsEndpoints finds every process's /metrics: each logs the address it listens on
// ("started") in its log under the data directory.
func metricsEndpoints(t *testing.T, data string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range append(slices.Clone(services), "gateway") {
		f, err := os.Open(filepath.Join(data, "logs", name+".log"))
		require.NoError(t, err)
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "started" && line.Addr != "" {
				out[name] = "http://" + line.Addr + "/metrics"
			}
		}
		f.Close()
		require.Contains(t, out, name, "%s logged no listen address", name)
	}
	return out
}

// scrape reads every endpoint and returns the series names they serve (a histogram's as its
// _bucket, _sum and _count) and the demo town's gauge values by name.
func scrape(t *testing.T, endpoints map[string]string) (names map[string]bool, demo map[string]float64) {
	t.Helper()
	names, demo = map[string]bool{}, map[string]float64{}
	for name, url := range endpoints {
		resp, err := http.Get(url)
		require.NoError(t, err, name)
		parser := expfmt.NewTextParser(model.UTF8Validation)
		families, err := parser.TextToMetricFamilies(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, name)
		require.NoError(t, err, "%s serves no Prometheus text", name)
		for n, f := range families {
			switch f.GetType().String() {
			case "HISTOGRAM", "GAUGE_HISTOGRAM":
				names[n+"_bucket"], names[n+"_sum"], names[n+"_count"] = true, true, true
			case "SUMMARY":
				names[n], names[n+"_sum"], names[n+"_count"] = true, true, true
			case "GAUGE":
				names[n] = true
				for _, m := range f.GetMetric() {
					for _, l := range m.GetLabel() {
						if l.GetName() == "dundian_town" && l.GetValue() == demoTown {
							demo[n] = max(demo[n], m.GetGauge().GetValue())
						}
					}
				}
			default:
				names[n] = true
			}
		}
	}
	return names, demo
}

// stackVar reads one of the embedded stack's variables that devstack writes to stack.env.
func stackVar(t *testing.T, data, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, "stack.env"))
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+"="); ok {
			return v
		}
	}
	t.Fatalf("stack.env has no %s", name)
	return ""
}
