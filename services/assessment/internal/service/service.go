// Package service wires assessment together; main and the component tests share it.
package service

import (
	"context"
	"time"

	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/process"
	"dundian.local/libs/routes"
	"dundian.local/services/assessment/internal/adapters"
	"dundian.local/services/assessment/internal/app"
	porthttp "dundian.local/services/assessment/internal/ports/http"
)

// Name is the service's name, collection prefix and consumer group.
const Name = "assessment"

// New builds assessment on a process: its routes of the table, the outbox relay, the
// consumer of its results and the preparation of every new town's collections.
func New(ctx context.Context, p *process.Process) (app.Application, error) {
	st := p.Store.Service(Name)
	ob, err := outbox.New(outbox.Config{Client: p.Store, Prefix: Name, Publisher: p.Publisher, Topic: events.Topic(events.Assessment), Log: p.Log})
	if err != nil {
		return app.Application{}, err
	}
	a := app.New(adapters.NewStores(st, ob), func() time.Time { return time.Now().UTC() })
	if err := p.Mount(routes.Assessment, porthttp.Routes(a)); err != nil {
		return app.Application{}, err
	}
	// The county's comparison reads a county-wide copy of the finalised results, filled
	// from this service's own events.
	if err := p.Consume(Name, []string{events.Topic(events.Assessment)}, adapters.NewResults(st).EventHandler()); err != nil {
		return app.Application{}, err
	}
	if err := p.PrepareTowns(Name, adapters.Collections, adapters.Indexes); err != nil {
		return app.Application{}, err
	}
	p.Go("outbox", ob.Run)
	return a, nil
}

// Start is New for main, which needs only the error.
func Start(ctx context.Context, p *process.Process) error {
	_, err := New(ctx, p)
	return err
}
