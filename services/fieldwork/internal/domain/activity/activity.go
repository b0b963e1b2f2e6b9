// Package activity holds the structured field activities of the six tasks that need more than
// a log entry (§二): guiding activities (T2), serving the people (T3) and building
// organisations (T5). Rectification measures agreed in an activity are tracked as shared
// tasks (libs/tasks) with the activity as their source.
package activity

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Task is the programme task an activity belongs to.
type Task string

const (
	T2 Task = "T2"
	T3 Task = "T3"
	T5 Task = "T5"
)

// Types are the activity types of each task, as the programme names them.
var Types = map[Task][]string{
	T2: {"lecture", "group_study", "tutoring", "party_lesson", "org_life_meeting", "stage_work_plan"},
	T3: {"policy_briefing", "science_popularisation", "technical_training", "legal_lecture", "market_development", "problem_solving", "subsidy_review"},
	T5: {"training", "branch_rules", "member_management", "weak_org_rectification"},
}

// ServiceKinds are the kinds of service given to the people (T3).
var ServiceKinds = []string{"policy", "legal", "technology", "information", "funding"}

// Activity is one structured field activity.
type Activity struct {
	ID           string                `json:"id" bson:"_id"`
	Town         tenancy.TownCode      `json:"town" bson:"town"`
	Cadre        string                `json:"cadre" bson:"cadre"`
	Community    tenancy.CommunityCode `json:"community" bson:"community"`
	Task         Task                  `json:"task" bson:"task"`
	Type         string                `json:"type" bson:"type"`
	Date         calendar.Date         `json:"date" bson:"date"`
	Title        string                `json:"title" bson:"title"`
	Summary      string                `json:"summary,omitempty" bson:"summary,omitempty"`
	Participants int                   `json:"participants" bson:"participants"`
	ServiceKinds []string              `json:"serviceKinds" bson:"serviceKinds"`
	// Findings of a subsidy entitlement review (T3) or of a weak organisation's check (T5).
	Findings string    `json:"findings,omitempty" bson:"findings,omitempty"`
	Recorded time.Time `json:"recorded" bson:"recorded"`
	Rev      int64     `json:"rev" bson:"rev"`
}

// Draft is what the cadre records.
type Draft struct {
	Task         Task
	Type         string
	Date         calendar.Date
	Title        string
	Summary      string
	Participants int
	ServiceKinds []string
	Findings     string
}

const (
	maxTitle        = 100
	maxText         = 5000
	maxParticipants = 100_000
	maxDaysBack     = 366
)

var (
	ErrInvalid = errs.Invalid("activity-invalid",
		"an activity needs a task (T2, T3 or T5) with one of its types, a date not in the future, a title of at most 100 characters; summary and findings have at most 5000 characters",
		"请选择任务（T2、T3或T5）及其活动类型，填写日期（不能晚于今天）和标题（最多100字）；内容和发现问题各最多5000字")
	ErrNotFound = errs.NotFound("activity-not-found", "no such activity", "没有该活动记录")
)

// New validates an activity of cadre at community.
func New(id string, town tenancy.TownCode, cadre string, community tenancy.CommunityCode, d Draft, now time.Time) (Activity, error) {
	d.Title, d.Summary, d.Findings = strings.TrimSpace(d.Title), strings.TrimSpace(d.Summary), strings.TrimSpace(d.Findings)
	today := calendar.BeijingDay(now)
	kinds := []string{}
	for _, k := range d.ServiceKinds {
		if !slices.Contains(ServiceKinds, k) || d.Task != T3 {
			return Activity{}, ErrInvalid
		}
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	switch {
	case !slices.Contains(Types[d.Task], d.Type),
		!d.Date.Valid(), d.Date.After(today), d.Date.Before(today.AddDays(-maxDaysBack)),
		d.Title == "", utf8.RuneCountInString(d.Title) > maxTitle,
		utf8.RuneCountInString(d.Summary) > maxText, utf8.RuneCountInString(d.Findings) > maxText,
		d.Participants < 0, d.Participants > maxParticipants:
		return Activity{}, ErrInvalid
	}
	return Activity{ID: id, Town: town, Cadre: cadre, Community: community, Task: d.Task, Type: d.Type, Date: d.Date,
		Title: d.Title, Summary: d.Summary, Participants: d.Participants, ServiceKinds: kinds, Findings: d.Findings,
		Recorded: now.UTC().Truncate(time.Millisecond)}, nil
}

// TakesMeasures reports whether rectification measures can be tracked from the activity: the
// host unit's stage work plan and organisational-life meeting (T2), and the rectification of
// a weak organisation (T5).
func (a Activity) TakesMeasures() bool {
	return a.Type == "stage_work_plan" || a.Type == "org_life_meeting" || a.Type == "weak_org_rectification"
}
