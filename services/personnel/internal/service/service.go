// Package service wires personnel together; main and the component tests share it.
package service

import (
	"context"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/process"
	"dundian.local/libs/routes"
	"dundian.local/services/personnel/internal/adapters"
	"dundian.local/services/personnel/internal/app"
	porthttp "dundian.local/services/personnel/internal/ports/http"
)

// Name is the service's name, collection prefix and consumer group.
const Name = "personnel"

// New builds personnel on a process: routes, the outbox relay and the event consumer.
func New(ctx context.Context, p *process.Process) (app.Application, error) {
	st := p.Store.Service(Name)
	ob, err := outbox.New(outbox.Config{Client: p.Store, Prefix: Name, Publisher: p.Publisher, Topic: events.Topic(events.Personnel), Log: p.Log})
	if err != nil {
		return app.Application{}, err
	}
	a := app.New(adapters.NewCommunities(st, ob))
	if err := routes.Mount(p.App, routes.Personnel, p.Identity(), porthttp.Routes(a)); err != nil {
		return app.Application{}, err
	}
	consumer, err := bus.NewConsumer(bus.ConsumerConfig{
		Brokers: p.Config.KafkaBrokers,
		Group:   Name,
		Topics:  []string{events.Topic(events.Platform)},
		Handler: adapters.EventHandler(a),
		Log:     p.Log,
	})
	if err != nil {
		return app.Application{}, err
	}
	if err := p.PrepareTowns(Name, adapters.Collections, adapters.Indexes); err != nil {
		return app.Application{}, err
	}
	p.Go("outbox", ob.Run)
	p.Go("consumer", consumer.Run)
	return a, nil
}

// Start is New for main, which needs only the error.
func Start(ctx context.Context, p *process.Process) error {
	_, err := New(ctx, p)
	return err
}
