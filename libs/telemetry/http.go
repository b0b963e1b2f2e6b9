package telemetry

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"dundian.local/libs/tenancy"
)

// TownAttribute is the attribute that carries the town on HTTP metrics and spans when the
// route names one (a :town parameter). A county has a few dozen towns, so it is safe as a
// metric label.
const TownAttribute = attribute.Key("dundian.town")

// httpDurationBuckets are the boundaries the HTTP semantic conventions recommend for
// http.server.request.duration, in seconds.
var httpDurationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// HTTPMiddleware traces and measures every request of a Fiber app per the stable HTTP
// semantic conventions. Register it first (app.Use), before recovery, authentication and the
// routes, so that it sees every request and the status the client really gets.
//
// Handlers find the server span in c.UserContext() and must pass that context down. service
// names the server in server.address when a request carries no Host header.
//
// A handler's error is handed to the app's ErrorHandler here, not by Fiber afterwards,
// because the span and the metric need the status that handler chooses.
func HTTPMiddleware(service string) fiber.Handler {
	return newHTTPMiddleware(service, otel.GetTracerProvider(), otel.GetMeterProvider())
}

func newHTTPMiddleware(service string, tp trace.TracerProvider, mp metric.MeterProvider) fiber.Handler {
	tracer := tp.Tracer(scope)
	meter := mp.Meter(scope)
	// An instrument error only ever means an invalid name or unit, fixed here; the SDK then
	// still hands back a usable instrument, so requests are never refused over telemetry.
	duration, err := meter.Float64Histogram("http.server.request.duration",
		metric.WithUnit("s"),
		metric.WithDescription("Duration of HTTP server requests."),
		metric.WithExplicitBucketBoundaries(httpDurationBuckets...))
	reportError(err)
	active, err := meter.Int64UpDownCounter("http.server.active_requests",
		metric.WithUnit("{request}"),
		metric.WithDescription("Number of active HTTP server requests."))
	reportError(err)

	return func(c *fiber.Ctx) error {
		start := time.Now()
		own := c.Route()
		method, original := requestMethod(c.Request().Header.Method())
		scheme := "http"
		if c.Protocol() == "https" {
			scheme = "https"
		}
		protocol := "1.1"
		if !c.Request().Header.IsHTTP11() {
			protocol = "1.0"
		}
		host := string(c.Request().URI().Host())
		if host == "" {
			host = service
		}

		ctx := propagator.Extract(c.UserContext(), fasthttpCarrier{c})
		attrs := []attribute.KeyValue{
			semconv.HTTPRequestMethodKey.String(method),
			semconv.URLScheme(scheme),
			semconv.URLPath(maskPersonal(string(c.Request().URI().PathOriginal()))),
			semconv.ServerAddress(host),
			semconv.NetworkProtocolVersion(protocol),
		}
		if original != "" {
			attrs = append(attrs, semconv.HTTPRequestMethodOriginal(original))
		}
		if ua := c.Request().Header.UserAgent(); len(ua) > 0 {
			attrs = append(attrs, semconv.UserAgentOriginal(string(ua)))
		}
		ctx, span := tracer.Start(ctx, method,
			trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))
		defer span.End()

		activeAttrs := metric.WithAttributes(semconv.HTTPRequestMethodKey.String(method), semconv.URLScheme(scheme))
		active.Add(ctx, 1, activeAttrs)
		defer active.Add(ctx, -1, activeAttrs)

		c.SetUserContext(ctx)
		err := c.Next()
		if err != nil {
			if herr := c.App().Config().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}

		status := c.Response().StatusCode()
		result := []attribute.KeyValue{semconv.HTTPResponseStatusCode(status)}
		// The route is known only now: Fiber matches it inside Next. If no route after this
		// middleware matched (a 404), there is none to name. Middleware that ends a request
		// itself (an auth guard on a group) is named by its prefix, e.g. /api/v1.
		if route := c.Route(); route != own {
			result = append(result, semconv.HTTPRoute(route.Path))
			span.SetName(method + " " + route.Path)
			if town, ok := routeTown(c, route); ok {
				result = append(result, TownAttribute.String(string(town)))
			}
		}
		// A 4xx is the client's mistake, not a failure of this server.
		if status >= 500 {
			result = append(result, semconv.ErrorTypeKey.String(strconv.Itoa(status)))
			span.SetStatus(codes.Error, "")
			if err != nil {
				RecordError(span, err)
			}
		}
		span.SetAttributes(result...)
		duration.Record(ctx, time.Since(start).Seconds(), metric.WithAttributes(append(result,
			semconv.HTTPRequestMethodKey.String(method),
			semconv.URLScheme(scheme),
			semconv.NetworkProtocolVersion(protocol),
		)...))
		return nil
	}
}

// RecordError is span.RecordError with personal data masked (see [NewLogHandler]): error
// text often quotes the input that caused it, and traces are read as widely as logs.
func RecordError(span trace.Span, err error) {
	span.AddEvent(semconv.ExceptionEventName, trace.WithAttributes(
		semconv.ExceptionType(fmt.Sprintf("%T", err)),
		semconv.ExceptionMessage(maskPersonal(err.Error())),
	))
}

// routeTown returns the town of a route with a :town parameter, if the value is a town code.
// Anything else is left out so that a scanner cannot mint metric series.
func routeTown(c *fiber.Ctx, route *fiber.Route) (tenancy.TownCode, bool) {
	for _, p := range route.Params {
		if p == "town" {
			town, err := tenancy.ParseTown(c.Params("town"))
			return town, err == nil
		}
	}
	return "", false
}

// knownMethods are the methods the conventions name; any other is reported as _OTHER so that
// a client cannot create metric series at will.
var knownMethods = map[string]string{
	"CONNECT": "CONNECT", "DELETE": "DELETE", "GET": "GET", "HEAD": "HEAD", "OPTIONS": "OPTIONS",
	"PATCH": "PATCH", "POST": "POST", "PUT": "PUT", "TRACE": "TRACE", "QUERY": "QUERY",
}

// requestMethod returns the method to report and, when that is _OTHER, the original one.
// It copies out of the request buffer, which fasthttp reuses after the request.
func requestMethod(raw []byte) (method, original string) {
	if m, ok := knownMethods[string(raw)]; ok {
		return m, ""
	}
	return "_OTHER", strings.Clone(string(raw))
}

// fasthttpCarrier reads propagation headers from a Fiber request.
type fasthttpCarrier struct{ c *fiber.Ctx }

func (h fasthttpCarrier) Get(key string) string { return string(h.c.Request().Header.Peek(key)) }

func (h fasthttpCarrier) Set(key, value string) { h.c.Request().Header.Set(key, value) }

func (h fasthttpCarrier) Keys() []string {
	var keys []string
	h.c.Request().Header.VisitAll(func(k, _ []byte) { keys = append(keys, string(k)) })
	return keys
}

var _ propagation.TextMapCarrier = fasthttpCarrier{}

// HTTPTransport wraps a client transport (nil means http.DefaultTransport) so that each
// outgoing request carries the caller's trace context, is a client span, and is counted in
// http.client.request.duration. Requests must be made with the caller's context
// (http.NewRequestWithContext) for the trace to join up.
func HTTPTransport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return otelhttp.NewTransport(base, otelhttp.WithPropagators(propagator))
}
