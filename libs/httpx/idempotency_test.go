package httpx_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

// idempotencyFixture is a service slice as services mount it: identity, town, idempotency,
// then handlers that count how often they really run.
type idempotencyFixture struct {
	app    *fiber.App
	town   tenancy.TownCode
	signer *auth.Signer
	runs   map[string]*atomic.Int32
	// release unblocks the /slow handler; entered reports that it started.
	release, entered chan struct{}
}

func newIdempotencyFixture(t *testing.T) *idempotencyFixture {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	svc := store.Wrap(testkit.Mongo(t)).Service("test")
	st := httpx.NewMongoIdempotencyStore(func(ctx context.Context) (*mongo.Collection, error) {
		return svc.Collection(ctx, "idempotency")
	})
	f := &idempotencyFixture{
		town:    testkit.NewTown(t),
		signer:  auth.NewSigner(priv, auth.InternalIssuer, auth.InternalAudience, time.Minute),
		runs:    map[string]*atomic.Int32{},
		release: make(chan struct{}),
		entered: make(chan struct{}, 1),
	}
	for _, name := range []string{"stays", "conflict", "unavailable", "slow", "panic"} {
		f.runs[name] = &atomic.Int32{}
	}

	f.app = fiber.New(httpx.FiberConfig("idempotency-test", slog.New(slog.DiscardHandler)))
	f.app.Use(recover.New())
	api := f.app.Group("/towns/:town",
		auth.Middleware(auth.NewVerifier(pub, auth.InternalIssuer, auth.InternalAudience)),
		auth.TownParam("town"),
		httpx.Idempotency(st))
	api.Post("/stays", func(c *fiber.Ctx) error {
		n := f.runs["stays"].Add(1)
		c.Location(fmt.Sprintf("/towns/%s/stays/%d", f.town, n))
		return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": n, "echo": string(c.Body())})
	})
	api.Get("/stays", func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"run": f.runs["stays"].Add(1)})
	})
	api.Post("/conflict", func(c *fiber.Ctx) error {
		f.runs["conflict"].Add(1)
		return errs.ErrConflict
	})
	api.Post("/unavailable", func(c *fiber.Ctx) error {
		if f.runs["unavailable"].Add(1) == 1 {
			return fmt.Errorf("save: %w", errs.ErrUnavailable)
		}
		return c.Status(fiber.StatusCreated).JSON(fiber.Map{"ok": true})
	})
	api.Post("/panic", func(c *fiber.Ctx) error {
		if f.runs["panic"].Add(1) == 1 {
			panic("handler bug")
		}
		return c.SendStatus(fiber.StatusCreated)
	})
	api.Post("/slow", func(c *fiber.Ctx) error {
		f.runs["slow"].Add(1)
		f.entered <- struct{}{}
		<-f.release
		return c.SendStatus(fiber.StatusNoContent)
	})
	return f
}

func (f *idempotencyFixture) token(t *testing.T, account string) string {
	t.Helper()
	tok, err := f.signer.Sign(auth.Principal{AccountID: account, Role: auth.Cadre, Town: f.town})
	require.NoError(t, err)
	return tok
}

func (f *idempotencyFixture) post(t *testing.T, path, account, key, body string) response {
	t.Helper()
	return f.send(t, http.MethodPost, path, account, key, body)
}

