// Package service wires personnel together; main and the component tests share it.
package service

import (
	"context"
	"os"
	"time"

	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/platformcopy"
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
	platform := platformcopy.New(st)
	a := app.New(app.Repositories{
		Communities: adapters.NewCommunities(st, ob),
		Cadres:      adapters.NewCadres(st, ob),
		Assignments: adapters.NewAssignments(st, ob),
		Lists:       adapters.NewContactLists(st, ob),
		Reveals:     adapters.NewReveals(st),
		Forwards:    adapters.NewForwards(st, ob),
		Calendars:   platform,
		Files:       adapters.NewFiles(st),
		Towns:       adapters.NewTowns(st),
		Objects:     p.Objects,
	}, time.Now)
	// Portraits stream to the object store instead of being read whole (see ARCHITECTURE's
	// Fiber traps).
	if err := p.StreamUploads("uploadPortrait"); err != nil {
		return app.Application{}, err
	}
	if err := p.Mount(routes.Personnel, porthttp.Routes(a, publicBase())); err != nil {
		return app.Application{}, err
	}
	// personnel's own topic and assessment's feed the personal files
	if err := p.Consume(Name, []string{events.Topic(events.Platform), events.Topic(events.Personnel), events.Topic(events.Assessment)}, adapters.EventHandler(a, platform)); err != nil {
		return app.Application{}, err
	}
	if err := p.PrepareTowns(Name, adapters.Collections, adapters.Indexes); err != nil {
		return app.Application{}, err
	}
	p.Go("outbox", ob.Run)
	return a, nil
}

// publicBase is the public site's address for the contact cards' QR codes: PUBLIC_BASE_URL,
// or the gateway's default public listener on this host.
func publicBase() string {
	if v := os.Getenv("PUBLIC_BASE_URL"); v != "" {
		return v
	}
	return "http://localhost:8090"
}

// Start is New for main, which needs only the error.
func Start(ctx context.Context, p *process.Process) error {
	_, err := New(ctx, p)
	return err
}
