// Package recall is the due process of S10: a case is raised on a trigger, the town office
// opens it, the cadre explains, the town leading group decides (criticism and education, or
// recall) with its reasons and the persons held accountable, and a circulated notice (通报)
// is produced. No step can be skipped; every step keeps its actor and time.
package recall

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Trigger is why a case was raised.
type Trigger string

const (
	LowSatisfaction Trigger = "low_satisfaction" // 群众满意度低
	MissedDays      Trigger = "missed_days"      // 多次未按要求蹲点
	SeriousFinding  Trigger = "serious_finding"  // 督查发现严重问题
	IntegrityBreach Trigger = "integrity_breach" // 违反廉洁纪律
)

func (t Trigger) Valid() bool {
	return t == LowSatisfaction || t == MissedDays || t == SeriousFinding || t == IntegrityBreach
}

// Step is where a case stands; each names the step that was done last.
type Step string

const (
	Raised     Step = "raised"
	Opened     Step = "opened"
	Explained  Step = "explained"
	Decided    Step = "decided"
	Circulated Step = "circulated"
)

// order is the whole process: each step may only follow the one before it.
var order = []Step{Raised, Opened, Explained, Decided, Circulated}

// Zh names the step in the console.
func (s Step) Zh() string {
	return map[Step]string{Raised: "立案", Opened: "受理", Explained: "本人说明", Decided: "领导小组决定", Circulated: "通报"}[s]
}

// Outcome is the leading group's decision.
type Outcome string

const (
	Criticism Outcome = "criticism" // 批评教育
	Recall    Outcome = "recall"    // 召回
)

func (o Outcome) Zh() string {
	return map[Outcome]string{Criticism: "批评教育", Recall: "召回"}[o]
}

// Record is one step done: who, when, and what they wrote.
type Record struct {
	Step  Step      `json:"step" bson:"step"`
	Actor string    `json:"actor" bson:"actor"`
	At    time.Time `json:"at" bson:"at"`
	Text  string    `json:"text,omitempty" bson:"text,omitempty"`
}

// Decision is what the town leading group decided.
type Decision struct {
	Outcome     Outcome  `json:"outcome" bson:"outcome"`
	Reasons     string   `json:"reasons" bson:"reasons"`
	Accountable []string `json:"accountable" bson:"accountable"` // 追究责任的有关人员
}

// Case is one recall case about a cadre.
type Case struct {
	ID          string           `json:"id" bson:"_id"`
	Town        tenancy.TownCode `json:"town" bson:"town"`
	Cadre       string           `json:"cadre" bson:"cadre"`
	CadreName   string           `json:"cadreName" bson:"cadreName"`
	Trigger     Trigger          `json:"trigger" bson:"trigger"`
	Grounds     string           `json:"grounds" bson:"grounds"`
	Finding     string           `json:"finding,omitempty" bson:"finding,omitempty"`
	Step        Step             `json:"step" bson:"step"`
	Explanation string           `json:"explanation,omitempty" bson:"explanation,omitempty"`
	Decision    *Decision        `json:"decision,omitempty" bson:"decision,omitempty"`
	Notice      string           `json:"notice,omitempty" bson:"notice,omitempty"`
	History     []Record         `json:"history" bson:"history"`
	Rev         int64            `json:"rev" bson:"rev"`
}

const (
	maxText = 4000
	maxName = 60
)

var (
	ErrInvalid = errs.Invalid("recall-invalid",
		"a recall case needs the cadre, a known trigger and its grounds (at most 4000 characters)",
		"召回案件须填写干部、触发情形和事实依据（不超过4000字）")
	ErrTextRequired = errs.Invalid("recall-text-required",
		"this step needs its text (at most 4000 characters)", "本步骤须填写内容（不超过4000字）")
	ErrDecisionInvalid = errs.Invalid("recall-decision-invalid",
		"a decision needs its outcome (criticism or recall), its reasons and the persons held accountable (none is written as an empty list)",
		"决定须写明处理结果（批评教育或召回）、理由及追究责任的有关人员")
	ErrStepOutOfOrder = errs.Conflict("recall-step-out-of-order",
		"this step is not the next one of the case", "该步骤不是本案的下一步骤")
	ErrNotFound = errs.NotFound("recall-not-found", "no such recall case in this town", "本乡镇没有该召回案件")
)

// Raise starts a case.
func Raise(id string, town tenancy.TownCode, cadre, cadreName string, trigger Trigger, grounds, finding, by string, at time.Time) (Case, error) {
	cadre, cadreName, grounds = strings.TrimSpace(cadre), strings.TrimSpace(cadreName), strings.TrimSpace(grounds)
	if cadre == "" || len(cadre) > 100 || cadreName == "" || utf8.RuneCountInString(cadreName) > maxName ||
		!trigger.Valid() || !text(grounds) || len(finding) > 100 {
		return Case{}, ErrInvalid
	}
	return Case{ID: id, Town: town, Cadre: cadre, CadreName: cadreName, Trigger: trigger, Grounds: grounds, Finding: finding,
		Step: Raised, History: []Record{{Step: Raised, Actor: by, At: at, Text: grounds}}}, nil
}

