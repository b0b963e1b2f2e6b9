package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/domain/account"
)

// sessionCache keeps what Authenticate reads from the store — the account as it is now and
// whether a token was logged out — so that a request does not cost the store two reads.
//
// It is per replica. Every account write and logout of THIS replica goes through the
// decorators below and takes effect here at once; a change made by another replica (or
// directly in the store) is seen here within ttl at the latest. A logged-out token or a
// disabled account therefore still works for up to ttl on the other replicas: the same kind
// of bound the internal token's lifetime already accepts. A ttl of 0 turns the cache off.
type sessionCache struct {
	ttl time.Duration
	now func() time.Time

	mu  sync.Mutex
	gen uint64 // bumped by every invalidation; a read that raced one is not kept
	acc map[string]cachedAccount
	rev map[string]cachedRevocation
}

type cachedAccount struct {
	acc      account.Account
	notFound bool
	at       time.Time
}

type cachedRevocation struct {
	revoked bool
	at      time.Time
}

// maxSessionEntries bounds each map: a flood of distinct tokens cannot grow it without limit.
const maxSessionEntries = 100_000

func newSessionCache(ttl time.Duration, now func() time.Time) *sessionCache {
	return &sessionCache{ttl: ttl, now: now, acc: map[string]cachedAccount{}, rev: map[string]cachedRevocation{}}
}

// account returns the account by id, from the cache while fresh, else by load.
func (c *sessionCache) account(ctx context.Context, id string, load func(context.Context, string) (account.Account, error)) (account.Account, error) {
	if c.ttl <= 0 {
		return load(ctx, id)
	}
	now := c.now()
	c.mu.Lock()
	e, ok := c.acc[id]
	gen := c.gen
	c.mu.Unlock()
	if ok && now.Sub(e.at) < c.ttl {
		if e.notFound {
			return account.Account{}, account.ErrNotFound
		}
		return e.acc, nil
	}
	a, err := load(ctx, id)
	notFound := errors.Is(err, account.ErrNotFound)
	if err != nil && !notFound {
		return account.Account{}, err
	}
	c.mu.Lock()
	if c.gen == gen {
		if len(c.acc) >= maxSessionEntries {
			clear(c.acc)
		}
		c.acc[id] = cachedAccount{acc: a, notFound: notFound, at: now}
	}
	c.mu.Unlock()
	return a, err
}

// revoked says whether the token was logged out, from the cache while fresh, else by load.
// A revocation is final, so a known one is kept until the entry is evicted.
func (c *sessionCache) revoked(ctx context.Context, tokenID string, load func(context.Context, string) (bool, error)) (bool, error) {
	if c.ttl <= 0 {
		return load(ctx, tokenID)
	}
	now := c.now()
	c.mu.Lock()
	e, ok := c.rev[tokenID]
	gen := c.gen
	c.mu.Unlock()
	if ok && (e.revoked || now.Sub(e.at) < c.ttl) {
		return e.revoked, nil
	}
	revoked, err := load(ctx, tokenID)
	if err != nil {
		return false, err
	}
	c.mu.Lock()
	if c.gen == gen {
		if len(c.rev) >= maxSessionEntries {
			clear(c.rev)
		}
		c.rev[tokenID] = cachedRevocation{revoked: revoked, at: now}
	}
	c.mu.Unlock()
	return revoked, nil
}

// forgetAccount drops an account this replica changed.
func (c *sessionCache) forgetAccount(id string) {
	c.mu.Lock()
	c.gen++
	delete(c.acc, id)
	c.mu.Unlock()
}

// forgetAccounts drops every account (after a whole town's accounts were deleted).
func (c *sessionCache) forgetAccounts() {
	c.mu.Lock()
	c.gen++
	clear(c.acc)
	c.mu.Unlock()
}

// markRevoked records a logout of this replica.
func (c *sessionCache) markRevoked(tokenID string) {
	c.mu.Lock()
	c.gen++
	if len(c.rev) >= maxSessionEntries {
		clear(c.rev)
	}
	c.rev[tokenID] = cachedRevocation{revoked: true, at: c.now()}
	c.mu.Unlock()
}

// cachedAccounts invalidates the session cache on every account write, whoever in the
// application makes it, so no use case can forget to.
type cachedAccounts struct {
	Accounts
	cache *sessionCache
}

func (a cachedAccounts) Create(ctx context.Context, acc account.Account, ev events.Envelope) error {
	defer a.cache.forgetAccount(acc.ID)
	return a.Accounts.Create(ctx, acc, ev)
}

func (a cachedAccounts) Update(ctx context.Context, acc account.Account, ev events.Envelope) (account.Account, error) {
	defer a.cache.forgetAccount(acc.ID)
	return a.Accounts.Update(ctx, acc, ev)
}

func (a cachedAccounts) DeleteTown(ctx context.Context, town tenancy.TownCode) (int, error) {
	defer a.cache.forgetAccounts()
	return a.Accounts.DeleteTown(ctx, town)
}

// cachedRevocations records this replica's logouts in the session cache.
type cachedRevocations struct {
	Revocations
	cache *sessionCache
}

func (r cachedRevocations) Revoke(ctx context.Context, tokenID string, expires time.Time) error {
	if err := r.Revocations.Revoke(ctx, tokenID, expires); err != nil {
		return err
	}
	r.cache.markRevoked(tokenID)
	return nil
}
