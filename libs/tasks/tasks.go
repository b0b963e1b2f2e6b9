// Package tasks is the one model of a tracked follow-up (DOMAIN glossary `Task`): a
// rectification measure, a dispatch meeting's action item, a step of a petition's resolution
// plan, the follow-up of an inspection finding. Each has an owner, maybe a due date, a status
// and, once done, a verification by someone else. Every service stores its own tasks with this
// model so that reporting can show them together and notify.
//
// The rules live in the methods; they return libs/errs errors and never touch storage.
package tasks

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Kind says what a task follows up.
type Kind string

const (
	Rectification        Kind = "rectification"         // 整改措施 (T2, T5, L2 self-examination)
	ActionItem           Kind = "action_item"           // 调度会议事项 (S8)
	ResolutionStep       Kind = "resolution_step"       // 积案化解步骤 (T6)
	FindingFollowUp      Kind = "finding_followup"      // 督查发现问题整改 (L2)
	StabilisationMeasure Kind = "stabilisation_measure" // 稳控措施 (T6)
)

// Kinds lists every kind.
var Kinds = []Kind{Rectification, ActionItem, ResolutionStep, FindingFollowUp, StabilisationMeasure}

func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Status is where a task stands.
type Status string

const (
	Open       Status = "open"
	InProgress Status = "in_progress"
	Done       Status = "done"     // the owner says it is done
	Verified   Status = "verified" // someone else checked that it is
	Reopened   Status = "reopened" // done or verified, then found not to be
	Cancelled  Status = "cancelled"
)

// transitions is the whole life cycle. Cancelled is final; a verified task can still be
// reopened, because a later inspection may find a rectification did not hold.
var transitions = map[Status][]Status{
	Open:       {InProgress, Done, Cancelled},
	InProgress: {Done, Cancelled},
	Done:       {Verified, Reopened},
	Verified:   {Reopened},
	Reopened:   {InProgress, Done, Cancelled},
	Cancelled:  nil,
}

// Next lists the statuses a task in s may move to.
func (s Status) Next() []Status { return slices.Clone(transitions[s]) }

// Active reports whether the task still waits for its owner: only such a task can be overdue.
func (s Status) Active() bool { return s == Open || s == InProgress || s == Reopened }

// Zh is the status as the console shows it.
func (s Status) Zh() string {
	switch s {
	case Open:
		return "待办理"
	case InProgress:
		return "办理中"
	case Done:
		return "已完成"
	case Verified:
		return "已核实"
	case Reopened:
		return "重新办理"
	case Cancelled:
		return "已取消"
	}
	return string(s)
}

// OwnerKind says who answers for a task.
type OwnerKind string

const (
	OwnerCadre      OwnerKind = "cadre"       // a stationed cadre; ID is the cadre id
	OwnerAccount    OwnerKind = "account"     // any login account; ID is the account id
	OwnerCommunity  OwnerKind = "community"   // a community's party organisation; ID is the community code
	OwnerTownOffice OwnerKind = "town_office" // the town activity office; ID is the town code
)

func (k OwnerKind) Valid() bool {
	return k == OwnerCadre || k == OwnerAccount || k == OwnerCommunity || k == OwnerTownOffice
}

// Owner is who answers for the task.
type Owner struct {
	Kind OwnerKind `json:"kind" bson:"kind"`
	ID   string    `json:"id" bson:"id"`
	Name string    `json:"name,omitempty" bson:"name,omitempty"`
}

// Actor is who made a change: an account, and the cadre it belongs to if any, so that the
// rule on verifying one's own task can be checked for cadre owners too.
type Actor struct {
	AccountID string `json:"accountId" bson:"accountId"`
	CadreID   string `json:"cadreId,omitempty" bson:"cadreId,omitempty"`
	Name      string `json:"name,omitempty" bson:"name,omitempty"`
}

// ActorOf returns the actor of a verified principal.
func ActorOf(p auth.Principal) Actor {
	return Actor{AccountID: p.AccountID, CadreID: p.CadreID, Name: p.Name}
}

// Completion records who said the task was done, when, and what was done.
type Completion struct {
	By   Actor     `json:"by" bson:"by"`
	At   time.Time `json:"at" bson:"at"`
	Note string    `json:"note,omitempty" bson:"note,omitempty"`
}

// Verification records who checked the work, when, and what they found.
type Verification struct {
	By   Actor     `json:"by" bson:"by"`
	At   time.Time `json:"at" bson:"at"`
	Note string    `json:"note,omitempty" bson:"note,omitempty"`
}

// Source is what the task belongs to, e.g. {fieldwork, activity, <id>}.
type Source struct {
	Service string `json:"service" bson:"service"`
	Entity  string `json:"entity" bson:"entity"`
	ID      string `json:"id" bson:"id"`
}

// Change is one step of the task's history. Reason holds the reason of a reopening or a
// cancellation, or the note given on completion or verification.
type Change struct {
	From   Status    `json:"from,omitempty" bson:"from,omitempty"` // empty for the creation
	To     Status    `json:"to" bson:"to"`
	Actor  Actor     `json:"actor" bson:"actor"`
	Reason string    `json:"reason,omitempty" bson:"reason,omitempty"`
	At     time.Time `json:"at" bson:"at"`
}

