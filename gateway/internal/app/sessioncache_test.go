package app

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/gateway/internal/domain/account"
)

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)} }

func TestSessionCache_Account_ReadsTheStoreOncePerTTLAndAtOnceAfterThisReplicasChange(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		ttl        time.Duration
		between    func(c *sessionCache, clk *clock)
		wantLoads  int
		wantStatus account.Status
	}{
		{"within the ttl the cached account is used", 5 * time.Second, func(_ *sessionCache, clk *clock) { clk.advance(4 * time.Second) }, 1, account.Active},
		{"after the ttl a change made elsewhere is read", 5 * time.Second, func(_ *sessionCache, clk *clock) { clk.advance(5 * time.Second) }, 2, account.Disabled},
		{"this replica's change is read at once", 5 * time.Second, func(c *sessionCache, _ *clock) { c.forgetAccount("a1") }, 2, account.Disabled},
		{"a town's erasure forgets every account", 5 * time.Second, func(c *sessionCache, _ *clock) { c.forgetAccounts() }, 2, account.Disabled},
		{"another account's change keeps this one", 5 * time.Second, func(c *sessionCache, _ *clock) { c.forgetAccount("a2") }, 1, account.Active},
		{"a ttl of 0 reads the store every time", 0, func(*sessionCache, *clock) {}, 2, account.Disabled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			c := newSessionCache(tc.ttl, clk.now)
			stored := account.Account{ID: "a1", Status: account.Active}
			loads := 0
			load := func(context.Context, string) (account.Account, error) {
				loads++
				return stored, nil
			}
			a, err := c.account(context.Background(), "a1", load)
			require.NoError(t, err)
			require.Equal(t, account.Active, a.Status)

			stored.Status = account.Disabled // changed in the store
			tc.between(c, clk)
			a, err = c.account(context.Background(), "a1", load)
			require.NoError(t, err)
			require.Equal(t, tc.wantStatus, a.Status)
			require.Equal(t, tc.wantLoads, loads)
		})
	}
}

func TestSessionCache_Account_NotFoundIsKeptAndOtherErrorsAreNot(t *testing.T) {
	t.Parallel()
	c := newSessionCache(5*time.Second, newClock().now)
	loads := 0
	missing := func(context.Context, string) (account.Account, error) {
		loads++
		return account.Account{}, account.ErrNotFound
	}
	for range 2 {
		_, err := c.account(context.Background(), "gone", missing)
		require.ErrorIs(t, err, account.ErrNotFound)
	}
	require.Equal(t, 1, loads)

	failing := func(context.Context, string) (account.Account, error) {
		loads++
		return account.Account{}, context.DeadlineExceeded
	}
	for range 2 {
		_, err := c.account(context.Background(), "down", failing)
		require.ErrorIs(t, err, context.DeadlineExceeded)
	}
	require.Equal(t, 3, loads, "a failed read is not remembered")
}

func TestSessionCache_Account_AReadRacingAChangeIsNotKept(t *testing.T) {
	t.Parallel()
	c := newSessionCache(5*time.Second, newClock().now)
	status := account.Active
	loads := 0
	load := func(context.Context, string) (account.Account, error) {
		loads++
		read := account.Account{ID: "a1", Status: status}
		if loads == 1 { // the account changes on this replica while the old state is in flight
			status = account.Disabled
			c.forgetAccount("a1")
		}
		return read, nil
	}
	_, err := c.account(context.Background(), "a1", load)
	require.NoError(t, err)
	a, err := c.account(context.Background(), "a1", load)
	require.NoError(t, err)
	require.Equal(t, account.Disabled, a.Status)
	require.Equal(t, 2, loads)
}

func TestSessionCache_Revoked_LogoutHereIsFinalAtOnce_ElsewhereWithinTTL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		between     func(c *sessionCache, clk *clock, storeRevoked *bool)
		wantRevoked bool
		wantLoads   int
	}{
		{"logged out on this replica", func(c *sessionCache, _ *clock, s *bool) { *s = true; c.markRevoked("t1") }, true, 1},
		{"logged out elsewhere, within the ttl", func(_ *sessionCache, clk *clock, s *bool) { *s = true; clk.advance(time.Second) }, false, 1},
		{"logged out elsewhere, after the ttl", func(_ *sessionCache, clk *clock, s *bool) { *s = true; clk.advance(5 * time.Second) }, true, 2},
		{"a known revocation outlives the ttl", func(c *sessionCache, clk *clock, s *bool) {
			*s = true
			c.markRevoked("t1")
			clk.advance(time.Hour)
		}, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			c := newSessionCache(5*time.Second, clk.now)
			storeRevoked, loads := false, 0
			load := func(context.Context, string) (bool, error) { loads++; return storeRevoked, nil }
			revoked, err := c.revoked(context.Background(), "t1", load)
			require.NoError(t, err)
			require.False(t, revoked)

			tc.between(c, clk, &storeRevoked)
			revoked, err = c.revoked(context.Background(), "t1", load)
			require.NoError(t, err)
			require.Equal(t, tc.wantRevoked, revoked)
			require.Equal(t, tc.wantLoads, loads)
		})
	}
}
