// Package guard holds the public page's abuse defences that need no third-party service:
// token-bucket rate limits, a self-hosted proof-of-work challenge and text fingerprints for
// duplicate detection.
package guard

import (
	"sync"
	"time"
)

// Limiter is a set of token buckets, one per key (a client address, a community). It lives
// in the process: with several replicas each keeps its own buckets, so the effective limit
// is the configured one times the number of replicas.
type Limiter struct {
	burst  float64
	refill time.Duration // time to regain one token

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter allows burst requests at once per key and one more every refill.
func NewLimiter(burst int, refill time.Duration) *Limiter {
	return &Limiter{burst: float64(burst), refill: refill, buckets: map[string]*bucket{}}
}

// Allow takes a token of key at now; when there is none it says how long until there is.
func (l *Limiter) Allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = min(l.burst, b.tokens+float64(elapsed)/float64(l.refill))
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.refill))
}

// sweep forgets buckets that have filled up again, so the map stays as small as the set
// of recently active keys.
func (l *Limiter) sweep(now time.Time) {
	full := time.Duration(l.burst * float64(l.refill))
	if now.Sub(l.swept) < full {
		return
	}
	l.swept = now
	for k, b := range l.buckets {
		if now.Sub(b.at) >= full {
			delete(l.buckets, k)
		}
	}
}
