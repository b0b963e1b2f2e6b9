package httpx_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/httpx"
)

type readiness struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

func TestHealth_ReadyOnlyWhenEveryCheckPasses(t *testing.T) {
	t.Parallel()
	ok := func(context.Context) error { return nil }
	down := func(context.Context) error { return errors.New("dial tcp 10.0.0.5:9092: connection refused") }
	hung := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	deaf := func(context.Context) error { select {} } // ignores its context

	for _, tc := range []struct {
		name   string
		checks map[string]func(context.Context) error
		status int
		want   readiness
	}{
		{"no checks", nil, 200, readiness{"ok", map[string]string{}}},
		{"all pass", map[string]func(context.Context) error{"mongo": ok, "kafka": ok}, 200,
			readiness{"ok", map[string]string{"mongo": "ok", "kafka": "ok"}}},
		{"one fails", map[string]func(context.Context) error{"mongo": ok, "kafka": down}, 503,
			readiness{"unavailable", map[string]string{"mongo": "ok", "kafka": "fail"}}},
		{"one hangs", map[string]func(context.Context) error{"mongo": hung, "s3": ok}, 503,
			readiness{"unavailable", map[string]string{"mongo": "timeout", "s3": "ok"}}},
		{"one ignores its context", map[string]func(context.Context) error{"mongo": deaf}, 503,
			readiness{"unavailable", map[string]string{"mongo": "timeout"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := fiber.New(httpx.FiberConfig("health-test", nil))
			httpx.Health(app, tc.checks)

			r := do(t, app, httptest.NewRequest(http.MethodGet, "/healthz", nil))
			require.Equal(t, 200, r.status, "alive regardless of dependencies")

			r = do(t, app, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			require.Equal(t, tc.status, r.status)
			var got readiness
			require.NoError(t, json.Unmarshal([]byte(r.raw), &got))
			require.Equal(t, tc.want, got)
			require.NotContains(t, r.raw, "10.0.0.5")
		})
	}
}
