package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/httpx"
)

func TestRequestID_KeepsSaneIDsAndReplacesOthers(t *testing.T) {
	t.Parallel()
	app := fiber.New(httpx.FiberConfig("rid-test", nil))
	app.Use(httpx.RequestIDMiddleware())
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString(httpx.RequestID(c.UserContext())) })

	for _, tc := range []struct {
		name, in string
		kept     bool
	}{
		{"uuid", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", true},
		{"gateway style", "gw:01HZX3.abc_def", true},
		{"missing", "", false},
		{"too long", strings.Repeat("a", 129), false},
		{"spaces", "a b", false},
		{"log injection", `x","level":"ERROR`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			if tc.in != "" {
				req.Header.Set(httpx.HeaderRequestID, tc.in)
			}
			r := do(t, app, req)
			got := r.header.Get(httpx.HeaderRequestID)
			require.Equal(t, got, r.raw, "the handler sees the id the response carries")
			if tc.kept {
				require.Equal(t, tc.in, got)
				return
			}
			id, err := uuid.Parse(got)
			require.NoError(t, err)
			require.Equal(t, uuid.Version(7), id.Version())
		})
	}
}
