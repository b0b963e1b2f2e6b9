package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/services/fieldwork/internal/domain/sheet"
	"dundian.local/services/fieldwork/internal/domain/stay"
)

// GenerateSheet (re)builds a community's attendance sheet of a month from its stays (S6).
type GenerateSheet struct {
	Community string
	Month     calendar.Month
}

type GenerateSheetHandler struct{ d *Deps }

func (h GenerateSheetHandler) Handle(ctx context.Context, cmd GenerateSheet) (sheet.Sheet, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return sheet.Sheet{}, err
	}
	if !c.Has(auth.CountyAdmin, auth.TownAdmin) {
		return sheet.Sheet{}, errs.ErrForbidden
	}
	community, err := c.community(cmd.Community)
	if err != nil {
		return sheet.Sheet{}, err
	}
	now := h.d.Now()
	stays, err := h.d.Lists.StaysOfCommunity(ctx, community, cmd.Month.First().Start(), cmd.Month.Next().First().Start())
	if err != nil {
		return sheet.Sheet{}, err
	}
	cal, err := h.d.calendarOfYear(ctx, cmd.Month.Year)
	if err != nil {
		return sheet.Sheet{}, err
	}
	rows := rowsOf(stays, cmd.Month, cal.Programme.StationingDayMinHours, now)
	fresh, err := sheet.Generate(c.town, community, cmd.Month, rows, c.AccountID, now)
	if err != nil {
		return sheet.Sheet{}, err
	}
	s, err := h.d.Sheets.Insert(ctx, fresh, events.AttendanceGenerated, c.AccountID)
	if !errors.Is(err, errs.ErrConflict) {
		return s, err
	}
	return h.d.Sheets.Update(ctx, fresh.ID, c.AccountID, func(s *sheet.Sheet) (string, error) {
		return events.AttendanceGenerated, s.Regenerate(rows, c.AccountID, now)
	})
}

// rowsOf counts each cadre's stationing days in the month from the stays at the community.
func rowsOf(stays []stay.Stay, m calendar.Month, minHours float64, now time.Time) []sheet.Row {
	byCadre := map[string][]calendar.Interval{}
	for _, s := range stays {
		byCadre[s.Cadre] = append(byCadre[s.Cadre], s.Interval(now))
	}
	rows := []sheet.Row{}
	for cadre, ivs := range byCadre {
		row := sheet.Row{Cadre: cadre, Days: []calendar.Date{}}
		for _, d := range calendar.StationingDays(ivs, minHours) {
			if m.Contains(d) {
				row.Days = append(row.Days, d)
			}
		}
		row.Count = len(row.Days)
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b sheet.Row) int { return strings.Compare(a.Cadre, b.Cadre) })
	return rows
}

// DecideSheet is the branch secretary's confirmation or dispute.
type DecideSheet struct {
	ID      string
	Confirm bool
	Comment string
}

type DecideSheetHandler struct{ d *Deps }

func (h DecideSheetHandler) Handle(ctx context.Context, cmd DecideSheet) (sheet.Sheet, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return sheet.Sheet{}, err
	}
	if c.Role != auth.BranchSecretary || c.Community == "" {
		return sheet.Sheet{}, ErrNoCommunity
	}
	now := h.d.Now()
	return h.d.Sheets.Update(ctx, cmd.ID, c.AccountID, func(s *sheet.Sheet) (string, error) {
		if s.Community != c.Community {
			return "", sheet.ErrNotFound
		}
		if cmd.Confirm {
			return events.AttendanceConfirmed, s.Confirm(c.Community, c.AccountID, cmd.Comment, now)
		}
		return events.AttendanceDisputed, s.Dispute(c.Community, c.AccountID, cmd.Comment, now)
	})
}

func (c caller) canReadSheet(s sheet.Sheet) bool {
	if c.Role == auth.BranchSecretary {
		return c.Community == s.Community
	}
	return true // every other role of the town: the sheet holds no more than days present
}

type SheetHandler struct{ d *Deps }

func (h SheetHandler) Handle(ctx context.Context, id string) (sheet.Sheet, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return sheet.Sheet{}, err
	}
	s, err := h.d.Sheets.Get(ctx, id)
	if err != nil {
		return sheet.Sheet{}, err
	}
	if !c.canReadSheet(s) {
		return sheet.Sheet{}, sheet.ErrNotFound
	}
	return s, nil
}

// SheetsHandler lists a community's sheets, newest month first; a branch secretary sees its own
// community's.
type SheetsHandler struct{ d *Deps }

func (h SheetsHandler) Handle(ctx context.Context, community string) ([]sheet.Sheet, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	if c.Role == auth.BranchSecretary {
		if c.Community == "" {
			return nil, ErrNoCommunity
		}
		community = string(c.Community)
	}
	cc, err := c.community(community)
	if err != nil {
		return nil, err
	}
	list, err := h.d.Lists.Sheets(ctx, cc)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(list, func(a, b sheet.Sheet) int { return -a.Month.First().Compare(b.Month.First()) })
	return list, nil
}
