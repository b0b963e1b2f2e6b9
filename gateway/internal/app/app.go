// Package app holds the gateway's use cases: identity (login, tokens, passwords), the tenant
// registry (towns, import, export, erasure), accounts, per-town settings, the programme
// calendar, jobs and the audit log. Every rule about who may do what is enforced here, not
// only by the route table's roles.
package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
)

// Deps are the adapters and settings the use cases run on.
type Deps struct {
	Towns       Towns
	Accounts    Accounts
	Throttles   Throttles
	Revocations Revocations
	Settings    SettingsStore
	Calendars   Calendars
	Jobs        Jobs
	Audit       AuditLog
	Erasures    Erasures
	TownData    TownData
	Passwords   Passwords
	// AccessSigner and AccessVerifier make and check the console's access tokens.
	AccessSigner   *auth.Signer
	AccessVerifier *auth.Verifier
	Log            *slog.Logger
	Now            func() time.Time // default time.Now
	// SessionCacheTTL is how long this replica trusts what it read of an account and of a
	// token's revocation (see sessionCache); 0 reads the store on every request.
	SessionCacheTTL time.Duration
}

// Application is every use case of the gateway.
type Application struct {
	Identity  *Identity
	Registry  *Registry
	Accounts  *AccountAdmin
	Settings  *TownSettings
	Calendar  *Calendar
	Audit     *Audit
	Jobs      *JobQueries
	Directory *Directory
	Runner    *Runner
}

// New wires the use cases.
func New(d Deps) *Application {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	sessions := newSessionCache(d.SessionCacheTTL, d.Now)
	d.Accounts = cachedAccounts{Accounts: d.Accounts, cache: sessions}
	d.Revocations = cachedRevocations{Revocations: d.Revocations, cache: sessions}
	runner := NewRunner(d.Log)
	dir := NewDirectory(d.Towns, 10*time.Second, d.Now)
	return &Application{
		Identity:  &Identity{d: d, sessions: sessions},
		Registry:  &Registry{d: d, runner: runner, dir: dir},
		Accounts:  &AccountAdmin{d: d},
		Settings:  &TownSettings{d: d, dir: dir},
		Calendar:  &Calendar{d: d, dir: dir},
		Audit:     &Audit{d: d, dir: dir},
		Jobs:      &JobQueries{d: d},
		Directory: dir,
		Runner:    runner,
	}
}

// newID is a UUIDv7: ids sort by creation time.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// actor returns the verified caller, or errs.ErrUnauthorized.
func actor(ctx context.Context) (auth.Principal, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return auth.Principal{}, errUnauthorized
	}
	return p, nil
}
