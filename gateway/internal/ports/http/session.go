package http

import (
	"context"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
	"dundian.local/libs/routes"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/app"
	"dundian.local/gateway/internal/domain/audit"
	"dundian.local/gateway/internal/domain/town"
)

// SessionCookie carries the access token for the console: HttpOnly (no script reads it) and
// SameSite=Strict (no other site's page sends it).
const SessionCookie = "dundian_session"

type sessionKey struct{}

func sessionFrom(ctx context.Context) (app.Session, bool) {
	s, ok := ctx.Value(sessionKey{}).(app.Session)
	return s, ok
}

// accessToken is the bearer token, or else the session cookie's; fromCookie says which.
func accessToken(c *fiber.Ctx) (tok string, fromCookie bool) {
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		scheme, rest, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(rest), false
		}
		return "", false
	}
	return c.Cookies(SessionCookie), true
}

var errCrossOrigin = errs.Forbidden("cross-origin",
	"the request came from another site", "请求来自其他网站，已拒绝")

// verify authenticates the caller and is the first handler of every non-public route: it
// applies the town's rate limit, puts the principal and the session on the request's
// context, and audits mutations — including the ones the next handlers refuse.
func (s *Server) verify(c *fiber.Ctx) error {
	tok, fromCookie := accessToken(c)
	if tok == "" {
		return errs.ErrUnauthorized
	}
	// SameSite=Strict already keeps other sites from sending the cookie; the Origin check
	// covers browsers that ignore it.
	if fromCookie && c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead && !sameOrigin(c) {
		return errCrossOrigin
	}
	t, err := s.app.Identity.Verify(tok)
	if err != nil {
		return err
	}
	// The town's limit is taken from the signed token, before Authenticate reads the store:
	// a town over its allowance costs the store nothing, and only a holder of a valid token
	// can spend a town's allowance.
	rt, known := s.byRoute[c.Method()+" "+c.Route().Path]
	if err := s.limitTown(c, rt, t.Principal); err != nil {
		return err
	}
	sess, err := s.app.Identity.Authenticate(c.UserContext(), t)
	if err != nil {
		return err
	}
	ctx := context.WithValue(c.UserContext(), sessionKey{}, sess)
	c.SetUserContext(auth.WithPrincipal(ctx, sess.Principal))

	if known && rt.Mutation() {
		return s.audited(c, rt, sess.Principal)
	}
	return c.Next()
}

func sameOrigin(c *fiber.Ctx) bool {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true // not a browser's cross-site request (browsers send Origin on them)
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == c.Hostname()
}

// limitTown takes a token from the bucket of the town the request acts in. A town role is
// counted against its own town only, so nobody can use up another town's allowance.
func (s *Server) limitTown(c *fiber.Ctx, rt routes.Route, p auth.Principal) error {
	key := p.Town
	if p.Role.CountyWide() && rt.Town() {
		if t, err := tenancy.ParseTown(c.Params("town")); err == nil {
			key = t
		}
	}
	if key == "" {
		return nil
	}
	if ok, wait := s.townLimit.Allow(string(key)); !ok {
		return httpx.RetryAfter(ErrRateLimited, wait)
	}
	return nil
}

// audited runs the rest of the chain and appends the audit record with the status the
// client gets. A failure to write the record is logged; the change itself has happened.
func (s *Server) audited(c *fiber.Ctx, rt routes.Route, p auth.Principal) error {
	if err := c.Next(); err != nil {
		if herr := c.App().Config().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	target := map[string]string{}
	for _, name := range c.Route().Params {
		target[name] = clip(c.Params(name), 128)
	}
	rec := audit.Record{
		AccountID: p.AccountID, Name: p.Name, Role: p.Role,
		Town:   auditTown(c, rt, p),
		Action: rt.ID, Method: rt.Method, Path: clip(c.Path(), 512), Target: target,
		Result: c.Response().StatusCode(), RequestID: httpx.RequestID(c.UserContext()),
	}
	if err := s.app.Audit.Record(c.UserContext(), rec); err != nil {
		s.cfg.Log.ErrorContext(c.UserContext(), "writing an audit record failed", "action", rt.ID, "err", err)
	}
	return nil
}

// auditTown is the town whose log gets the record: the route's town when the caller may act
// in it, else the caller's own town, else none (the county's log).
func auditTown(c *fiber.Ctx, rt routes.Route, p auth.Principal) tenancy.TownCode {
	if rt.Town() && rt.ID != "eraseTown" {
		if t, err := tenancy.ParseTown(c.Params("town")); err == nil && p.CanAccessTown(t) {
			return t
		}
	}
	return p.Town
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// knownTown refuses a town that does not exist (404, like a town one may not see) and
// changes to an archived town (409). It follows auth.TownParam.
func (s *Server) knownTown(rt routes.Route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		code, err := tenancy.TownFrom(c.UserContext())
		if err != nil {
			return errs.ErrUnauthorized
		}
		st, err := s.app.Directory.Lookup(c.UserContext(), code)
		if err != nil {
			return err
		}
		if !st.Exists {
			return auth.ErrTownNotFound
		}
		if !st.Active && rt.Mutation() {
			return town.ErrArchived
		}
		return c.Next()
	}
}

// setSessionCookie hands the console its token; Secure when the request came over HTTPS or
// the deployment says TLS ends in front of the gateway.
func (s *Server) setSessionCookie(c *fiber.Ctx, tok string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name:     SessionCookie,
		Value:    tok,
		Path:     "/",
		Expires:  expires,
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode,
		Secure:   s.cfg.CookieSecure || c.Protocol() == "https",
	})
}

func (s *Server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name: SessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode,
		Secure: s.cfg.CookieSecure || c.Protocol() == "https",
	})
}