// Task is one tracked follow-up. Change it only through its methods so that its history and
// revision stay true.
type Task struct {
	ID     string           `json:"id" bson:"_id"`
	Town   tenancy.TownCode `json:"town" bson:"town"`
	Kind   Kind             `json:"kind" bson:"kind"`
	Title  string           `json:"title" bson:"title"`
	Detail string           `json:"detail,omitempty" bson:"detail,omitempty"`
	Owner  Owner            `json:"owner" bson:"owner"`
	// Due is the day the task must be done by, to the end of that day in Beijing time; zero
	// when no date was set.
	Due          time.Time     `json:"due,omitzero" bson:"due,omitempty"`
	Status       Status        `json:"status" bson:"status"`
	Completion   *Completion   `json:"completion,omitempty" bson:"completion,omitempty"`
	Verification *Verification `json:"verification,omitempty" bson:"verification,omitempty"`
	Source       Source        `json:"source" bson:"source"`
	History      []Change      `json:"history" bson:"history"`
	// Rev is 1 when created and grows by one with every change; repositories guard their
	// updates with the revision they read, and events carry it.
	Rev int64 `json:"rev" bson:"rev"`
}

// Draft is what a new task is made from.
type Draft struct {
	ID     string
	Town   tenancy.TownCode
	Kind   Kind
	Title  string
	Detail string
	Owner  Owner
	Due    time.Time
	Source Source
}

const (
	maxTitle  = 200
	maxDetail = 4000
	maxNote   = 1000
	maxID     = 100
)

var (
	ErrInvalidTask = errs.Invalid("task-invalid",
		"the task is not filled in correctly", "任务填写有误")
	ErrTransitionNotAllowed = errs.Conflict("task-transition-not-allowed",
		"the task cannot make this change in its present state", "任务当前状态不允许此操作")
	ErrReasonRequired = errs.Invalid("task-reason-required",
		"give a reason for this change", "请填写原因").
		WithFields(errs.FieldError{Field: "reason", Slug: "required", Message: "a reason is required", Zh: "原因不能为空"})
	ErrNoteTooLong = errs.Invalid("task-note-too-long",
		fmt.Sprintf("a reason or note has at most %d characters", maxNote),
		fmt.Sprintf("原因或说明不超过%d字", maxNote))
	ErrActorRequired = errs.Invalid("task-actor-required",
		"a change must name the account that makes it", "须记录操作人账号")
	ErrOwnerCannotVerify = errs.Forbidden("task-owner-cannot-verify",
		"the owner of a task cannot verify it; someone else must check the work",
		"任务责任人不能核实自己的任务，须由他人核实")
)

// New validates the draft and returns an open task, created by the actor at the instant.
func New(d Draft, by Actor, at time.Time) (Task, error) {
	var fields []errs.FieldError
	add := func(field, slug, en, zh string) {
		fields = append(fields, errs.FieldError{Field: field, Slug: slug, Message: en, Zh: zh})
	}
	d.ID, d.Title, d.Detail = strings.TrimSpace(d.ID), strings.TrimSpace(d.Title), strings.TrimSpace(d.Detail)
	if d.ID == "" || len(d.ID) > maxID {
		add("id", "required", "a task needs an id", "任务须有编号")
	}
	town, err := tenancy.ParseTown(string(d.Town))
	if err != nil {
		add("town", "bad-town", "a town code has exactly 9 digits", "乡镇代码须为9位数字")
	}
	if !d.Kind.Valid() {
		add("kind", "unknown", "choose the kind of follow-up", "请选择任务类别")
	}
	if d.Title == "" {
		add("title", "required", "give the task a title", "请填写任务名称")
	} else if utf8.RuneCountInString(d.Title) > maxTitle {
		add("title", "too-long", fmt.Sprintf("a title has at most %d characters", maxTitle),
			fmt.Sprintf("任务名称不超过%d字", maxTitle))
	}
	if utf8.RuneCountInString(d.Detail) > maxDetail {
		add("detail", "too-long", fmt.Sprintf("the detail has at most %d characters", maxDetail),
			fmt.Sprintf("任务内容不超过%d字", maxDetail))
	}
	if !d.Owner.Kind.Valid() || strings.TrimSpace(d.Owner.ID) == "" {
		add("owner", "required", "name who answers for the task", "请指定责任人")
	}
	if d.Source.Service == "" || d.Source.Entity == "" || d.Source.ID == "" {
		add("source", "required", "say what the task belongs to", "须注明任务所属事项")
	}
	if by.AccountID == "" {
		add("createdBy", "required", "a task must name the account that creates it", "须记录创建人账号")
	}
	if at.IsZero() {
		add("createdAt", "required", "a task must carry its creation time", "须记录创建时间")
	}
	if len(fields) > 0 {
		return Task{}, ErrInvalidTask.WithFields(fields...)
	}
	return Task{
		ID: d.ID, Town: town, Kind: d.Kind, Title: d.Title, Detail: d.Detail,
		Owner: d.Owner, Due: d.Due, Status: Open, Source: d.Source,
		History: []Change{{To: Open, Actor: by, At: at}},
		Rev:     1,
	}, nil
}

