package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/assessment/internal/domain/indicators"
	"dundian.local/services/assessment/internal/domain/recall"
)

// ThresholdStore keeps the county's thresholds of the automatic recall triggers.
type ThresholdStore interface {
	// Get returns the county's thresholds, or the defaults until it set them.
	Get(ctx context.Context) (recall.Thresholds, error)
	Put(ctx context.Context, t recall.Thresholds, actor string) error
}

// TownList is the county's towns, as the platform announced them.
type TownList interface {
	All(ctx context.Context) ([]tenancy.TownCode, error)
}

// Projection applies the other services' events to the indicator read model and raises the
// recall cases the recorded facts call for (S10). Its handlers are idempotent: a redelivered
// event changes nothing and raises nothing twice.
type Projection struct {
	s   Stores
	now func() time.Time
}

// Actor is who the service's own automatic actions are recorded as.
const Actor = "assessment"

// Apply records a source and checks the cadre's triggers. The check runs even when the
// source was already recorded, so a retry after a failed check completes it.
func (u Projection) Apply(ctx context.Context, ref SourceRef, src indicators.Source) error {
	if ref.Owner == "" || ref.Year < 2000 || ref.Year > 2100 {
		return nil // a record about no cadre or community counts nowhere
	}
	if err := u.s.Indicators.Apply(ctx, ref, src); err != nil {
		return err
	}
	if ref.Community {
		return nil
	}
	return u.Check(ctx, ref.Owner, ref.Year)
}

// Sweep checks the triggers of every cadre with a record of the programme year (and, in
// January, of the year before) in every town. Events check a cadre as they arrive, but a
// month can pass with none — a cadre who records nothing is exactly the one the missed-days
// trigger is for (S10). It returns how many cadres it checked.
func (u Projection) Sweep(ctx context.Context) (int, error) {
	today := calendar.BeijingDay(u.now())
	years := []int{today.Year}
	if today.Month == time.January {
		years = append(years, today.Year-1)
	}
	towns, err := u.s.Towns.All(ctx)
	if err != nil {
		return 0, err
	}
	checked := 0
	for _, town := range towns {
		tctx := tenancy.WithTown(ctx, town)
		for _, year := range years {
			for after := ""; ; {
				recs, err := u.s.Indicators.List(tctx, year, after, 200)
				if err != nil {
					return checked, err
				}
				for _, r := range recs {
					if err := u.Check(tctx, r.Owner, year); err != nil {
						return checked, err
					}
					checked++
				}
				if len(recs) < 200 {
					break
				}
				after = recs[len(recs)-1].ID
			}
		}
	}
	return checked, nil
}

// CadreNamed keeps the cadre's name for the cases the triggers raise.
func (u Projection) CadreNamed(ctx context.Context, cadre string, rev int64, name string) error {
	return u.s.Indicators.SetCadreName(ctx, cadre, rev, name)
}

// Check raises a case for every trigger the cadre's recorded facts of the year fire, unless
// a case of that trigger about the cadre is still in its due process.
func (u Projection) Check(ctx context.Context, cadre string, year int) error {
	if cadre == "" {
		return nil
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return err
	}
	th, err := u.s.Thresholds.Get(ctx)
	if err != nil {
		return err
	}
	rec, _, err := u.s.Indicators.Get(ctx, cadre, year)
	if err != nil {
		return err
	}
	clock, err := clockOf(ctx, u.s, town, year, u.now())
	if err != nil {
		return err
	}
	findings, err := u.s.Findings.List(ctx, map[string]any{"cadre": cadre, "year": year}, "", 1000)
	if err != nil {
		return err
	}
	facts := recall.Facts{}
	facts.Ratings, facts.Satisfaction = rec.Ratings()
	if len(rec.Sources) > 0 {
		for _, m := range rec.MissedMonths(clock) {
			facts.MissedMonths = append(facts.MissedMonths, m.String())
		}
	}
	facts.SeriousFindings, facts.IntegrityBreaches = countFindings(findings)
	for _, trip := range th.Tripped(year, facts) {
		if err := u.raise(ctx, town, cadre, trip); err != nil {
			return err
		}
	}
	return nil
}

// raise starts the trigger's case unless one is pending. Its id follows from the town, the
// cadre, the trigger and how many such cases were closed before, so two deliveries (or two
// consumers) that race raise the same case once.
func (u Projection) raise(ctx context.Context, town tenancy.TownCode, cadre string, trip recall.Trip) error {
	cases, err := u.s.Recalls.List(ctx, map[string]any{"cadre": cadre}, "", 1000)
	if err != nil {
		return err
	}
	closed := 0
	for _, c := range cases {
		if c.Trigger != trip.Trigger {
			continue
		}
		if c.Pending() {
			return nil
		}
		closed++
	}
	name, err := u.s.Indicators.CadreName(ctx, cadre)
	if err != nil {
		return err
	}
	if name == "" {
		name = cadre
	}
	id := uuid.NewSHA1(triggerSpace, fmt.Appendf(nil, "%s|%s|%s|%d", town, cadre, trip.Trigger, closed)).String()
	c, err := recall.Raise(id, town, cadre, name, trip.Trigger, trip.Grounds, "", Actor, u.now())
	if err != nil {
		return err
	}
	err = u.s.Recalls.Add(ctx, id, &c, events.RecallRaised, Actor)
	if errors.Is(err, recall.ErrExists) {
		return nil
	}
	return err
}

// triggerSpace is the UUID namespace of the cases raised by triggers.
var triggerSpace = uuid.MustParse("6f1c5a9e-3b7d-4c41-9a55-0d2b8e7f4a10")

// Thresholds returns the county's recall thresholds (county roles and the town offices).
func (u Recalls) Thresholds(ctx context.Context) (recall.Thresholds, error) {
	if _, err := auth.FromContext(ctx); err != nil {
		return recall.Thresholds{}, errs.ErrUnauthorized
	}
	return u.s.Thresholds.Get(ctx)
}

// PutThresholds sets the county's recall thresholds (county admin).
func (u Recalls) PutThresholds(ctx context.Context, t recall.Thresholds) error {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return errs.ErrUnauthorized
	}
	if !p.Has(auth.CountyAdmin) {
		return errs.ErrForbidden
	}
	if err := t.Validate(); err != nil {
		return err
	}
	return u.s.Thresholds.Put(ctx, t, p.AccountID)
}
