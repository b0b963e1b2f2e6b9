package app

import (
	"context"
	"errors"

	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/petitions/internal/domain/opinion"
)

// Towns is the county-wide list of towns the service knows (platform.town.created), with the
// names the county's views show.
type Towns interface {
	// Remember records a town and adds the communities named to those already known.
	Remember(ctx context.Context, t KnownTown) error
	// Forget drops an erased town: its data is gone, so it is no longer checked or shown.
	Forget(ctx context.Context, town tenancy.TownCode) error
	All(ctx context.Context) ([]tenancy.TownCode, error)
	Get(ctx context.Context, town tenancy.TownCode) (KnownTown, error)
	List(ctx context.Context) ([]KnownTown, error)
}

// KnownTown is a town as the platform announced it: its name and its communities' names by code.
type KnownTown struct {
	Code        tenancy.TownCode
	Name        string
	Communities map[string]string
}

// escalator is the account named as the actor of escalations.
const escalator = "system:petitions"

// EscalateOverdueHandler escalates every opinion that became overdue to the town office,
// with a petitions.opinion.overdue event; the periodic check runs it.
type EscalateOverdueHandler struct{ d Deps }

// Handle escalates in every known town and reports how many it escalated.
func (h EscalateOverdueHandler) Handle(ctx context.Context) (int, error) {
	towns, err := h.d.Towns.All(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, town := range towns {
		tctx := tenancy.WithTown(ctx, town)
		now := h.d.Now()
		late, err := h.d.Opinions.List(tctx, ListFilter{OverdueAt: now}, "", 500)
		if err != nil {
			return n, err
		}
		for _, o := range late {
			if o.EscalatedAt != nil {
				continue
			}
			_, err := h.d.Opinions.Update(tctx, o.ID, escalator, func(o *opinion.Opinion) (string, error) {
				if !o.Escalate(now) {
					return "", errAlreadyEscalated
				}
				return events.OpinionOverdue, nil
			})
			if errors.Is(err, errAlreadyEscalated) {
				continue // answered or escalated meanwhile
			}
			if err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

var errAlreadyEscalated = errors.New("opinion needs no escalation")

// RememberTownHandler records a town for the periodic checks.
type RememberTownHandler struct{ d Deps }

func (h RememberTownHandler) Handle(ctx context.Context, t KnownTown) error {
	return h.d.Towns.Remember(ctx, t)
}

// Forget drops an erased town from the periodic checks and the county's views.
func (h RememberTownHandler) Forget(ctx context.Context, town tenancy.TownCode) error {
	return h.d.Towns.Forget(ctx, town)
}
