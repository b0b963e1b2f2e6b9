package app

import (
	"context"
	"errors"
	"time"

	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/domain/assignment"
	"dundian.local/services/personnel/internal/domain/cadre"
	"dundian.local/services/personnel/internal/domain/contactlist"
)

// Towns is the county's register of towns personnel has seen created.
type Towns interface {
	Add(ctx context.Context, town tenancy.TownCode) error
	All(ctx context.Context) ([]tenancy.TownCode, error)
}

// yearOpen refuses changes to a programme year that is over and followed by a year the
// county has opened (L4, P1): the old year becomes read-only. A year still running stays
// open even when the next one was opened early for planning.
func yearOpen(ctx context.Context, cals Calendars, year int, now time.Time) error {
	latest, err := cals.LatestYear(ctx)
	if err != nil || latest <= year {
		return err
	}
	cal, err := cals.Calendar(ctx, "", year) // the programme's own dates; no town's extension
	if err != nil {
		return err
	}
	if now.After(cal.Programme.End.End()) {
		return assignment.ErrYearClosed
	}
	return nil
}

// RegisterTownHandler notes a created town for later rollovers.
type RegisterTownHandler struct{ towns Towns }

func (h RegisterTownHandler) Handle(ctx context.Context, town tenancy.TownCode) error {
	return h.towns.Add(ctx, town)
}

// RolloverHandler carries a town's links and one-links-five lists of the previous year over
// into a newly opened programme year, as drafts to confirm (L4, P1). It runs for every
// programme calendar the county sends for a year that is not over and only adds what is
// missing, so running it again changes nothing.
type RolloverHandler struct {
	towns       Towns
	cadres      Cadres
	calendars   Calendars
	assignments Assignments
	lists       ContactLists
	now         func() time.Time
}

func (h RolloverHandler) Handle(ctx context.Context, year int, actor string) error {
	cal, err := h.calendars.Calendar(ctx, "", year) // the programme's own dates; no town's extension
	if err != nil {
		return err
	}
	if h.now().After(cal.Programme.End.End()) {
		return nil // a past year's settings were edited: nothing to carry over any more
	}
	towns, err := h.towns.All(ctx)
	if err != nil {
		return err
	}
	for _, town := range towns {
		if err := h.town(tenancy.WithTown(ctx, town), year, actor); err != nil {
			return err
		}
	}
	return nil
}

func (h RolloverHandler) town(ctx context.Context, year int, actor string) error {
	// Only active cadres carry anything over: a recalled or transferred one starts nothing.
	cadres, err := h.cadres.List(ctx, "", 0)
	if err != nil {
		return err
	}
	active := map[string]bool{}
	for _, c := range cadres {
		active[c.ID] = c.Status == cadre.Active
	}
	links, err := h.assignments.List(ctx, year-1, "", 0)
	if err != nil {
		return err
	}
	for _, old := range links {
		next, ok := old.CarryOver(year, h.now())
		if !ok || !active[old.Cadre] {
			continue
		}
		_, err := h.assignments.Change(ctx, next.ID, events.AssignmentLinked, actor, func(a *assignment.Assignment) error {
			if a.ID != "" {
				return errUnchanged // the new year already has the cadre's link
			}
			*a = next
			return nil
		})
		if err != nil && !errors.Is(err, errUnchanged) {
			return err
		}
	}
	lists, err := h.lists.Year(ctx, year-1)
	if err != nil {
		return err
	}
	for _, old := range lists {
		if !active[old.Cadre] {
			continue
		}
		next := old.CarryOver(year)
		_, err := h.lists.Change(ctx, next, events.ContactListChanged, actor, func(l *contactlist.List) error {
			if l.Rev != 0 {
				return errUnchanged
			}
			return nil
		})
		if err != nil && !errors.Is(err, errUnchanged) {
			return err
		}
	}
	return nil
}
