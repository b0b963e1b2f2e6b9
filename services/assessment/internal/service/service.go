// Package service wires assessment together; main and the component tests share it.
package service

import (
	"context"
	"time"

	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/platformcopy"
	"dundian.local/libs/process"
	"dundian.local/libs/routes"
	"dundian.local/services/assessment/internal/adapters"
	"dundian.local/services/assessment/internal/app"
	porthttp "dundian.local/services/assessment/internal/ports/http"
)

// Name is the service's name, collection prefix and consumer group.
const Name = "assessment"

// Options adjust the service; the zero value is production's.
type Options struct {
	Now func() time.Time // the clock; time.Now when nil
	// SweepEvery is how often every cadre's recall triggers are checked; six hours when zero.
	SweepEvery time.Duration
}

// New builds assessment on a process: its routes of the table, the outbox relay, the
// consumer of the events it follows, the periodic check of the recall triggers and the
// preparation of every new town's collections.
func New(ctx context.Context, p *process.Process, opt Options) (app.Application, error) {
	st := p.Store.Service(Name)
	ob, err := outbox.New(outbox.Config{Client: p.Store, Prefix: Name, Publisher: p.Publisher, Topic: events.Topic(events.Assessment), Log: p.Log})
	if err != nil {
		return app.Application{}, err
	}
	cals := platformcopy.New(st)
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	a := app.New(adapters.NewStores(st, ob, cals), func() time.Time { return now().UTC() })
	if err := p.Mount(routes.Assessment, porthttp.Routes(a)); err != nil {
		return app.Application{}, err
	}
	// One consumer follows the other services' records (the indicator inputs and the recall
	// triggers), the platform's calendar, and this service's own findings and finalised
	// results (the county's comparison reads a county-wide copy of them).
	topics := []string{events.Topic(events.Platform), events.Topic(events.Personnel), events.Topic(events.Fieldwork),
		events.Topic(events.Petitions), events.Topic(events.Reporting), events.Topic(events.Assessment)}
	if err := p.Consume(Name, topics, adapters.EventHandler(a, adapters.NewResults(st), adapters.NewTowns(st), cals)); err != nil {
		return app.Application{}, err
	}
	if err := p.PrepareTowns(Name, adapters.Collections, adapters.Indexes); err != nil {
		return app.Application{}, err
	}
	p.Go("outbox", ob.Run)
	p.Go("triggers", func(ctx context.Context) error { return sweepEvery(ctx, p, a, opt.SweepEvery) })
	return a, nil
}

// sweepEvery checks every cadre's recall triggers until ctx ends; a failed round is logged
// and tried again at the next tick.
func sweepEvery(ctx context.Context, p *process.Process, a app.Application, every time.Duration) error {
	if every <= 0 {
		every = 6 * time.Hour
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			n, err := a.Projection.Sweep(ctx)
			if err != nil && ctx.Err() == nil {
				p.Log.Warn("checking the recall triggers failed; retrying at the next tick", "err", err)
				continue
			}
			p.Log.Info("checked the recall triggers", "cadres", n)
		}
	}
}

// Start is New for main, with production's options.
func Start(ctx context.Context, p *process.Process) error {
	_, err := New(ctx, p, Options{})
	return err
}
