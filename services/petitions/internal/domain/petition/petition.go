// Package petition holds petition cases (信访案件, T6): an early sign (苗头) registered with a
// risk level becomes a case, is resolved by a plan of tasks and closed with its outcome and
// the petitioner's satisfaction. Key backlog cases (积案) are flagged and watched by age.
package petition

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Status is where a case stands.
type Status string

const (
	Sign      Status = "sign"      // 苗头: registered, not yet a case
	Dismissed Status = "dismissed" // 苗头已消除
	Open      Status = "open"      // 已立案
	Resolving Status = "resolving" // 化解中
	Resolved  Status = "resolved"  // 已化解
	Closed    Status = "closed"    // 已结案
)

var transitions = map[Status][]Status{
	Sign:      {Open, Dismissed},
	Dismissed: nil,
	Open:      {Resolving},
	Resolving: {Resolved},
	Resolved:  {Closed, Resolving},
	Closed:    nil,
}

// Next lists the statuses a case in s may move to.
func (s Status) Next() []Status { return slices.Clone(transitions[s]) }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := transitions[s]; return ok }

// Active reports whether the case still needs work.
func (s Status) Active() bool { return s == Sign || s == Open || s == Resolving }

// Zh is the status's Chinese name.
func (s Status) Zh() string {
	switch s {
	case Sign:
		return "苗头"
	case Dismissed:
		return "苗头已消除"
	case Open:
		return "已立案"
	case Resolving:
		return "化解中"
	case Resolved:
		return "已化解"
	case Closed:
		return "已结案"
	}
	return string(s)
}

// Risk is an early sign's risk level.
type Risk string

const (
	Low    Risk = "low"
	Medium Risk = "medium"
	High   Risk = "high"
)

// Risks are the accepted risk levels.
var Risks = []Risk{Low, Medium, High}

// Change is one state change, kept for the audit trail.
type Change struct {
	From   Status    `json:"from,omitempty" bson:"from,omitempty"`
	To     Status    `json:"to" bson:"to"`
	Actor  string    `json:"actor" bson:"actor"`
	Reason string    `json:"reason" bson:"reason"`
	At     time.Time `json:"at" bson:"at"`
}

// Guidance is a record of lawful-petition guidance given to the petitioner (依法信访引导).
type Guidance struct {
	Text  string    `json:"text" bson:"text"`
	Actor string    `json:"actor" bson:"actor"`
	At    time.Time `json:"at" bson:"at"`
}

// Case is a petition case of a community.
type Case struct {
	ID         string                `json:"id" bson:"_id"`
	Town       tenancy.TownCode      `json:"town" bson:"town"`
	Community  tenancy.CommunityCode `json:"community" bson:"community"`
	Title      string                `json:"title" bson:"title"`
	Detail     string                `json:"detail,omitempty" bson:"detail,omitempty"`
	Petitioner string                `json:"petitioner,omitempty" bson:"petitioner,omitempty"`
	Risk       Risk                  `json:"risk" bson:"risk"`
	// Backlog marks a key backlog case (重点积案); its age counts from OpenedAt.
	Backlog      bool       `json:"backlog" bson:"backlog"`
	Status       Status     `json:"status" bson:"status"`
	RegisteredAt time.Time  `json:"registeredAt" bson:"registeredAt"`
	OpenedAt     *time.Time `json:"openedAt,omitempty" bson:"openedAt,omitempty"`
	ResolvedAt   *time.Time `json:"resolvedAt,omitempty" bson:"resolvedAt,omitempty"`
	Outcome      string     `json:"outcome,omitempty" bson:"outcome,omitempty"`
	// Satisfaction is the petitioner's, 1 (very dissatisfied) to 5 (very satisfied).
	Satisfaction int        `json:"satisfaction,omitempty" bson:"satisfaction,omitempty"`
	Guidance     []Guidance `json:"guidance" bson:"guidance"`
	History      []Change   `json:"history" bson:"history"`
	Rev          int64      `json:"rev" bson:"rev"`
}

const (
	maxTitle  = 200
	maxDetail = 4000
	maxNote   = 2000
)

var (
	ErrNotFound = errs.NotFound("case-not-found",
		"no such petition case in this town", "本乡镇没有该信访案件")
	ErrInvalid = errs.Invalid("case-invalid",
		"the petition case is not filled in correctly", "信访案件填写有误")
	ErrTransitionNotAllowed = errs.Conflict("case-transition-not-allowed",
		"the case cannot make this change in its present state", "信访案件当前状态不允许此操作")
	ErrReasonRequired = errs.Invalid("case-reason-required",
		fmt.Sprintf("give the reason for the change, at most %d characters", maxNote),
		fmt.Sprintf("请填写变更原因，最多%d字", maxNote))
	ErrOutcomeRequired = errs.Invalid("case-outcome-required",
		"a resolved case needs its outcome and the petitioner's satisfaction (1–5)",
		"化解案件须填写化解结果和信访人满意度（1至5分）")
	ErrGuidanceRequired = errs.Invalid("case-guidance-required",
		fmt.Sprintf("describe the guidance given, at most %d characters", maxNote),
		fmt.Sprintf("请填写引导情况，最多%d字", maxNote))
)

