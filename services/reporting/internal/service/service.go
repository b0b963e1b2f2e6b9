// Package service wires reporting together; main and the component tests share it.
package service

import (
	"context"
	"net/http"
	"time"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/platformcopy"
	"dundian.local/libs/process"
	"dundian.local/libs/routes"
	"dundian.local/services/reporting/internal/adapters"
	"dundian.local/services/reporting/internal/app"
	porthttp "dundian.local/services/reporting/internal/ports/http"
)

// Name is the service's name, collection prefix and consumer group.
const Name = "reporting"

// Topics are the topics reporting consumes, and a rebuild replays.
var Topics = []string{events.Topic(events.Platform), events.Topic(events.Personnel), events.Topic(events.Fieldwork),
	events.Topic(events.Petitions), events.Topic(events.Assessment), events.Topic(events.Reporting)}

// New builds reporting on a process: routes, the outbox relay and the projection consumer.
func New(ctx context.Context, p *process.Process) (app.Application, error) {
	st := p.Store.Service(Name)
	ob, err := outbox.New(outbox.Config{Client: p.Store, Prefix: Name, Publisher: p.Publisher, Topic: events.Topic(events.Reporting), Log: p.Log})
	if err != nil {
		return app.Application{}, err
	}
	cals, due, notes := platformcopy.New(st), adapters.NewDueTasks(st), adapters.NewNotifications(st)
	towns, rebuilds, hooks := adapters.NewTowns(st), adapters.NewRebuilds(st), adapters.NewWebhooks(st)
	a := app.New(app.Deps{
		Towns:          towns,
		MonthlyReports: adapters.NewMonthlyReports(st, ob),
		Figures:        adapters.NewFigures(st),
		Calendars:      cals,
		Meetings:       adapters.NewMeetings(st, ob),
		TownReports:    adapters.NewTownReports(st, ob),
		DueTasks:       due,
		Notifications:  notes,
		Stories:        adapters.NewStories(st, ob),
		Rebuilds:       rebuilds,
		Webhooks:       hooks,
		Settings:       adapters.NewSettings(st),
		Now:            time.Now,
	})
	if err := p.Mount(routes.Reporting, porthttp.Routes(a)); err != nil {
		return app.Application{}, err
	}
	if err := p.Consume(Name, Topics, adapters.EventHandler(a, cals, due, notes)); err != nil {
		return app.Application{}, err
	}
	if err := p.PrepareTowns(Name, adapters.Collections, adapters.Indexes); err != nil {
		return app.Application{}, err
	}
	p.Go("outbox", ob.Run)
	p.Go("projection rebuilds", (&adapters.Rebuilder{Jobs: rebuilds, Store: st, Towns: towns, Brokers: p.Config.KafkaBrokers,
		Topics: Topics, Apply: bus.Dispatch(adapters.Projections(a, due)), Log: p.Log, Now: time.Now}).Run)
	p.Go("webhook deliveries", (&adapters.Deliverer{Hooks: hooks, Client: &http.Client{Timeout: webhookTimeout}, Log: p.Log, Now: time.Now}).Run)
	p.Go("reminders", func(ctx context.Context) error { return remind(ctx, p, a.Commands.Reminders) })
	p.Go("business metrics", adapters.NewBusinessMetrics(st, p.Config.KafkaBrokers, p.Log).Run)
	return a, nil
}

// webhookTimeout bounds one delivery to the county's receiver; a slow one is tried again.
const webhookTimeout = 10 * time.Second

// remindEvery is how often the deadline reminders are looked at; each is sent once a day.
const remindEvery = 15 * time.Minute

func remind(ctx context.Context, p *process.Process, r app.RemindersHandler) error {
	t := time.NewTicker(remindEvery)
	defer t.Stop()
	for {
		if err := r.Run(ctx); err != nil && ctx.Err() == nil {
			p.Log.WarnContext(ctx, "deadline reminders", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Start is New for main, which needs only the error.
func Start(ctx context.Context, p *process.Process) error {
	_, err := New(ctx, p)
	return err
}
