package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/domain/town"
)

// Calendar keeps the programme years (P1), the holiday table and the extensions granted to
// towns. Every change is announced as platform.calendar.changed with the whole year it
// touched, so services can replace their copy by subject and rev.
type Calendar struct {
	d   Deps
	dir *Directory
}

// Parts of the calendar an event carries.
const (
	CalendarPartProgramme = "programme"
	CalendarPartHolidays  = "holidays"
)

// CalendarChangedData is the data of platform.calendar.changed. Its subject is
// "programme-<year>" (Programme and Overrides set) or "holidays-<year>" (Holidays set).
type CalendarChangedData struct {
	Part      string                      `json:"part"`
	Year      int                         `json:"year"`
	Programme *calendar.ProgrammeCalendar `json:"programme,omitempty"`
	Overrides []calendar.TownOverride     `json:"overrides,omitempty"`
	Holidays  *calendar.HolidayYear       `json:"holidays,omitempty"`
}

var (
	ErrProgrammeYearNotFound = errs.NotFound("programme-year-not-found",
		"the programme year is not set up", "该项目年度尚未设置")
	ErrYearMismatch = errs.Invalid("year-mismatch",
		"the year in the body differs from the year in the address", "提交内容中的年份与地址中的年份不一致")
)

func programmeEvent(by string, y ProgrammeYear) (events.Envelope, error) {
	p := y.Programme
	return events.New(events.CalendarChanged, "", by, fmt.Sprintf("programme-%d", y.Year), CalendarChangedData{
		Part: CalendarPartProgramme, Year: y.Year, Programme: &p, Overrides: y.Overrides,
	})
}

func holidaysEvent(by string, h HolidayYear) (events.Envelope, error) {
	hy := h.Holidays
	return events.New(events.CalendarChanged, "", by, fmt.Sprintf("holidays-%d", h.Year), CalendarChangedData{
		Part: CalendarPartHolidays, Year: h.Year, Holidays: &hy,
	})
}

// CalendarView is the whole calendar as a caller may see it.
type CalendarView struct {
	Years    []ProgrammeYear       `json:"years"`
	Holidays calendar.HolidayTable `json:"holidays"`
}

// Get returns every programme year and the holiday table. Town roles see only their own
// town's extensions.
func (c *Calendar) Get(ctx context.Context) (CalendarView, error) {
	p, err := actor(ctx)
	if err != nil {
		return CalendarView{}, err
	}
	years, err := c.d.Calendars.Years(ctx)
	if err != nil {
		return CalendarView{}, err
	}
	for i := range years {
		if !p.Role.CountyWide() {
			years[i].Overrides = slices.DeleteFunc(years[i].Overrides, func(o calendar.TownOverride) bool { return o.Town != p.Town })
		}
		if years[i].Overrides == nil {
			years[i].Overrides = []calendar.TownOverride{}
		}
	}
	slices.SortFunc(years, func(a, b ProgrammeYear) int { return a.Year - b.Year })
	table, err := c.holidayTable(ctx)
	if err != nil {
		return CalendarView{}, err
	}
	return CalendarView{Years: years, Holidays: table}, nil
}

func (c *Calendar) holidayTable(ctx context.Context) (calendar.HolidayTable, error) {
	stored, err := c.d.Calendars.Holidays(ctx)
	if err != nil {
		return calendar.HolidayTable{}, err
	}
	t := calendar.HolidayTable{Years: []calendar.HolidayYear{}}
	for _, h := range stored {
		t = t.With(h.Holidays)
	}
	return t, nil
}

// PutYear sets a programme year's calendar. The towns' extensions of that year are kept and
// must still be valid against the new settings.
func (c *Calendar) PutYear(ctx context.Context, year int, pc calendar.ProgrammeCalendar) (ProgrammeYear, error) {
	p, err := requireCountyAdmin(ctx)
	if err != nil {
		return ProgrammeYear{}, err
	}
	if pc.Year != year {
		return ProgrammeYear{}, ErrYearMismatch
	}
	table, err := c.holidayTable(ctx)
	if err != nil {
		return ProgrammeYear{}, err
	}
	return retryConflict(func() (ProgrammeYear, error) {
		y, err := c.d.Calendars.Year(ctx, year)
		exists := err == nil
		if err != nil && !errors.Is(err, ErrProgrammeYearNotFound) {
			return ProgrammeYear{}, err
		}
		y.Year, y.Programme = year, pc
		if _, err := calendar.New(y.Programme, table, y.Overrides...); err != nil {
			return ProgrammeYear{}, err
		}
		ev, err := programmeEvent(p.AccountID, y)
		if err != nil {
			return ProgrammeYear{}, err
		}
		if !exists {
			y.Overrides = []calendar.TownOverride{}
			if err := c.d.Calendars.CreateYear(ctx, y, ev); err != nil {
				return ProgrammeYear{}, err
			}
			y.Rev = 1
			return y, nil
		}
		return c.d.Calendars.UpdateYear(ctx, y, ev)
	})
}

// PutHolidays sets one year of the holiday table, e.g. when the State Council publishes the
// next year's arrangement.
func (c *Calendar) PutHolidays(ctx context.Context, year int, hy calendar.HolidayYear) (HolidayYear, error) {
	p, err := requireCountyAdmin(ctx)
	if err != nil {
		return HolidayYear{}, err
	}
	if hy.Year != year {
		return HolidayYear{}, ErrYearMismatch
	}
	if err := hy.Validate(); err != nil {
		return HolidayYear{}, err
	}
	return retryConflict(func() (HolidayYear, error) {
		h, err := c.d.Calendars.HolidayYear(ctx, year)
		exists := err == nil
		if err != nil && !errors.Is(err, errs.ErrNotFound) {
			return HolidayYear{}, err
		}
		h.Year, h.Holidays = year, hy
		ev, err := holidaysEvent(p.AccountID, h)
		if err != nil {
			return HolidayYear{}, err
		}
		if !exists {
			if err := c.d.Calendars.CreateHolidays(ctx, h, ev); err != nil {
				return HolidayYear{}, err
			}
			h.Rev = 1
			return h, nil
		}
		return c.d.Calendars.UpdateHolidays(ctx, h, ev)
	})
}

