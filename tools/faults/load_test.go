package faults

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/tenancy"
)

// load is a set of cadres writing work logs until told to stop.
type load struct {
	stop chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

// loadOpts shape a load.
type loadOpts struct {
	workers int
	pause   time.Duration // between two writes of one worker
	// keyEvery: every keyEvery-th worker sends an Idempotency-Key with its writes (0: none,
	// 1: all, 2: half, so that a scenario sees both kinds of request).
	keyEvery int
	// until ends a worker after a result (a refused connection when the server is gone).
	until func(writeResult) bool
}

// startLoad has opts.workers cadres write work logs in turn over towns; every result goes to
// the ledger.
func (r *rig) startLoad(fw *service, led *ledger, scenario string, towns []tenancy.TownCode, opts loadOpts) *load {
	l := &load{stop: make(chan struct{})}
	var seq atomic.Int64
	for w := range opts.workers {
		l.wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				n := int(seq.Add(1))
				tok := token(scenario, n)
				key := ""
				if opts.keyEvery > 0 && w%opts.keyEvery == 0 {
					key = tok
				}
				// Not the scenario's context: a request cut by the test itself is no fault's doing.
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				res := r.writeLog(ctx, fw, towns[n%len(towns)], fmt.Sprintf("c%d", w), tok, key)
				cancel()
				led.record(res)
				if opts.until != nil && opts.until(res) {
					return
				}
				if opts.pause > 0 {
					select {
					case <-l.stop:
						return
					case <-time.After(opts.pause):
					}
				}
			}
		})
	}
	return l
}

// halt stops the writers and waits for their last requests.
func (l *load) halt() {
	l.once.Do(func() { close(l.stop) })
	l.wg.Wait()
}

// writeBatch writes n work logs with a few concurrent cadres and requires every one accepted.
func (r *rig) writeBatch(fw *service, led *ledger, scenario string, towns []tenancy.TownCode, n int) {
	r.t.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	results := make(chan writeResult, n)
	for w := range 4 {
		wg.Go(func() {
			for {
				i := int(next.Add(1))
				if i > n {
					return
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				res := r.writeLog(ctx, fw, towns[i%len(towns)], fmt.Sprintf("c%d", w), token(scenario, i), "")
				cancel()
				led.record(res)
				results <- res
			}
		})
	}
	wg.Wait()
	close(results)
	for res := range results {
		require.NoError(r.t, res.err, res.token)
		require.Equal(r.t, 201, res.status, "%s: %s %s", res.token, res.code, res.detail)
	}
}

func towns(n int) []tenancy.TownCode {
	out := make([]tenancy.TownCode, n)
	for i := range out {
		out[i] = town(i)
	}
	return out
}
