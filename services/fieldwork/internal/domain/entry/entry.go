// Package entry holds what a cadre writes as the work happens: work logs (S4) and sentiment
// diaries (S5). Both carry the same fields; a diary is private to its author, the town office
// and the branch that keeps it on file. Every edit keeps the previous version.
package entry

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Kind tells a work log from a diary.
type Kind string

const (
	WorkLog Kind = "work_log"
	Diary   Kind = "diary"
)

// Task is one of the six tasks (§二) an entry is classified by.
type Task string

// Tasks are T1..T6.
var Tasks = []Task{"T1", "T2", "T3", "T4", "T5", "T6"}

// Content is what the author writes and may edit.
type Content struct {
	Date          calendar.Date `json:"date" bson:"date"`
	Text          string        `json:"text" bson:"text"`
	Stay          string        `json:"stay,omitempty" bson:"stay,omitempty"`
	Task          Task          `json:"task,omitempty" bson:"task,omitempty"`
	ActivityType  string        `json:"activityType,omitempty" bson:"activityType,omitempty"`
	PeopleReached int           `json:"peopleReached" bson:"peopleReached"`
	Contacts      []string      `json:"contacts" bson:"contacts"`       // one-links-five contacts visited
	Attachments   []string      `json:"attachments" bson:"attachments"` // attachment ids
}

// Version is an earlier content with who replaced it and when.
type Version struct {
	Content  Content   `json:"content" bson:"content"`
	Rev      int64     `json:"rev" bson:"rev"`
	Replaced time.Time `json:"replaced" bson:"replaced"`
	By       string    `json:"by" bson:"by"`
}

// Entry is a work log or a diary.
type Entry struct {
	ID        string                `json:"id" bson:"_id"`
	Kind      Kind                  `json:"kind" bson:"kind"`
	Town      tenancy.TownCode      `json:"town" bson:"town"`
	Cadre     string                `json:"cadre" bson:"cadre"`
	Author    string                `json:"author" bson:"author"` // the account that wrote it
	Community tenancy.CommunityCode `json:"community" bson:"community"`
	Content   `bson:",inline"`
	Written   time.Time `json:"written" bson:"written"`
	History   []Version `json:"history" bson:"history"`
	Rev       int64     `json:"rev" bson:"rev"`
}

// Limits of an entry.
const (
	MaxText      = 5000
	maxActivity  = 60
	maxPeople    = 100_000
	maxRefs      = 20
	maxHistory   = 50
	maxDaysAhead = 1
	maxDaysBack  = 366
)

var (
	ErrInvalid = errs.Invalid("entry-invalid",
		"an entry needs a date (not in the future), a text of 1 to 5000 characters, a task T1 to T6 if given, and at most 20 contacts and 20 attachments",
		"请填写日期（不能晚于今天）和1至5000字的内容；任务须为T1至T6；走访对象和附件各最多20个")
	ErrNotFound  = errs.NotFound("entry-not-found", "no such entry", "没有该记录")
	ErrNotAuthor = errs.Forbidden("entry-not-author",
		"only the author may edit an entry", "只有作者本人可以修改")
	ErrTooManyEdits = errs.Conflict("entry-too-many-edits",
		"the entry has been edited too often; write a new one", "该记录修改次数过多，请另写一条")
)

// New validates an entry written today (Beijing time of now).
func New(kind Kind, id string, town tenancy.TownCode, cadre, author string, community tenancy.CommunityCode, c Content, now time.Time) (Entry, error) {
	c, err := clean(c, now)
	if err != nil {
		return Entry{}, err
	}
	return Entry{ID: id, Kind: kind, Town: town, Cadre: cadre, Author: author, Community: community,
		Content: c, Written: now.UTC().Truncate(time.Millisecond), History: []Version{}}, nil
}

// Edit replaces the content on behalf of cadre (the account by) and keeps the previous
// content in the history.
func (e *Entry) Edit(cadre, by string, c Content, now time.Time) error {
	if cadre != e.Cadre {
		return ErrNotAuthor
	}
	if len(e.History) >= maxHistory {
		return ErrTooManyEdits
	}
	c, err := clean(c, now)
	if err != nil {
		return err
	}
	e.History = append(e.History, Version{Content: e.Content, Rev: e.Rev, Replaced: now.UTC().Truncate(time.Millisecond), By: by})
	e.Content = c
	return nil
}

func clean(c Content, now time.Time) (Content, error) {
	c.Text = strings.TrimSpace(c.Text)
	c.ActivityType = strings.TrimSpace(c.ActivityType)
	today := calendar.BeijingDay(now)
	switch {
	case !c.Date.Valid(), c.Date.After(today.AddDays(maxDaysAhead - 1)), c.Date.Before(today.AddDays(-maxDaysBack)),
		c.Text == "", utf8.RuneCountInString(c.Text) > MaxText,
		c.Task != "" && !slices.Contains(Tasks, c.Task),
		utf8.RuneCountInString(c.ActivityType) > maxActivity,
		c.PeopleReached < 0, c.PeopleReached > maxPeople,
		len(c.Contacts) > maxRefs, len(c.Attachments) > maxRefs:
		return Content{}, ErrInvalid
	}
	c.Contacts = dedupe(c.Contacts)
	c.Attachments = dedupe(c.Attachments)
	return c, nil
}

func dedupe(ids []string) []string {
	out := []string{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
