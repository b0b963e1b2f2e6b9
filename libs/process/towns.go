package process

import (
	"context"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
)

// PrepareTowns makes the service create its collections and indexes in every town's
// database when the town is created (and again, harmlessly, when it changes), as its own
// consumer group "<prefix>.towns".
func (p *Process) PrepareTowns(prefix string, collections []string, indexes []store.Index) error {
	st := p.Store.Service(prefix)
	prepare := func(ctx context.Context, _ events.Envelope) error {
		return st.PrepareTown(ctx, collections, indexes)
	}
	c, err := bus.NewConsumer(bus.ConsumerConfig{
		Brokers: p.Config.KafkaBrokers,
		Group:   prefix + ".towns",
		Topics:  []string{events.Topic(events.Platform)},
		Handler: bus.Dispatch(map[string]bus.Handler{events.TownCreated: prepare, events.TownChanged: prepare}),
		Log:     p.Log,
	})
	if err != nil {
		return err
	}
	p.Go("prepare-towns", c.Run)
	return nil
}
