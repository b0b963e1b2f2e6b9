// Package service wires petitions together; main and the component tests share it.
package service

import (
	"context"
	"crypto/rand"
	"os"
	"time"

	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/platformcopy"
	"dundian.local/libs/process"
	"dundian.local/libs/routes"
	"dundian.local/services/petitions/internal/adapters"
	"dundian.local/services/petitions/internal/app"
	porthttp "dundian.local/services/petitions/internal/ports/http"
)

// Name is the service's name, collection prefix and consumer group.
const Name = "petitions"

// ChallengeKeyEnv names the variable holding the public page's challenge key (any string of
// at least 32 bytes, the same on every replica).
const ChallengeKeyEnv = "PETITIONS_CHALLENGE_KEY"

// Options adjust the service; the zero value is production's.
type Options struct {
	Public app.PublicConfig
	Now    func() time.Time // the clock deadlines are judged by; time.Now when nil
	// OverdueEvery is how often overdue opinions are looked for; a minute when zero.
	OverdueEvery time.Duration
}

// New builds petitions on a process: routes, the outbox relay and the event consumer.
func New(ctx context.Context, p *process.Process, opt Options) (app.Application, error) {
	public := opt.Public
	st := p.Store.Service(Name)
	ob, err := outbox.New(outbox.Config{Client: p.Store, Prefix: Name, Publisher: p.Publisher, Topic: events.Topic(events.Petitions), Log: p.Log})
	if err != nil {
		return app.Application{}, err
	}
	if len(public.ChallengeKey) == 0 {
		public.ChallengeKey = challengeKey(p)
	}
	settings := platformcopy.New(st)
	a := app.New(app.Deps{
		Opinions:  adapters.NewOpinions(st, ob),
		Settings:  settings,
		Guards:    adapters.NewGuards(st),
		Cases:     adapters.NewCases(st, ob),
		Tasks:     adapters.NewTasks(st, ob),
		Ratings:   adapters.NewRatings(st, ob),
		Stationed: adapters.NewStationed(st),
		Towns:     adapters.NewTowns(st),
		Records:   adapters.NewRecords(st),
		Public:    public,
		Now:       opt.Now,
	})
	if err := p.Mount(routes.Petitions, porthttp.Routes(a)); err != nil {
		return app.Application{}, err
	}
	if err := p.Consume(Name, []string{events.Topic(events.Platform), events.Topic(events.Personnel)}, adapters.EventHandler(a, settings)); err != nil {
		return app.Application{}, err
	}
	if err := p.PrepareTowns(Name, adapters.Collections, adapters.Indexes); err != nil {
		return app.Application{}, err
	}
	p.Go("outbox", ob.Run)
	p.Go("overdue", func(ctx context.Context) error { return escalateEvery(ctx, p, a, opt.OverdueEvery) })
	return a, nil
}

// escalateEvery runs the overdue check until ctx ends; a failed round is logged and retried
// at the next tick.
func escalateEvery(ctx context.Context, p *process.Process, a app.Application, every time.Duration) error {
	if every <= 0 {
		every = time.Minute
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			n, err := a.Commands.EscalateOverdue.Handle(ctx)
			if err != nil && ctx.Err() == nil {
				p.Log.Warn("overdue check failed; retrying at the next tick", "err", err)
			}
			if n > 0 {
				p.Log.Info("escalated overdue opinions to the town offices", "count", n)
			}
		}
	}
}

// Start is New for main, with the defences' defaults.
func Start(ctx context.Context, p *process.Process) error {
	_, err := New(ctx, p, Options{})
	return err
}

// challengeKey reads the challenge key; without one a process makes its own, and then a
// challenge issued by one replica fails on another (fine for one process, not for several).
func challengeKey(p *process.Process) []byte {
	if k := os.Getenv(ChallengeKeyEnv); len(k) >= 32 {
		return []byte(k)
	}
	p.Log.Warn("no challenge key set: using a random one; set it when running more than one replica", "variable", ChallengeKeyEnv)
	k := make([]byte, 32)
	_, _ = rand.Read(k) // crypto/rand.Read never fails (Go 1.24+)
	return k
}
