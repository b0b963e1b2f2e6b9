package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tasks"
	"dundian.local/libs/tenancy"
	"dundian.local/services/reporting/internal/domain/figures"
	"dundian.local/services/reporting/internal/domain/meeting"
	"dundian.local/services/reporting/internal/domain/townreport"
)

// TownReports is the repository of town reports.
type TownReports interface {
	Get(ctx context.Context, id string) (townreport.Report, error)
	Save(ctx context.Context, r townreport.Report, evType, actor string) (townreport.Report, error)
	List(ctx context.Context) ([]townreport.Report, error)
}

// MonthFigures lists every cadre's figures of a month.
type MonthFigures interface {
	Month(ctx context.Context, m calendar.Month) ([]figures.Month, error)
}

// TownReportView is a town report with its template and, for the yearly ones, its deadline.
type TownReportView struct {
	townreport.Report
	Template []townreport.Section `json:"template"`
	Deadline *calendar.Deadline   `json:"deadline,omitempty"`
}

// TownReportsHandler runs the town reports (L4): the office writes, submits and files, the
// town leader signs or sends back; the county reads them.
type TownReportsHandler struct {
	repo      TownReports
	monthly   MonthlyReports
	figures   MonthFigures
	meetings  Meetings
	calendars Calendars
	now       func() time.Time
}

var townReportReaders = []auth.Role{auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader}

func (h TownReportsHandler) period(ctx context.Context, town tenancy.TownCode, kind, period string) (townreport.Period, error) {
	// the programme year's months come from the county's calendar
	var ferr error
	p, err := townreport.ParsePeriod(kind, period, func(year int) calendar.ProgrammeCalendar {
		c, err := h.calendars.CalendarOfMonth(ctx, town, calendar.Month{Year: year, Month: time.June})
		ferr = err
		return c.Programme
	})
	if err != nil {
		return townreport.Period{}, err
	}
	return p, ferr
}

func (h TownReportsHandler) load(ctx context.Context, town tenancy.TownCode, p townreport.Period) (townreport.Report, error) {
	r, err := h.repo.Get(ctx, p.ID())
	if errors.Is(err, townreport.ErrNotFound) {
		return townreport.New(town, p), nil
	}
	return r, err
}

// Get returns the report or the draft it starts as, with live statistics while drafted.
func (h TownReportsHandler) Get(ctx context.Context, kind, period string) (TownReportView, error) {
	_, town, err := principal(ctx, townReportReaders...)
	if err != nil {
		return TownReportView{}, err
	}
	p, err := h.period(ctx, town, kind, period)
	if err != nil {
		return TownReportView{}, err
	}
	r, err := h.load(ctx, town, p)
	if err != nil {
		return TownReportView{}, err
	}
	return h.view(ctx, r, p)
}

// List returns the town's stored reports.
func (h TownReportsHandler) List(ctx context.Context) ([]townreport.Report, error) {
	if _, _, err := principal(ctx, townReportReaders...); err != nil {
		return nil, err
	}
	return h.repo.List(ctx)
}

// TownReportStep is one change of a town report.
type TownReportStep struct {
	Kind, Period string
	Sections     map[string]string // edit
	Comment      string            // send back
}

func (h TownReportsHandler) Edit(ctx context.Context, s TownReportStep) (TownReportView, error) {
	return h.change(ctx, s, auth.TownAdmin, events.TownReportDrafted, func(r *townreport.Report, _ townreport.Period, _ auth.Principal, _ time.Time) error {
		return r.Edit(s.Sections)
	})
}

func (h TownReportsHandler) Submit(ctx context.Context, s TownReportStep) (TownReportView, error) {
	return h.change(ctx, s, auth.TownAdmin, events.TownReportSubmitted, func(r *townreport.Report, p townreport.Period, _ auth.Principal, _ time.Time) error {
		st, err := h.statistics(ctx, r.Town, p)
		if err != nil {
			return err
		}
		return r.Submit(st)
	})
}

func (h TownReportsHandler) Sign(ctx context.Context, s TownReportStep) (TownReportView, error) {
	return h.change(ctx, s, auth.TownLeader, events.TownReportSigned, func(r *townreport.Report, _ townreport.Period, p auth.Principal, now time.Time) error {
		return r.Sign(p.AccountID, now)
	})
}

func (h TownReportsHandler) SendBack(ctx context.Context, s TownReportStep) (TownReportView, error) {
	return h.change(ctx, s, auth.TownLeader, events.TownReportReturned, func(r *townreport.Report, _ townreport.Period, _ auth.Principal, _ time.Time) error {
		return r.SendBack(s.Comment)
	})
}

