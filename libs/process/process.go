package process

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/httpx"
	"dundian.local/libs/objects"
	"dundian.local/libs/routes"
	"dundian.local/libs/store"
	"dundian.local/libs/telemetry"
)

// Process holds what one running process shares between its parts.
type Process struct {
	Config    Config
	Log       *slog.Logger
	Telemetry *telemetry.Telemetry
	Store     *store.Client
	Publisher *bus.Publisher
	Objects   *objects.Store
	Verifier  *auth.Verifier // nil in the gateway, which signs instead
	App       *fiber.App

	workers []worker
	ln      net.Listener
	checks  map[string]func(context.Context) error
}

// TransferTimeout bounds reading a whole request and writing a whole response on an app
// that streams bodies: long enough for a 100 MB attachment over a village's slow line.
const TransferTimeout = 10 * time.Minute

// AppOptions shape a Fiber app of the process.
type AppOptions struct {
	// Streaming hands bodies larger than the body limit to the handler as a stream instead of
	// refusing them (uploads, the gateway's proxy); such handlers bound what they read.
	Streaming bool
	// Metrics serves /metrics (the intranet app; never a public one).
	Metrics bool
}

// NewApp is a Fiber app with what every listener of the process has: panic recovery,
// request ids, traces and metrics of every request, /healthz and /readyz with the
// process's readiness checks.
func (p *Process) NewApp(o AppOptions) *fiber.App {
	fc := httpx.FiberConfig(p.Config.Name, p.Log)
	fc.BodyLimit = p.Config.BodyLimit
	if o.Streaming {
		fc.StreamRequestBody = true
		fc.DisablePreParseMultipartForm = true
		fc.ReadTimeout, fc.WriteTimeout = TransferTimeout, TransferTimeout
	}
	a := fiber.New(fc)
	a.Use(recover.New(), httpx.RequestIDMiddleware())
	if o.Streaming {
		a.Use(closeAfterRefusedBody)
	}
	a.Use(telemetry.HTTPMiddleware(p.Config.Name))
	httpx.Health(a, p.checks)
	if o.Metrics {
		a.Get("/metrics", p.Telemetry.MetricsFiber())
	}
	return a
}

// Ready adds a readiness check to /readyz of every app of the process. Call it before Run.
func (p *Process) Ready(name string, check func(context.Context) error) { p.checks[name] = check }

// closeAfterRefusedBody closes the connection after an error answered to a request whose
// streamed body may not have been read: the rest of that body must not be taken for the
// connection's next request.
func closeAfterRefusedBody(c *fiber.Ctx) error {
	err := c.Next()
	// A returned error is answered by the error handler only after this returns, so the
	// status is not set yet: an error counts as a refusal.
	refused := err != nil || c.Response().StatusCode() >= fiber.StatusBadRequest
	if refused && c.Request().Header.ContentLength() != 0 && c.Context().RequestBodyStream() != nil {
		c.Context().SetConnectionClose()
	}
	return err
}

type worker struct {
	name string
	fn   func(ctx context.Context) error
}

// New loads the configuration and connects everything; nothing waits for the backing
// servers, which /readyz reports on.
func New(ctx context.Context, name, version string) (*Process, error) {
	cfg, err := LoadConfig(name)
	if err != nil {
		return nil, err
	}
	return NewWithConfig(ctx, cfg, version)
}

// NewWithConfig is New with a configuration built by the caller (component tests).
func NewWithConfig(ctx context.Context, cfg Config, version string) (*Process, error) {
	log := telemetry.Logger(cfg.Name)
	tel, err := telemetry.Setup(ctx, cfg.Name, version)
	if err != nil {
		return nil, fmt.Errorf("telemetry: %w", err)
	}
	st, err := store.Connect(cfg.MongoURI, store.Options{AppName: cfg.Name, Monitor: telemetry.MongoMonitor()})
	if err != nil {
		return nil, err
	}
	obj, err := objects.New(cfg.Objects)
	if err != nil {
		return nil, fmt.Errorf("object store: %w", err)
	}
	p := &Process{
		Config:    cfg,
		Log:       log,
		Telemetry: tel,
		Store:     st,
		Publisher: bus.NewPublisher(cfg.KafkaBrokers),
		Objects:   obj,
	}
	if cfg.IdentityPublicKey != "" {
		pub, err := auth.ParsePublicKey(cfg.IdentityPublicKey)
		if err != nil {
			return nil, fmt.Errorf("DUNDIAN_IDENTITY_PUBLIC_KEY: %w", err)
		}
		p.Verifier = auth.NewVerifier(pub, auth.InternalIssuer, auth.InternalAudience)
	}
	p.checks = map[string]func(context.Context) error{
		"mongodb": st.Ping,
		"kafka":   func(ctx context.Context) error { return bus.Ping(ctx, cfg.KafkaBrokers) },
		"s3":      obj.Ping,
	}
	p.App = p.NewApp(AppOptions{Streaming: cfg.StreamBodies, Metrics: true})
	return p, nil
}

