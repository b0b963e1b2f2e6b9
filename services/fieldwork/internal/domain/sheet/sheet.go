// Package sheet holds the monthly attendance sheet of a community (S6): generated from the
// stays of its cadres, then confirmed or disputed by the community's branch secretary. A
// confirmed sheet is a two-party record: it is locked, and so are the stays it counts.
package sheet

import (
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Status of a sheet.
type Status string

const (
	Pending   Status = "pending"   // generated, waiting for the branch secretary
	Confirmed Status = "confirmed" // locked
	Disputed  Status = "disputed"  // the branch secretary disagrees; the town office regenerates it
)

// Row is one cadre's stationing days in the month.
type Row struct {
	Cadre string          `json:"cadre" bson:"cadre"`
	Days  []calendar.Date `json:"days" bson:"days"`
	Count int             `json:"count" bson:"count"`
}

// Event is a step of the sheet's history.
type Event struct {
	Status  Status    `json:"status" bson:"status"`
	By      string    `json:"by" bson:"by"`
	Comment string    `json:"comment,omitempty" bson:"comment,omitempty"`
	At      time.Time `json:"at" bson:"at"`
}

// Sheet is a community's attendance in one month.
type Sheet struct {
	ID        string                `json:"id" bson:"_id"`
	Town      tenancy.TownCode      `json:"town" bson:"town"`
	Community tenancy.CommunityCode `json:"community" bson:"community"`
	Month     calendar.Month        `json:"month" bson:"month"`
	Rows      []Row                 `json:"rows" bson:"rows"`
	Status    Status                `json:"status" bson:"status"`
	Comment   string                `json:"comment,omitempty" bson:"comment,omitempty"`
	History   []Event               `json:"history" bson:"history"`
	Rev       int64                 `json:"rev" bson:"rev"`
}

const maxComment = 500

var (
	ErrNotFound = errs.NotFound("attendance-sheet-not-found",
		"no attendance sheet for this community and month", "该社区（村）该月还没有考勤表")
	ErrLocked = errs.Conflict("attendance-sheet-confirmed",
		"the attendance sheet of this month is confirmed by the branch and can no longer change",
		"该月考勤表已由社区党支部确认，不能再修改")
	ErrMonthLocked = errs.Conflict("attendance-month-locked",
		"the branch has confirmed this month's attendance sheet; stays in that month can no longer change — ask the town office",
		"该月考勤表已由社区党支部确认，该月的蹲点记录不能再修改；如有错误请联系镇活动办")
	ErrNotYours = errs.Forbidden("attendance-sheet-other-community",
		"only the branch secretary of the sheet's community may confirm or dispute it",
		"只有本社区（村）党支部书记可以确认或提出异议")
	ErrComment = errs.Invalid("attendance-comment",
		"a dispute needs a comment saying what is wrong; comments have at most 500 characters",
		"提出异议须填写说明（最多500字）")
	ErrMonth = errs.Invalid("attendance-month",
		"an attendance sheet is for a month that has begun", "考勤表只能针对已开始的月份")
)

// ID is the sheet's id: community and month ("130624100201-2026-05").
func ID(c tenancy.CommunityCode, m calendar.Month) string { return string(c) + "-" + m.String() }

// Generate builds a pending sheet of rows.
func Generate(town tenancy.TownCode, c tenancy.CommunityCode, m calendar.Month, rows []Row, by string, now time.Time) (Sheet, error) {
	if !m.Valid() || m.First().After(calendar.BeijingDay(now)) {
		return Sheet{}, ErrMonth
	}
	s := Sheet{ID: ID(c, m), Town: town, Community: c, Month: m, History: []Event{}}
	return s, s.regenerate(rows, by, now)
}

// Regenerate replaces the rows of a sheet that is not confirmed.
func (s *Sheet) Regenerate(rows []Row, by string, now time.Time) error {
	return s.regenerate(rows, by, now)
}

func (s *Sheet) regenerate(rows []Row, by string, now time.Time) error {
	if s.Status == Confirmed {
		return ErrLocked
	}
	if rows == nil {
		rows = []Row{}
	}
	s.Rows, s.Status, s.Comment = rows, Pending, ""
	s.History = append(s.History, Event{Status: Pending, By: by, At: now.UTC().Truncate(time.Millisecond)})
	return nil
}

// Confirm locks the sheet on behalf of the community's branch secretary.
func (s *Sheet) Confirm(secretaryOf tenancy.CommunityCode, by, comment string, now time.Time) error {
	return s.decide(Confirmed, secretaryOf, by, comment, now)
}

// Dispute sends the sheet back to the town office with the reason.
func (s *Sheet) Dispute(secretaryOf tenancy.CommunityCode, by, comment string, now time.Time) error {
	if strings.TrimSpace(comment) == "" {
		return ErrComment
	}
	return s.decide(Disputed, secretaryOf, by, comment, now)
}

func (s *Sheet) decide(to Status, secretaryOf tenancy.CommunityCode, by, comment string, now time.Time) error {
	if secretaryOf != s.Community {
		return ErrNotYours
	}
	if s.Status == Confirmed {
		return ErrLocked
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > maxComment {
		return ErrComment
	}
	s.Status, s.Comment = to, comment
	s.History = append(s.History, Event{Status: to, By: by, Comment: comment, At: now.UTC().Truncate(time.Millisecond)})
	return nil
}