func (h TownReportsHandler) File(ctx context.Context, s TownReportStep) (TownReportView, error) {
	return h.change(ctx, s, auth.TownAdmin, events.TownReportFiled, func(r *townreport.Report, _ townreport.Period, p auth.Principal, now time.Time) error {
		d, err := h.deadline(ctx, *r)
		if err != nil {
			return err
		}
		return r.File(p.AccountID, d, now)
	})
}

func (h TownReportsHandler) change(ctx context.Context, s TownReportStep, role auth.Role, evType string,
	fn func(*townreport.Report, townreport.Period, auth.Principal, time.Time) error) (TownReportView, error) {
	who, town, err := principal(ctx, role)
	if err != nil {
		return TownReportView{}, err
	}
	p, err := h.period(ctx, town, s.Kind, s.Period)
	if err != nil {
		return TownReportView{}, err
	}
	for attempt := 0; attempt < 3; attempt++ {
		r, err := h.load(ctx, town, p)
		if err != nil {
			return TownReportView{}, err
		}
		if err := fn(&r, p, who, h.now()); err != nil {
			return TownReportView{}, err
		}
		saved, err := h.repo.Save(ctx, r, evType, who.AccountID)
		if errors.Is(err, errs.ErrConflict) {
			continue
		}
		if err != nil {
			return TownReportView{}, err
		}
		return h.view(ctx, saved, p)
	}
	return TownReportView{}, errs.ErrConflict
}

func (h TownReportsHandler) deadline(ctx context.Context, r townreport.Report) (*calendar.Deadline, error) {
	kind, ok := r.Kind.Deadline()
	if !ok {
		return nil, nil
	}
	c, err := h.calendars.CalendarOfMonth(ctx, r.Town, calendar.Month{Year: yearOf(r.Period), Month: time.June})
	if err != nil {
		return nil, err
	}
	d, err := c.Deadline(kind, r.Town, calendar.Month{})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// yearOf is the programme year of a yearly period ("2026"); ParsePeriod has checked it.
func yearOf(period string) int {
	y, _ := strconv.Atoi(period)
	return y
}

func (h TownReportsHandler) view(ctx context.Context, r townreport.Report, p townreport.Period) (TownReportView, error) {
	d, err := h.deadline(ctx, r)
	if err != nil {
		return TownReportView{}, err
	}
	if r.Status == townreport.Draft {
		if r.Statistics, err = h.statistics(ctx, r.Town, p); err != nil {
			return TownReportView{}, err
		}
	}
	return TownReportView{Report: r, Template: r.Kind.Sections(), Deadline: d}, nil
}

// statistics counts the period from the projections: the cadres' monthly reports and figures,
// the meetings held and their action items.
func (h TownReportsHandler) statistics(ctx context.Context, town tenancy.TownCode, p townreport.Period) (townreport.Statistics, error) {
	var st townreport.Statistics
	for _, m := range p.Months {
		reps, err := h.monthly.List(ctx, m)
		if err != nil {
			return st, err
		}
		for _, r := range reps {
			if r.OnTime == nil {
				continue
			}
			st.ReportsSubmitted++
			if *r.OnTime {
				st.ReportsOnTime++
			} else {
				st.ReportsLate++
			}
			if r.Status == "approved" {
				st.ReportsApproved++
			}
		}
		c, err := h.calendars.CalendarOfMonth(ctx, town, m)
		if err != nil {
			return st, err
		}
		months, err := h.figures.Month(ctx, m)
		if err != nil {
			return st, err
		}
		for _, fm := range months {
			f := fm.Figures(m, c.Programme.StationingDayMinHours)
			st.DaysPresent += f.DaysPresent
			st.Logs += f.Logs
			st.Diaries += f.Diaries
			st.ContactsVisited += f.ContactsVisited
			st.OpinionsHandled += f.OpinionsHandled
		}
	}
	meetings, err := h.meetings.Meetings(ctx)
	if err != nil {
		return st, err
	}
	for _, mt := range meetings {
		if mt.Status != meeting.Held || !slices.Contains(p.Months, calendar.MonthOf(mt.ScheduledAt)) {
			continue
		}
		st.MeetingsHeld++
		items, err := h.meetings.TasksOf(ctx, "meeting", mt.ID)
		if err != nil {
			return st, err
		}
		for _, t := range items {
			if t.Status == tasks.Cancelled {
				continue
			}
			st.ActionItems++
			if t.Status == tasks.Verified {
				st.ActionItemsClosed++
			}
		}
	}
	return st, nil
}