// Identity is the middleware that verifies the gateway's internal token (services only).
func (p *Process) Identity() fiber.Handler { return auth.Middleware(p.Verifier) }

// Mount registers the service's handlers by the route table: identity, town and role checks
// before each, and the Idempotency-Key check on every POST (cadres retry from villages with
// bad signal), remembered in the town's `<service>_idempotency` collection.
func (p *Process) Mount(owner string, handlers map[string]fiber.Handler) error {
	idem := httpx.NewMongoIdempotencyStore(func(ctx context.Context) (*mongo.Collection, error) {
		return p.Store.Service(owner).Collection(ctx, "idempotency")
	})
	return routes.Mount(p.App, owner, p.Identity(), httpx.Idempotency(idem), handlers)
}

// Go registers a background worker (outbox relay, event consumer) started by Run and
// stopped, after the HTTP server has drained, by cancelling its context.
func (p *Process) Go(name string, fn func(ctx context.Context) error) {
	p.workers = append(p.workers, worker{name, fn})
}

// Prepare creates the topics and the bucket; it retries until the backing servers answer or
// ctx ends, so a process started before them waits instead of failing.
func (p *Process) Prepare(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		err := errors.Join(
			bus.EnsureTopics(ctx, p.Config.KafkaBrokers, p.Config.KafkaReplication, events.AllTopics()...),
			p.Objects.EnsureBucket(ctx),
		)
		if err == nil {
			return nil
		}
		if attempt%10 == 0 {
			p.Log.WarnContext(ctx, "waiting for Kafka and S3", "err", err)
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// Listen binds the HTTP address (Run uses it; tests call it to learn a ":0" port).
func (p *Process) Listen() (net.Addr, error) {
	if p.ln == nil {
		ln, err := net.Listen("tcp", p.Config.HTTPAddr)
		if err != nil {
			return nil, err
		}
		p.ln = ln
	}
	return p.ln.Addr(), nil
}

// Run serves until ctx ends or SIGTERM/SIGINT arrives, then shuts down in order: stop
// accepting and finish in-flight requests, stop the workers (a consumer finishes and commits
// the event it is applying), flush telemetry, close connections.
func (p *Process) Run(ctx context.Context) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := p.Prepare(ctx); err != nil {
		return err
	}
	if _, err := p.Listen(); err != nil {
		return err
	}
	wctx, cancelWorkers := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	failed := make(chan error, len(p.workers)+1)
	for _, w := range p.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.fn(wctx); err != nil && wctx.Err() == nil {
				failed <- fmt.Errorf("%s: %w", w.name, err)
			}
		}()
	}
	go func() {
		if err := p.App.Listener(p.ln); err != nil {
			failed <- fmt.Errorf("http: %w", err)
		}
	}()
	p.Log.InfoContext(ctx, "started", "addr", p.ln.Addr().String())

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-failed:
		p.Log.ErrorContext(ctx, "stopping after a failure", "err", runErr)
	}
	p.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), p.Config.ShutdownTimeout)
	defer cancel()
	if err := p.App.ShutdownWithContext(sctx); err != nil {
		p.Log.Warn("http shutdown", "err", err)
	}
	cancelWorkers()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-sctx.Done():
		p.Log.Warn("workers did not stop in time")
	}
	_ = p.Publisher.Close()
	_ = p.Telemetry.Shutdown(sctx)
	_ = p.Store.Close(sctx)
	return runErr
}

// Main is the whole of a process's main: build it from the environment, let wire add the
// service's routes and workers, run until SIGTERM; any failure exits 1 with its reason.
func Main(name, version string, wire func(ctx context.Context, p *Process) error) {
	ctx := context.Background()
	p, err := New(ctx, name, version)
	if err == nil {
		err = wire(ctx, p)
	}
	if err == nil {
		err = p.Run(ctx)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}