// Next is the step that may be taken now; "" when the case is closed.
func (c Case) Next() Step {
	for i, s := range order {
		if s == c.Step && i+1 < len(order) {
			return order[i+1]
		}
	}
	return ""
}

// Open records that the town office accepted the case.
func (c *Case) Open(note, by string, at time.Time) error {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > maxText {
		return ErrTextRequired
	}
	return c.advance(Opened, by, note, at)
}

// Explain records the cadre's own explanation.
func (c *Case) Explain(explanation, by string, at time.Time) error {
	explanation = strings.TrimSpace(explanation)
	if err := c.expect(Explained); err != nil {
		return err
	}
	if !text(explanation) {
		return ErrTextRequired
	}
	c.Explanation = explanation
	return c.advance(Explained, by, explanation, at)
}

// Decide records the leading group's decision.
func (c *Case) Decide(d Decision, by string, at time.Time) error {
	if err := c.expect(Decided); err != nil {
		return err
	}
	d.Reasons = strings.TrimSpace(d.Reasons)
	acc := make([]string, 0, len(d.Accountable))
	for _, a := range d.Accountable {
		a = strings.TrimSpace(a)
		if a == "" || utf8.RuneCountInString(a) > maxName {
			return ErrDecisionInvalid
		}
		acc = append(acc, a)
	}
	if (d.Outcome != Criticism && d.Outcome != Recall) || !text(d.Reasons) || d.Accountable == nil || len(acc) > 20 {
		return ErrDecisionInvalid
	}
	d.Accountable = acc
	c.Decision = &d
	return c.advance(Decided, by, d.Reasons, at)
}

// Circulate produces the circulated notice from the decision; issuer is who circulates it
// (the town party committee).
func (c *Case) Circulate(issuer, by string, at time.Time) error {
	if err := c.expect(Circulated); err != nil {
		return err
	}
	issuer = strings.TrimSpace(issuer)
	if issuer == "" || utf8.RuneCountInString(issuer) > maxName {
		return ErrTextRequired
	}
	c.Notice = c.notice(issuer, at)
	return c.advance(Circulated, by, c.Notice, at)
}

// notice is the text of the 通报: what happened, what was decided and who answers for it.
func (c Case) notice(issuer string, at time.Time) string {
	d := c.Decision
	acc := "无"
	if len(d.Accountable) > 0 {
		acc = strings.Join(d.Accountable, "、")
	}
	title := "关于对驻点干部" + c.CadreName + "同志批评教育的通报"
	if d.Outcome == Recall {
		title = "关于召回驻点干部" + c.CadreName + "同志的通报"
	}
	return fmt.Sprintf("%s\n\n各驻点工作组：\n\n经查，%s同志在蹲点工作中存在以下问题：%s\n\n本人说明：%s\n\n"+
		"经乡镇蹲点工作领导小组研究，决定对%s同志予以%s。理由：%s\n\n追究责任人员：%s\n\n特此通报。\n\n%s\n%s",
		title, c.CadreName, c.Grounds, c.Explanation, c.CadreName, d.Outcome.Zh(), d.Reasons, acc, issuer,
		at.In(beijing).Format("2006年1月2日"))
}

var beijing = time.FixedZone("CST", 8*3600)

// expect refuses a step that is not the next one, naming the one that is.
func (c Case) expect(s Step) error {
	next := c.Next()
	if s == next {
		return nil
	}
	if next == "" {
		return ErrStepOutOfOrder.WithDetail(
			fmt.Sprintf("the case is closed; %s is not possible", s),
			fmt.Sprintf("本案已办结，不能再进行“%s”", s.Zh()))
	}
	return ErrStepOutOfOrder.WithDetail(
		fmt.Sprintf("%s is not possible now; the next step is %s", s, next),
		fmt.Sprintf("现在不能进行“%s”，下一步骤是“%s”", s.Zh(), next.Zh()))
}

func (c *Case) advance(s Step, by string, txt string, at time.Time) error {
	if err := c.expect(s); err != nil {
		return err
	}
	c.Step = s
	c.History = append(c.History, Record{Step: s, Actor: by, At: at, Text: txt})
	return nil
}

func text(s string) bool { return s != "" && utf8.RuneCountInString(s) <= maxText }

// ErrExists is a second case under an id already taken: an automatic trigger raising the
// case it already raised.
var ErrExists = errs.Conflict("recall-exists", "this recall case was already raised", "该召回案件已立案")
