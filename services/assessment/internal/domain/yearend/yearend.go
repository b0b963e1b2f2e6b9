// Package yearend is a cadre's year-end assessment (L2): the recorded indicator inputs, the cadre's
// self-examination (对照检查、自我剖析), the county supervision group's adjustments — each with
// a written reason — and the final grade that goes to the cadre's personal file.
package yearend

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
	"dundian.local/services/assessment/internal/domain/scoring"
)

// Status is where an assessment stands.
type Status string

const (
	Draft     Status = "draft"
	Finalised Status = "finalised"
)

// Adjustment is a change of the drafted score by the county supervision group.
type Adjustment struct {
	Points float64   `json:"points" bson:"points"`
	Reason string    `json:"reason" bson:"reason"`
	By     string    `json:"by" bson:"by"`
	At     time.Time `json:"at" bson:"at"`
}

// Assessment is one cadre's assessment of one programme year. Its id is `<year>|<cadre>`,
// so it is read by _id. Its inputs come from the records other services and inspections
// keep; they are stored only when the assessment is finalised. The one manual correction is
// an adjustment with its written reason, author and time.
type Assessment struct {
	ID              string                              `json:"id" bson:"_id"`
	Town            tenancy.TownCode                    `json:"town" bson:"town"`
	Cadre           string                              `json:"cadre" bson:"cadre"`
	Year            int                                 `json:"year" bson:"year"`
	Inputs          map[scoring.Indicator]scoring.Input `json:"inputs" bson:"inputs"`
	SelfExamination string                              `json:"selfExamination,omitempty" bson:"selfExamination,omitempty"`
	Adjustments     []Adjustment                        `json:"adjustments" bson:"adjustments"`
	Status          Status                              `json:"status" bson:"status"`
	Grade           scoring.Grade                       `json:"grade,omitempty" bson:"grade,omitempty"`
	Score           float64                             `json:"score,omitempty" bson:"score,omitempty"`
	FinalisedBy     string                              `json:"finalisedBy,omitempty" bson:"finalisedBy,omitempty"`
	FinalisedAt     time.Time                           `json:"finalisedAt,omitzero" bson:"finalisedAt,omitempty"`
	Rev             int64                               `json:"rev" bson:"rev"`
}

const (
	maxReason = 1000
	maxSelf   = 8000
)

var (
	ErrReasonRequired = errs.Invalid("assessment-adjustment-reason-required",
		"an adjustment needs a written reason of at most 1000 characters and a non-zero number of points within ±100",
		"调整分数须写明理由（不超过1000字），调整分值须在±100以内且不为0").
		WithFields(errs.FieldError{Field: "reason", Slug: "required", Message: "a reason is required", Zh: "调整理由不能为空"})
	ErrFinalised = errs.Conflict("assessment-finalised",
		"the assessment is finalised and cannot change", "该考核已确定等次，不能再修改")
	ErrSelfExamination = errs.Invalid("assessment-self-examination-invalid",
		"the self-examination needs its text (at most 8000 characters)", "请填写对照检查材料（不超过8000字）")
	ErrBadGrade = errs.Invalid("assessment-grade-invalid",
		"choose a grade: excellent, competent, basic or incompetent", "请选择等次：优秀、称职、基本称职或不称职")
	ErrBadYear = errs.Invalid("assessment-year-invalid",
		"the programme year and the cadre are required", "请填写考核年度和干部")
	ErrNotFound = errs.NotFound("assessment-not-found", "no assessment of this cadre for this year", "该干部本年度尚无考核记录")
)

// ID is the assessment's id for a cadre and year.
func ID(year int, cadre string) string { return fmt.Sprintf("%d|%s", year, cadre) }

// New starts an empty draft.
func New(town tenancy.TownCode, year int, cadre string) (Assessment, error) {
	cadre = strings.TrimSpace(cadre)
	if year < 2000 || year > 2100 || cadre == "" || len(cadre) > 100 || strings.Contains(cadre, "|") {
		return Assessment{}, ErrBadYear
	}
	return Assessment{ID: ID(year, cadre), Town: town, Cadre: cadre, Year: year,
		Inputs: map[scoring.Indicator]scoring.Input{}, Adjustments: []Adjustment{}, Status: Draft}, nil
}

// Examine records the cadre's self-examination.
func (a *Assessment) Examine(text string) error {
	if a.Status == Finalised {
		return ErrFinalised
	}
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > maxSelf {
		return ErrSelfExamination
	}
	a.SelfExamination = text
	return nil
}

// Adjust changes the score by points; an adjustment without a reason is refused.
func (a *Assessment) Adjust(points float64, reason, by string, at time.Time) error {
	if a.Status == Finalised {
		return ErrFinalised
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > maxReason || points == 0 || math.Abs(points) > 100 || math.IsNaN(points) {
		return ErrReasonRequired
	}
	a.Adjustments = append(a.Adjustments, Adjustment{Points: points, Reason: reason, By: by, At: at})
	return nil
}

// Scored is the assessment's drafted score under the weights, with its adjustments.
type Scored struct {
	Draft     scoring.Draft `json:"draft"`
	Adjusted  float64       `json:"adjusted"`
	Suggested scoring.Grade `json:"suggestedGrade"`
}

// Compute computes the draft and applies the adjustments, keeping the result within 0–100.
func (a Assessment) Compute(w scoring.Weights) Scored {
	d := scoring.Compute(w, a.Inputs)
	total := d.Total
	for _, adj := range a.Adjustments {
		total += adj.Points
	}
	total = math.Round(math.Max(0, math.Min(100, total))*100) / 100
	return Scored{Draft: d, Adjusted: total, Suggested: scoring.Suggest(total)}
}

// Finalise fixes the grade and the score on the inputs recorded now, which it keeps: after
// this the assessment does not change, whatever the sources record later.
func (a *Assessment) Finalise(w scoring.Weights, inputs map[scoring.Indicator]scoring.Input, grade scoring.Grade, by string, at time.Time) error {
	if a.Status == Finalised {
		return ErrFinalised
	}
	if !grade.Valid() {
		return ErrBadGrade
	}
	a.Inputs = inputs
	a.Status, a.Grade, a.Score, a.FinalisedBy, a.FinalisedAt = Finalised, grade, a.Compute(w).Adjusted, by, at
	return nil
}
