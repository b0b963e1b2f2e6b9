// Package story holds the exemplary stories of publicity (L3): the town office writes them up
// from the cadres' logs, the town leader approves them, and approved stories appear on the
// town's public page until withdrawn.
package story

import (
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Status is where a story stands.
type Status string

const (
	Draft     Status = "draft"
	Published Status = "published"
	Withdrawn Status = "withdrawn"
)

const (
	maxTitle = 100
	maxText  = 10000
)

var (
	ErrNotFound = errs.NotFound("story-not-found", "no such story", "没有找到该典型事迹")
	ErrInvalid  = errs.Invalid("story-invalid", "the story is not filled in correctly", "典型事迹填写有误")
	ErrState    = errs.Conflict("story-wrong-state", "the story cannot make this change in its present state", "典型事迹当前状态不允许此操作")
)

// Story is one exemplary story.
type Story struct {
	ID          string                `json:"id" bson:"_id"`
	Town        tenancy.TownCode      `json:"town" bson:"town"`
	Title       string                `json:"title" bson:"title"`
	Text        string                `json:"text" bson:"text"`
	Community   tenancy.CommunityCode `json:"community,omitempty" bson:"community,omitempty"`
	Logs        []string              `json:"logs" bson:"logs"` // the work logs it was written from
	Status      Status                `json:"status" bson:"status"`
	ApprovedBy  string                `json:"approvedBy,omitempty" bson:"approvedBy,omitempty"`
	PublishedAt *time.Time            `json:"publishedAt,omitempty" bson:"publishedAt,omitempty"`
	Rev         int64                 `json:"rev" bson:"rev"`
}

// Content is what the office writes.
type Content struct {
	Title     string
	Text      string
	Community tenancy.CommunityCode
	Logs      []string
}

// Public is what the public page shows: no account or cadre ids.
type Public struct {
	ID          string                `json:"id"`
	Title       string                `json:"title"`
	Text        string                `json:"text"`
	Community   tenancy.CommunityCode `json:"community,omitempty"`
	PublishedAt time.Time             `json:"publishedAt"`
}

// New drafts a story.
func New(id string, town tenancy.TownCode, c Content) (Story, error) {
	s := Story{ID: id, Town: town, Status: Draft}
	err := s.apply(c)
	return s, err
}

// apply checks and takes the office's content.
func (s *Story) apply(c Content) error {
	var fields []errs.FieldError
	title, text := strings.TrimSpace(c.Title), strings.TrimSpace(c.Text)
	if title == "" || utf8.RuneCountInString(title) > maxTitle {
		fields = append(fields, errs.FieldError{Field: "title", Slug: "required", Message: "give a title of at most 100 characters", Zh: "请填写标题（不超过100字）"})
	}
	if text == "" || utf8.RuneCountInString(text) > maxText {
		fields = append(fields, errs.FieldError{Field: "text", Slug: "required", Message: "write the story (at most 10000 characters)", Zh: "请填写事迹内容（不超过10000字）"})
	}
	if c.Community != "" && !strings.HasPrefix(string(c.Community), string(s.Town)) {
		fields = append(fields, errs.FieldError{Field: "community", Slug: "not-in-town", Message: "the community is not in this town", Zh: "该社区不属于本乡镇"})
	}
	if len(fields) > 0 {
		return ErrInvalid.WithFields(fields...)
	}
	logs := []string{}
	for _, l := range c.Logs {
		if l = strings.TrimSpace(l); l != "" {
			logs = append(logs, l)
		}
	}
	s.Title, s.Text, s.Community, s.Logs = title, text, c.Community, logs
	return nil
}

// Edit rewrites a draft.
func (s *Story) Edit(c Content) error {
	if s.Status != Draft {
		return ErrState
	}
	return s.apply(c)
}

// Approve publishes a draft (town leader).
func (s *Story) Approve(by string, at time.Time) error {
	if s.Status != Draft {
		return ErrState
	}
	s.Status, s.ApprovedBy, s.PublishedAt = Published, by, &at
	return nil
}

// Withdraw takes a story off the public page, or drops a draft.
func (s *Story) Withdraw() error {
	if s.Status == Withdrawn {
		return ErrState
	}
	s.Status = Withdrawn
	return nil
}

// Public is the story as the public page shows it.
func (s Story) Public() Public {
	p := Public{ID: s.ID, Title: s.Title, Text: s.Text, Community: s.Community}
	if s.PublishedAt != nil {
		p.PublishedAt = *s.PublishedAt
	}
	return p
}
