// Package service wires reporting together; main and the component tests share it.
package service

import (
	"context"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/process"
	"dundian.local/libs/routes"
	"dundian.local/services/reporting/internal/adapters"
	"dundian.local/services/reporting/internal/app"
	porthttp "dundian.local/services/reporting/internal/ports/http"
)

// Name is the service's name, collection prefix and consumer group.
const Name = "reporting"

// New builds reporting on a process: routes and the projection consumer.
func New(ctx context.Context, p *process.Process) (app.Application, error) {
	a := app.New(adapters.NewTowns(p.Store.Service(Name)))
	if err := routes.Mount(p.App, routes.Reporting, p.Identity(), porthttp.Routes(a)); err != nil {
		return app.Application{}, err
	}
	consumer, err := bus.NewConsumer(bus.ConsumerConfig{
		Brokers: p.Config.KafkaBrokers,
		Group:   Name,
		Topics:  []string{events.Topic(events.Platform), events.Topic(events.Personnel)},
		Handler: adapters.EventHandler(a),
		Log:     p.Log,
	})
	if err != nil {
		return app.Application{}, err
	}
	if err := p.PrepareTowns(Name, adapters.Collections, adapters.Indexes); err != nil {
		return app.Application{}, err
	}
	p.Go("consumer", consumer.Run)
	return a, nil
}

// Start is New for main, which needs only the error.
func Start(ctx context.Context, p *process.Process) error {
	_, err := New(ctx, p)
	return err
}
