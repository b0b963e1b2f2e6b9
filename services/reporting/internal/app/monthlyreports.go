package app

import (
	"context"
	"errors"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/reporting/internal/domain/comparison"
	"dundian.local/services/reporting/internal/domain/figures"
	"dundian.local/services/reporting/internal/domain/monthlyreport"
)

// MonthlyReports is the repository of monthly reports.
type MonthlyReports interface {
	Get(ctx context.Context, id string) (monthlyreport.Report, error)
	// Save stores the report read at rep.Rev (0: new) and returns it at its new revision.
	Save(ctx context.Context, rep monthlyreport.Report, evType, actor string) (monthlyreport.Report, error)
	List(ctx context.Context, m calendar.Month) ([]monthlyreport.Report, error)
}

// FiguresSource is the per-cadre-month read model.
type FiguresSource interface {
	Get(ctx context.Context, cadre string, m calendar.Month) (figures.Month, error)
}

// Calendars gives the calendar a town's deadlines are computed on.
type Calendars interface {
	CalendarOfMonth(ctx context.Context, town tenancy.TownCode, m calendar.Month) (calendar.Calendar, error)
}

// MonthlyReportView is a report as the console shows it: with its effective deadline and, while
// the cadre still has it, the Beijing days left (negative: days overdue).
type MonthlyReportView struct {
	monthlyreport.Report
	CadreName string            `json:"cadreName,omitempty"` // as personnel last named the cadre
	Deadline  calendar.Deadline `json:"deadline"`
	DaysLeft  *int              `json:"daysLeft,omitempty"`
}

// MonthlyReportsHandler runs the monthly report's use cases. Who may do what is decided here:
// a cadre only their own reports, the town office reviews, the town leader and county roles read.
type MonthlyReportsHandler struct {
	reports   MonthlyReports
	figures   FiguresSource
	calendars Calendars
	towns     Towns // the cadres' names
	now       func() time.Time
}

// Key names one report.
type Key struct {
	Cadre string
	Month calendar.Month
}

// Edit is what the cadre types: the narrative and the integrity declaration.
type Edit struct {
	Key
	Narrative monthlyreport.Narrative
	Integrity monthlyreport.IntegrityDeclaration
}

// Get returns the report, or the draft it would start as, with the figures pre-filled.
func (h MonthlyReportsHandler) Get(ctx context.Context, k Key) (MonthlyReportView, error) {
	_, town, err := h.caller(ctx, k.Cadre, auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader, auth.Cadre)
	if err != nil {
		return MonthlyReportView{}, err
	}
	rep, err := h.load(ctx, town, k)
	if err != nil {
		return MonthlyReportView{}, err
	}
	names, err := h.towns.Cadres(ctx, string(town))
	if err != nil {
		return MonthlyReportView{}, err
	}
	return h.view(ctx, rep, names)
}