// Start records that the owner has begun.
func (t *Task) Start(by Actor, at time.Time) error {
	return t.move(InProgress, by, "", at)
}

// Complete records that the owner says the work is done; the note says what was done.
func (t *Task) Complete(by Actor, note string, at time.Time) error {
	note = strings.TrimSpace(note)
	if err := t.move(Done, by, note, at); err != nil {
		return err
	}
	t.Completion = &Completion{By: by, At: at, Note: note}
	return nil
}

// Verify records that someone checked the work of a done task. Four eyes: when the owner is a
// person — an account, or a cadre (whose accounts carry the cadre id) — that person cannot
// verify their own task. A task owned by a community or the town office is verified by
// whoever the use case allows, typically the town office or the county.
func (t *Task) Verify(by Actor, note string, at time.Time) error {
	note = strings.TrimSpace(note)
	if err := t.check(Verified, by, note); err != nil {
		return err
	}
	if t.ownedBy(by) {
		return ErrOwnerCannotVerify
	}
	t.apply(Verified, by, note, at)
	t.Verification = &Verification{By: by, At: at, Note: note}
	return nil
}

// Reopen sends a done or verified task back to its owner; the reason is required and the
// earlier completion and verification stay only in the history.
func (t *Task) Reopen(by Actor, reason string, at time.Time) error {
	reason = strings.TrimSpace(reason)
	if err := t.check(Reopened, by, reason); err != nil {
		return err
	}
	if reason == "" {
		return ErrReasonRequired
	}
	t.apply(Reopened, by, reason, at)
	t.Completion, t.Verification = nil, nil
	return nil
}

// Cancel ends a task that is no longer needed; the reason is required.
func (t *Task) Cancel(by Actor, reason string, at time.Time) error {
	reason = strings.TrimSpace(reason)
	if err := t.check(Cancelled, by, reason); err != nil {
		return err
	}
	if reason == "" {
		return ErrReasonRequired
	}
	t.apply(Cancelled, by, reason, at)
	return nil
}

func (t *Task) move(to Status, by Actor, reason string, at time.Time) error {
	if err := t.check(to, by, reason); err != nil {
		return err
	}
	t.apply(to, by, reason, at)
	return nil
}

// check refuses a change the life cycle does not allow, naming what is allowed instead.
func (t *Task) check(to Status, by Actor, reason string) error {
	if !slices.Contains(transitions[t.Status], to) {
		return notAllowed(t.Status, to)
	}
	if by.AccountID == "" {
		return ErrActorRequired
	}
	if utf8.RuneCountInString(reason) > maxNote {
		return ErrNoteTooLong
	}
	return nil
}

func (t *Task) apply(to Status, by Actor, reason string, at time.Time) {
	t.History = append(t.History, Change{From: t.Status, To: to, Actor: by, Reason: reason, At: at})
	t.Status = to
	t.Rev++
}

func (t *Task) ownedBy(a Actor) bool {
	switch t.Owner.Kind {
	case OwnerAccount:
		return a.AccountID == t.Owner.ID
	case OwnerCadre:
		return a.CadreID != "" && a.CadreID == t.Owner.ID
	}
	return false
}

func notAllowed(from, to Status) error {
	next := transitions[from]
	en := fmt.Sprintf("a task that is %s cannot become %s", from, to)
	zh := fmt.Sprintf("“%s”的任务不能改为“%s”", from.Zh(), to.Zh())
	if len(next) == 0 {
		en += "; it allows no further change"
		zh += "，该任务不能再变更"
	} else {
		names, zhNames := make([]string, len(next)), make([]string, len(next))
		for i, s := range next {
			names[i], zhNames[i] = string(s), s.Zh()
		}
		en += "; allowed: " + strings.Join(names, ", ")
		zh += "，只能改为：" + strings.Join(zhNames, "、")
	}
	return ErrTransitionNotAllowed.WithDetail(en, zh)
}

// DueDay is the Beijing day the task is due by; zero when no date was set.
func (t Task) DueDay() calendar.Date {
	if t.Due.IsZero() {
		return calendar.Date{}
	}
	return calendar.BeijingDay(t.Due)
}

// IsOverdue reports whether the task still waits for its owner after the end of its due day
// in Beijing time. Done, verified and cancelled tasks are never overdue.
func (t Task) IsOverdue(now time.Time) bool { return t.DaysOverdue(now) > 0 }

// DaysOverdue counts the whole Beijing calendar days since the due day ("已逾期2天"); 0 when
// the task is not overdue.
func (t Task) DaysOverdue(now time.Time) int {
	if t.Due.IsZero() || !t.Status.Active() {
		return 0
	}
	return max(0, t.DueDay().DaysUntil(calendar.BeijingDay(now)))
}
