package app

import (
	"context"
	"time"

	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/domain/assignment"
)

// LinkCommunity links a leadership-team cadre to a community for a programme year (town
// office, O1).
type LinkCommunity struct {
	Cadre     string
	Year      int
	Community tenancy.CommunityCode
}

type LinkCommunityHandler struct {
	assignments Assignments
	cadres      Cadres
	communities Communities
	calendars   Calendars
	now         func() time.Time
}

func (h LinkCommunityHandler) Handle(ctx context.Context, cmd LinkCommunity) (assignment.Assignment, error) {
	p, err := office(ctx)
	if err != nil {
		return assignment.Assignment{}, err
	}
	if !assignment.ValidYear(cmd.Year) {
		return assignment.Assignment{}, assignment.ErrYearInvalid
	}
	if err := yearOpen(ctx, h.calendars, cmd.Year, h.now()); err != nil {
		return assignment.Assignment{}, err
	}
	c, err := h.cadres.Get(ctx, cmd.Cadre)
	if err != nil {
		return assignment.Assignment{}, err
	}
	comm, err := h.communities.Get(ctx, cmd.Community)
	if err != nil {
		return assignment.Assignment{}, err
	}
	return h.assignments.Change(ctx, assignment.ID(c.ID, cmd.Year), events.AssignmentLinked, p.AccountID,
		func(a *assignment.Assignment) error { return a.Link(c, comm, cmd.Year, h.now()) })
}

// EndLink ends a cadre's link of a year with a reason (town office); the link stays in the
// history.
type EndLink struct {
	Cadre  string
	Year   int
	Reason string
}

type EndLinkHandler struct {
	assignments Assignments
	calendars   Calendars
	now         func() time.Time
}

func (h EndLinkHandler) Handle(ctx context.Context, cmd EndLink) (assignment.Assignment, error) {
	p, err := office(ctx)
	if err != nil {
		return assignment.Assignment{}, err
	}
	if err := yearOpen(ctx, h.calendars, cmd.Year, h.now()); err != nil {
		return assignment.Assignment{}, err
	}
	id := assignment.ID(cmd.Cadre, cmd.Year)
	if _, err := h.assignments.Get(ctx, id); err != nil {
		return assignment.Assignment{}, err
	}
	return h.assignments.Change(ctx, id, events.AssignmentEnded, p.AccountID,
		func(a *assignment.Assignment) error { return a.End(cmd.Reason, p.AccountID, h.now()) })
}

type AssignmentsHandler struct{ repo Assignments }

// Handle lists the town's assignments of a year; every role of the town may read them.
func (h AssignmentsHandler) Handle(ctx context.Context, year int, after string, limit int) ([]assignment.Assignment, error) {
	if _, err := principal(ctx); err != nil {
		return nil, err
	}
	if !assignment.ValidYear(year) {
		return nil, assignment.ErrYearInvalid
	}
	return h.repo.List(ctx, year, after, limit)
}
