package telemetry

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// TestMain installs an SDK tracer provider so that the functions that use the global one
// (the Kafka spans, the HTTP transport) make real spans. The Setup tests replace it while
// they run, sequentially, and put it back.
func TestMain(m *testing.M) {
	otel.SetTracerProvider(sdktrace.NewTracerProvider())
	os.Exit(m.Run())
}

// setupForTest runs Setup with the OTEL_* variables given (all others cleared) and restores
// the global providers afterwards.
func setupForTest(t *testing.T, env map[string]string) *Telemetry {
	t.Helper()
	for _, name := range []string{
		"OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER",
		"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
		"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG",
	} {
		t.Setenv(name, env[name])
	}
	prevTracers, prevMeters := otel.GetTracerProvider(), otel.GetMeterProvider()
	tel, err := Setup(t.Context(), "telemetry-test", "v1.2.3")
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, tel.Shutdown(context.Background()))
		otel.SetTracerProvider(prevTracers)
		otel.SetMeterProvider(prevMeters)
	})
	return tel
}

func TestSetup_RequestThroughMiddleware_IsOnMetricsEndpoint(t *testing.T) {
	tel := setupForTest(t, map[string]string{
		"OTEL_SERVICE_NAME":        "petitions",
		"OTEL_RESOURCE_ATTRIBUTES": "deployment.environment.name=test",
	})

	app := fiber.New()
	app.Use(HTTPMiddleware("petitions"))
	app.Get("/metrics", tel.MetricsFiber())
	app.Get("/api/v1/towns/:town/x", func(c *fiber.Ctx) error {
		if !trace.SpanContextFromContext(c.UserContext()).IsValid() {
			return fiber.NewError(fiber.StatusTeapot, "no span in the user context")
		}
		return c.SendString("ok")
	})

	resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/api/v1/towns/130624100/x", nil))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)

	// The other instruments of this package, and business metrics named as the package doc
	// says, so that the names it lists for the dashboards are the ones really scraped.
	recordClientCalls(t)
	meter := Meter("dundian.local/libs/telemetry/test")
	published, err := meter.Int64Counter("dundian.events.published")
	require.NoError(t, err)
	published.Add(t.Context(), 1)
	_, err = meter.Float64ObservableGauge("dundian.outbox.oldest_pending_age", metric.WithUnit("s"),
		metric.WithFloat64Callback(func(_ context.Context, o metric.Float64Observer) error { o.Observe(2.5); return nil }))
	require.NoError(t, err)
	_, err = meter.Int64ObservableGauge("dundian.consumer.lag",
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error { o.Observe(7); return nil }))
	require.NoError(t, err)

	resp, err = app.Test(httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	scrape := string(body)

	bucket := seriesLine(t, scrape, "http_server_request_duration_seconds_bucket{", `http_route="/api/v1/towns/:town/x"`)
	for _, label := range []string{
		`http_request_method="GET"`, `http_response_status_code="200"`, `dundian_town="130624100"`,
		`url_scheme="http"`, `network_protocol_version="1.1"`, `le="0.005"`,
	} {
		require.Contains(t, bucket, label)
	}
	require.Contains(t, seriesLine(t, scrape, "http_server_request_duration_seconds_count{", `http_route="/api/v1/towns/:town/x"`), "} 1")
	seriesLine(t, scrape, "http_server_active_requests{", `http_request_method="GET"`)
	target := seriesLine(t, scrape, "target_info{", "")
	require.Contains(t, target, `service_name="petitions"`)
	require.Contains(t, target, `service_version="v1.2.3"`)
	require.Contains(t, target, `deployment_environment_name="test"`)
	for _, name := range []string{
		"go_goroutine_count{", "go_memory_used_bytes{", "go_memory_gc_goal_bytes{", "go_schedule_duration_seconds_bucket{",
		"http_client_request_duration_seconds_bucket{", "db_client_operation_duration_seconds_bucket{",
		"dundian_events_published_total{", "dundian_outbox_oldest_pending_age_seconds{", "dundian_consumer_lag{",
	} {
		seriesLine(t, scrape, name, "")
	}
}

