package adapters

import (
	"context"
	"errors"
	"fmt"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/platformcopy"
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/app"
	"dundian.local/services/personnel/internal/domain/community"
)

// EventHandler turns the events personnel consumes into use cases.
func EventHandler(a app.Application, platform platformcopy.Copy) bus.Handler {
	importCommunities := func(ctx context.Context, ev events.Envelope) error {
		var data events.TownCreatedData
		if err := ev.Unmarshal(&data); err != nil {
			return bus.Permanent(err)
		}
		cmd := app.ImportCommunities{}
		for _, n := range data.Communities {
			code, err := tenancy.ParseCommunity(n.Code)
			if err != nil {
				return bus.Permanent(fmt.Errorf("%s: %w", ev.Type, err))
			}
			c, err := community.New(ev.Town, code, n.Name, "", "")
			if err != nil {
				return bus.Permanent(fmt.Errorf("%s: community %s: %w", ev.Type, n.Code, err))
			}
			cmd.Communities = append(cmd.Communities, c)
		}
		if _, err := a.Commands.ImportCommunities.Handle(ctx, cmd, ev.Actor); err != nil {
			return err
		}
		return a.Commands.RegisterTown.Handle(ctx, ev.Town)
	}
	// A programme calendar is kept; for the county's latest year the towns' links and lists
	// of the year before carry over.
	calendarChanged := func(ctx context.Context, ev events.Envelope) error {
		if err := platform.ApplyCalendar(ctx, ev); err != nil {
			return err
		}
		var year int
		if _, err := fmt.Sscanf(ev.Subject, "programme-%d", &year); err != nil {
			return nil // a holiday table
		}
		return a.Commands.Rollover.Handle(ctx, year, ev.Actor)
	}
	return bus.Dispatch(map[string]bus.Handler{
		events.TownCreated: importCommunities,
		events.TownChanged: importCommunities,
		// the county's programme calendar: deadlines of one-links-five lists
		events.CalendarChanged: calendarChanged,
		// the personal files (L2, S10)
		events.CadreAdded:          a.Commands.FileEvent.Handle,
		events.AssessmentFinalised: a.Commands.FileEvent.Handle,
		events.RecallDecided:       a.Commands.FileEvent.Handle,
		// the demonstration-point flag (L1) is assessment's to set
		events.DemonstrationPointDesignated: demonstrationPoint(a, true),
		events.DemonstrationPointRevoked:    demonstrationPoint(a, false),
	})
}

// demonstrationPoint sets or clears a community's flag from assessment's event.
func demonstrationPoint(a app.Application, on bool) bus.Handler {
	return func(ctx context.Context, ev events.Envelope) error {
		var d events.DemonstrationPointData
		if err := ev.Unmarshal(&d); err != nil {
			return bus.Permanent(err)
		}
		code, err := tenancy.ParseCommunity(d.Community)
		if err != nil || code.Town() != ev.Town {
			return bus.Permanent(fmt.Errorf("%s: community %q: not of town %s", ev.Type, d.Community, ev.Town))
		}
		err = a.Commands.SetDemonstrationPoint.Handle(ctx, code, on, ev.Actor)
		if errors.Is(err, community.ErrNotFound) {
			return bus.Permanent(err)
		}
		return err
	}
}
