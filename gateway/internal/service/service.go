// Package service wires the gateway: adapters → application → HTTP port, on the process
// that libs/process provides. cmd/gateway and the component tests build it the same way.
package service

import (
	"context"
	"crypto/ed25519"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"dundian.local/libs/auth"
	"dundian.local/libs/events"
	"dundian.local/libs/httpx"
	"dundian.local/libs/outbox"
	"dundian.local/libs/process"

	"dundian.local/gateway/internal/adapters"
	"dundian.local/gateway/internal/app"
	"dundian.local/gateway/internal/openapi"
	porthttp "dundian.local/gateway/internal/ports/http"
	"dundian.local/gateway/web"
)

// Service is the wired gateway.
type Service struct {
	App      *app.Application
	Intranet *fiber.App // served by the process on Config.Addr
	Public   *fiber.App // served on Config.PublicAddr
	Outbox   *outbox.Outbox
	// Storage measures each town's database and objects for the storage dashboard.
	Storage *adapters.StorageMetrics

	cfg Config
	p   *process.Process

	mu       sync.Mutex
	publicLn net.Listener
	setUp    atomic.Bool // the first county administrator, indexes and calendar are in place
}

var errSetupPending = errors.New("control-plane setup has not finished yet")

// setupChecked is the readiness check of the start-up setup: a gateway that cannot log
// anyone in yet is not ready.
func (s *Service) setupChecked(context.Context) error {
	if !s.setUp.Load() {
		return errSetupPending
	}
	return nil
}

// New builds the gateway on p and registers its workers: the outbox relay, the job runner,
// the public listener, the start-up setup and the purge of expired revocations. p.App is
// replaced by the intranet app, which streams request bodies.
func New(ctx context.Context, p *process.Process, cfg Config) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ob, err := outbox.New(outbox.Config{
		Client: p.Store, Prefix: events.Platform, Publisher: p.Publisher,
		Topic: events.Topic(events.Platform), Log: p.Log,
	})
	if err != nil {
		return nil, err
	}
	townData, err := adapters.NewTownData(p.Store, p.Objects, p.Config.Objects)
	if err != nil {
		return nil, err
	}
	storage, err := adapters.NewStorageMetrics(adapters.NewTowns(p.Store, ob), p.Store, p.Objects, p.Log)
	if err != nil {
		return nil, err
	}
	application := app.New(app.Deps{
		Towns:           adapters.NewTowns(p.Store, ob),
		Accounts:        adapters.NewAccounts(p.Store, ob),
		Throttles:       adapters.NewThrottles(p.Store),
		Revocations:     adapters.NewRevocations(p.Store),
		Settings:        adapters.NewSettings(p.Store, ob),
		Calendars:       adapters.NewCalendars(p.Store, ob),
		Jobs:            adapters.NewJobs(p.Store),
		Audit:           adapters.NewAuditLog(p.Store),
		Erasures:        adapters.NewErasures(p.Store, ob),
		TownData:        townData,
		Passwords:       adapters.NewPasswords(),
		AccessSigner:    auth.NewSigner(cfg.AccessKey, app.AccessIssuer, app.AccessAudience, app.AccessTTL),
		AccessVerifier:  auth.NewVerifier(publicKey(cfg.AccessKey), app.AccessIssuer, app.AccessAudience),
		Log:             p.Log,
		SessionCacheTTL: cfg.SessionCacheTTL,
	})
	spec, err := openapi.Merged()
	if err != nil {
		return nil, err
	}
	srv, err := porthttp.New(application, porthttp.Config{
		Upstreams:          cfg.Upstreams,
		UpstreamTimeout:    cfg.UpstreamTimeout,
		IdentitySigner:     auth.NewSigner(cfg.IdentityKey, auth.InternalIssuer, auth.InternalAudience, auth.InternalTTL),
		CookieSecure:       cfg.CookieSecure,
		RatePerIP:          cfg.RatePerIP,
		BurstPerIP:         cfg.BurstPerIP,
		RatePerTown:        cfg.RatePerTown,
		BurstPerTown:       cfg.BurstPerTown,
		LoginFailuresPerIP: cfg.LoginFailuresPerIP,
		JSONBodyLimit:      p.Config.BodyLimit,
		ImportLimit:        cfg.ImportLimit,
		ProxyBodyLimit:     cfg.ProxyBodyLimit,
		OpenAPI:            spec,
		Idempotency: httpx.NewMongoIdempotencyStore(func(context.Context) (*mongo.Collection, error) {
			return p.Store.Platform("idempotency"), nil
		}),
		Console: web.FS,
		Log:     p.Log,
	})
	if err != nil {
		return nil, err
	}
	s := &Service{App: application, Outbox: ob, Storage: storage, cfg: cfg, p: p}
	p.Ready("setup", s.setupChecked)
	// The intranet app streams request bodies: the gateway's own routes bound theirs, the
	// proxy passes them on.
	s.Intranet = p.NewApp(process.AppOptions{Streaming: true, Metrics: true})
	if err := srv.Intranet(s.Intranet); err != nil {
		return nil, err
	}
	s.Public = p.NewApp(process.AppOptions{})
	if err := srv.Public(s.Public); err != nil {
		return nil, err
	}
	p.App = s.Intranet

	p.Go("outbox relay", ob.Run)
	p.Go("jobs", application.Runner.Run)
	p.Go("public listener", s.servePublic)
	p.Go("setup", s.setupUntilDone)
	p.Go("revocation purge", s.purgeRevocations)
	p.Go("storage metrics", storage.Run)
	return s, nil
}

