// Package service wires fieldwork together; main and the component tests share it.
package service

import (
	"context"
	"maps"
	"time"

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
// calendar and settings and of personnel's assignments, and the preparation of every new town's collections.
func New(ctx context.Context, p *process.Process) (app.Application, error) {
	st := p.Store.Service(Name)
	ob, err := outbox.New(outbox.Config{Client: p.Store, Prefix: Name, Publisher: p.Publisher, Topic: events.Topic(events.Fieldwork), Log: p.Log})
	if err != nil {
		return app.Application{}, err
	}
	repos := adapters.NewRepos(st, ob)
	platform := platformcopy.New(st)
	links := adapters.NewLinks(st)
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
		Links:       links,
		Uploads:     adapters.NewUploads(st),
		Platform:    platform,
		Objects:     p.Objects,
	})
	// Attachments stream to the object store instead of being read whole (see ARCHITECTURE's
	// Fiber traps).
	if err := p.StreamUploads("uploadAttachment"); err != nil {
		return app.Application{}, err
	}
	if err := p.Mount(routes.Fieldwork, porthttp.Routes(a)); err != nil {
		return app.Application{}, err
	}
	handlers := platform.Handlers()
	maps.Copy(handlers, links.Handlers())
	if err := p.Consume(Name, []string{events.Topic(events.Platform), events.Topic(events.Personnel)}, bus.Dispatch(handlers)); err != nil {
		return app.Application{}, err
	}
	if err := p.PrepareTowns(Name, adapters.Collections, adapters.Indexes); err != nil {
		return app.Application{}, err
	}
	p.Go("outbox", ob.Run)
	p.Go("uploads", func(ctx context.Context) error { return sweepUploads(ctx, p, a) })
	return a, nil
}

// sweepUploads settles abandoned uploads once an hour; a failed round is retried at the next.
func sweepUploads(ctx context.Context, p *process.Process, a app.Application) error {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			n, err := a.Commands.SweepUploads.Handle(ctx, time.Now())
			if err != nil && ctx.Err() == nil {
				p.Log.Warn("sweeping abandoned uploads failed; retrying in an hour", "err", err)
			}
			if n > 0 {
				p.Log.Info("settled abandoned uploads", "count", n)
			}
		}
	}
}

// Start is New for main, which needs only the error.
func Start(ctx context.Context, p *process.Process) error {
	_, err := New(ctx, p)
	return err
}
