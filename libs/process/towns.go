package process

import (
	"context"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
)

// PrepareTowns makes the service create its collections and indexes in every town's
// database when the town is created (and again, for one read when nothing changed, when it
// changes), as its own consumer group "<prefix>.towns". The consumer prepares several
// towns at once: each is its own database, so their writes do not wait for each other.
func (p *Process) PrepareTowns(prefix string, collections []string, indexes []store.Index) error {
	st := p.Store.Service(prefix)
	prepare := func(ctx context.Context, _ events.Envelope) error {
		return st.PrepareTown(ctx, collections, indexes)
	}
	return p.Consume(prefix+".towns", []string{events.Topic(events.Platform)},
		bus.Dispatch(map[string]bus.Handler{events.TownCreated: prepare, events.TownChanged: prepare}))
}

// Consume runs handler over the topics as the consumer group, as a worker of the process.
func (p *Process) Consume(group string, topics []string, handler bus.Handler) error {
	c, err := bus.NewConsumer(bus.ConsumerConfig{
		Brokers: p.Config.KafkaBrokers,
		Group:   group,
		Topics:  topics,
		Handler: handler,
		Log:     p.Log,
	})
	if err != nil {
		return err
	}
	p.Go("consumer "+group, c.Run)
	return nil
}