// recordClientCalls makes one outgoing HTTP call and one MongoDB command through the global
// providers.
func recordClientCalls(t *testing.T) {
	t.Helper()
	server := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer server.Close()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, server.URL, nil)
	require.NoError(t, err)
	resp, err := (&http.Client{Transport: HTTPTransport(nil)}).Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())

	monitor := MongoMonitor()
	cmd, err := bson.Marshal(bson.D{{Key: "find", Value: "petitions_petitions"}})
	require.NoError(t, err)
	monitor.Started(t.Context(), &event.CommandStartedEvent{
		Command: cmd, CommandName: "find", DatabaseName: "town_130624100", RequestID: 1, ConnectionID: "localhost:27017[-1]",
	})
	monitor.Succeeded(t.Context(), &event.CommandSucceededEvent{CommandFinishedEvent: event.CommandFinishedEvent{
		Duration: time.Millisecond, CommandName: "find", DatabaseName: "town_130624100", RequestID: 1, ConnectionID: "localhost:27017[-1]",
	}})
}

// seriesLine returns the first line of a Prometheus scrape that starts with prefix and
// contains want.
func seriesLine(t *testing.T, scrape, prefix, want string) string {
	t.Helper()
	for line := range strings.Lines(scrape) {
		if strings.HasPrefix(line, prefix) && strings.Contains(line, want) {
			return line
		}
	}
	require.Failf(t, "series missing", "no line starting %q containing %q in:\n%s", prefix, want, scrape)
	return ""
}

func TestSetup_OTLPEndpointSet_ExportsSpansToCollector(t *testing.T) {
	var (
		mu       sync.Mutex
		received []*collectortrace.ExportTraceServiceRequest
	)
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if r.URL.Path != "/v1/traces" || err != nil {
			http.Error(w, "unexpected", http.StatusNotFound)
			return
		}
		req := &collectortrace.ExportTraceServiceRequest{}
		if err := proto.Unmarshal(body, req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		received = append(received, req)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	t.Cleanup(collector.Close)

	tel := setupForTest(t, map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL,
		"OTEL_METRICS_EXPORTER":       "none",
	})
	_, span := otel.Tracer("test").Start(t.Context(), "stay recorded")
	span.End()
	require.NoError(t, tel.Shutdown(t.Context()))

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, received, 1)
	rs := received[0].GetResourceSpans()
	require.Len(t, rs, 1)
	var service string
	for _, kv := range rs[0].GetResource().GetAttributes() {
		if kv.GetKey() == "service.name" {
			service = kv.GetValue().GetStringValue()
		}
	}
	require.Equal(t, "telemetry-test", service)
	require.Equal(t, "stay recorded", rs[0].GetScopeSpans()[0].GetSpans()[0].GetName())
}

func TestSetup_NoServiceName_Fails(t *testing.T) {
	t.Setenv("OTEL_SERVICE_NAME", "")
	_, err := Setup(t.Context(), "", "v1")
	require.Error(t, err)
}

func TestExportersFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		want    exporters
		wantErr string
	}{
		{name: "nothing set exports nothing", want: exporters{}},
		{name: "endpoint set exports both", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, want: exporters{traces: true, metrics: true}},
		{name: "traces endpoint exports traces only", env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://jaeger:4318/v1/traces"}, want: exporters{traces: true}},
		{name: "none wins over an endpoint", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "none"}, want: exporters{metrics: true}},
		{name: "otlp without endpoint uses the SDK default", env: map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_METRICS_EXPORTER": "prometheus"}, want: exporters{traces: true}},
		{name: "list with otlp", env: map[string]string{"OTEL_METRICS_EXPORTER": "prometheus, OTLP"}, want: exporters{metrics: true}},
		{name: "unknown exporter fails", env: map[string]string{"OTEL_TRACES_EXPORTER": "jaeger"}, wantErr: "OTEL_TRACES_EXPORTER"},
		{name: "grpc fails", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, wantErr: "OTEL_EXPORTER_OTLP_PROTOCOL"},
		{name: "http/protobuf accepted", env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf"}, want: exporters{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := exportersFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}