func (f *idempotencyFixture) send(t *testing.T, method, path, account, key, body string) response {
	t.Helper()
	req := httptest.NewRequest(method, "/towns/"+f.town.String()+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(auth.InternalHeader, f.token(t, account))
	if key != "" {
		req.Header.Set(httpx.HeaderIdempotencyKey, key)
	}
	return do(t, f.app, req)
}

func TestIdempotency_RepeatReplaysTheFirstResponse(t *testing.T) {
	t.Parallel()
	f := newIdempotencyFixture(t)

	first := f.post(t, "/stays", "acc-1", "key-1", `{"day":"2026-05-04"}`)
	require.Equal(t, 201, first.status)
	require.Empty(t, first.header.Get(httpx.HeaderIdempotentReplayed))

	again := f.post(t, "/stays", "acc-1", "key-1", `{"day":"2026-05-04"}`)
	require.Equal(t, 201, again.status)
	require.Equal(t, "true", again.header.Get(httpx.HeaderIdempotentReplayed))
	require.Equal(t, first.raw, again.raw)
	require.Equal(t, first.header.Get("Content-Type"), again.header.Get("Content-Type"))
	require.Equal(t, first.header.Get("Location"), again.header.Get("Location"))
	require.EqualValues(t, 1, f.runs["stays"].Load(), "the work ran once")
}

func TestIdempotency_SameKeyWithAnotherBodyIs422(t *testing.T) {
	t.Parallel()
	f := newIdempotencyFixture(t)
	require.Equal(t, 201, f.post(t, "/stays", "acc-1", "key-1", `{"day":"2026-05-04"}`).status)

	r := f.post(t, "/stays", "acc-1", "key-1", `{"day":"2026-05-05"}`)
	require.Equal(t, 422, r.status)
	require.Equal(t, "idempotency-key-reused", r.problem.Code)
	require.EqualValues(t, 1, f.runs["stays"].Load())
}

func TestIdempotency_KeysAreScopedByAccountAndPath(t *testing.T) {
	t.Parallel()
	f := newIdempotencyFixture(t)
	body := `{"day":"2026-05-04"}`
	require.Equal(t, 201, f.post(t, "/stays", "acc-1", "shared", body).status)
	require.Equal(t, 201, f.post(t, "/stays", "acc-2", "shared", body).status)
	require.EqualValues(t, 2, f.runs["stays"].Load(), "another account's key is another key")

	r := f.post(t, "/conflict", "acc-1", "shared", body)
	require.Equal(t, 409, r.status)
	require.Empty(t, r.header.Get(httpx.HeaderIdempotentReplayed), "another path's key is another key")
}

func TestIdempotency_WithoutKeyOrOnOtherMethodsNothingIsRemembered(t *testing.T) {
	t.Parallel()
	f := newIdempotencyFixture(t)
	require.Equal(t, 201, f.post(t, "/stays", "acc-1", "", `{}`).status)
	require.Equal(t, 201, f.post(t, "/stays", "acc-1", "", `{}`).status)
	require.Equal(t, 200, f.send(t, http.MethodGet, "/stays", "acc-1", "k", "").status)
	r := f.send(t, http.MethodGet, "/stays", "acc-1", "k", "")
	require.Equal(t, 200, r.status)
	require.Empty(t, r.header.Get(httpx.HeaderIdempotentReplayed))
	require.EqualValues(t, 4, f.runs["stays"].Load())
}

func TestIdempotency_MalformedKeyIs400AndRunsNothing(t *testing.T) {
	t.Parallel()
	f := newIdempotencyFixture(t)
	for _, key := range []string{strings.Repeat("k", 129), "has space", "中文键", "tab\tkey"} {
		r := f.post(t, "/stays", "acc-1", key, `{}`)
		require.Equal(t, 400, r.status, key)
		require.Equal(t, "invalid-idempotency-key", r.problem.Code, key)
	}
	require.Equal(t, 201, f.post(t, "/stays", "acc-1", strings.Repeat("k", 128), `{}`).status)
	require.EqualValues(t, 1, f.runs["stays"].Load())
}

func TestIdempotency_ClientErrorsAreReplayedToo(t *testing.T) {
	t.Parallel()
	f := newIdempotencyFixture(t)
	first := f.post(t, "/conflict", "acc-1", "key-c", `{}`)
	require.Equal(t, 409, first.status)
	again := f.post(t, "/conflict", "acc-1", "key-c", `{}`)
	require.Equal(t, 409, again.status)
	require.Equal(t, "true", again.header.Get(httpx.HeaderIdempotentReplayed))
	require.Equal(t, httpx.ContentTypeProblem, again.header.Get("Content-Type"))
	require.Equal(t, "stale-revision", again.problem.Code)
	require.EqualValues(t, 1, f.runs["conflict"].Load())
}

func TestIdempotency_ServerErrorReleasesTheKeySoARetryRuns(t *testing.T) {
	t.Parallel()
	f := newIdempotencyFixture(t)
	r := f.post(t, "/unavailable", "acc-1", "key-u", `{}`)
	require.Equal(t, 503, r.status)
	require.Equal(t, "store-unavailable", r.problem.Code)

	r = f.post(t, "/unavailable", "acc-1", "key-u", `{}`)
	require.Equal(t, 201, r.status)
	require.Empty(t, r.header.Get(httpx.HeaderIdempotentReplayed))

	r = f.post(t, "/unavailable", "acc-1", "key-u", `{}`)
	require.Equal(t, 201, r.status)
	require.Equal(t, "true", r.header.Get(httpx.HeaderIdempotentReplayed))
	require.EqualValues(t, 2, f.runs["unavailable"].Load())
}

func TestIdempotency_ConcurrentDuplicateIs409InFlight(t *testing.T) {
	t.Parallel()
	f := newIdempotencyFixture(t)

	// The first request runs on another goroutine, so it reports back instead of asserting.
	firstStatus := make(chan int, 1)
	tok := f.token(t, "acc-1")
	go func() {
		req := httptest.NewRequest(http.MethodPost, "/towns/"+f.town.String()+"/slow", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(auth.InternalHeader, tok)
		req.Header.Set(httpx.HeaderIdempotencyKey, "key-s")
		res, err := f.app.Test(req, -1)
		if err != nil {
			firstStatus <- 0
			return
		}
		res.Body.Close()
		firstStatus <- res.StatusCode
	}()
	<-f.entered

	dup := f.post(t, "/slow", "acc-1", "key-s", `{}`)
	require.Equal(t, 409, dup.status)
	require.Equal(t, "idempotency-in-flight", dup.problem.Code)

	close(f.release)
	require.Equal(t, 204, <-firstStatus)
	after := f.post(t, "/slow", "acc-1", "key-s", `{}`)
	require.Equal(t, 204, after.status)
	require.Equal(t, "true", after.header.Get(httpx.HeaderIdempotentReplayed))
	require.EqualValues(t, 1, f.runs["slow"].Load())
}

func TestIdempotency_PanicReleasesTheKeySoARetryRuns(t *testing.T) {
	t.Parallel()
	f := newIdempotencyFixture(t)
	r := f.post(t, "/panic", "acc-1", "key-p", `{}`)
	require.Equal(t, 500, r.status)
	require.Equal(t, "internal", r.problem.Code)

	r = f.post(t, "/panic", "acc-1", "key-p", `{}`)
	require.Equal(t, 201, r.status)
	require.Empty(t, r.header.Get(httpx.HeaderIdempotentReplayed))
	require.EqualValues(t, 2, f.runs["panic"].Load())
}
