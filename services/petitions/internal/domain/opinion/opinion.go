// Package opinion holds opinions and suggestions (意见建议, T4): recorded by cadres or received
// from the public page, answered by a responsible cadre within the town's response period.
package opinion

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

// Status is where an opinion stands in its workflow.
type Status string

const (
	Received  Status = "received"
	Assigned  Status = "assigned"
	Responded Status = "responded"
	Closed    Status = "closed"
)

var transitions = map[Status][]Status{
	Received:  {Assigned, Closed},
	Assigned:  {Assigned, Responded},
	Responded: {Closed, Assigned},
	Closed:    nil,
}

// Next lists the statuses an opinion in s may move to.
func (s Status) Next() []Status { return slices.Clone(transitions[s]) }

// Open reports whether the opinion still waits for its response.
func (s Status) Open() bool { return s == Received || s == Assigned }

// Zh is the status's Chinese name.
func (s Status) Zh() string {
	switch s {
	case Received:
		return "已受理"
	case Assigned:
		return "已交办"
	case Responded:
		return "已答复"
	case Closed:
		return "已办结"
	}
	return string(s)
}

// Source says where the opinion came from.
type Source string

const (
	FromVisit    Source = "visit"      // 走访
	FromActivity Source = "activity"   // 组织活动
	FromJoint    Source = "joint_work" // 联合工作
	FromPublic   Source = "public"     // 公开页面
)

// Sources a cadre may record; FromPublic is set only by the public submission.
var Sources = []Source{FromVisit, FromActivity, FromJoint}

// Kind is what a member of the public says they are leaving.
type Kind string

const (
	KindOpinion    Kind = "opinion"    // 意见
	KindSuggestion Kind = "suggestion" // 建议
	KindAppeal     Kind = "appeal"     // 诉求
)

// Kinds are the kinds of an opinion.
var Kinds = []Kind{KindOpinion, KindSuggestion, KindAppeal}

// Category is the subject of an opinion, including the "four winds" (四风).
type Category string

const (
	Livelihood     Category = "livelihood"     // 民生服务
	Infrastructure Category = "infrastructure" // 基础设施
	Environment    Category = "environment"    // 环境卫生
	Safety         Category = "safety"         // 平安稳定
	Industry       Category = "industry"       // 产业发展
	Formalism      Category = "formalism"      // 形式主义
	Bureaucratism  Category = "bureaucratism"  // 官僚主义
	Hedonism       Category = "hedonism"       // 享乐主义
	Extravagance   Category = "extravagance"   // 奢靡之风
	OtherCategory  Category = "other"          // 其他
)

// Categories are the accepted categories.
var Categories = []Category{Livelihood, Infrastructure, Environment, Safety, Industry,
	Formalism, Bureaucratism, Hedonism, Extravagance, OtherCategory}

// FourWinds reports whether the category is one of the four winds, which feed the town's
// rectification lists.
func (c Category) FourWinds() bool {
	return c == Formalism || c == Bureaucratism || c == Hedonism || c == Extravagance
}

// DefaultResponseDueDays applies until the town's settings say otherwise.
const DefaultResponseDueDays = 15

const (
	// MaxText is the longest opinion text, in characters.
	MaxText     = 2000
	maxResponse = 2000
	maxName     = 60
)

// Cadre names the cadre who answers for an opinion.
type Cadre struct {
	ID   string `json:"id" bson:"id"`
	Name string `json:"name,omitempty" bson:"name,omitempty"`
}

// Change is one step of the workflow, kept for the audit trail.
type Change struct {
	From   Status    `json:"from,omitempty" bson:"from,omitempty"`
	To     Status    `json:"to" bson:"to"`
	Actor  string    `json:"actor" bson:"actor"`
	Reason string    `json:"reason,omitempty" bson:"reason,omitempty"`
	At     time.Time `json:"at" bson:"at"`
}

