package ratelimit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/gateway/internal/ratelimit"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestAllow_BurstThenRefillsAtTheRate(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Unix(1000, 0)}
	l := ratelimit.NewWithClock(2, 3, c.now) // 2 per second, bursts of 3
	for range 3 {
		ok, _ := l.Allow("1.2.3.4")
		require.True(t, ok)
	}
	ok, wait := l.Allow("1.2.3.4")
	require.False(t, ok)
	require.Equal(t, 500*time.Millisecond, wait)

	ok, _ = l.Allow("5.6.7.8")
	require.True(t, ok, "another key has its own bucket")

	c.t = c.t.Add(500 * time.Millisecond)
	ok, _ = l.Allow("1.2.3.4")
	require.True(t, ok)
	ok, _ = l.Allow("1.2.3.4")
	require.False(t, ok)
}

func TestAllow_ZeroRateDisablesTheLimit(t *testing.T) {
	t.Parallel()
	l := ratelimit.New(0, 0)
	for range 1000 {
		ok, _ := l.Allow("x")
		require.True(t, ok)
	}
}

func TestSweep_DropsIdleBuckets(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Unix(1000, 0)}
	l := ratelimit.NewWithClock(10, 10, c.now)
	for _, k := range []string{"a", "b", "c"} {
		l.Allow(k)
	}
	require.Equal(t, 3, l.Len())
	c.t = c.t.Add(2 * time.Minute)
	l.Allow("d")
	require.Equal(t, 1, l.Len())
}
