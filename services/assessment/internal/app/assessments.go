package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
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
	Scored yearend.Scored `json:"scored"`
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
	if err != nil {
		return View{}, err
	}
	return u.view(ctx, a)
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
	list, err := u.s.Assessments.List(ctx, map[string]any{"year": year}, after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]View, 0, len(list))
	for _, a := range list {
		v, err := u.view(ctx, a)
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
		recorded, err := u.recorded(ctx, a.Year, a.Cadre)
		if err != nil {
			return View{}, err
		}
		a.Inputs = merged(recorded, a.Inputs)
	}
	return View{Assessment: a, Scored: a.Compute(w)}, nil
}

// recorded are the inputs this service holds itself: the findings of the year's inspections
// about the cadre, integrity breaches (S7) counted apart.
func (u Assessments) recorded(ctx context.Context, year int, cadre string) (map[scoring.Indicator]scoring.Input, error) {
	findings, err := u.s.Findings.List(ctx, map[string]any{"cadre": cadre, "year": year}, "", 1000)
	if err != nil {
		return nil, err
	}
	var other, breaches float64
	for _, f := range findings {
		if f.IntegrityBreach() {
			breaches++
		} else {
			other++
		}
	}
	return map[scoring.Indicator]scoring.Input{
		scoring.InspectionFindings: {Achieved: other, Source: fmt.Sprintf("督查记录：%d条问题", int(other))},
		scoring.IntegrityBreaches:  {Achieved: breaches, Source: fmt.Sprintf("督查记录：%d条违反廉洁纪律问题", int(breaches))},
	}, nil
}

// merged are the recorded inputs overridden by those entered by hand.
func merged(recorded, entered map[scoring.Indicator]scoring.Input) map[scoring.Indicator]scoring.Input {
	out := make(map[scoring.Indicator]scoring.Input, len(recorded)+len(entered))
	maps.Copy(out, recorded)
	maps.Copy(out, entered)
	return out
}

// SetInputs records indicator inputs, each with its source (inspectors and the town office).
func (u Assessments) SetInputs(ctx context.Context, year int, cadre string, in map[scoring.Indicator]scoring.Input) (View, error) {
	return u.change(ctx, year, cadre, []auth.Role{auth.CountyInspector, auth.CountyAdmin, auth.TownAdmin},
		func(p auth.Principal, a *yearend.Assessment) (string, error) {
			return events.AssessmentChanged, a.SetInputs(in)
		})
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
// inputs are kept with it, so the final score no longer follows later findings.
func (u Assessments) Finalise(ctx context.Context, year int, cadre string, grade scoring.Grade) (View, error) {
	w, err := u.WeightsFor(ctx, year)
	if err != nil {
		return View{}, err
	}
	recorded, err := u.recorded(ctx, year, cadre)
	if err != nil {
		return View{}, err
	}
	return u.change(ctx, year, cadre, []auth.Role{auth.CountyInspector, auth.CountyAdmin},
		func(p auth.Principal, a *yearend.Assessment) (string, error) {
			if a.Status != yearend.Finalised {
				a.Inputs = merged(recorded, a.Inputs)
			}
			return events.AssessmentFinalised, a.Finalise(w, grade, p.AccountID, u.now())
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
	for range 2 {
		a, err := u.s.Assessments.Update(ctx, fresh.ID, p.AccountID, func(a *yearend.Assessment) (string, error) { return fn(p, a) })
		if err == nil {
			return u.view(ctx, a)
		}
		if !errors.Is(err, yearend.ErrNotFound) {
			return View{}, err
		}
		// the first change of the year starts the assessment; a concurrent start wins and we update it
		start := fresh
		typ, err := fn(p, &start)
		if err != nil {
			return View{}, err
		}
		if typ == events.AssessmentFinalised {
			return View{}, yearend.ErrNotFound // nothing was recorded to finalise
		}
		typ = events.AssessmentStarted
		err = u.s.Assessments.Add(ctx, start.ID, &start, typ, p.AccountID)
		if err == nil {
			return u.view(ctx, start)
		}
		if !errors.Is(err, ErrAssessmentExists) {
			return View{}, err
		}
	}
	return View{}, errs.ErrConflict
}

// ErrAssessmentExists is what the assessments repository returns for a second start.
var ErrAssessmentExists = errs.Conflict("assessment-exists", "the assessment was started meanwhile", "该考核已由他人创建")
