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

// New builds assessment on a process: its routes of the table, the outbox relay, the
// consumer of the events it follows and the preparation of every new town's collections.
func New(ctx context.Context, p *process.Process) (app.Application, error) {
	st := p.Store.Service(Name)
	ob, err := outbox.New(outbox.Config{Client: p.Store, Prefix: Name, Publisher: p.Publisher, Topic: events.Topic(events.Assessment), Log: p.Log})
	if err != nil {
		return app.Application{}, err
	}
	cals := platformcopy.New(st)
	a := app.New(adapters.NewStores(st, ob, cals), func() time.Time { return time.Now().UTC() })
	if err := p.Mount(routes.Assessment, porthttp.Routes(a)); err != nil {
		return app.Application{}, err
	}
	// One consumer follows the other services' records (the indicator inputs and the recall
	// triggers), the platform's calendar, and this service's own findings and finalised
	// results (the county's comparison reads a county-wide copy of them).
	topics := []string{events.Topic(events.Platform), events.Topic(events.Personnel), events.Topic(events.Fieldwork),
		events.Topic(events.Petitions), events.Topic(events.Reporting), events.Topic(events.Assessment)}
	if err := p.Consume(Name, topics, adapters.EventHandler(a, adapters.NewResults(st), cals)); err != nil {
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
