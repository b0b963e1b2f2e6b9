package security

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
)

// noisyTown: on a gateway that allows each town one request a second (bursts of five), town A
// sending far more than that is slowed down with 429 and a problem+json body, while town B's
// requests, in the middle of it, still succeed. How much B's latency suffers is measured in
// tools/bench; this proves only that B is not refused.
func noisyTown(t *testing.T, s *system, a, b *town) {
	pathA := s.noisy + "/api/v1/towns/" + a.code + "/communities"
	pathB := s.noisy + "/api/v1/towns/" + b.code + "/communities"
	limited := 0
	start := time.Now()
	for i := range 30 {
		r := call(t, "GET", pathA, a.tokens[auth.TownAdmin], nil)
		if r.status == http.StatusTooManyRequests {
			limited++
			requireProblem(t, r)
			require.NotEmpty(t, r.header.Get("Retry-After"), "a 429 says when to come back")
		} else {
			require.Equal(t, http.StatusOK, r.status, string(r.body))
		}
		if i%10 == 9 {
			must(t, http.StatusOK, "GET", pathB, b.tokens[auth.TownAdmin], nil)
		}
	}
	// The burst, plus one request for every second the loop took (and one for rounding).
	allowed := 5 + int(time.Since(start).Seconds()) + 1
	require.LessOrEqual(t, 30-limited, allowed, "town A got more than its allowance")
	require.Positive(t, limited)

	// A county account acting in town A draws on town A's allowance too, not on its own.
	refused := false
	for range 10 {
		if call(t, "GET", pathA, s.admin, nil).status == http.StatusTooManyRequests {
			refused = true
			break
		}
	}
	require.True(t, refused, "a county account in the noisy town is slowed down with it")
	must(t, http.StatusOK, "GET", pathB, s.admin, nil)
}
