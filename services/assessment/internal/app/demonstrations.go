package app

import (
	"context"
	"errors"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/assessment/internal/domain/demonstration"
)

// Demonstrations are the use cases of demonstration points (L1).
type Demonstrations struct {
	s   Stores
	now func() time.Time
}

// Nominate proposes a community against the criteria (town office or leader); a revoked
// point may be nominated again.
func (u Demonstrations) Nominate(ctx context.Context, community tenancy.CommunityCode, met []demonstration.Criterion, statement string) (demonstration.Point, error) {
	p, town, err := caller(ctx)
	if err != nil {
		return demonstration.Point{}, err
	}
	if !p.Has(auth.TownAdmin, auth.TownLeader) {
		return demonstration.Point{}, errs.ErrForbidden
	}
	n, err := demonstration.Nominate(town, community, met, statement, p.AccountID, u.now())
	if err != nil {
		return demonstration.Point{}, err
	}
	err = u.s.Demonstrations.Add(ctx, string(community), &n, events.DemonstrationPointNominated, p.AccountID)
	if !errors.Is(err, demonstration.ErrExists) {
		return n, err
	}
	return u.s.Demonstrations.Update(ctx, string(community), p.AccountID, func(pt *demonstration.Point) (string, error) {
		return events.DemonstrationPointNominated, pt.Renominate(n)
	})
}

// Designate makes a nominated community a demonstration point (town leader or county admin).
func (u Demonstrations) Designate(ctx context.Context, community tenancy.CommunityCode) (demonstration.Point, error) {
	return u.decide(ctx, community, func(p auth.Principal, pt *demonstration.Point) (string, error) {
		return events.DemonstrationPointDesignated, pt.Designate(p.AccountID, u.now())
	})
}

// Revoke withdraws a designation with a reason.
func (u Demonstrations) Revoke(ctx context.Context, community tenancy.CommunityCode, reason string) (demonstration.Point, error) {
	return u.decide(ctx, community, func(p auth.Principal, pt *demonstration.Point) (string, error) {
		return events.DemonstrationPointRevoked, pt.Revoke(reason, p.AccountID, u.now())
	})
}

func (u Demonstrations) decide(ctx context.Context, community tenancy.CommunityCode, fn func(auth.Principal, *demonstration.Point) (string, error)) (demonstration.Point, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return demonstration.Point{}, err
	}
	if !p.Has(auth.TownLeader, auth.CountyAdmin) {
		return demonstration.Point{}, errs.ErrForbidden
	}
	return u.s.Demonstrations.Update(ctx, string(community), p.AccountID, func(pt *demonstration.Point) (string, error) {
		return fn(p, pt)
	})
}

// List returns the town's nominations and designations.
func (u Demonstrations) List(ctx context.Context, after string, limit int) ([]demonstration.Point, error) {
	if _, _, err := caller(ctx); err != nil {
		return nil, err
	}
	return u.s.Demonstrations.List(ctx, nil, after, limit)
}
