package app

import (
	"context"
	"errors"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/assessment/internal/domain/scoring"
	"dundian.local/services/assessment/internal/domain/yearend"
)

// Assessments are the use cases of the year-end assessment (L2).
type Assessments struct {
	s       Stores
	results ResultsReader
	now     func() time.Time
}

// View is an assessment with its drafted score explained line by line.
type View struct {
	yearend.Assessment
	// CadreName is the cadre's name as personnel last announced it ("" until it did).
	CadreName string         `json:"cadreName,omitempty"`
	Scored    yearend.Scored `json:"scored"`
}

// WeightsFor returns the county's weights of the year, or the defaults when none were set.
func (u Assessments) WeightsFor(ctx context.Context, year int) (scoring.Weights, error) {
	w, ok, err := u.s.Weights.Get(ctx, year)
	if err != nil {
		return nil, err
	}
	if !ok {
		return scoring.DefaultWeights(), nil
	}
	return w, nil
}

// PutWeights sets the county's weights of a year (county admin).
func (u Assessments) PutWeights(ctx context.Context, year int, w scoring.Weights) error {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return errs.ErrUnauthorized
	}
	if !p.Has(auth.CountyAdmin) {
		return errs.ErrForbidden
	}
	if year < 2000 || year > 2100 {
		return yearend.ErrBadYear
	}
	if err := w.Validate(); err != nil {
		return err
	}
	return u.s.Weights.Put(ctx, year, w, p.AccountID)
}

// maySee reports whether the caller may read the cadre's assessment: a cadre only their own,
// a branch secretary none.
func maySeeAssessment(p auth.Principal, cadre string) bool {
	switch p.Role {
	case auth.Cadre:
		return p.CadreID != "" && p.CadreID == cadre
	case auth.BranchSecretary:
		return false
	}
	return true
}

// Get returns the cadre's assessment of the year with its score explained.
func (u Assessments) Get(ctx context.Context, year int, cadre string) (View, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return View{}, err
	}
	if !maySeeAssessment(p, cadre) {
		return View{}, yearend.ErrNotFound
	}
	a, err := u.s.Assessments.Get(ctx, yearend.ID(year, cadre))
	if errors.Is(err, yearend.ErrNotFound) {
		return u.unstarted(ctx, year, cadre)
	}
	if err != nil {
		return View{}, err
	}
	return u.view(ctx, a)
}

// unstarted is the draft of a cadre nobody has touched yet: it exists as soon as something
// was recorded about the cadre.
func (u Assessments) unstarted(ctx context.Context, year int, cadre string) (View, error) {
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return View{}, err
	}
	a, err := yearend.New(town, year, cadre)
	if err != nil {
		return View{}, yearend.ErrNotFound
	}
	in, found, err := recorded(ctx, u.s, u.now(), year, cadre)
	if err != nil {
		return View{}, err
	}
	if !found {
		return View{}, yearend.ErrNotFound
	}
	w, err := u.WeightsFor(ctx, year)
	if err != nil {
		return View{}, err
	}
	a.Inputs = in
	return u.named(ctx, View{Assessment: a, Scored: a.Compute(w)})
}

