package process

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/httpx"
	"dundian.local/libs/routes"
)

func TestPathPattern_MatchesTheRouteAndNothingElse(t *testing.T) {
	t.Parallel()
	re := pathPattern(routes.Route{Method: "PUT", Path: "/api/v1/towns/{town}/attachments/{attachment}"})
	for in, want := range map[string]bool{
		"PUT /api/v1/towns/130624100/attachments/0193-ab":     true,
		"POST /api/v1/towns/130624100/attachments/0193-ab":    false,
		"PUT /api/v1/towns/130624100/attachments/0193-ab/url": false,
		"PUT /api/v1/towns/130624100/attachments/":            false,
		"PUT /api/v1/towns/130624100/work-logs/x":             false,
		"PUT /api/v1/towns/1306.4100/attachments/x":           true, // the town is checked by Mount, not here
	} {
		require.Equal(t, want, re.MatchString(in), in)
	}
}

func TestLimitBodies_OnlyTheUploadStreamsPastTheLimit(t *testing.T) {
	t.Parallel()
	const limit = 1 << 10
	app := fiber.New(fiber.Config{StreamRequestBody: true, BodyLimit: limit, ErrorHandler: httpx.ErrorHandler(slog.New(slog.DiscardHandler))})
	app.Use(closeAfterRefusedBody, limitBodies(limit, func(c *fiber.Ctx) bool { return c.Path() == "/upload" }))
	read := func(c *fiber.Ctx) error {
		var n int64
		if s := c.Context().RequestBodyStream(); s != nil && c.Path() == "/upload" {
			n, _ = io.Copy(io.Discard, s)
		} else {
			n = int64(len(c.Body()))
		}
		return c.SendString(strconv.FormatInt(n, 10))
	}
	app.Put("/upload", read)
	app.Put("/form", read)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })

	for _, tc := range []struct {
		path   string
		size   int
		status int
	}{
		{"/upload", 64 << 10, fiber.StatusOK},
		{"/form", limit, fiber.StatusOK},
		{"/form", 64 << 10, fiber.StatusRequestEntityTooLarge},
	} {
		req, err := http.NewRequest(fiber.MethodPut, "http://"+ln.Addr().String()+tc.path, bytes.NewReader(make([]byte, tc.size)))
		require.NoError(t, err)
		res, err := http.DefaultClient.Do(req)
		if err != nil && tc.status != fiber.StatusOK {
			continue // refused before the client finished sending: the connection was closed on it
		}
		require.NoError(t, err)
		body, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		require.NoError(t, err)
		require.Equal(t, tc.status, res.StatusCode, "%s with %d bytes: %s", tc.path, tc.size, body)
		if tc.status == fiber.StatusOK {
			require.Equal(t, strconv.Itoa(tc.size), string(body))
		}
	}

	// The refused body is not read as the connection's next request: the server closes it.
	conn, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	go func() {
		_, _ = fmt.Fprintf(conn, "PUT /form HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", 64<<10)
		_, _ = conn.Write(make([]byte, 64<<10))
	}()
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	require.Equal(t, fiber.StatusRequestEntityTooLarge, res.StatusCode)
	_, _ = io.Copy(io.Discard, res.Body)
	next, err := http.ReadResponse(br, nil)
	require.Error(t, err, "the connection ends (closed or reset) with no answer to the rest of the body: %v", next)
}
