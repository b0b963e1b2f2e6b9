package guard_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/services/petitions/internal/domain/guard"
)

// FuzzVerify: a solution changed in any way — salt, number, challenge, signature, scope —
// passes only if it still proves the work for the scope it was issued for, before its expiry;
// every refusal is one of the guard's own errors.
func FuzzVerify(f *testing.F) {
	const scope = "330102001/330102001201"
	c := guard.NewChallenger([]byte("0123456789abcdef0123456789abcdef"), 50, 10*time.Minute)
	issued := time.Unix(1_780_000_000, 0)
	ch, err := c.Issue(scope, issued)
	require.NoError(f, err)
	sol, err := guard.Solve(ch)
	require.NoError(f, err)
	for _, seed := range []struct {
		salt, extra, challenge, signature, scope string
		number                                   int
		late                                     int64
	}{
		{"", "", "", "", scope, 0, 0},
		{"", "&scope=330102001%2F330102001202", "", "", scope, 0, 0},
		{"", "9", "", "", scope, 0, 0},
		{"", "", "", "", "330102001/330102001202", 0, 0},
		{"", "", "", "", scope, 1, 0},
		{"", "", "", "", scope, 0, 601},
		{"x?expires=99999999999&scope=" + url.QueryEscape(scope), "", "", "", scope, 0, 0},
		{"", "", strings.Repeat("0", 64), "", scope, 0, 0},
		{"", "", "", strings.Repeat("f", 64), scope, 0, 0},
	} {
		f.Add(seed.salt, seed.extra, seed.challenge, seed.signature, seed.scope, seed.number, seed.late)
	}
	f.Fuzz(func(t *testing.T, salt, extra, challenge, signature, scopeAsked string, number int, late int64) {
		s := sol
		if salt != "" {
			s.Salt = salt
		}
		s.Salt += extra
		if challenge != "" {
			s.Challenge = challenge
		}
		if signature != "" {
			s.Signature = signature
		}
		s.Number += number
		at := issued.Add(time.Duration(late%100_000) * time.Second)
		err := c.Verify(s, scopeAsked, at)
		if err != nil {
			require.True(t, errors.Is(err, guard.ErrChallengeFailed) || errors.Is(err, guard.ErrChallengeExpired), "%v", err)
			return
		}
		// Accepted: it must be the issued proof for the asked scope, in time. (Moving digits
		// between the salt and the number gives the same hash, so the salt may differ only by
		// digits taken from the number; its scope and expiry are then checked as they read.)
		require.Equal(t, scope, scopeAsked)
		require.Equal(t, sol.Challenge, s.Challenge)
		require.Equal(t, sol.Signature, s.Signature)
		require.False(t, at.After(c.Expires(sol)), "accepted after the issued expiry")
		_, query, _ := strings.Cut(s.Salt, "?")
		params, err := url.ParseQuery(query)
		require.NoError(t, err)
		require.Equal(t, scope, params.Get("scope"))
	})
}
