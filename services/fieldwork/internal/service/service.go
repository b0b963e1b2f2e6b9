// Package service wires fieldwork together; main and the component tests share it.
package service

import (
	"context"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/platformcopy"
	"dundian.local/libs/process"
	"dundian.local/libs/routes"
	"dundian.local/services/fieldwork/internal/adapters"
	"dundian.local/services/fieldwork/internal/app"
	porthttp "dundian.local/services/fieldwork/internal/ports/http"
)

// Name is the service's name, collection prefix and consumer group.
const Name = "fieldwork"

// New builds fieldwork on a process: routes, the outbox relay, the consumer of the platform's
// calendar and settings, and the preparation of every new town's collections.
func New(ctx context.Context, p *process.Process) (app.Application, error) {
	st := p.Store.Service(Name)
	ob, err := outbox.New(outbox.Config{Client: p.Store, Prefix: Name, Publisher: p.Publisher, Topic: events.Topic(events.Fieldwork), Log: p.Log})
	if err != nil {
		return app.Application{}, err
	}
	repos := adapters.NewRepos(st, ob)
	platform := platformcopy.New(st)
	a := app.New(app.Deps{
		Stays:       repos.Stays,
		Sheets:      repos.AttendanceSheets,
		WorkLogs:    repos.WorkLogs,
		Diaries:     repos.Diaries,
		Attachments: repos.Attachments,
		Reports:     repos.ResearchReports,
		Stations:    repos.ServiceStations,
		Activities:  repos.FieldActivities,
		Measures:    repos.RectificationMeasures,
		Lists:       repos,
		CadreMonths: repos.CadreMonths,
		Platform:    platform,
		Objects:     p.Objects,
	})
	// Attachments stream to the object store instead of being read whole (see ARCHITECTURE's
	// Fiber traps); every other route keeps the process's body limit.
	p.App.Server().StreamRequestBody = true
	p.App.Use(porthttp.LimitBodies(p.Config.BodyLimit))
	if err := p.Mount(routes.Fieldwork, porthttp.Routes(a)); err != nil {
		return app.Application{}, err
	}
	if err := p.Consume(Name, []string{events.Topic(events.Platform)}, bus.Dispatch(platform.Handlers())); err != nil {
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