// List returns the town's assessments of a year (town office, leaders, county).
func (u Assessments) List(ctx context.Context, year int, after string, limit int) ([]View, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if !p.Has(auth.TownAdmin, auth.TownLeader, auth.CountyAdmin, auth.CountyInspector) {
		return nil, errs.ErrForbidden
	}
	// The year's cadres are those with an assessment and those with records: both lists
	// are in the same _id order, so one page of each merges into the page.
	started, err := u.s.Assessments.List(ctx, map[string]any{"year": year}, after, limit)
	if err != nil {
		return nil, err
	}
	records, err := u.s.Indicators.List(ctx, year, after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]View, 0, limit)
	for len(out) < limit && (len(started) > 0 || len(records) > 0) {
		var v View
		switch {
		case len(records) == 0 || (len(started) > 0 && started[0].ID <= records[0].ID):
			if len(records) > 0 && records[0].ID == started[0].ID {
				records = records[1:]
			}
			v, err = u.view(ctx, started[0])
			started = started[1:]
		default:
			v, err = u.unstarted(ctx, year, records[0].Owner)
			records = records[1:]
		}
		if errors.Is(err, yearend.ErrNotFound) {
			continue // a record whose sources all moved elsewhere
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (u Assessments) view(ctx context.Context, a yearend.Assessment) (View, error) {
	w, err := u.WeightsFor(ctx, a.Year)
	if err != nil {
		return View{}, err
	}
	if a.Status != yearend.Finalised {
		in, _, err := recorded(ctx, u.s, u.now(), a.Year, a.Cadre)
		if err != nil {
			return View{}, err
		}
		a.Inputs = in
	}
	return u.named(ctx, View{Assessment: a, Scored: a.Compute(w)})
}

func (u Assessments) named(ctx context.Context, v View) (View, error) {
	name, err := u.s.Indicators.CadreName(ctx, v.Cadre)
	v.CadreName = name
	return v, err
}

// Examine records the cadre's own self-examination.
func (u Assessments) Examine(ctx context.Context, year int, cadre, text string) (View, error) {
	return u.change(ctx, year, cadre, []auth.Role{auth.Cadre}, func(p auth.Principal, a *yearend.Assessment) (string, error) {
		return events.AssessmentChanged, a.Examine(text)
	})
}

// Adjust changes the score with a written reason (county supervision group).
func (u Assessments) Adjust(ctx context.Context, year int, cadre string, points float64, reason string) (View, error) {
	return u.change(ctx, year, cadre, []auth.Role{auth.CountyInspector, auth.CountyAdmin},
		func(p auth.Principal, a *yearend.Assessment) (string, error) {
			return events.AssessmentChanged, a.Adjust(points, reason, p.AccountID, u.now())
		})
}

// Finalise fixes the grade; its event goes to the cadre's personal file. The recorded
// inputs are kept with it, so the final score no longer follows later records.
func (u Assessments) Finalise(ctx context.Context, year int, cadre string, grade scoring.Grade) (View, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return View{}, err
	}
	if !p.Has(auth.CountyInspector, auth.CountyAdmin) {
		return View{}, errs.ErrForbidden
	}
	w, err := u.WeightsFor(ctx, year)
	if err != nil {
		return View{}, err
	}
	in, found, err := recorded(ctx, u.s, u.now(), year, cadre)
	if err != nil {
		return View{}, err
	}
	if !found {
		if _, err := u.s.Assessments.Get(ctx, yearend.ID(year, cadre)); err != nil {
			return View{}, err // nothing was recorded to finalise
		}
	}
	return u.change(ctx, year, cadre, []auth.Role{auth.CountyInspector, auth.CountyAdmin},
		func(p auth.Principal, a *yearend.Assessment) (string, error) {
			return events.AssessmentFinalised, a.Finalise(w, in, grade, p.AccountID, u.now())
		})
}

// change applies fn to the cadre's assessment of the year, starting it if there is none.
func (u Assessments) change(ctx context.Context, year int, cadre string, roles []auth.Role, fn func(auth.Principal, *yearend.Assessment) (string, error)) (View, error) {
	p, town, err := caller(ctx)
	if err != nil {
		return View{}, err
	}
	if !p.Has(roles...) {
		return View{}, errs.ErrForbidden
	}
	if p.Has(auth.Cadre) && p.CadreID != cadre {
		return View{}, yearend.ErrNotFound
	}
	fresh, err := yearend.New(town, year, cadre)
	if err != nil {
		return View{}, err
	}
	update := func() (yearend.Assessment, error) {
		return u.s.Assessments.Update(ctx, fresh.ID, p.AccountID, func(a *yearend.Assessment) (string, error) { return fn(p, a) })
	}
	a, err := update()
	if errors.Is(err, yearend.ErrNotFound) {
		// The first change of the year starts the assessment (a concurrent start wins), then
		// the change applies to it with its own event; a change that would be refused starts
		// nothing.
		probe, _ := yearend.New(town, year, cadre) // a copy that shares nothing with fresh
		if _, err := fn(p, &probe); err != nil {
			return View{}, err
		}
		if err := u.s.Assessments.Add(ctx, fresh.ID, &fresh, events.AssessmentStarted, p.AccountID); err != nil && !errors.Is(err, ErrAssessmentExists) {
			return View{}, err
		}
		a, err = update()
	}
	if err != nil {
		return View{}, err
	}
	return u.view(ctx, a)
}

// ErrAssessmentExists is what the assessments repository returns for a second start.
var ErrAssessmentExists = errs.Conflict("assessment-exists", "the assessment was started meanwhile", "该考核已由他人创建")