// List returns the town's reports on a month; a cadre sees only their own.
func (h MonthlyReportsHandler) List(ctx context.Context, m calendar.Month) ([]MonthlyReportView, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return nil, errs.ErrUnauthorized
	}
	if !p.Has(auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader, auth.Cadre) {
		return nil, errs.ErrForbidden
	}
	reps, err := h.reports.List(ctx, m)
	if err != nil {
		return nil, err
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return nil, err
	}
	names, err := h.towns.Cadres(ctx, string(town))
	if err != nil {
		return nil, err
	}
	out := []MonthlyReportView{}
	for _, r := range reps {
		if p.Role == auth.Cadre && r.Cadre != p.CadreID {
			continue
		}
		v, err := h.view(ctx, r, names)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Save keeps the cadre's narrative and declaration without submitting.
func (h MonthlyReportsHandler) Save(ctx context.Context, e Edit) (MonthlyReportView, error) {
	return h.change(ctx, e.Key, events.MonthlyReportDrafted, []auth.Role{auth.Cadre}, func(r *monthlyreport.Report, _ auth.Principal, _ time.Time) error {
		return r.Edit(e.Narrative, e.Integrity)
	})
}

// Submit hands the report to the town office, with the figures of the moment.
func (h MonthlyReportsHandler) Submit(ctx context.Context, e Edit) (MonthlyReportView, error) {
	return h.change(ctx, e.Key, events.MonthlyReportSubmitted, []auth.Role{auth.Cadre}, func(r *monthlyreport.Report, _ auth.Principal, now time.Time) error {
		if err := r.Edit(e.Narrative, e.Integrity); err != nil {
			return err
		}
		f, d, err := h.figuresAndDeadline(ctx, *r)
		if err != nil {
			return err
		}
		return r.Submit(f, d, now)
	})
}

// Approve accepts a submitted report (town office).
func (h MonthlyReportsHandler) Approve(ctx context.Context, k Key, comment string) (MonthlyReportView, error) {
	return h.change(ctx, k, events.MonthlyReportApproved, []auth.Role{auth.TownAdmin}, func(r *monthlyreport.Report, p auth.Principal, now time.Time) error {
		return r.Approve(p.AccountID, comment, now)
	})
}

// Return sends a submitted report back with a comment (town office).
func (h MonthlyReportsHandler) Return(ctx context.Context, k Key, comment string) (MonthlyReportView, error) {
	return h.change(ctx, k, events.MonthlyReportReturned, []auth.Role{auth.TownAdmin}, func(r *monthlyreport.Report, p auth.Principal, now time.Time) error {
		return r.Return(p.AccountID, comment, now)
	})
}

func (h MonthlyReportsHandler) change(ctx context.Context, k Key, evType string, roles []auth.Role,
	fn func(*monthlyreport.Report, auth.Principal, time.Time) error) (MonthlyReportView, error) {
	p, town, err := h.caller(ctx, k.Cadre, roles...)
	if err != nil {
		return MonthlyReportView{}, err
	}
	for attempt := 0; attempt < 3; attempt++ {
		rep, err := h.load(ctx, town, k)
		if err != nil {
			return MonthlyReportView{}, err
		}
		if err := fn(&rep, p, h.now()); err != nil {
			return MonthlyReportView{}, err
		}
		saved, err := h.reports.Save(ctx, rep, evType, p.AccountID)
		if errors.Is(err, errs.ErrConflict) {
			continue // written meanwhile: read again and decide again
		}
		if err != nil {
			return MonthlyReportView{}, err
		}
		names, err := h.towns.Cadres(ctx, string(town))
		if err != nil {
			return MonthlyReportView{}, err
		}
		return h.view(ctx, saved, names)
	}
	return MonthlyReportView{}, errs.ErrConflict
}

// caller checks the role and that a cadre acts only on their own reports.
func (h MonthlyReportsHandler) caller(ctx context.Context, cadre string, roles ...auth.Role) (auth.Principal, tenancy.TownCode, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return auth.Principal{}, "", errs.ErrUnauthorized
	}
	if !p.Has(roles...) || (p.Role == auth.Cadre && (p.CadreID == "" || p.CadreID != cadre)) {
		return auth.Principal{}, "", errs.ErrForbidden
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return auth.Principal{}, "", err
	}
	return p, town, nil
}

// load returns the stored report or a new draft.
func (h MonthlyReportsHandler) load(ctx context.Context, town tenancy.TownCode, k Key) (monthlyreport.Report, error) {
	rep, err := h.reports.Get(ctx, monthlyreport.ID(k.Cadre, k.Month))
	if errors.Is(err, monthlyreport.ErrNotFound) {
		return monthlyreport.New(town, k.Cadre, k.Month, h.now())
	}
	return rep, err
}

func (h MonthlyReportsHandler) figuresAndDeadline(ctx context.Context, r monthlyreport.Report) (figures.Figures, calendar.Deadline, error) {
	c, err := h.calendars.CalendarOfMonth(ctx, r.Town, r.Month)
	if err != nil {
		return figures.Figures{}, calendar.Deadline{}, err
	}
	d, err := c.Deadline(calendar.MonthlyReport, r.Town, r.Month)
	if err != nil {
		return figures.Figures{}, calendar.Deadline{}, err
	}
	m, err := h.figures.Get(ctx, r.Cadre, r.Month)
	if err != nil {
		return figures.Figures{}, calendar.Deadline{}, err
	}
	return m.Figures(r.Month, c.Programme.StationingDayMinHours), d, nil
}

// view adds the cadre's name and the deadline; while the cadre has the report its figures are
// the live ones.
func (h MonthlyReportsHandler) view(ctx context.Context, r monthlyreport.Report, names comparison.Town) (MonthlyReportView, error) {
	f, d, err := h.figuresAndDeadline(ctx, r)
	if err != nil {
		return MonthlyReportView{}, err
	}
	v := MonthlyReportView{Report: r, CadreName: names.CadreName(r.Cadre), Deadline: d}
	if r.Status.Editable() {
		v.Figures = f
		if r.FirstSubmittedAt == nil {
			left := d.DaysLeft(h.now())
			v.DaysLeft = &left
		}
	}
	return v, nil
}
