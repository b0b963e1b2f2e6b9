package guard_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/services/petitions/internal/domain/guard"
)

var now = time.Date(2026, 5, 10, 8, 0, 0, 0, time.UTC)

func TestLimiter_BurstThenRefill(t *testing.T) {
	t.Parallel()
	l := guard.NewLimiter(3, time.Minute)
	for i := 0; i < 3; i++ {
		ok, _ := l.Allow("a", now)
		require.True(t, ok, "request %d of the burst", i+1)
	}
	ok, wait := l.Allow("a", now)
	require.False(t, ok)
	require.Equal(t, time.Minute, wait)
	ok, _ = l.Allow("b", now)
	require.True(t, ok, "another key has its own bucket")
	ok, _ = l.Allow("a", now.Add(time.Minute))
	require.True(t, ok, "a token comes back after the refill time")
}

func challenger() guard.Challenger {
	return guard.NewChallenger([]byte("0123456789abcdef0123456789abcdef"), 2000, 10*time.Minute)
}

func solved(t *testing.T) guard.Solution {
	t.Helper()
	ch, err := challenger().Issue("330102001/330102001201", now)
	require.NoError(t, err)
	require.Equal(t, "SHA-256", ch.Algorithm)
	s, err := guard.Solve(ch)
	require.NoError(t, err)
	return s
}

func TestChallenge_VerifiesOnlyAnHonestSolution(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(s *guard.Solution)
		scope  string
		at     time.Time
		want   error
	}{
		{"the solution", func(*guard.Solution) {}, "", now, nil},
		{"a wrong number", func(s *guard.Solution) { s.Number = (s.Number + 1) % 2000 }, "", now, guard.ErrChallengeFailed},
		{"a forged signature", func(s *guard.Solution) { s.Signature = s.Signature[:10] + "00" + s.Signature[12:] }, "", now, guard.ErrChallengeFailed},
		{"a salt with a later expiry", func(s *guard.Solution) { s.Salt += "&expires=9999999999" }, "", now, guard.ErrChallengeFailed},
		{"another community", func(*guard.Solution) {}, "330102001/330102001202", now, guard.ErrChallengeFailed},
		{"another algorithm", func(s *guard.Solution) { s.Algorithm = "SHA-1" }, "", now, guard.ErrChallengeFailed},
		{"after expiry", func(*guard.Solution) {}, "", now.Add(11 * time.Minute), guard.ErrChallengeExpired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := solved(t)
			tc.change(&s)
			scope := tc.scope
			if scope == "" {
				scope = "330102001/330102001201"
			}
			err := challenger().Verify(s, scope, tc.at)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestChallenge_AnotherKeyRefuses(t *testing.T) {
	t.Parallel()
	s := solved(t)
	other := guard.NewChallenger([]byte("another key of thirty-two bytes!"), 2000, 10*time.Minute)
	require.ErrorIs(t, other.Verify(s, "330102001/330102001201", now), guard.ErrChallengeFailed)
}

func TestFingerprint_IgnoresSpacingAndPunctuation(t *testing.T) {
	t.Parallel()
	a := guard.Fingerprint("330102001201", "路灯坏了，请修理！")
	require.Equal(t, a, guard.Fingerprint("330102001201", " 路灯 坏了 请修理 "))
	require.NotEqual(t, a, guard.Fingerprint("330102001202", "路灯坏了，请修理！"), "another community")
	require.NotEqual(t, a, guard.Fingerprint("330102001201", "路灯坏了，请尽快修理"))
}
