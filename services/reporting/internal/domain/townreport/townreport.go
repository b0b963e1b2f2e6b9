// Package townreport holds the town's own reports (L4): the office's monthly summary, the
// year-end written report to the county and the first-quarter summary of the past year with
// next year's plan. Each is a fixed template: statistics filled from reporting's projections
// (never typed) and the sections the office writes. The office submits it for sign-off, the
// town leader signs it or sends it back, and the office files it with the county; the filing
// time is judged against the calendar's deadline for the year-end report and the Q1 summary.
package townreport

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Kind is one of the three templates.
type Kind string

const (
	MonthlySummary Kind = "monthly_summary"
	YearEnd        Kind = "year_end"
	Q1Summary      Kind = "q1_summary"
)

// Sections are the template's parts, in order, with their Chinese headings.
func (k Kind) Sections() []Section {
	switch k {
	case MonthlySummary:
		return []Section{{"work", "本月工作开展情况"}, {"problems", "存在的问题"}, {"next", "下月工作打算"}}
	case YearEnd:
		return []Section{{"work", "全年工作开展情况"}, {"results", "取得的成效"}, {"problems", "存在的问题"}, {"measures", "改进措施"}}
	case Q1Summary:
		return []Section{{"summary", "上年度工作总结"}, {"experience", "经验做法"}, {"plan", "本年度工作计划"}}
	}
	return nil
}

// Deadline is the calendar's deadline the filing is judged against; the monthly summary has none.
func (k Kind) Deadline() (calendar.DeadlineKind, bool) {
	switch k {
	case YearEnd:
		return calendar.YearEndReport, true
	case Q1Summary:
		return calendar.Q1Summary, true
	}
	return "", false
}

// Section is one part of a template.
type Section struct {
	Key   string `json:"key"`
	Title string `json:"title"`
}

// Status is where a town report stands.
type Status string

const (
	Draft           Status = "draft"
	AwaitingSignOff Status = "awaiting_sign_off"
	Signed          Status = "signed"
	Filed           Status = "filed"
)

const maxSection = 10000

var (
	ErrNotFound   = errs.NotFound("town-report-not-found", "no such town report", "没有找到该报告")
	ErrBadPeriod  = errs.Invalid("town-report-period-invalid", "the kind or period is not valid (monthly summary: 2026-05; yearly: 2026)", "报告类型或期间无效（月度小结如2026-05，年度如2026）")
	ErrIncomplete = errs.Invalid("town-report-incomplete", "write every section of the report", "请填写报告的全部内容")
	ErrTooLong    = errs.Invalid("town-report-too-long", "a section is too long", "报告内容过长")
	ErrState      = errs.Conflict("town-report-wrong-state", "the report cannot make this change in its present state", "报告当前状态不允许此操作")
	ErrComment    = errs.Invalid("town-report-comment-required", "say what to change", "退回须填写意见")
)

// Statistics are the figures the template shows, counted from the projections.
type Statistics struct {
	ReportsSubmitted  int `json:"reportsSubmitted" bson:"reportsSubmitted"`
	ReportsOnTime     int `json:"reportsOnTime" bson:"reportsOnTime"`
	ReportsLate       int `json:"reportsLate" bson:"reportsLate"`
	ReportsApproved   int `json:"reportsApproved" bson:"reportsApproved"`
	DaysPresent       int `json:"daysPresent" bson:"daysPresent"`
	Logs              int `json:"logs" bson:"logs"`
	Diaries           int `json:"diaries" bson:"diaries"`
	ContactsVisited   int `json:"contactsVisited" bson:"contactsVisited"`
	OpinionsHandled   int `json:"opinionsHandled" bson:"opinionsHandled"`
	MeetingsHeld      int `json:"meetingsHeld" bson:"meetingsHeld"`
	ActionItems       int `json:"actionItems" bson:"actionItems"`
	ActionItemsClosed int `json:"actionItemsClosed" bson:"actionItemsClosed"` // verified
}