// Draft is what a new early sign (or a backlog case taken over as it is) is made of.
type Draft struct {
	ID         string
	Town       tenancy.TownCode
	Community  tenancy.CommunityCode
	Title      string
	Detail     string
	Petitioner string
	Risk       Risk
	Backlog    bool
	Actor      string
}

// New registers an early sign; a backlog case is opened at once (it is a case already).
func New(d Draft, at time.Time) (Case, error) {
	var fields []errs.FieldError
	add := func(field, slug, en, zh string) {
		fields = append(fields, errs.FieldError{Field: field, Slug: slug, Message: en, Zh: zh})
	}
	title, detail := strings.TrimSpace(d.Title), strings.TrimSpace(d.Detail)
	if title == "" || utf8.RuneCountInString(title) > maxTitle {
		add("title", "required", fmt.Sprintf("give a title of at most %d characters", maxTitle), fmt.Sprintf("请填写标题，最多%d字", maxTitle))
	}
	if utf8.RuneCountInString(detail) > maxDetail {
		add("detail", "too-long", fmt.Sprintf("at most %d characters", maxDetail), fmt.Sprintf("情况说明不超过%d字", maxDetail))
	}
	if d.Community.Town() != d.Town {
		add("community", "not-in-town", "the community is not of this town", "该社区（村）不属于本乡镇")
	}
	if !slices.Contains(Risks, d.Risk) {
		add("risk", "unknown", "choose the risk level: low, medium or high", "请选择风险等级：低、中、高")
	}
	if len(fields) > 0 {
		return Case{}, ErrInvalid.WithFields(fields...)
	}
	c := Case{
		ID: d.ID, Town: d.Town, Community: d.Community, Title: title, Detail: detail,
		Petitioner: clip(d.Petitioner, 60), Risk: d.Risk, Backlog: d.Backlog, Status: Sign,
		RegisteredAt: at, Guidance: []Guidance{},
		History: []Change{{To: Sign, Actor: d.Actor, Reason: "registered", At: at}},
		Rev:     1,
	}
	if d.Backlog {
		if err := c.Move(Open, d.Actor, "backlog case taken over", at); err != nil {
			return Case{}, err
		}
		c.Rev = 1
	}
	return c, nil
}

// Outcome closes the resolution: what was done and how satisfied the petitioner is.
type Outcome struct {
	Text         string
	Satisfaction int
}

// Move changes the status for a reason; reaching Resolved needs the outcome (ResolveWith).
func (c *Case) Move(to Status, actor, reason string, at time.Time) error {
	if to == Resolved {
		return ErrOutcomeRequired
	}
	return c.move(to, actor, reason, at)
}

// ResolveWith records the outcome and the petitioner's satisfaction and marks it resolved.
func (c *Case) ResolveWith(o Outcome, actor, reason string, at time.Time) error {
	text := strings.TrimSpace(o.Text)
	if text == "" || utf8.RuneCountInString(text) > maxNote || o.Satisfaction < 1 || o.Satisfaction > 5 {
		return ErrOutcomeRequired
	}
	if err := c.move(Resolved, actor, reason, at); err != nil {
		return err
	}
	c.Outcome, c.Satisfaction, c.ResolvedAt = text, o.Satisfaction, &at
	return nil
}

func (c *Case) move(to Status, actor, reason string, at time.Time) error {
	if !slices.Contains(transitions[c.Status], to) {
		return notAllowed(c.Status, to)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > maxNote {
		return ErrReasonRequired
	}
	c.History = append(c.History, Change{From: c.Status, To: to, Actor: actor, Reason: reason, At: at})
	if to == Open && c.OpenedAt == nil {
		c.OpenedAt = &at
	}
	if to == Resolving {
		c.ResolvedAt, c.Outcome, c.Satisfaction = nil, "", 0 // back from resolved: the old outcome no longer holds
	}
	c.Status = to
	c.Rev++
	return nil
}

// Guide records lawful-petition guidance given to the petitioner.
func (c *Case) Guide(text, actor string, at time.Time) error {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > maxNote {
		return ErrGuidanceRequired
	}
	c.Guidance = append(c.Guidance, Guidance{Text: text, Actor: actor, At: at})
	c.Rev++
	return nil
}

// AgeDays is how many Beijing days the case has been open at now (0 before it is a case).
func (c Case) AgeDays(now time.Time) int {
	if c.OpenedAt == nil {
		return 0
	}
	end := now
	if c.ResolvedAt != nil {
		end = *c.ResolvedAt
	}
	return max(0, calendar.BeijingDay(*c.OpenedAt).DaysUntil(calendar.BeijingDay(end)))
}

func notAllowed(from, to Status) error {
	next := transitions[from]
	en := fmt.Sprintf("a case that is %s cannot become %s", from, to)
	zh := fmt.Sprintf("“%s”的案件不能改为“%s”", from.Zh(), to.Zh())
	if len(next) == 0 {
		return ErrTransitionNotAllowed.WithDetail(en+"; it allows no further change", zh+"，已不能再变更")
	}
	names, zhNames := make([]string, len(next)), make([]string, len(next))
	for i, s := range next {
		names[i], zhNames[i] = string(s), s.Zh()
	}
	return ErrTransitionNotAllowed.WithDetail(en+"; allowed: "+strings.Join(names, ", "),
		zh+"，只能改为："+strings.Join(zhNames, "、"))
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n])
	}
	return s
}
