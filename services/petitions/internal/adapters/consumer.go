package adapters

import (
	"context"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/platformcopy"
	"dundian.local/libs/tenancy"
	"dundian.local/services/petitions/internal/app"
)

// EventHandler turns the events petitions consumes into use cases.
func EventHandler(a app.Application, settings platformcopy.Copy) bus.Handler {
	link := func(ctx context.Context, ev events.Envelope) error {
		var data events.AssignmentData
		if err := ev.Unmarshal(&data); err != nil {
			return bus.Permanent(err)
		}
		return a.Commands.ApplyStationing.Link(tenancy.WithTown(ctx, ev.Town), data.ID, data.Cadre, data.Community, ev.Rev)
	}
	name := func(ctx context.Context, ev events.Envelope) error {
		var data events.CadreData
		if err := ev.Unmarshal(&data); err != nil {
			return bus.Permanent(err)
		}
		return a.Commands.ApplyStationing.Name(tenancy.WithTown(ctx, ev.Town), data.ID, data.Name, ev.Rev)
	}
	remember := func(ctx context.Context, ev events.Envelope) error {
		var data events.TownCreatedData
		if err := ev.Unmarshal(&data); err != nil {
			return bus.Permanent(err)
		}
		t := app.KnownTown{Code: ev.Town, Name: data.Name, Communities: map[string]string{}}
		for _, c := range data.Communities {
			if code, err := tenancy.ParseCommunity(c.Code); err == nil && code.Town() == ev.Town {
				t.Communities[c.Code] = c.Name
			}
		}
		return a.Commands.RememberTown.Handle(ctx, t)
	}
	forget := func(ctx context.Context, ev events.Envelope) error {
		return a.Commands.RememberTown.Forget(ctx, ev.Town)
	}
	return bus.Dispatch(map[string]bus.Handler{
		events.TownCreated:      remember,
		events.TownChanged:      remember,
		events.TownErased:       forget,
		events.AssignmentLinked: link,
		events.AssignmentEnded:  link,
		events.CadreAdded:       name,
		events.CadreChanged:     name,
		events.SettingsChanged:  settings.ApplySettings,
	})
}