func publicKey(priv ed25519.PrivateKey) ed25519.PublicKey {
	return priv.Public().(ed25519.PublicKey)
}

// ListenPublic binds the public address (servePublic uses it; tests call it to learn a ":0"
// port).
func (s *Service) ListenPublic() (net.Addr, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.publicLn == nil {
		ln, err := net.Listen("tcp", s.cfg.PublicAddr)
		if err != nil {
			return nil, err
		}
		s.publicLn = ln
	}
	return s.publicLn.Addr(), nil
}

func (s *Service) servePublic(ctx context.Context) error {
	if _, err := s.ListenPublic(); err != nil {
		return err
	}
	failed := make(chan error, 1)
	go func() { failed <- s.Public.Listener(s.publicLn) }()
	s.p.Log.InfoContext(ctx, "public listener started", "addr", s.publicLn.Addr().String())
	select {
	case err := <-failed:
		return err
	case <-ctx.Done():
		return s.Public.ShutdownWithTimeout(s.p.Config.ShutdownTimeout)
	}
}

// Setup prepares the control plane: indexes, the first county administrator on an empty
// deployment, the holiday table and the current programme year. It is idempotent.
func (s *Service) Setup(ctx context.Context) error {
	if err := adapters.EnsureIndexes(ctx, s.p.Store); err != nil {
		return err
	}
	created, err := s.App.Identity.Bootstrap(ctx, s.cfg.BootstrapAdmin, s.cfg.BootstrapPassword)
	if err != nil {
		return err
	}
	if created {
		s.p.Log.InfoContext(ctx, "created the first county administrator", "username", s.cfg.BootstrapAdmin)
	}
	return s.App.Calendar.Seed(ctx)
}

func (s *Service) setupUntilDone(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		err := s.Setup(ctx)
		if err == nil {
			s.setUp.Store(true)
			return nil
		}
		if ctx.Err() == nil && attempt%10 == 0 {
			s.p.Log.WarnContext(ctx, "gateway setup not done yet; retrying", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
}

func (s *Service) purgeRevocations(ctx context.Context) error {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			if _, err := s.App.Identity.PurgeRevocations(ctx, now); err != nil && ctx.Err() == nil {
				s.p.Log.WarnContext(ctx, "purging expired revocations failed", "err", err)
			}
		}
	}
}
