package adapters

import (
	"context"
	"fmt"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/app"
	"dundian.local/services/personnel/internal/domain/community"
)

// EventHandler turns the events personnel consumes into use cases.
func EventHandler(a app.Application) bus.Handler {
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
		_, err := a.Commands.ImportCommunities.Handle(ctx, cmd, ev.Actor)
		return err
	}
	return bus.Dispatch(map[string]bus.Handler{
		events.TownCreated: importCommunities,
		events.TownChanged: importCommunities,
	})
}
