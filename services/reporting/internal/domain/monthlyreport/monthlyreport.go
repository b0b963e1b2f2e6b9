// Package monthlyreport holds the cadre's monthly report (S9) with its integrity declaration
// (S7) and the town office's review.
//
// Workflow: draft → submitted (cadre) → approved or returned with a comment (town office); a
// returned report is edited and submitted again. Figures are never typed: they come from the
// figures read model and are frozen at submission.
//
// Timeliness, like DHIS2's: a report is on time when its FIRST submission is at or before the
// effective deadline that libs/calendar computes for the town and month (the monthly report
// day of the next month, inclusive, until 23:59:59 Beijing time, moved to the next working day
// when the county shifts deadlines, or the town's extension). A resubmission after a return
// does not change it: the office asked for it, the cadre had reported in time.
package monthlyreport

import (
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
	"dundian.local/services/reporting/internal/domain/figures"
)

// Status is where a report stands in the workflow.
type Status string

const (
	Draft     Status = "draft"
	Submitted Status = "submitted"
	Approved  Status = "approved"
	Returned  Status = "returned"
)

// Editable reports whether the cadre may still change and submit the report.
func (s Status) Editable() bool { return s == Draft || s == Returned }

// Limits of the typed text.
const (
	MaxNarrative = 5000
	MaxNote      = 1000
	MaxComment   = 1000
	maxCadreID   = 64
)

var (
	ErrNotFound = errs.NotFound("monthly-report-not-found",
		"no such monthly report", "没有找到该月报")
	ErrNotEditable = errs.Conflict("monthly-report-not-editable",
		"the report is with the town office or approved and cannot be changed", "月报已提交或已通过，不能再修改")
	ErrNotSubmitted = errs.Conflict("monthly-report-not-submitted",
		"only a submitted report can be approved or returned", "只有已提交的月报才能审核")
	ErrIncomplete = errs.Invalid("monthly-report-incomplete",
		"the report is not complete", "月报尚未填写完整")
	ErrTooLong = errs.Invalid("monthly-report-too-long",
		"a text of the report is too long", "月报内容过长")
	ErrCommentRequired = errs.Invalid("monthly-report-comment-required",
		"say why the report is returned", "退回月报须填写意见")
	ErrMonthNotBegun = errs.Invalid("monthly-report-month-not-begun",
		"the month has not begun yet", "该月份尚未开始")
	ErrBadCadre = errs.Invalid("cadre-id-invalid",
		"not a valid cadre id", "干部编号无效")
)

// Narrative is what only the cadre can say about the month.
type Narrative struct {
	Measures string `json:"measures" bson:"measures"`
	Results  string `json:"results" bson:"results"`
}

// IntegrityDeclaration is S7 inside the report: the cadre declares keeping the integrity rules
// and notes anything to declare (a meal not paid, a gift refused or returned).
type IntegrityDeclaration struct {
	Declared bool   `json:"declared" bson:"declared"`
	Note     string `json:"note" bson:"note"`
}

// Review is one decision of the town office.
type Review struct {
	Decision Status    `json:"decision" bson:"decision"`
	Comment  string    `json:"comment" bson:"comment"`
	By       string    `json:"by" bson:"by"`
	At       time.Time `json:"at" bson:"at"`
}

// Report is one cadre's report on one month.
type Report struct {
	ID        string               `json:"id" bson:"_id"`
	Town      tenancy.TownCode     `json:"town" bson:"town"`
	Cadre     string               `json:"cadre" bson:"cadre"`
	Month     calendar.Month       `json:"month" bson:"month"`
	Status    Status               `json:"status" bson:"status"`
	Figures   figures.Figures      `json:"figures" bson:"figures"`
	Narrative Narrative            `json:"narrative" bson:"narrative"`
	Integrity IntegrityDeclaration `json:"integrity" bson:"integrity"`
	// FirstSubmittedAt decides timeliness; SubmittedAt is the latest submission.
	FirstSubmittedAt *time.Time `json:"firstSubmittedAt,omitempty" bson:"firstSubmittedAt,omitempty"`
	SubmittedAt      *time.Time `json:"submittedAt,omitempty" bson:"submittedAt,omitempty"`
	OnTime           *bool      `json:"onTime,omitempty" bson:"onTime,omitempty"`
	Reviews          []Review   `json:"reviews" bson:"reviews"`
	Rev              int64      `json:"rev" bson:"rev"`
}

