package app

import (
	"context"
	"log/slog"
	"sync"
)

// Runner runs jobs started by requests beyond the request's end and stops them at shutdown.
// A job keeps the request's values (trace, principal) but not its cancellation.
type Runner struct {
	log *slog.Logger

	mu      sync.Mutex
	stopped bool
	cancels map[int]context.CancelFunc
	next    int
	wg      sync.WaitGroup
}

// NewRunner returns a runner that accepts jobs until Run's context ends.
func NewRunner(log *slog.Logger) *Runner {
	return &Runner{log: log, cancels: map[int]context.CancelFunc{}}
}

// Start runs fn in the background. It reports false when the runner has stopped.
func (r *Runner) Start(ctx context.Context, name string, fn func(ctx context.Context)) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return false
	}
	jctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	id := r.next
	r.next++
	r.cancels[id] = cancel
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer func() {
			r.mu.Lock()
			delete(r.cancels, id)
			r.mu.Unlock()
			cancel()
		}()
		defer func() {
			if v := recover(); v != nil {
				r.log.ErrorContext(jctx, "background job panicked", "job", name, "panic", v)
			}
		}()
		fn(jctx)
	}()
	return true
}

// Run waits until ctx ends, then cancels the running jobs and waits for them to return. A
// cancelled job stops sending heartbeats and is reported as interrupted.
func (r *Runner) Run(ctx context.Context) error {
	<-ctx.Done()
	r.mu.Lock()
	r.stopped = true
	for _, cancel := range r.cancels {
		cancel()
	}
	r.mu.Unlock()
	r.wg.Wait()
	return nil
}

// Wait blocks until every job started so far has returned (tests).
func (r *Runner) Wait() { r.wg.Wait() }
