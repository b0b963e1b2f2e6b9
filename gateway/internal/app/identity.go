package app

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"

	"dundian.local/gateway/internal/domain/account"
)

// Access tokens: signed by the gateway for the console, 12 hours.
const (
	AccessIssuer   = "dundian-gateway"
	AccessAudience = "dundian-console"
	AccessTTL      = 12 * time.Hour
)

var errUnauthorized = errs.ErrUnauthorized

// maxVerifiedTokens bounds the verified-token memory (a token is a few hundred bytes).
const maxVerifiedTokens = 50_000

// LockedError is a refused login with the time left until the lock ends.
type LockedError struct {
	After time.Duration
}

func (e *LockedError) Error() string { return account.ErrLocked.Error() }
func (e *LockedError) Unwrap() error { return account.ErrLocked }

// Identity logs accounts in and out and turns access tokens into sessions.
type Identity struct {
	d        Deps
	sessions *sessionCache

	verifiedMu sync.Mutex
	verified   map[string]Token // by the token's text; see Verify

	dummyOnce sync.Once
	dummy     string
}

// Session is a verified access token and the account behind it as it is now.
type Session struct {
	Principal auth.Principal
	TokenID   string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// LoginResult is what a successful login returns.
type LoginResult struct {
	Token     string          `json:"token"`
	ExpiresAt time.Time       `json:"expiresAt"`
	Account   account.Account `json:"account"`
}

// dummyHash is checked against when the username does not exist, so that a login takes as
// long whether it does or not.
func (i *Identity) dummyHash() string {
	i.dummyOnce.Do(func() {
		h, err := i.d.Passwords.Hash("no such account, only for timing")
		if err == nil {
			i.dummy = h
		}
	})
	return i.dummy
}

// Login checks a username and password. Failures are counted per username typed — existing
// or not — and lock it for account.LockFor after account.MaxFailures.
func (i *Identity) Login(ctx context.Context, username, password string) (LoginResult, error) {
	name := account.NormalizeUsername(username)
	if name == "" || password == "" || len(password) > account.MaxPasswordBytes || len(name) > 64 {
		return LoginResult{}, account.ErrBadCredentials
	}
	now := i.d.Now()
	th, err := i.d.Throttles.Get(ctx, name)
	if err != nil {
		return LoginResult{}, err
	}
	if left, locked := th.Locked(now); locked {
		return LoginResult{}, &LockedError{After: left}
	}
	acc, err := i.d.Accounts.ByUsername(ctx, name)
	switch {
	case errors.Is(err, account.ErrNotFound):
		i.d.Passwords.Verify(i.dummyHash(), password)
		return LoginResult{}, i.fail(ctx, name, now)
	case err != nil:
		return LoginResult{}, err
	case !i.d.Passwords.Verify(acc.PasswordHash, password):
		return LoginResult{}, i.fail(ctx, name, now)
	case !acc.CanLogIn():
		return LoginResult{}, account.ErrDisabled
	}
	if th.Failures > 0 {
		if err := i.d.Throttles.Clear(ctx, name); err != nil {
			return LoginResult{}, err
		}
	}
	return i.issue(acc)
}

func (i *Identity) fail(ctx context.Context, name string, now time.Time) error {
	th, err := i.d.Throttles.Fail(ctx, name, now)
	if err != nil {
		return err
	}
	if th.ShouldLock() {
		if err := i.d.Throttles.Lock(ctx, name, now.Add(account.LockFor)); err != nil {
			return err
		}
	}
	return account.ErrBadCredentials
}

func (i *Identity) issue(acc account.Account) (LoginResult, error) {
	tok, err := i.d.AccessSigner.Sign(acc.Principal())
	if err != nil {
		return LoginResult{}, err
	}
	c, err := readClaims(tok)
	if err != nil {
		return LoginResult{}, err
	}
	return LoginResult{Token: tok, ExpiresAt: c.expires, Account: acc}, nil
}

// Token is an access token whose signature and lifetime were checked; its principal is the
// one signed at login. Verifying costs no store read, so a caller can be refused (rate limit)
// before Authenticate reads anything.
type Token struct {
	Principal auth.Principal
	claims    tokenClaims
}

// Verify checks an access token's signature, issuer, audience and lifetime. A token that
// verified once is remembered by its exact text until it expires: the same bytes verify the
// same way, and the signature check is the largest CPU cost of a proxied request.
func (i *Identity) Verify(token string) (Token, error) {
	now := i.d.Now()
	i.verifiedMu.Lock()
	t, ok := i.verified[token]
	i.verifiedMu.Unlock()
	if ok {
		if !now.Before(t.claims.expires) {
			return Token{}, errUnauthorized
		}
		return t, nil
	}
	p, err := i.d.AccessVerifier.Verify(token)
	if err != nil {
		return Token{}, err
	}
	c, err := readClaims(token)
	if err != nil || c.id == "" {
		return Token{}, errUnauthorized
	}
	t = Token{Principal: p, claims: c}
	i.verifiedMu.Lock()
	if i.verified == nil || len(i.verified) >= maxVerifiedTokens {
		i.verified = map[string]Token{} // expired tokens go with the rest; live ones verify again
	}
	i.verified[strings.Clone(token)] = t // the caller's string may live in a reused buffer
	i.verifiedMu.Unlock()
	return t, nil
}

// Authenticate turns a verified token into the session. The principal is built from the
// account as it is now, so a changed role or a disabled account takes effect at once on this
// replica (within the session cache's ttl on the others); a token issued before the last
// password change or logged out is refused.
func (i *Identity) Authenticate(ctx context.Context, t Token) (Session, error) {
	c := t.claims
	if c.id == "" {
		return Session{}, errUnauthorized
	}
	revoked, err := i.sessions.revoked(ctx, c.id, i.d.Revocations.Revoked)
	if err != nil {
		return Session{}, err
	}
	if revoked {
		return Session{}, errUnauthorized
	}
	acc, err := i.sessions.account(ctx, t.Principal.AccountID, i.d.Accounts.Get)
	if errors.Is(err, account.ErrNotFound) {
		return Session{}, errUnauthorized
	}
	if err != nil {
		return Session{}, err
	}
	if !acc.CanLogIn() || c.issued.Before(acc.PasswordChangedAt.Truncate(time.Second)) {
		return Session{}, errUnauthorized
	}
	return Session{Principal: acc.Principal(), TokenID: c.id, IssuedAt: c.issued, ExpiresAt: c.expires}, nil
}

// Logout revokes the session's token until it would have expired.
func (i *Identity) Logout(ctx context.Context, s Session) error {
	return i.d.Revocations.Revoke(ctx, s.TokenID, s.ExpiresAt)
}

// PurgeRevocations forgets logged-out tokens that have expired anyway.
func (i *Identity) PurgeRevocations(ctx context.Context, now time.Time) (int, error) {
	return i.d.Revocations.Purge(ctx, now)
}

// Me returns the caller's account.
func (i *Identity) Me(ctx context.Context) (account.Account, error) {
	p, err := actor(ctx)
	if err != nil {
		return account.Account{}, err
	}
	return i.d.Accounts.Get(ctx, p.AccountID)
}

// ChangePassword replaces the caller's password after checking the current one. Every token
// issued before is refused from now on; the caller gets a new one.
func (i *Identity) ChangePassword(ctx context.Context, old, next string) (LoginResult, error) {
	p, err := actor(ctx)
	if err != nil {
		return LoginResult{}, err
	}
	now := i.d.Now()
	acc, err := i.d.Accounts.Get(ctx, p.AccountID)
	if err != nil {
		return LoginResult{}, err
	}
	th, err := i.d.Throttles.Get(ctx, acc.Username)
	if err != nil {
		return LoginResult{}, err
	}
	if left, locked := th.Locked(now); locked {
		return LoginResult{}, &LockedError{After: left}
	}
	if len(old) > account.MaxPasswordBytes || !i.d.Passwords.Verify(acc.PasswordHash, old) {
		if err := i.fail(ctx, acc.Username, now); !errors.Is(err, account.ErrBadCredentials) {
			return LoginResult{}, err
		}
		return LoginResult{}, account.ErrWrongOldPassword.WithFields(errs.FieldError{
			Field: "oldPassword", Slug: "wrong", Message: account.ErrWrongOldPassword.Message, Zh: account.ErrWrongOldPassword.Zh,
		})
	}
	if err := account.CheckPassword(acc.Username, next); err != nil {
		return LoginResult{}, err
	}
	if old == next {
		return LoginResult{}, account.ErrWeakPassword.WithDetail("the new password must differ from the old one", "新密码不能与原密码相同")
	}
	updated, err := setPassword(ctx, i.d, p, acc, next)
	if err != nil {
		return LoginResult{}, err
	}
	return i.issue(updated)
}

// setPassword hashes and stores a new password; tokens issued before it stop working.
func setPassword(ctx context.Context, d Deps, by auth.Principal, acc account.Account, password string) (account.Account, error) {
	hash, err := d.Passwords.Hash(password)
	if err != nil {
		return account.Account{}, err
	}
	changed := acc.SetPassword(hash, d.Now())
	ev, err := accountEvent(events.AccountChanged, by, changed)
	if err != nil {
		return account.Account{}, err
	}
	return d.Accounts.Update(ctx, changed, ev)
}

// Bootstrap creates the first county administrator when no account exists at all; on a
// deployment that has accounts it does nothing.
func (i *Identity) Bootstrap(ctx context.Context, username, password string) (bool, error) {
	if username == "" {
		return false, nil
	}
	anyAccount, err := i.d.Accounts.Any(ctx)
	if err != nil || anyAccount {
		return false, err
	}
	if err := account.CheckPassword(username, password); err != nil {
		return false, fmt.Errorf("DUNDIAN_BOOTSTRAP_PASSWORD: %w", err)
	}
	hash, err := i.d.Passwords.Hash(password)
	if err != nil {
		return false, err
	}
	acc, err := account.New(newID(), account.Spec{
		Username: username, DisplayName: "县委组织部管理员", Role: auth.CountyAdmin,
	}, hash, i.d.Now())
	if err != nil {
		return false, fmt.Errorf("DUNDIAN_BOOTSTRAP_ADMIN: %w", err)
	}
	system := auth.Principal{AccountID: "bootstrap", Role: auth.CountyAdmin}
	ev, err := accountEvent(events.AccountCreated, system, acc)
	if err != nil {
		return false, err
	}
	err = i.d.Accounts.Create(ctx, acc, ev)
	if errors.Is(err, account.ErrUsernameTaken) {
		return false, nil // another replica was first
	}
	return err == nil, err
}

// tokenClaims are the registered claims the session needs. They are read after the signature
// was verified, so they can be trusted.
type tokenClaims struct {
	id      string
	issued  time.Time
	expires time.Time
}

func readClaims(token string) (tokenClaims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return tokenClaims{}, errUnauthorized
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return tokenClaims{}, errUnauthorized
	}
	var c struct {
		ID  string `json:"jti"`
		Iat int64  `json:"iat"`
		Exp int64  `json:"exp"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return tokenClaims{}, errUnauthorized
	}
	return tokenClaims{id: c.ID, issued: time.Unix(c.Iat, 0), expires: time.Unix(c.Exp, 0)}, nil
}