// ID is the report's composite id: "<cadre>|2026-05".
func ID(cadre string, m calendar.Month) string { return figures.ID(cadre, m) }

// ParseCadre checks a cadre id from a path: personnel's ids, never containing the separator.
func ParseCadre(s string) (string, error) {
	if s == "" || len(s) > maxCadreID || strings.ContainsAny(s, "|./$ ") {
		return "", ErrBadCadre
	}
	return s, nil
}

// New starts a draft; it refuses a month that has not begun in Beijing at now.
func New(town tenancy.TownCode, cadre string, m calendar.Month, now time.Time) (Report, error) {
	if calendar.MonthOf(now).First().Before(m.First()) {
		return Report{}, ErrMonthNotBegun
	}
	return Report{ID: ID(cadre, m), Town: town, Cadre: cadre, Month: m, Status: Draft, Reviews: []Review{}}, nil
}

// Edit replaces the narrative and the declaration while the report is the cadre's.
func (r *Report) Edit(n Narrative, d IntegrityDeclaration) error {
	if !r.Status.Editable() {
		return ErrNotEditable
	}
	var fields []errs.FieldError
	tooLong := func(field, s string, max int) {
		if utf8.RuneCountInString(s) > max {
			fields = append(fields, errs.FieldError{Field: field, Slug: "too-long",
				Message: "too long", Zh: "内容过长"})
		}
	}
	tooLong("narrative.measures", n.Measures, MaxNarrative)
	tooLong("narrative.results", n.Results, MaxNarrative)
	tooLong("integrity.note", d.Note, MaxNote)
	if len(fields) > 0 {
		return ErrTooLong.WithFields(fields...)
	}
	r.Narrative = Narrative{Measures: strings.TrimSpace(n.Measures), Results: strings.TrimSpace(n.Results)}
	r.Integrity = IntegrityDeclaration{Declared: d.Declared, Note: strings.TrimSpace(d.Note)}
	return nil
}

// Submit hands the report to the town office with the figures of the moment; the first
// submission is judged against the deadline.
func (r *Report) Submit(f figures.Figures, deadline calendar.Deadline, at time.Time) error {
	if !r.Status.Editable() {
		return ErrNotEditable
	}
	var fields []errs.FieldError
	missing := func(field, en, zh string) {
		fields = append(fields, errs.FieldError{Field: field, Slug: "required", Message: en, Zh: zh})
	}
	if r.Narrative.Measures == "" {
		missing("narrative.measures", "describe the measures taken", "请填写本月采取的措施")
	}
	if r.Narrative.Results == "" {
		missing("narrative.results", "describe the results", "请填写本月取得的成效")
	}
	if !r.Integrity.Declared {
		missing("integrity.declared", "make the integrity declaration", "请确认廉洁自律承诺")
	}
	if len(fields) > 0 {
		return ErrIncomplete.WithFields(fields...)
	}
	r.Figures = f
	r.Status = Submitted
	r.SubmittedAt = &at
	if r.FirstSubmittedAt == nil {
		onTime := deadline.OnTime(at)
		r.FirstSubmittedAt, r.OnTime = &at, &onTime
	}
	return nil
}

// Approve accepts a submitted report.
func (r *Report) Approve(by, comment string, at time.Time) error {
	if r.Status != Submitted {
		return ErrNotSubmitted
	}
	if utf8.RuneCountInString(comment) > MaxComment {
		return ErrTooLong
	}
	r.Status = Approved
	r.Reviews = append(r.Reviews, Review{Decision: Approved, Comment: strings.TrimSpace(comment), By: by, At: at})
	return nil
}

// Return sends a submitted report back to the cadre; the comment says what to change.
func (r *Report) Return(by, comment string, at time.Time) error {
	if r.Status != Submitted {
		return ErrNotSubmitted
	}
	comment = strings.TrimSpace(comment)
	if comment == "" {
		return ErrCommentRequired
	}
	if utf8.RuneCountInString(comment) > MaxComment {
		return ErrTooLong
	}
	r.Status = Returned
	r.Reviews = append(r.Reviews, Review{Decision: Returned, Comment: comment, By: by, At: at})
	return nil
}