// Opinion is an opinion, suggestion or appeal of a community.
type Opinion struct {
	ID        string                `json:"id" bson:"_id"`
	Town      tenancy.TownCode      `json:"town" bson:"town"`
	Community tenancy.CommunityCode `json:"community" bson:"community"`
	Source    Source                `json:"source" bson:"source"`
	Kind      Kind                  `json:"kind" bson:"kind"`
	Category  Category              `json:"category" bson:"category"`
	Text      string                `json:"text" bson:"text"`
	// Phone is only ever kept masked (138****5678): the full number is never stored.
	Phone        string    `json:"phone,omitempty" bson:"phone,omitempty"`
	TrackingCode string    `json:"trackingCode,omitempty" bson:"trackingCode,omitempty"`
	RecordedBy   string    `json:"recordedBy,omitempty" bson:"recordedBy,omitempty"`
	Responsible  *Cadre    `json:"responsible,omitempty" bson:"responsible,omitempty"`
	Status       Status    `json:"status" bson:"status"`
	ReceivedAt   time.Time `json:"receivedAt" bson:"receivedAt"`
	// Due is the end of the Beijing day by which the response is owed.
	Due         time.Time  `json:"due" bson:"due"`
	Response    string     `json:"response,omitempty" bson:"response,omitempty"`
	RespondedAt *time.Time `json:"respondedAt,omitempty" bson:"respondedAt,omitempty"`
	ClosedAt    *time.Time `json:"closedAt,omitempty" bson:"closedAt,omitempty"`
	// EscalatedAt is when the opinion, overdue, was escalated to the town office.
	EscalatedAt *time.Time `json:"escalatedAt,omitempty" bson:"escalatedAt,omitempty"`
	History     []Change   `json:"history" bson:"history"`
	Rev         int64      `json:"rev" bson:"rev"`
}

var (
	ErrNotFound = errs.NotFound("opinion-not-found",
		"no such opinion in this town", "本乡镇没有该意见建议")
	ErrTransitionNotAllowed = errs.Conflict("opinion-transition-not-allowed",
		"the opinion cannot make this change in its present state", "意见建议当前状态不允许此操作")
	ErrInvalid = errs.Invalid("opinion-invalid",
		"the opinion is not filled in correctly", "意见建议填写有误")
	ErrResponseRequired = errs.Invalid("opinion-response-required",
		fmt.Sprintf("write the response, at most %d characters", maxResponse),
		fmt.Sprintf("请填写答复内容，最多%d字", maxResponse))
	ErrCadreRequired = errs.Invalid("opinion-cadre-required",
		"name the responsible cadre", "请指定责任干部")
)

// Draft is what a new opinion is made of.
type Draft struct {
	ID           string
	Town         tenancy.TownCode
	Community    tenancy.CommunityCode
	Source       Source
	Kind         Kind
	Category     Category
	Text         string
	Phone        string // as entered; masked by New
	TrackingCode string
	RecordedBy   string
	Responsible  *Cadre
}

// New validates a draft received at the given time; its response is due dueDays Beijing
// days later (at the end of that day).
func New(d Draft, at time.Time, dueDays int) (Opinion, error) {
	var fields []errs.FieldError
	add := func(field, slug, en, zh string) {
		fields = append(fields, errs.FieldError{Field: field, Slug: slug, Message: en, Zh: zh})
	}
	text := strings.TrimSpace(d.Text)
	switch {
	case text == "":
		add("text", "required", "write the opinion", "请填写意见内容")
	case utf8.RuneCountInString(text) > MaxText:
		add("text", "too-long", fmt.Sprintf("at most %d characters", MaxText), fmt.Sprintf("内容不超过%d字", MaxText))
	}
	if d.Community.Town() != d.Town {
		add("community", "not-in-town", "the community is not of this town", "该社区（村）不属于本乡镇")
	}
	if d.Source != FromPublic && !slices.Contains(Sources, d.Source) {
		add("source", "unknown", "choose where the opinion came from", "请选择意见来源")
	}
	if d.Kind == "" {
		d.Kind = KindOpinion
	}
	if !slices.Contains(Kinds, d.Kind) {
		add("kind", "unknown", "choose opinion, suggestion or appeal", "请选择意见、建议或诉求")
	}
	if d.Category == "" {
		d.Category = OtherCategory
	}
	if !slices.Contains(Categories, d.Category) {
		add("category", "unknown", "choose a category", "请选择类别")
	}
	phone, ok := MaskPhone(d.Phone)
	if !ok {
		add("phone", "bad-phone", "a mobile number has 11 digits starting with 1", "手机号须为1开头的11位数字")
	}
	if len(fields) > 0 {
		return Opinion{}, ErrInvalid.WithFields(fields...)
	}
	o := Opinion{
		ID: d.ID, Town: d.Town, Community: d.Community, Source: d.Source, Kind: d.Kind,
		Category: d.Category, Text: text, Phone: phone, TrackingCode: d.TrackingCode,
		RecordedBy: d.RecordedBy, Status: Received, ReceivedAt: at,
		Due:     DueAfter(at, dueDays),
		History: []Change{{To: Received, Actor: d.RecordedBy, At: at}},
		Rev:     1,
	}
	if d.Responsible != nil && d.Responsible.ID != "" {
		// named at once (a cadre recording what they will answer): it starts assigned
		if err := o.Assign(*d.Responsible, d.RecordedBy, "", at); err != nil {
			return Opinion{}, err
		}
		o.Rev = 1
	}
	return o, nil
}

