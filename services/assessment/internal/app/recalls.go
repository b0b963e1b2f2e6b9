package app

import (
	"context"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/services/assessment/internal/domain/recall"
)

// Recalls are the use cases of the recall process (S10).
type Recalls struct {
	s   Stores
	now func() time.Time
}

// RaiseRecall is a new case.
type RaiseRecall struct {
	Cadre, CadreName, Grounds, Finding string
	Trigger                            recall.Trigger
}

// Raise starts a case: the town office or the county supervision group.
func (u Recalls) Raise(ctx context.Context, r RaiseRecall) (recall.Case, error) {
	p, town, err := caller(ctx)
	if err != nil {
		return recall.Case{}, err
	}
	if !p.Has(auth.TownAdmin, auth.CountyAdmin, auth.CountyInspector) {
		return recall.Case{}, errs.ErrForbidden
	}
	if r.Finding != "" {
		if _, err := u.s.Findings.Get(ctx, r.Finding); err != nil {
			return recall.Case{}, err
		}
	}
	c, err := recall.Raise(newID(), town, r.Cadre, r.CadreName, r.Trigger, r.Grounds, r.Finding, p.AccountID, u.now())
	if err != nil {
		return recall.Case{}, err
	}
	if err := u.s.Recalls.Add(ctx, c.ID, &c, events.RecallRaised, p.AccountID); err != nil {
		return recall.Case{}, err
	}
	return c, nil
}

// Open is the town office accepting the case.
func (u Recalls) Open(ctx context.Context, id, note string) (recall.Case, error) {
	return u.step(ctx, id, []auth.Role{auth.TownAdmin, auth.CountyAdmin}, func(p auth.Principal, c *recall.Case) (string, error) {
		return events.RecallOpened, c.Open(note, p.AccountID, u.now())
	})
}

// Explain is the cadre's own explanation; only that cadre may give it.
func (u Recalls) Explain(ctx context.Context, id, text string) (recall.Case, error) {
	return u.step(ctx, id, []auth.Role{auth.Cadre}, func(p auth.Principal, c *recall.Case) (string, error) {
		return events.RecallExplained, c.Explain(text, p.AccountID, u.now())
	})
}

// Decide is the town leading group's decision; its event goes to the personal file.
func (u Recalls) Decide(ctx context.Context, id string, d recall.Decision) (recall.Case, error) {
	return u.step(ctx, id, []auth.Role{auth.TownLeader}, func(p auth.Principal, c *recall.Case) (string, error) {
		return events.RecallDecided, c.Decide(d, p.AccountID, u.now())
	})
}

// Circulate produces the circulated notice.
func (u Recalls) Circulate(ctx context.Context, id, issuer string) (recall.Case, error) {
	return u.step(ctx, id, []auth.Role{auth.TownAdmin, auth.CountyAdmin}, func(p auth.Principal, c *recall.Case) (string, error) {
		return events.RecallCirculated, c.Circulate(issuer, p.AccountID, u.now())
	})
}

func (u Recalls) step(ctx context.Context, id string, roles []auth.Role, fn func(auth.Principal, *recall.Case) (string, error)) (recall.Case, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return recall.Case{}, err
	}
	if !p.Has(roles...) {
		return recall.Case{}, errs.ErrForbidden
	}
	return u.s.Recalls.Update(ctx, id, p.AccountID, func(c *recall.Case) (string, error) {
		if p.Has(auth.Cadre) && c.Cadre != p.CadreID {
			return "", recall.ErrNotFound // another cadre's case is not even visible
		}
		return fn(p, c)
	})
}

// Get returns a case; a cadre sees only their own.
func (u Recalls) Get(ctx context.Context, id string) (recall.Case, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return recall.Case{}, err
	}
	c, err := u.s.Recalls.Get(ctx, id)
	if err != nil {
		return recall.Case{}, err
	}
	if p.Has(auth.Cadre) && c.Cadre != p.CadreID {
		return recall.Case{}, recall.ErrNotFound
	}
	return c, nil
}

// List returns the town's cases; a cadre's list holds only their own.
func (u Recalls) List(ctx context.Context, after string, limit int) ([]recall.Case, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var where map[string]any
	if p.Has(auth.Cadre) {
		if p.CadreID == "" {
			return []recall.Case{}, nil
		}
		where = map[string]any{"cadre": p.CadreID}
	}
	return u.s.Recalls.List(ctx, where, after, limit)
}