// Report is one town report.
type Report struct {
	ID          string            `json:"id" bson:"_id"`
	Town        tenancy.TownCode  `json:"town" bson:"town"`
	Kind        Kind              `json:"kind" bson:"kind"`
	Period      string            `json:"period" bson:"period"`
	Status      Status            `json:"status" bson:"status"`
	Statistics  Statistics        `json:"statistics" bson:"statistics"`
	Sections    map[string]string `json:"sections" bson:"sections"`
	Comment     string            `json:"comment,omitempty" bson:"comment,omitempty"` // the leader's, when sent back
	SignedBy    string            `json:"signedBy,omitempty" bson:"signedBy,omitempty"`
	SignedAt    *time.Time        `json:"signedAt,omitempty" bson:"signedAt,omitempty"`
	FiledBy     string            `json:"filedBy,omitempty" bson:"filedBy,omitempty"`
	FiledAt     *time.Time        `json:"filedAt,omitempty" bson:"filedAt,omitempty"`
	FiledOnTime *bool             `json:"filedOnTime,omitempty" bson:"filedOnTime,omitempty"`
	Rev         int64             `json:"rev" bson:"rev"`
}

// Period is what a report covers: the months of its statistics.
type Period struct {
	Kind   Kind
	Label  string
	Months []calendar.Month
}

// ParsePeriod checks a kind and period: a month for the monthly summary, a programme year for
// the others (the Q1 summary of 2026 sums up 2026 and is filed early in 2027).
func ParsePeriod(kind, period string, programme func(year int) calendar.ProgrammeCalendar) (Period, error) {
	switch k := Kind(kind); k {
	case MonthlySummary:
		m, err := calendar.ParseMonth(period)
		if err != nil {
			return Period{}, ErrBadPeriod
		}
		return Period{Kind: k, Label: m.String(), Months: []calendar.Month{m}}, nil
	case YearEnd, Q1Summary:
		y, err := strconv.Atoi(period)
		if err != nil || y < 2000 || y > 2100 || len(period) != 4 {
			return Period{}, ErrBadPeriod
		}
		return Period{Kind: k, Label: period, Months: programme(y).Months()}, nil
	}
	return Period{}, ErrBadPeriod
}

// ID is the report's _id: "<kind>|<period>".
func (p Period) ID() string { return string(p.Kind) + "|" + p.Label }

// New starts a draft of the template.
func New(town tenancy.TownCode, p Period) Report {
	return Report{ID: p.ID(), Town: town, Kind: p.Kind, Period: p.Label, Status: Draft, Sections: map[string]string{}}
}

// Edit replaces the sections while the office drafts.
func (r *Report) Edit(sections map[string]string) error {
	if r.Status != Draft {
		return ErrState
	}
	out := map[string]string{}
	for _, s := range r.Kind.Sections() {
		text := strings.TrimSpace(sections[s.Key])
		if utf8.RuneCountInString(text) > maxSection {
			return ErrTooLong.WithFields(errs.FieldError{Field: "sections." + s.Key, Slug: "too-long", Message: "too long", Zh: "内容过长"})
		}
		out[s.Key] = text
	}
	r.Sections = out
	return nil
}

// Submit asks the town leader to sign, with the statistics of the moment.
func (r *Report) Submit(st Statistics) error {
	if r.Status != Draft {
		return ErrState
	}
	var fields []errs.FieldError
	for _, s := range r.Kind.Sections() {
		if r.Sections[s.Key] == "" {
			fields = append(fields, errs.FieldError{Field: "sections." + s.Key, Slug: "required", Message: "write " + s.Key, Zh: "请填写" + s.Title})
		}
	}
	if len(fields) > 0 {
		return ErrIncomplete.WithFields(fields...)
	}
	r.Statistics, r.Status, r.Comment = st, AwaitingSignOff, ""
	return nil
}

// Sign is the town leader's sign-off.
func (r *Report) Sign(by string, at time.Time) error {
	if r.Status != AwaitingSignOff {
		return ErrState
	}
	r.Status, r.SignedBy, r.SignedAt = Signed, by, &at
	return nil
}

// SendBack returns the report to the office with the leader's comment.
func (r *Report) SendBack(comment string) error {
	if r.Status != AwaitingSignOff {
		return ErrState
	}
	if comment = strings.TrimSpace(comment); comment == "" {
		return ErrComment
	}
	r.Status, r.Comment = Draft, comment
	return nil
}

// File records the filing with the county; deadline is nil for the monthly summary.
func (r *Report) File(by string, deadline *calendar.Deadline, at time.Time) error {
	if r.Status != Signed {
		return ErrState
	}
	r.Status, r.FiledBy, r.FiledAt = Filed, by, &at
	if deadline != nil {
		onTime := deadline.OnTime(at)
		r.FiledOnTime = &onTime
	}
	return nil
}
