package adapters

import (
	"context"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/services/reporting/internal/app"
)

// EventHandler applies the events reporting projects.
func EventHandler(a app.Application) bus.Handler {
	p := a.Commands.Projection
	named := func(ctx context.Context, ev events.Envelope) error {
		var d events.TownCreatedData
		if err := ev.Unmarshal(&d); err != nil {
			return bus.Permanent(err)
		}
		return p.TownNamed(ctx, string(ev.Town), d.Name, ev.OccurredAt)
	}
	community := func(ctx context.Context, ev events.Envelope) error {
		var d struct {
			Archived bool `json:"archived"`
		}
		if err := ev.Unmarshal(&d); err != nil {
			return bus.Permanent(err)
		}
		return p.CommunityChanged(ctx, string(ev.Town), ev.Subject, ev.Rev, d.Archived, ev.OccurredAt)
	}
	return bus.Dispatch(map[string]bus.Handler{
		events.TownCreated: named,
		events.TownChanged: named,
		events.TownErased: func(ctx context.Context, ev events.Envelope) error {
			return p.TownErased(ctx, string(ev.Town), ev.OccurredAt)
		},
		events.CommunityAdded:   community,
		events.CommunityChanged: community,
	})
}
