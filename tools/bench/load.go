package main

import (
	"context"
	"sync"
	"time"
)

// result of one load round.
type result struct {
	OK, Failed int
	Elapsed    time.Duration
	Latencies  sample
	FirstErr   error
}

func (r result) throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// merge adds another round of the same kind.
func (r result) merge(o result) result {
	r.OK += o.OK
	r.Failed += o.Failed
	r.Elapsed += o.Elapsed
	r.Latencies = append(r.Latencies, o.Latencies...)
	if r.FirstErr == nil {
		r.FirstErr = o.FirstErr
	}
	return r
}

type recorder struct {
	mu  sync.Mutex
	res result
}

func (r *recorder) add(d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.res.Failed++
		if r.res.FirstErr == nil {
			r.res.FirstErr = err
		}
		return
	}
	r.res.OK++
	r.res.Latencies = append(r.res.Latencies, d)
}

// closedLoop runs conc workers that each send the next request as soon as the last one
// answered, for d: the saturation throughput.
func closedLoop(ctx context.Context, d time.Duration, conc int, call func(context.Context) error) result {
	var rec recorder
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	began := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for ctx.Err() == nil {
				t := time.Now()
				err := call(context.WithoutCancel(ctx))
				rec.add(time.Since(t), err)
			}
		})
	}
	wg.Wait()
	rec.res.Elapsed = time.Since(began)
	return rec.res
}

// openLoop starts requests at a fixed rate for d, whatever the answers do, and measures each
// from the moment it was due (so a stall shows in the latencies instead of slowing the load).
func openLoop(ctx context.Context, d time.Duration, rate float64, call func(context.Context) error) result {
	var rec recorder
	interval := time.Duration(float64(time.Second) / rate)
	began := time.Now()
	var wg sync.WaitGroup
	for i := 0; ; i++ {
		due := began.Add(time.Duration(i) * interval)
		if due.Sub(began) >= d || ctx.Err() != nil {
			break
		}
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		wg.Go(func() {
			err := call(context.WithoutCancel(ctx))
			rec.add(time.Since(due), err)
		})
	}
	wg.Wait()
	rec.res.Elapsed = time.Since(began)
	return rec.res
}
