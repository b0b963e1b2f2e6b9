package telemetry

import (
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

const (
	remoteTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	remoteSpan  = "00f067aa0ba902b7"
)

// newTestApp serves a few routes behind the middleware, like a service does.
func newTestApp(r *recorder) *fiber.App {
	app := fiber.New()
	app.Use(newHTTPMiddleware("petitions", r.tracers, r.meters))
	api := app.Group("/api/v1")
	api.Get("/towns/:town/petitions/:id", func(c *fiber.Ctx) error {
		// The handler must see the server span, to pass it down.
		if !trace.SpanContextFromContext(c.UserContext()).IsValid() {
			return c.SendStatus(fiber.StatusTeapot)
		}
		return c.SendString("ok")
	})
	api.Post("/towns/:town/petitions", func(*fiber.Ctx) error {
		return fiber.NewError(fiber.StatusServiceUnavailable, "store down")
	})
	api.Delete("/towns/:town/petitions/:id", func(*fiber.Ctx) error {
		return errors.New("resident 13812345678 not reachable")
	})
	api.Put("/towns/:town/petitions/:id", func(*fiber.Ctx) error {
		return fiber.NewError(fiber.StatusBadRequest, "phone 13812345678 is not valid here")
	})
	admin := app.Group("/admin", func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusUnauthorized) })
	admin.Get("/towns", func(c *fiber.Ctx) error { return c.SendString("never") })
	return app
}

