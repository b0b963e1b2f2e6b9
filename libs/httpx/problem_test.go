package httpx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.opentelemetry.io/otel/trace"

	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
)

// syncBuffer is a log sink that parallel requests may write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// errorApp answers GET /fail with whatever error fail returns.
func errorApp(t *testing.T, fail func() error) (*fiber.App, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	app := fiber.New(httpx.FiberConfig("problem-test", log))
	app.Use(httpx.RequestIDMiddleware())
	app.Get("/fail", func(c *fiber.Ctx) error { return fail() })
	return app, logs
}

type response struct {
	status  int
	header  http.Header
	problem httpx.ProblemJSON
	raw     string
}

func do(t *testing.T, app *fiber.App, req *http.Request) response {
	t.Helper()
	res, err := app.Test(req, -1)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	r := response{status: res.StatusCode, header: res.Header, raw: string(raw)}
	if res.Header.Get("Content-Type") == httpx.ContentTypeProblem {
		require.NoError(t, json.Unmarshal(raw, &r.problem))
	}
	return r
}

func get(t *testing.T, app *fiber.App, path, lang string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	return do(t, app, req)
}

var errStayOverlaps = errs.Conflict("stay-overlaps", "the stay overlaps another one", "与已登记的驻村时段重叠")

func TestErrorHandler_DomainErrorsAnswerByCategory(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err    error
		status int
		code   string
	}{
		{errs.ErrInvalidInput, 400, "invalid-input"},
		{errs.Invalid("contact-list-incomplete", "needs five kinds", "需要五类联系人"), 400, "contact-list-incomplete"},
		{errs.ErrUnauthorized, 401, "unauthorized"},
		{errs.ErrForbidden, 403, "forbidden"},
		{errs.ErrNotFound, 404, "not-found"},
		{fmt.Errorf("record stay: %w", errStayOverlaps), 409, "stay-overlaps"},
		{errs.TooLarge("photo-too-large", "too large", "照片过大"), 413, "photo-too-large"},
		{errs.Unsupported("photo-type", "not a photo", "不是照片"), 415, "photo-type"},
		{errs.TooMany("slow-down", "slow down", "请慢一点"), 429, "slow-down"},
		{errs.ErrUnavailable, 503, "store-unavailable"},
		{httpx.ErrIdempotencyInFlight, 409, "idempotency-in-flight"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			t.Parallel()
			app, _ := errorApp(t, func() error { return tc.err })
			r := get(t, app, "/fail", "")
			require.Equal(t, tc.status, r.status)
			require.Equal(t, httpx.ContentTypeProblem, r.header.Get("Content-Type"))
			require.Equal(t, tc.status, r.problem.Status)
			require.Equal(t, tc.code, r.problem.Code)
			require.Equal(t, httpx.ProblemTypePrefix+tc.code, r.problem.Type)
			require.Equal(t, "/fail", r.problem.Instance)
			require.NotEmpty(t, r.problem.Title)
			require.NotEmpty(t, r.problem.RequestID)
			require.Equal(t, r.header.Get(httpx.HeaderRequestID), r.problem.RequestID)
			e, _ := errs.As(tc.err)
			require.Equal(t, e.Zh, r.problem.Detail, "Chinese by default")
		})
	}
}

func TestErrorHandler_EnglishWhenPreferred(t *testing.T) {
	t.Parallel()
	fieldErr := errs.ErrInvalidInput.WithFields(errs.FieldError{
		Field: "phone", Slug: "cnmobile", Message: "must be an 11-digit mobile number", Zh: "手机号码应为 11 位数字",
	})
	app, _ := errorApp(t, func() error { return fieldErr })

	for _, tc := range []struct {
		header  string
		english bool
	}{
		{"", false},
		{"zh-CN,zh;q=0.9,en;q=0.8", false},
		{"en-US,en;q=0.9", true},
		{"en", true},
		{"zh;q=0.5, en;q=0.6", true},
		{"en;q=0.5, zh", false},
		{"fr-FR, en;q=0.3", true},
		{"fr-FR", false},
		{"en;q=0", false},
	} {
		r := get(t, app, "/fail", tc.header)
		require.Equal(t, 400, r.status)
		require.Len(t, r.problem.Errors, 1, tc.header)
		require.Equal(t, "phone", r.problem.Errors[0].Field)
		require.Equal(t, "cnmobile", r.problem.Errors[0].Code)
		if tc.english {
			require.Equal(t, "some fields are not valid", r.problem.Detail, tc.header)
			require.Equal(t, "invalid request", r.problem.Title, tc.header)
			require.Equal(t, "must be an 11-digit mobile number", r.problem.Errors[0].Message, tc.header)
			require.Equal(t, "en", r.header.Get("Content-Language"))
		} else {
			require.Equal(t, "部分内容填写有误", r.problem.Detail, tc.header)
			require.Equal(t, "手机号码应为 11 位数字", r.problem.Errors[0].Message, tc.header)
			require.Equal(t, "zh-CN", r.header.Get("Content-Language"))
		}
	}
}

