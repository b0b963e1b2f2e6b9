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

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/httpx"
	"dundian.local/libs/objects"
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
	fc := httpx.FiberConfig(cfg.Name, log)
	fc.BodyLimit = cfg.BodyLimit
	p.App = fiber.New(fc)
	p.App.Use(recover.New(), httpx.RequestIDMiddleware(), telemetry.HTTPMiddleware(cfg.Name))
	httpx.Health(p.App, map[string]func(context.Context) error{
		"mongodb": st.Ping,
		"kafka":   func(ctx context.Context) error { return bus.Ping(ctx, cfg.KafkaBrokers) },
		"s3":      obj.Ping,
	})
	p.App.Get("/metrics", tel.MetricsFiber())
	return p, nil
}

// Identity is the middleware that verifies the gateway's internal token (services only).
func (p *Process) Identity() fiber.Handler { return auth.Middleware(p.Verifier) }

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
