// Package http is the gateway's HTTP port: the console and API on the intranet listener, the
// public pages on the public one. Gateway-owned routes are thin handlers over the
// application; every other route of the route table is checked here (identity, town, roles,
// rate limits, audit) and then streamed to its owning service.
package http

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
	"dundian.local/libs/routes"

	"dundian.local/gateway/internal/app"
	"dundian.local/gateway/internal/ratelimit"
)

// Config is what the HTTP port needs beyond the application.
type Config struct {
	// Upstreams maps each owning service of the route table to its base URL.
	Upstreams map[string]*url.URL
	// UpstreamTimeout bounds the wait for a service's response headers; bodies stream for as
	// long as the server's write timeout allows.
	UpstreamTimeout time.Duration
	// IdentitySigner signs the internal identity token forwarded to services.
	IdentitySigner *auth.Signer
	// CookieSecure marks the session cookie Secure even on plain HTTP requests (TLS ends at an
	// ingress in front of the gateway).
	CookieSecure bool
	// Rate limits (token buckets per process): requests per second and burst, per client
	// address and per town.
	RatePerIP, RatePerTown   float64
	BurstPerIP, BurstPerTown int
	// LoginFailuresPerIP is how many failed logins one address may make per LoginWindow.
	LoginFailuresPerIP int
	LoginWindow        time.Duration
	// JSONBodyLimit bounds the body of the gateway's own JSON routes; ImportLimit the
	// division-code file; ProxyBodyLimit any body forwarded to a service.
	JSONBodyLimit  int
	ImportLimit    int64
	ProxyBodyLimit int64
	// OpenAPI is the merged API description served at /api/v1/openapi.json.
	OpenAPI []byte
	// Idempotency remembers the answers to retried POSTs (nil: not honoured).
	Idempotency httpx.IdempotencyStore
	// Console is the web console's file tree, index.html at its root.
	Console fs.FS
	Log     *slog.Logger
}