func TestErrorHandler_UnexpectedErrorIsLoggedButNotLeaked(t *testing.T) {
	t.Parallel()
	secret := "dial tcp 10.0.3.7:27017: connection refused (user=svc_fieldwork)"
	traceID := trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36}
	spanCtx := trace.NewSpanContext(trace.SpanContextConfig{TraceID: traceID, SpanID: trace.SpanID{1}, TraceFlags: trace.FlagsSampled})

	logs := &syncBuffer{}
	app := fiber.New(httpx.FiberConfig("problem-test", slog.New(slog.NewJSONHandler(logs, nil))))
	app.Get("/fail", func(c *fiber.Ctx) error {
		c.SetUserContext(trace.ContextWithSpanContext(c.UserContext(), spanCtx))
		return fmt.Errorf("save stay: %s", secret)
	})

	r := get(t, app, "/fail", "")
	require.Equal(t, 500, r.status)
	require.Equal(t, "internal", r.problem.Code)
	require.Empty(t, r.problem.Detail)
	require.Empty(t, r.problem.Errors)
	require.Equal(t, traceID.String(), r.problem.TraceID)
	require.NotContains(t, r.raw, "10.0.3.7")
	require.NotContains(t, r.raw, "save stay")

	require.Contains(t, logs.String(), secret)
	require.Contains(t, logs.String(), traceID.String())
	require.Contains(t, logs.String(), `"level":"ERROR"`)
}

func TestErrorHandler_InternalCategoryDomainErrorIsMaskedToo(t *testing.T) {
	t.Parallel()
	app, _ := errorApp(t, func() error {
		return &errs.Error{Slug: "ledger-broken", Category: errs.CategoryInternal, Message: "ledger row 12 corrupt", Zh: "账目第12行损坏"}
	})
	r := get(t, app, "/fail", "")
	require.Equal(t, 500, r.status)
	require.Equal(t, "internal", r.problem.Code)
	require.NotContains(t, r.raw, "ledger")
	require.NotContains(t, r.raw, "账目")
}

func TestErrorHandler_RetryAfter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		err   error
		after string
	}{
		{"503 gets a default", errs.ErrUnavailable, "5"},
		{"503 with a known time", httpx.RetryAfter(fmt.Errorf("ping: %w", errs.ErrUnavailable), 30*time.Second), "30"},
		{"429 with a known time, rounded up", httpx.RetryAfter(errs.TooMany("slow-down", "slow down", "请慢一点"), 1500*time.Millisecond), "2"},
		{"429 without a known time", errs.TooMany("slow-down", "slow down", "请慢一点"), ""},
		{"other statuses never", httpx.RetryAfter(errs.ErrConflict, time.Minute), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app, _ := errorApp(t, func() error { return tc.err })
			r := get(t, app, "/fail", "")
			require.Equal(t, tc.after, r.header.Get("Retry-After"))
		})
	}
}

func TestErrorHandler_FiberErrorsKeepTheirStatus(t *testing.T) {
	t.Parallel()
	app, _ := errorApp(t, func() error { return fiber.ErrBadGateway })
	app.Post("/only-post", func(c *fiber.Ctx) error { return c.SendStatus(204) })

	r := get(t, app, "/no-such-route", "en")
	require.Equal(t, 404, r.status)
	require.Equal(t, "route-not-found", r.problem.Code)
	require.Equal(t, "Cannot GET /no-such-route", r.problem.Detail)

	r = get(t, app, "/no-such-route", "")
	require.Equal(t, "访问的地址不存在", r.problem.Detail)

	r = get(t, app, "/only-post", "")
	require.Equal(t, 405, r.status)
	require.Equal(t, "method-not-allowed", r.problem.Code)

	r = get(t, app, "/fail", "")
	require.Equal(t, 502, r.status)
	require.Equal(t, "bad-gateway", r.problem.Code)
	require.Empty(t, r.problem.Detail)
}

func TestErrorHandler_BodyOverTheLimitIs413Problem(t *testing.T) {
	t.Parallel()
	cfg := httpx.FiberConfig("limit-test", nil)
	cfg.BodyLimit = 1024
	app := fiber.New(cfg)
	app.Post("/upload", func(c *fiber.Ctx) error { return c.SendStatus(204) })

	// app.Test bypasses the server's body limit, so this goes through a real listener.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })

	res, err := http.Post("http://"+ln.Addr().String()+"/upload", "application/json",
		strings.NewReader(`{"x":"`+strings.Repeat("a", 4096)+`"}`))
	require.NoError(t, err)
	defer res.Body.Close()
	var p httpx.ProblemJSON
	require.NoError(t, json.NewDecoder(res.Body).Decode(&p))
	require.Equal(t, 413, res.StatusCode)
	require.Equal(t, httpx.ContentTypeProblem, res.Header.Get("Content-Type"))
	require.Equal(t, "body-too-large", p.Code)
}

func TestProblem_WritesOutsideTheErrorHandler(t *testing.T) {
	t.Parallel()
	app := fiber.New() // Fiber's own error handler: Problem must not depend on ours
	app.Get("/early", func(c *fiber.Ctx) error { return httpx.Problem(c, errs.ErrForbidden) })
	r := get(t, app, "/early", "en")
	require.Equal(t, 403, r.status)
	require.Equal(t, "forbidden", r.problem.Code)
	require.Equal(t, "your role may not do this", r.problem.Detail)
}

func TestErrorHandler_AnUnreachableDatabaseIs503(t *testing.T) {
	t.Parallel()
	// A real driver error: nothing listens on the port, so server selection gives up.
	ctx := context.Background()
	client, err := mongo.Connect(options.Client().ApplyURI("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200&connectTimeoutMS=200"))
	require.NoError(t, err)
	defer func() { _ = client.Disconnect(ctx) }()
	app, _ := errorApp(t, func() error {
		return fmt.Errorf("list stays: %w", client.Database("town_130624100").Collection("fieldwork_stays").FindOne(ctx, bson.D{}).Err())
	})
	r := get(t, app, "/fail", "")
	require.Equal(t, 503, r.status, r.raw)
	require.Equal(t, "store-unreachable", r.problem.Code)
	require.Contains(t, r.problem.Detail, "稍后重试")
	require.NotContains(t, r.raw, "127.0.0.1")
}
