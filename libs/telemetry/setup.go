package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/otlptranslator"
	"go.opentelemetry.io/contrib/instrumentation/runtime"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// scope is the instrumentation scope of everything this package records.
const scope = "dundian.local/libs/telemetry"

// propagator is the wire format of trace context and baggage between our processes, over HTTP
// and Kafka alike. It is fixed rather than read from OTEL_PROPAGATORS: every service must
// agree on it, and a Kafka message outlives the configuration of the process that wrote it.
var propagator propagation.TextMapPropagator = propagation.NewCompositeTextMapPropagator(
	propagation.TraceContext{}, propagation.Baggage{},
)

// Telemetry is the process's tracer and meter providers. Shut it down before exit so that
// buffered spans and metrics are flushed.
type Telemetry struct {
	tracers  *sdktrace.TracerProvider
	meters   *sdkmetric.MeterProvider
	registry *prometheus.Registry

	shutdown    sync.Once
	shutdownErr error
}

// Setup builds the process's telemetry from the standard OTEL_* variables and installs it as
// the global tracer provider, meter provider and propagator.
//
// service and version name the process unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES
// say otherwise. Spans go to an OTLP/HTTP collector only when OTEL_TRACES_EXPORTER is "otlp",
// or when it is unset and OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
// is; metrics likewise with OTEL_METRICS_EXPORTER and the METRICS endpoint. With no collector
// spans are still made (their ids reach the logs and downstream services) and metrics are
// always served by [Telemetry.MetricsHandler]. The SDK reads the rest itself:
// OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_*, OTEL_METRIC_EXPORT_INTERVAL, OTEL_EXPORTER_OTLP_*.
func Setup(ctx context.Context, service string, version string) (*Telemetry, error) {
	cfg, err := exportersFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	if service == "" && os.Getenv("OTEL_SERVICE_NAME") == "" {
		return nil, errors.New("telemetry: a service name is required (or OTEL_SERVICE_NAME)")
	}
	res, err := resource.New(ctx,
		resource.WithTelemetrySDK(),
		resource.WithAttributes(semconv.ServiceName(service), semconv.ServiceVersion(version)),
		// Last, so that the operator's variables win over the compiled-in names.
		resource.WithFromEnv(),
	)
	if err != nil {
		return nil, fmt.Errorf("telemetry: resource: %w", err)
	}

	traceOpts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if cfg.traces {
		exp, err := otlptracehttp.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("telemetry: OTLP trace exporter: %w", err)
		}
		traceOpts = append(traceOpts, sdktrace.WithBatcher(exp))
	}
	tracers := sdktrace.NewTracerProvider(traceOpts...)

	t, err := newMeters(ctx, res, cfg.metrics)
	if err != nil {
		return nil, errors.Join(err, tracers.Shutdown(ctx))
	}
	t.tracers = tracers

	otel.SetTracerProvider(tracers)
	otel.SetMeterProvider(t.meters)
	otel.SetTextMapPropagator(propagator)
	return t, nil
}

// newMeters builds the meter provider: a Prometheus reader on a registry of our own (never the
// global one, which libraries write to behind our back), an OTLP reader when asked, and the Go
// runtime metrics on both.
func newMeters(ctx context.Context, res *resource.Resource, otlp bool) (*Telemetry, error) {
	registry := prometheus.NewRegistry()
	goRuntime := runtime.NewProducer()
	prom, err := otelprom.New(
		otelprom.WithRegisterer(registry),
		otelprom.WithTranslationStrategy(otlptranslator.UnderscoreEscapingWithSuffixes),
		otelprom.WithProducer(goRuntime),
	)
	if err != nil {
		return nil, fmt.Errorf("telemetry: prometheus exporter: %w", err)
	}
	opts := []sdkmetric.Option{sdkmetric.WithResource(res), sdkmetric.WithReader(prom)}
	if otlp {
		exp, err := otlpmetrichttp.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("telemetry: OTLP metric exporter: %w", err)
		}
		opts = append(opts, sdkmetric.WithReader(
			sdkmetric.NewPeriodicReader(exp, sdkmetric.WithProducer(goRuntime)),
		))
	}
	meters := sdkmetric.NewMeterProvider(opts...)
	if err := runtime.Start(runtime.WithMeterProvider(meters)); err != nil {
		return nil, errors.Join(fmt.Errorf("telemetry: runtime metrics: %w", err), meters.Shutdown(ctx))
	}
	return &Telemetry{meters: meters, registry: registry}, nil
}

// Shutdown flushes buffered spans and metrics and stops the exporters. Later calls return
// the first call's result.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	t.shutdown.Do(func() {
		t.shutdownErr = errors.Join(t.tracers.Shutdown(ctx), t.meters.Shutdown(ctx))
	})
	return t.shutdownErr
}

// reportError hands an error the caller cannot act on to the OpenTelemetry error handler.
func reportError(err error) {
	if err != nil {
		otel.Handle(err)
	}
}

// MetricsHandler serves every metric of the process in the Prometheus text format.
func (t *Telemetry) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(t.registry, promhttp.HandlerOpts{})
}

// MetricsFiber is [Telemetry.MetricsHandler] for a Fiber app: app.Get("/metrics", tel.MetricsFiber()).
func (t *Telemetry) MetricsFiber() fiber.Handler {
	return adaptor.HTTPHandler(t.MetricsHandler())
}

// Meter returns a meter of the global provider. Name it after the package that records, e.g.
// telemetry.Meter("dundian.local/libs/outbox"); name its instruments dundian.<area>.<thing>.
func Meter(name string) metric.Meter {
	return otel.Meter(name)
}

// exporters says which signals leave the process over OTLP.
type exporters struct {
	traces, metrics bool
}

// exportersFromEnv reads OTEL_TRACES_EXPORTER and OTEL_METRICS_EXPORTER. Unset, a signal is
// exported when an OTLP endpoint is configured for it, so the devstack needs no collector.
// A value we cannot honour stops start-up rather than silently dropping the signal.
func exportersFromEnv(getenv func(string) string) (exporters, error) {
	for _, name := range []string{"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"} {
		if p := strings.TrimSpace(getenv(name)); p != "" && p != "http/protobuf" {
			return exporters{}, fmt.Errorf("telemetry: %s=%q: only http/protobuf is supported", name, p)
		}
	}
	endpoint := getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != ""
	traces, err := exporterFromEnv(getenv, "OTEL_TRACES_EXPORTER",
		endpoint || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "")
	if err != nil {
		return exporters{}, err
	}
	metrics, err := exporterFromEnv(getenv, "OTEL_METRICS_EXPORTER",
		endpoint || getenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") != "")
	if err != nil {
		return exporters{}, err
	}
	return exporters{traces: traces, metrics: metrics}, nil
}

// exporterFromEnv reports whether the variable asks for OTLP. It is a comma-separated list:
// "prometheus" is accepted because the Prometheus endpoint is always on.
func exporterFromEnv(getenv func(string) string, name string, endpointSet bool) (bool, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return endpointSet, nil
	}
	otlp := false
	for item := range strings.SplitSeq(v, ",") {
		switch strings.ToLower(strings.TrimSpace(item)) {
		case "otlp":
			otlp = true
		case "none", "prometheus":
		default:
			return false, fmt.Errorf("telemetry: %s=%q: use otlp or none", name, v)
		}
	}
	return otlp, nil
}
