package app

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/fieldwork/internal/domain/sheet"
	"dundian.local/services/fieldwork/internal/domain/stay"
)

// StartStay opens a stay at the contact point (O3), by the cadre or the town office for it.
type StartStay struct {
	Cadre     string
	Community string
	Start     time.Time // zero: now
	Location  *stay.Location
}

type StartStayHandler struct{ d *Deps }

func (h StartStayHandler) Handle(ctx context.Context, cmd StartStay) (stay.Stay, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return stay.Stay{}, err
	}
	cadre, err := c.recordsFor(cmd.Cadre)
	if err != nil {
		return stay.Stay{}, err
	}
	community, err := c.community(cmd.Community)
	if err != nil {
		return stay.Stay{}, err
	}
	now := h.d.Now()
	id, err := uuid.NewV7()
	if err != nil {
		return stay.Stay{}, err
	}
	s, err := stay.Start(id.String(), c.town, cadre, community, cmd.Start, now, c.AccountID)
	if err != nil {
		return stay.Stay{}, err
	}
	linked, known, err := h.d.Links.LinkedCommunity(ctx, cadre, calendar.BeijingDay(s.Start).Year)
	if err != nil {
		return stay.Stay{}, err
	}
	if err := stay.Linked(community, linked, known); err != nil {
		return stay.Stay{}, err
	}
	settings, err := h.d.settings(ctx)
	if err != nil {
		return stay.Stay{}, err
	}
	if s.Location, err = evidence(settings.LocationEvidence, cmd.Location); err != nil {
		return stay.Stay{}, err
	}
	others, err := h.d.Lists.StaysOfCadre(ctx, cadre, s.Start.Add(-stay.MaxLength), now.Add(time.Hour))
	if err != nil {
		return stay.Stay{}, err
	}
	for _, o := range others {
		if o.Open() {
			return stay.Stay{}, stay.ErrOpen
		}
		if s.Overlaps(o, now) {
			return stay.Stay{}, stay.ErrOverlap
		}
	}
	if err := h.d.unlocked(ctx, s, now); err != nil {
		return stay.Stay{}, err
	}
	cal, err := h.d.calendarOf(ctx, s.Start)
	if err != nil {
		return stay.Stay{}, err
	}
	s.MonthDays = stay.MonthDays(s, append(others, s), cal.Programme.StationingDayMinHours, now)
	s, err = h.d.Stays.Insert(ctx, s, events.StayStarted, c.AccountID)
	if err != nil {
		return stay.Stay{}, err
	}
	return s, h.d.recount(ctx, s, now)
}

// evidence keeps a location only as the town's setting allows: off stores nothing even when
// the phone sent one.
func evidence(setting Evidence, loc *stay.Location) (*stay.Location, error) {
	switch {
	case setting == EvidenceOff || setting == "":
		return nil, nil
	case loc == nil && setting == EvidenceRequired:
		return nil, stay.ErrLocationRequired
	case loc == nil:
		return nil, nil
	case !loc.Valid():
		return nil, stay.ErrLocation
	}
	return loc, nil
}

// unlocked refuses a change of a stay in a month whose attendance sheet the branch confirmed.
func (d *Deps) unlocked(ctx context.Context, s stay.Stay, now time.Time) error {
	for _, m := range s.Months(now) {
		sh, err := d.Sheets.Get(ctx, sheet.ID(s.Community, m))
		if errors.Is(err, sheet.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if sh.Status == sheet.Confirmed {
			return sheet.ErrMonthLocked.WithDetail("confirmed: "+m.String(), "已确认月份："+m.String())
		}
	}
	return nil
}

// recount refreshes the cadre's months the stay touches in the read model, counted again
// from the stays (never incremented, so a retry writes the same).
func (d *Deps) recount(ctx context.Context, s stay.Stay, now time.Time) error {
	for _, m := range s.Months(now) {
		cm, err := d.month(ctx, s.Cadre, m, now)
		if err != nil {
			return err
		}
		if err := d.CadreMonths.Put(ctx, cm); err != nil {
			return err
		}
	}
	return nil
}

func (d *Deps) month(ctx context.Context, cadre string, m calendar.Month, now time.Time) (stay.CadreMonth, error) {
	cal, err := d.calendarOfYear(ctx, m.Year)
	if err != nil {
		return stay.CadreMonth{}, err
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return stay.CadreMonth{}, err
	}
	due, err := cal.Deadline(calendar.FirstStay, town, calendar.Month{})
	if err != nil {
		return stay.CadreMonth{}, err
	}
	// The first-stay rule needs the stays from the programme's start; the month's count
	// only those around it.
	from := cal.Programme.Start.Start()
	if s := m.First().Start(); s.Before(from) {
		from = s
	}
	stays, err := d.Lists.StaysOfCadre(ctx, cadre, from, m.Next().First().Start())
	if err != nil {
		return stay.CadreMonth{}, err
	}
	return stay.Summarise(cadre, stays, m, cal.Programme, due, now), nil
}

// EndStay ends an open stay.
type EndStay struct {
	ID  string
	End time.Time // zero: now
}

type EndStayHandler struct{ d *Deps }

func (h EndStayHandler) Handle(ctx context.Context, cmd EndStay) (stay.Stay, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return stay.Stay{}, err
	}
	now := h.d.Now()
	cur, err := h.d.Stays.Get(ctx, cmd.ID)
	if err != nil {
		return stay.Stay{}, err
	}
	if _, err := c.recordsFor(cur.Cadre); err != nil {
		return stay.Stay{}, hide(err, stay.ErrNotFound)
	}
	others, err := h.d.Lists.StaysOfCadre(ctx, cur.Cadre, cur.Start, now.Add(stay.MaxLength))
	if err != nil {
		return stay.Stay{}, err
	}
	cal, err := h.d.calendarOf(ctx, cur.Start)
	if err != nil {
		return stay.Stay{}, err
	}
	s, err := h.d.Stays.Update(ctx, cmd.ID, c.AccountID, func(s *stay.Stay) (string, error) {
		if err := s.Finish(cmd.End, now); err != nil {
			return "", err
		}
		all := []stay.Stay{*s}
		for _, o := range others {
			if o.ID == s.ID {
				continue
			}
			if s.Overlaps(o, now) {
				return "", stay.ErrOverlap
			}
			all = append(all, o)
		}
		if err := h.d.unlocked(ctx, *s, now); err != nil {
			return "", err
		}
		s.MonthDays = stay.MonthDays(*s, all, cal.Programme.StationingDayMinHours, now)
		return events.StayEnded, nil
	})
	if err != nil {
		return stay.Stay{}, err
	}
	return s, h.d.recount(ctx, s, now)
}