// DueAfter is when a response to an opinion received at at is due: the end of the Beijing day
// dueDays days later (DefaultResponseDueDays when dueDays is not positive).
func DueAfter(at time.Time, dueDays int) time.Time {
	if dueDays <= 0 {
		dueDays = DefaultResponseDueDays
	}
	return calendar.BeijingDay(at).AddDays(dueDays).End()
}

// Assign hands the opinion to a responsible cadre (again, to hand it on or send a response back).
func (o *Opinion) Assign(c Cadre, actor, reason string, at time.Time) error {
	if strings.TrimSpace(c.ID) == "" {
		return ErrCadreRequired
	}
	if err := o.move(Assigned, actor, reason, at); err != nil {
		return err
	}
	o.Responsible = &Cadre{ID: strings.TrimSpace(c.ID), Name: clip(c.Name, maxName)}
	return nil
}

// Respond records the response given to the person who raised the opinion.
func (o *Opinion) Respond(response, actor string, at time.Time) error {
	response = strings.TrimSpace(response)
	if response == "" || utf8.RuneCountInString(response) > maxResponse {
		return ErrResponseRequired
	}
	if err := o.move(Responded, actor, "", at); err != nil {
		return err
	}
	o.Response, o.RespondedAt = response, &at
	return nil
}

// Close ends the workflow.
func (o *Opinion) Close(actor, reason string, at time.Time) error {
	if err := o.move(Closed, actor, reason, at); err != nil {
		return err
	}
	o.ClosedAt = &at
	return nil
}

// Overdue reports whether the response is late at now: still open after the end of the
// Beijing day it was due. Such opinions are escalated to the town office.
func (o Opinion) Overdue(now time.Time) bool { return o.Status.Open() && now.After(o.Due) }

// Escalate marks an overdue opinion as escalated to the town office, once; it reports whether
// it did.
func (o *Opinion) Escalate(now time.Time) bool {
	if o.EscalatedAt != nil || !o.Overdue(now) {
		return false
	}
	o.EscalatedAt = &now
	o.Rev++
	return true
}

func (o *Opinion) move(to Status, actor, reason string, at time.Time) error {
	if !slices.Contains(transitions[o.Status], to) {
		return notAllowed(o.Status, to)
	}
	o.History = append(o.History, Change{From: o.Status, To: to, Actor: actor, Reason: clip(reason, maxResponse), At: at})
	o.Status = to
	o.Rev++
	return nil
}

func notAllowed(from, to Status) error {
	next := transitions[from]
	en := fmt.Sprintf("an opinion that is %s cannot become %s", from, to)
	zh := fmt.Sprintf("“%s”的意见建议不能改为“%s”", from.Zh(), to.Zh())
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

// MaskPhone validates a mainland mobile number and masks its middle four digits; an empty
// number is allowed (the phone is optional).
func MaskPhone(s string) (string, bool) {
	s = strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return "", true
	}
	if len(s) != 11 || s[0] != '1' || strings.Trim(s, "0123456789") != "" {
		return "", false
	}
	return s[:3] + "****" + s[7:], true
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n])
	}
	return s
}