func TestHTTPMiddleware_SpanAndDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		method      string
		target      string
		traceparent string
		wantStatus  int
		wantSpan    string
		wantError   bool
		wantEvent   string // the exception message recorded on the span
		// attributes of both the span and the duration point, beyond method, scheme and protocol
		wantAttrs map[string]any
	}{
		{
			name: "matched route names the span and labels the town", method: http.MethodGet,
			target: "/api/v1/towns/130624100/petitions/42", wantStatus: 200,
			wantSpan: "GET /api/v1/towns/:town/petitions/:id",
			wantAttrs: map[string]any{
				"http.response.status_code": int64(200), "http.route": "/api/v1/towns/:town/petitions/:id",
				"dundian.town": "130624100",
			},
		},
		{
			name: "incoming trace context is continued", method: http.MethodGet,
			target:      "/api/v1/towns/130624100/petitions/42",
			traceparent: "00-" + remoteTrace + "-" + remoteSpan + "-01", wantStatus: 200,
			wantSpan: "GET /api/v1/towns/:town/petitions/:id",
			wantAttrs: map[string]any{
				"http.response.status_code": int64(200), "http.route": "/api/v1/towns/:town/petitions/:id",
				"dundian.town": "130624100",
			},
		},
		{
			name: "handler error gets the error handler's status", method: http.MethodPost,
			target: "/api/v1/towns/130624100/petitions", wantStatus: 503,
			wantSpan: "POST /api/v1/towns/:town/petitions", wantError: true, wantEvent: "store down",
			wantAttrs: map[string]any{
				"http.response.status_code": int64(503), "http.route": "/api/v1/towns/:town/petitions",
				"dundian.town": "130624100", "error.type": "503",
			},
		},
		{
			name: "plain error is a 500", method: http.MethodDelete,
			target: "/api/v1/towns/130624100/petitions/7", wantStatus: 500,
			wantSpan: "DELETE /api/v1/towns/:town/petitions/:id", wantError: true,
			wantEvent: "resident 138****5678 not reachable",
			wantAttrs: map[string]any{
				"http.response.status_code": int64(500), "http.route": "/api/v1/towns/:town/petitions/:id",
				"dundian.town": "130624100", "error.type": "500",
			},
		},
		{
			name: "client error is no server failure", method: http.MethodPut,
			target: "/api/v1/towns/130624100/petitions/7", wantStatus: 400,
			wantSpan: "PUT /api/v1/towns/:town/petitions/:id",
			wantAttrs: map[string]any{
				"http.response.status_code": int64(400), "http.route": "/api/v1/towns/:town/petitions/:id",
				"dundian.town": "130624100",
			},
		},
		{
			name: "a town param that is no town code is left out", method: http.MethodGet,
			target: "/api/v1/towns/..%2F..%2Fetc/petitions/42", wantStatus: 200,
			wantSpan: "GET /api/v1/towns/:town/petitions/:id",
			wantAttrs: map[string]any{
				"http.response.status_code": int64(200), "http.route": "/api/v1/towns/:town/petitions/:id",
			},
		},
		{
			name: "no route matched has no route", method: http.MethodGet,
			target: "/wp-login.php", wantStatus: 404, wantSpan: "GET",
			wantAttrs: map[string]any{"http.response.status_code": int64(404)},
		},
		{
			name: "request refused by group middleware is named by its prefix", method: http.MethodGet,
			target: "/admin/towns", wantStatus: 401, wantSpan: "GET /admin",
			wantAttrs: map[string]any{"http.response.status_code": int64(401), "http.route": "/admin"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := newRecorder(t)
			app := newTestApp(rec)

			req := httptest.NewRequest(tt.method, tt.target, nil)
			req.Header.Set("User-Agent", "dundian-test")
			if tt.traceparent != "" {
				req.Header.Set("traceparent", tt.traceparent)
			}
			resp, err := app.Test(req)
			require.NoError(t, err)
			require.Equal(t, tt.wantStatus, resp.StatusCode)

			common := map[string]any{
				"http.request.method": tt.method, "url.scheme": "http", "network.protocol.version": "1.1",
			}
			span := rec.ended(t)
			require.Equal(t, tt.wantSpan, span.Name())
			require.Equal(t, trace.SpanKindServer, span.SpanKind())
			wantSpanAttrs := maps.Clone(common)
			maps.Copy(wantSpanAttrs, tt.wantAttrs)
			maps.Copy(wantSpanAttrs, map[string]any{
				"url.path": req.URL.EscapedPath(), "server.address": "example.com", "user_agent.original": "dundian-test",
			})
			require.Equal(t, wantSpanAttrs, attrs(span.Attributes()))
			if tt.wantError {
				require.Equal(t, codes.Error, span.Status().Code)
			} else {
				require.Equal(t, codes.Unset, span.Status().Code)
			}
			if tt.wantEvent != "" {
				require.Len(t, span.Events(), 1)
				require.Equal(t, "exception", span.Events()[0].Name)
				require.Equal(t, tt.wantEvent, attrs(span.Events()[0].Attributes)["exception.message"])
			} else {
				require.Empty(t, span.Events())
			}
			if tt.traceparent != "" {
				require.Equal(t, remoteTrace, span.SpanContext().TraceID().String())
				require.Equal(t, remoteSpan, span.Parent().SpanID().String())
				require.True(t, span.Parent().IsRemote())
			} else {
				require.False(t, span.Parent().IsValid())
			}

			points := rec.histogram(t, "http.server.request.duration")
			require.Len(t, points, 1)
			require.Equal(t, uint64(1), points[0].Count)
			require.Equal(t, httpDurationBuckets, points[0].Bounds)
			wantMetricAttrs := maps.Clone(common)
			maps.Copy(wantMetricAttrs, tt.wantAttrs)
			require.Equal(t, wantMetricAttrs, attrs(points[0].Attributes.ToSlice()))
		})
	}
}

func TestHTTPTransport_OutgoingRequest_CarriesCallersTrace(t *testing.T) {
	t.Parallel()
	got := make(chan string, 1)
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("traceparent")
	}))
	t.Cleanup(server.Close)

	// The transport uses the global provider, an SDK one in these tests (TestMain).
	ctx, parent := otel.Tracer("test").Start(t.Context(), "caller")
	defer parent.End()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, server.URL+"/api/v1/towns/130624100/cadres", nil)
	require.NoError(t, err)
	resp, err := (&http.Client{Transport: HTTPTransport(nil)}).Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())

	traceparent := <-got
	require.Regexp(t, `^00-[0-9a-f]{32}-[0-9a-f]{16}-01$`, traceparent)
	require.Equal(t, parent.SpanContext().TraceID().String(), traceparent[3:35])
	// The client span sits between the caller and the server.
	require.NotEqual(t, parent.SpanContext().SpanID().String(), traceparent[36:52])
}