func (c *Config) setDefaults() {
	if c.UpstreamTimeout == 0 {
		c.UpstreamTimeout = 30 * time.Second
	}
	if c.LoginWindow == 0 {
		c.LoginWindow = 15 * time.Minute
	}
	if c.LoginFailuresPerIP == 0 {
		c.LoginFailuresPerIP = 30
	}
	if c.JSONBodyLimit == 0 {
		c.JSONBodyLimit = 1 << 20
	}
	if c.ImportLimit == 0 {
		c.ImportLimit = 32 << 20
	}
	if c.ProxyBodyLimit == 0 {
		c.ProxyBodyLimit = 128 << 20
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
}

// Server mounts the gateway's routes.
type Server struct {
	app       *app.Application
	cfg       Config
	proxy     *Proxy
	ipLimit   *ratelimit.Limiter
	townLimit *ratelimit.Limiter
	byRoute   map[string]routes.Route // "METHOD /fiber/path" → route
}

// New checks the configuration against the route table: every owning service needs an
// upstream.
func New(a *app.Application, cfg Config) (*Server, error) {
	cfg.setDefaults()
	if err := routes.Check(routes.Table); err != nil {
		return nil, err
	}
	if cfg.IdentitySigner == nil {
		return nil, errors.New("http: an identity signer is required")
	}
	for _, r := range routes.Table {
		if r.Owner != routes.Gateway && cfg.Upstreams[r.Owner] == nil {
			return nil, fmt.Errorf("http: route %s is owned by %s, which has no upstream URL", r.ID, r.Owner)
		}
	}
	s := &Server{
		app:       a,
		cfg:       cfg,
		proxy:     NewProxy(cfg.Upstreams, cfg.IdentitySigner, cfg.UpstreamTimeout, cfg.ProxyBodyLimit),
		ipLimit:   ratelimit.New(cfg.RatePerIP, cfg.BurstPerIP),
		townLimit: ratelimit.New(cfg.RatePerTown, cfg.BurstPerTown),
		byRoute:   map[string]routes.Route{},
	}
	for _, r := range routes.Table {
		s.byRoute[r.Method+" "+r.FiberPath()] = r
	}
	return s, nil
}

// publicPath reports whether a route belongs on the public listener.
func publicPath(r routes.Route) bool { return strings.HasPrefix(r.Path, "/api/v1/public/") }

// Intranet mounts the console, the API and the OpenAPI document. The app must stream
// request bodies (StreamRequestBody) so that uploads pass through without being buffered.
func (s *Server) Intranet(r *fiber.App) error {
	r.Use(securityHeaders)
	r.Use("/api", s.limitIP)
	r.Use("/api/v1/auth/login", limiter.New(limiter.Config{
		Max:                    s.cfg.LoginFailuresPerIP,
		Expiration:             s.cfg.LoginWindow,
		SkipSuccessfulRequests: true, // only failed logins count
		KeyGenerator:           func(c *fiber.Ctx) string { return c.IP() },
		LimitReached: func(c *fiber.Ctx) error {
			return httpx.Problem(c, httpx.RetryAfter(errLoginsFromAddress, s.cfg.LoginWindow))
		},
	}))
	r.Get("/api/v1/openapi.json", s.openAPI)

	if err := s.mountGateway(r); err != nil {
		return err
	}
	for _, rt := range routes.Table {
		if rt.Owner == routes.Gateway || publicPath(rt) {
			continue
		}
		chain := []fiber.Handler{s.verify}
		if rt.Town() {
			chain = append(chain, auth.TownParam("town"), s.knownTown(rt))
		}
		chain = append(chain, auth.RequireRoles(rt.Roles...), s.proxy.Forward(rt.Owner, true))
		r.Add(rt.Method, rt.FiberPath(), chain...)
	}
	r.All("/api/*", func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return s.console(r)
}

// Public mounts the public surface only: the community pages and the owners' public JSON.
func (s *Server) Public(r *fiber.App) error {
	r.Use(s.limitIP)
	for _, rt := range routes.Table {
		if !publicPath(rt) {
			continue
		}
		if rt.Owner == routes.Gateway || !rt.Public {
			return fmt.Errorf("http: public route %s must be public and owned by a service", rt.ID)
		}
		r.Add(rt.Method, rt.FiberPath(), s.proxy.Forward(rt.Owner, false))
	}
	return s.publicPages(r)
}

// idempotent names the gateway's POST routes that honour Idempotency-Key. Login, logout and
// a password change are left out (their answers carry tokens, which must not be stored), and
// so is the import, whose body streams.
var idempotent = map[string]bool{
	"createTown": true, "archiveTown": true, "exportTown": true, "createAccount": true, "resetPassword": true,
}

// mountGateway registers the gateway's own routes of the table the way routes.Mount does —
// identity, town and roles before the handler — with the Idempotency-Key check after them,
// and fails when the table and the handlers drift apart.
func (s *Server) mountGateway(r fiber.Router) error {
	hs := handlers{s: s}.routes()
	seen := map[string]bool{}
	for _, rt := range routes.Owned(routes.Gateway) {
		h, ok := hs[rt.ID]
		if !ok {
			return fmt.Errorf("http: gateway route %s %s (%s) has no handler", rt.Method, rt.Path, rt.ID)
		}
		seen[rt.ID] = true
		var chain []fiber.Handler
		if rt.ID != "importTowns" {
			chain = append(chain, s.limitJSON)
		}
		if !rt.Public {
			chain = append(chain, s.verify)
			if rt.Town() {
				chain = append(chain, auth.TownParam("town"))
			}
			chain = append(chain, auth.RequireRoles(rt.Roles...))
			if idempotent[rt.ID] && s.cfg.Idempotency != nil {
				chain = append(chain, httpx.Idempotency(s.cfg.Idempotency))
			}
		}
		r.Add(rt.Method, rt.FiberPath(), append(chain, h)...)
	}
	for id := range hs {
		if !seen[id] {
			return fmt.Errorf("http: handler %q has no gateway route in the table", id)
		}
	}
	return nil
}

// limitJSON bounds the body of the gateway's own routes before anything reads it; bodies
// stream on this listener, so the server's own limit does not apply.
func (s *Server) limitJSON(c *fiber.Ctx) error {
	if err := limitBody(c, int64(s.cfg.JSONBodyLimit)); err != nil {
		return err
	}
	return c.Next()
}

var errLoginsFromAddress = errs.TooMany("login-rate-limited",
	"too many failed logins from your address; try again later",
	"该网络地址登录失败次数过多，请稍后再试")

// ErrRateLimited answers a client or town that exceeded its rate.
var ErrRateLimited = errs.TooMany("rate-limited",
	"too many requests; slow down and retry shortly", "请求过于频繁，请稍后再试")

func (s *Server) limitIP(c *fiber.Ctx) error {
	if ok, wait := s.ipLimit.Allow(c.IP()); !ok {
		return httpx.RetryAfter(ErrRateLimited, wait)
	}
	return c.Next()
}

func (s *Server) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Send(s.cfg.OpenAPI)
}

// securityHeaders keeps the console to its own origin: no third-party scripts, styles,
// frames or form targets, and no framing by other sites.
func securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "+
		"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	return c.Next()
}
