// Package meeting holds the town office's dispatch meetings (S8): the schedule, who attended,
// the minutes with the problems raised and the decisions taken. Action items are libs/tasks
// tasks of kind action_item whose source is the meeting, tracked to closure there.
package meeting

import (
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Status is where a meeting stands.
type Status string

const (
	Scheduled Status = "scheduled"
	Held      Status = "held" // minutes recorded
)

// Limits of what the office types.
const (
	maxTitle   = 100
	maxPlace   = 100
	maxName    = 40
	maxPeople  = 100
	maxMinutes = 10000
	maxItem    = 500
	maxItems   = 50
)

var (
	ErrNotFound           = errs.NotFound("meeting-not-found", "no such dispatch meeting", "没有找到该调度会议")
	ErrActionItemNotFound = errs.NotFound("action-item-not-found", "no such action item", "没有找到该会议事项")
	ErrInvalid            = errs.Invalid("meeting-invalid", "the meeting is not filled in correctly", "调度会议填写有误")
)

// Meeting is one dispatch meeting of a town.
type Meeting struct {
	ID          string           `json:"id" bson:"_id"`
	Town        tenancy.TownCode `json:"town" bson:"town"`
	Title       string           `json:"title" bson:"title"`
	ScheduledAt time.Time        `json:"scheduledAt" bson:"scheduledAt"`
	Place       string           `json:"place" bson:"place"`
	Attendees   []string         `json:"attendees" bson:"attendees"`
	Status      Status           `json:"status" bson:"status"`
	Minutes     string           `json:"minutes" bson:"minutes"`
	Problems    []string         `json:"problems" bson:"problems"`
	Decisions   []string         `json:"decisions" bson:"decisions"`
	CreatedBy   string           `json:"createdBy" bson:"createdBy"`
	Rev         int64            `json:"rev" bson:"rev"`
}

// Minutes is what the office records after the meeting.
type Minutes struct {
	Attendees []string
	Minutes   string
	Problems  []string
	Decisions []string
}

type checker struct{ fields []errs.FieldError }

func (c *checker) text(field, s string, max int, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		c.fields = append(c.fields, errs.FieldError{Field: field, Slug: "required", Message: "required", Zh: "不能为空"})
	case utf8.RuneCountInString(s) > max:
		c.fields = append(c.fields, errs.FieldError{Field: field, Slug: "too-long", Message: "too long", Zh: "内容过长"})
	}
	return s
}

func (c *checker) list(field string, in []string, maxLen, maxCount int) []string {
	out := []string{}
	for _, s := range in {
		if s = c.text(field, s, maxLen, false); s != "" {
			out = append(out, s)
		}
	}
	if len(out) > maxCount {
		c.fields = append(c.fields, errs.FieldError{Field: field, Slug: "too-many", Message: "too many entries", Zh: "条目过多"})
	}
	return out
}

func (c *checker) err() error {
	if len(c.fields) > 0 {
		return ErrInvalid.WithFields(c.fields...)
	}
	return nil
}

// New schedules a meeting.
func New(id string, town tenancy.TownCode, title, place string, at time.Time, attendees []string, by string) (Meeting, error) {
	var c checker
	m := Meeting{
		ID: id, Town: town, Status: Scheduled, CreatedBy: by, ScheduledAt: at,
		Title:     c.text("title", title, maxTitle, true),
		Place:     c.text("place", place, maxPlace, false),
		Attendees: c.list("attendees", attendees, maxName, maxPeople),
		Problems:  []string{}, Decisions: []string{},
	}
	if at.IsZero() {
		c.fields = append(c.fields, errs.FieldError{Field: "scheduledAt", Slug: "required", Message: "give the time", Zh: "请填写会议时间"})
	}
	return m, c.err()
}

// Record records (or corrects) the minutes; the meeting counts as held from then on.
func (m *Meeting) Record(in Minutes) error {
	var c checker
	attendees := c.list("attendees", in.Attendees, maxName, maxPeople)
	minutes := c.text("minutes", in.Minutes, maxMinutes, true)
	problems := c.list("problems", in.Problems, maxItem, maxItems)
	decisions := c.list("decisions", in.Decisions, maxItem, maxItems)
	if err := c.err(); err != nil {
		return err
	}
	m.Attendees, m.Minutes, m.Problems, m.Decisions, m.Status = attendees, minutes, problems, decisions, Held
	return nil
}
