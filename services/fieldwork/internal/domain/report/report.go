// Package report holds a cadre's research report (调研报告, T4): the situation found, its
// analysis and suggestions, submitted to the town office, which accepts it or returns it
// with a comment.
package report

import (
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Status of a report.
type Status string

const (
	Draft     Status = "draft"
	Submitted Status = "submitted"
	Returned  Status = "returned" // back to the cadre with the office's comment
	Accepted  Status = "accepted"
)

// Content is what the cadre writes.
type Content struct {
	Title       string   `json:"title" bson:"title"`
	Situation   string   `json:"situation" bson:"situation"`
	Analysis    string   `json:"analysis" bson:"analysis"`
	Suggestions string   `json:"suggestions" bson:"suggestions"`
	Attachments []string `json:"attachments" bson:"attachments"`
}

// Step is a change of status with who made it.
type Step struct {
	Status  Status    `json:"status" bson:"status"`
	By      string    `json:"by" bson:"by"`
	Comment string    `json:"comment,omitempty" bson:"comment,omitempty"`
	At      time.Time `json:"at" bson:"at"`
}

// Report is a research report.
type Report struct {
	ID        string                `json:"id" bson:"_id"`
	Town      tenancy.TownCode      `json:"town" bson:"town"`
	Cadre     string                `json:"cadre" bson:"cadre"`
	Community tenancy.CommunityCode `json:"community" bson:"community"`
	Content   `bson:",inline"`
	Status    Status `json:"status" bson:"status"`
	Comment   string `json:"comment,omitempty" bson:"comment,omitempty"` // the office's last comment
	History   []Step `json:"history" bson:"history"`
	Rev       int64  `json:"rev" bson:"rev"`
}

const (
	maxTitle   = 100
	maxSection = 20_000
	maxComment = 1000
	maxRefs    = 20
)

var (
	ErrInvalid = errs.Invalid("research-report-invalid",
		"a research report needs a title (at most 100 characters); each section has at most 20000 characters and at most 20 attachments",
		"调研报告须有标题（最多100字）；每部分最多20000字，附件最多20个")
	ErrIncomplete = errs.Invalid("research-report-incomplete",
		"fill in the situation, the analysis and the suggestions before submitting",
		"请填写情况、分析和建议三部分后再报送")
	ErrNotFound = errs.NotFound("research-report-not-found", "no such research report", "没有该调研报告")
	ErrState    = errs.Conflict("research-report-state",
		"the report cannot do that in its present state (a submitted report waits for the town office; an accepted one is final)",
		"调研报告当前状态不允许此操作（已报送的等待镇活动办审阅，已通过的不能再改）")
	ErrComment = errs.Invalid("research-report-comment",
		"returning a report needs a comment of at most 1000 characters", "退回须填写意见（最多1000字）")
)

// New validates a draft.
func New(id string, town tenancy.TownCode, cadre string, community tenancy.CommunityCode, c Content, by string, now time.Time) (Report, error) {
	c, err := clean(c)
	if err != nil {
		return Report{}, err
	}
	return Report{ID: id, Town: town, Cadre: cadre, Community: community, Content: c, Status: Draft,
		History: []Step{{Status: Draft, By: by, At: now.UTC().Truncate(time.Millisecond)}}}, nil
}

// Edit replaces the content of a draft or a returned report.
func (r *Report) Edit(c Content) error {
	if r.Status != Draft && r.Status != Returned {
		return ErrState
	}
	c, err := clean(c)
	if err != nil {
		return err
	}
	r.Content = c
	return nil
}

// Submit sends a complete draft or returned report to the town office.
func (r *Report) Submit(by string, now time.Time) error {
	if r.Status != Draft && r.Status != Returned {
		return ErrState
	}
	if r.Situation == "" || r.Analysis == "" || r.Suggestions == "" {
		return ErrIncomplete
	}
	r.step(Submitted, by, "", now)
	return nil
}

// Review is the town office's decision on a submitted report.
func (r *Report) Review(accept bool, by, comment string, now time.Time) error {
	if r.Status != Submitted {
		return ErrState
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > maxComment || !accept && comment == "" {
		return ErrComment
	}
	to := Returned
	if accept {
		to = Accepted
	}
	r.step(to, by, comment, now)
	return nil
}

func (r *Report) step(to Status, by, comment string, now time.Time) {
	r.Status, r.Comment = to, comment
	r.History = append(r.History, Step{Status: to, By: by, Comment: comment, At: now.UTC().Truncate(time.Millisecond)})
}

func clean(c Content) (Content, error) {
	c.Title = strings.TrimSpace(c.Title)
	c.Situation = strings.TrimSpace(c.Situation)
	c.Analysis = strings.TrimSpace(c.Analysis)
	c.Suggestions = strings.TrimSpace(c.Suggestions)
	if c.Title == "" || utf8.RuneCountInString(c.Title) > maxTitle || len(c.Attachments) > maxRefs {
		return Content{}, ErrInvalid
	}
	for _, s := range []string{c.Situation, c.Analysis, c.Suggestions} {
		if utf8.RuneCountInString(s) > maxSection {
			return Content{}, ErrInvalid
		}
	}
	out := []string{}
	for _, id := range c.Attachments {
		if id = strings.TrimSpace(id); id != "" && !contains(out, id) {
			out = append(out, id)
		}
	}
	c.Attachments = out
	return c, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