// hide turns a refusal into "not found" where telling it apart would reveal that another
// cadre's record exists.
func hide(err, notFound error) error {
	if errors.Is(err, errs.ErrForbidden) {
		return notFound
	}
	return err
}

// PayMeal records a meal payment during a stay (S1).
type PayMeal struct {
	Stay      string
	AmountFen int64
	Note      string
}

type PayMealHandler struct{ d *Deps }

func (h PayMealHandler) Handle(ctx context.Context, cmd PayMeal) (stay.Stay, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return stay.Stay{}, err
	}
	now := h.d.Now()
	return h.d.Stays.Update(ctx, cmd.Stay, c.AccountID, func(s *stay.Stay) (string, error) {
		if _, err := c.recordsFor(s.Cadre); err != nil {
			return "", hide(err, stay.ErrNotFound)
		}
		if err := h.d.unlocked(ctx, *s, now); err != nil {
			return "", err
		}
		return events.StayMealPaid, s.PayMeal(cmd.AmountFen, cmd.Note, now)
	})
}

// canRead reports whether the caller may see a stay: the town office all, a cadre its own,
// a branch secretary its community's.
func (c caller) canReadStay(s stay.Stay) bool {
	switch {
	case c.office():
		return true
	case c.Role == auth.Cadre:
		return c.CadreID != "" && s.Cadre == c.CadreID
	case c.Role == auth.BranchSecretary:
		return c.Community != "" && s.Community == c.Community
	}
	return false
}

type StayHandler struct{ d *Deps }

func (h StayHandler) Handle(ctx context.Context, id string) (stay.Stay, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return stay.Stay{}, err
	}
	s, err := h.d.Stays.Get(ctx, id)
	if err != nil {
		return stay.Stay{}, err
	}
	if !c.canReadStay(s) {
		return stay.Stay{}, stay.ErrNotFound
	}
	if !c.office() && c.Role != auth.Cadre {
		s.Location = nil // evidence for the town office and the cadre only
	}
	return s, nil
}

// Stays lists the stays of a month, of one cadre or one community.
type Stays struct {
	Cadre     string
	Community string
	Month     calendar.Month
}

type StaysHandler struct{ d *Deps }

func (h StaysHandler) Handle(ctx context.Context, q Stays) ([]stay.Stay, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	switch c.Role {
	case auth.Cadre:
		if c.CadreID == "" {
			return nil, ErrNoCadre
		}
		q.Cadre, q.Community = c.CadreID, ""
	case auth.BranchSecretary:
		if c.Community == "" {
			return nil, ErrNoCommunity
		}
		q.Cadre, q.Community = "", string(c.Community)
	}
	from, to := q.Month.First().Start(), q.Month.Next().First().Start()
	var all []stay.Stay
	switch {
	case q.Cadre != "":
		all, err = h.d.Lists.StaysOfCadre(ctx, q.Cadre, from, to)
	case q.Community != "":
		cc, perr := c.community(q.Community)
		if perr != nil {
			return nil, perr
		}
		all, err = h.d.Lists.StaysOfCommunity(ctx, cc, from, to)
	default:
		return nil, errs.Invalid("stays-filter", "give a cadre or a community", "请指定干部或社区（村）")
	}
	if err != nil {
		return nil, err
	}
	now := h.d.Now()
	out := []stay.Stay{}
	for _, s := range all {
		iv := s.Interval(now)
		if iv.End.After(from) && iv.Start.Before(to) && (q.Community == "" || string(s.Community) == q.Community) {
			if !c.office() && c.Role != auth.Cadre {
				s.Location = nil
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// StationingMonth is a cadre's stationing days in a month and the rules checked on them.
type StationingMonth struct {
	Cadre string
	Month calendar.Month
}

type StationingMonthHandler struct{ d *Deps }

func (h StationingMonthHandler) Handle(ctx context.Context, q StationingMonth) (stay.CadreMonth, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return stay.CadreMonth{}, err
	}
	if c.Role == auth.Cadre {
		if c.CadreID == "" {
			return stay.CadreMonth{}, ErrNoCadre
		}
		if q.Cadre != "" && q.Cadre != c.CadreID {
			return stay.CadreMonth{}, stay.ErrNotFound
		}
		q.Cadre = c.CadreID
	}
	if q.Cadre == "" {
		return stay.CadreMonth{}, ErrCadreRequired
	}
	m, err := h.d.month(ctx, q.Cadre, q.Month, h.d.Now())
	if err != nil {
		return stay.CadreMonth{}, err
	}
	// The cadre's page starts a stay at the linked community without asking.
	m.Linked, _, err = h.d.Links.LinkedCommunity(ctx, q.Cadre, q.Month.Year)
	return m, err
}