// PutOverride is a county administrator's extension of one deadline for one town.
type PutOverride struct {
	Town   tenancy.TownCode
	Kind   calendar.DeadlineKind
	Year   int
	Month  calendar.Month // monthly reports only: the month reported on
	Due    calendar.Date
	Reason string
}

// PutOverride grants or replaces an extension (one per town, kind and month).
func (c *Calendar) PutOverride(ctx context.Context, cmd PutOverride) (ProgrammeYear, error) {
	p, err := requireCountyAdmin(ctx)
	if err != nil {
		return ProgrammeYear{}, err
	}
	if !cmd.Kind.Valid() {
		return ProgrammeYear{}, calendar.ErrUnknownDeadlineKind
	}
	st, err := c.dir.Lookup(ctx, cmd.Town)
	if err != nil {
		return ProgrammeYear{}, err
	}
	if !st.Exists {
		return ProgrammeYear{}, town.ErrNotFound
	}
	if !st.Active {
		return ProgrammeYear{}, town.ErrArchived
	}
	table, err := c.holidayTable(ctx)
	if err != nil {
		return ProgrammeYear{}, err
	}
	return retryConflict(func() (ProgrammeYear, error) {
		y, err := c.d.Calendars.Year(ctx, cmd.Year)
		if err != nil {
			return ProgrammeYear{}, err
		}
		o := calendar.TownOverride{Town: cmd.Town, Kind: cmd.Kind, Month: cmd.Month, Due: cmd.Due,
			Reason: strings.TrimSpace(cmd.Reason), Author: p.AccountID, At: c.d.Now().UTC().Truncate(time.Millisecond)}
		y.Overrides = slices.DeleteFunc(slices.Clone(y.Overrides), func(e calendar.TownOverride) bool {
			return e.Town == o.Town && e.Kind == o.Kind && e.Month == o.Month
		})
		y.Overrides = append(y.Overrides, o)
		if _, err := calendar.New(y.Programme, table, y.Overrides...); err != nil {
			return ProgrammeYear{}, err
		}
		ev, err := programmeEvent(p.AccountID, y)
		if err != nil {
			return ProgrammeYear{}, err
		}
		return c.d.Calendars.UpdateYear(ctx, y, ev)
	})
}

// Seed stores the holiday years shipped with the code that the table lacks, and the current
// programme year with the plan's own dates when no year is set up; on a deployment that has
// them it does nothing.
func (c *Calendar) Seed(ctx context.Context) error {
	const system = "system"
	stored, err := c.d.Calendars.Holidays(ctx)
	if err != nil {
		return err
	}
	for _, y := range calendar.Published().Years {
		if slices.ContainsFunc(stored, func(h HolidayYear) bool { return h.Year == y.Year }) {
			continue
		}
		h := HolidayYear{Year: y.Year, Holidays: y}
		ev, err := holidaysEvent(system, h)
		if err != nil {
			return err
		}
		if err := c.d.Calendars.CreateHolidays(ctx, h, ev); err != nil && !errors.Is(err, errs.ErrConflict) {
			return err
		}
	}
	years, err := c.d.Calendars.Years(ctx)
	if err != nil || len(years) > 0 {
		return err
	}
	year := calendar.BeijingDay(c.d.Now()).Year
	y := ProgrammeYear{Year: year, Programme: calendar.DefaultProgramme(year), Overrides: []calendar.TownOverride{}}
	ev, err := programmeEvent(system, y)
	if err != nil {
		return err
	}
	if err := c.d.Calendars.CreateYear(ctx, y, ev); err != nil && !errors.Is(err, errs.ErrConflict) {
		return err
	}
	return nil
}

// townOverrides lists the extensions granted to one town, every year.
func (r *Registry) townOverrides(ctx context.Context, code tenancy.TownCode) ([]calendar.TownOverride, error) {
	years, err := r.d.Calendars.Years(ctx)
	if err != nil {
		return nil, err
	}
	out := []calendar.TownOverride{}
	for _, y := range years {
		for _, o := range y.Overrides {
			if o.Town == code {
				out = append(out, o)
			}
		}
	}
	return out, nil
}

// dropOverrides removes a town's extensions from every programme year (erasure).
func (r *Registry) dropOverrides(ctx context.Context, by auth.Principal, code tenancy.TownCode) error {
	years, err := r.d.Calendars.Years(ctx)
	if err != nil {
		return err
	}
	for _, y := range years {
		if !slices.ContainsFunc(y.Overrides, func(o calendar.TownOverride) bool { return o.Town == code }) {
			continue
		}
		_, err := retryConflict(func() (ProgrammeYear, error) {
			cur, err := r.d.Calendars.Year(ctx, y.Year)
			if err != nil {
				return ProgrammeYear{}, err
			}
			cur.Overrides = slices.DeleteFunc(cur.Overrides, func(o calendar.TownOverride) bool { return o.Town == code })
			ev, err := programmeEvent(by.AccountID, cur)
			if err != nil {
				return ProgrammeYear{}, err
			}
			return r.d.Calendars.UpdateYear(ctx, cur, ev)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
