// Package app holds reporting's use cases.
package app

import (
	"context"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/services/reporting/internal/domain/comparison"
)

// Towns is the repository of the county comparison projection.
type Towns interface {
	// Update reads the town's row (a new one when absent), lets fn change it and stores it if
	// fn reports a change, retrying on concurrent writes.
	Update(ctx context.Context, town string, fn func(*comparison.Town) bool) error
	// UpdatePart is Update for a change of one part: fn sees the row with only that part's
	// entry, and only that entry is written.
	UpdatePart(ctx context.Context, town string, p comparison.Part, fn func(*comparison.Town) bool) error
	Get(ctx context.Context, town string) (comparison.Town, error)
	// Cadres is Get with only the town's cadres, for their names.
	Cadres(ctx context.Context, town string) (comparison.Town, error)
	All(ctx context.Context) ([]comparison.Town, error)
	// Rows is the comparison of every town not erased with the reports on month
	// ("2026-05"), ordered by code.
	Rows(ctx context.Context, month string) ([]comparison.Row, error)
}

// Application is reporting's use cases.
type Application struct {
	Commands Commands
	Queries  Queries
}

type Commands struct {
	Projection     ProjectionHandler
	Figures        FiguresHandler
	MonthlyReports MonthlyReportsHandler
	Meetings       MeetingsHandler
	TownReports    TownReportsHandler
	Notifications  NotificationsHandler
	Stories        StoriesHandler
	Reminders      RemindersHandler
	Rebuild        RebuildHandler
	Webhook        WebhookHandler
	Settings       ComparisonSettingsHandler
}

type Queries struct {
	Comparison     ComparisonHandler
	Months         MonthsHandler
	MonthlyReports MonthlyReportsHandler
	Meetings       MeetingsHandler
	TownReports    TownReportsHandler
	DueTasks       DueTasksHandler
	Notifications  NotificationsHandler
	Stories        StoriesHandler
	Rebuild        RebuildHandler
	Webhook        WebhookHandler
	Settings       ComparisonSettingsHandler
}

// Deps are the repositories and the clock the use cases run on.
type Deps struct {
	Towns          Towns
	MonthlyReports MonthlyReports
	Figures        FiguresStore
	Calendars      Calendars
	Meetings       Meetings
	TownReports    TownReports
	DueTasks       DueTasksSource
	Notifications  interface {
		NotificationStore
		NotificationSink
	}
	Stories  Stories
	Rebuilds Rebuilds
	Webhooks Webhooks
	Settings ComparisonSettingsStore
	Now      func() time.Time
}

func New(d Deps) Application {
	reports := MonthlyReportsHandler{reports: d.MonthlyReports, figures: d.Figures, calendars: d.Calendars, towns: d.Towns, now: d.Now}
	meetings := MeetingsHandler{repo: d.Meetings, now: d.Now}
	notes := NotificationsHandler{store: d.Notifications, now: d.Now}
	stories := StoriesHandler{repo: d.Stories, now: d.Now}
	town := TownReportsHandler{repo: d.TownReports, monthly: d.MonthlyReports, figures: d.Figures, meetings: d.Meetings, calendars: d.Calendars, now: d.Now}
	rebuilds := RebuildHandler{jobs: d.Rebuilds, towns: d.Towns, now: d.Now}
	hooks := WebhookHandler{hooks: d.Webhooks, now: d.Now}
	settings := ComparisonSettingsHandler{store: d.Settings, now: d.Now}
	return Application{
		Commands: Commands{
			Projection:     ProjectionHandler{d.Towns},
			Figures:        FiguresHandler{d.Figures},
			MonthlyReports: reports,
			Meetings:       meetings,
			TownReports:    town,
			Notifications:  notes,
			Stories:        stories,
			Reminders:      RemindersHandler{towns: d.Towns, calendars: d.Calendars, sink: d.Notifications, rebuilds: d.Rebuilds, now: d.Now},
			Rebuild:        rebuilds,
			Webhook:        hooks,
			Settings:       settings,
		},
		Queries: Queries{
			Comparison:     ComparisonHandler{d.Towns},
			Months:         MonthsHandler{towns: d.Towns, figures: d.Figures, calendars: d.Calendars},
			MonthlyReports: reports,
			Meetings:       meetings,
			TownReports:    town,
			DueTasks:       DueTasksHandler{source: d.DueTasks, now: d.Now},
			Notifications:  notes,
			Stories:        stories,
			Rebuild:        rebuilds,
			Webhook:        hooks,
			Settings:       settings,
		},
	}
}

// ProjectionHandler keeps the county projection up to date from events.
type ProjectionHandler struct{ towns Towns }

// TownNamed records a town's name (created or changed).
func (h ProjectionHandler) TownNamed(ctx context.Context, town, name string, at time.Time) error {
	return h.towns.Update(ctx, town, func(t *comparison.Town) bool {
		if t.Name == name && !t.Erased {
			return false
		}
		t.Name, t.Erased = name, false
		t.Touch(at)
		return true
	})
}

// TownErased hides an erased town and ignores late events about it.
func (h ProjectionHandler) TownErased(ctx context.Context, town string, at time.Time) error {
	return h.towns.Update(ctx, town, func(t *comparison.Town) bool {
		if t.Erased {
			return false
		}
		*t = comparison.Town{Code: t.Code, Name: t.Name, Erased: true, UpdatedAt: at, Ver: t.Ver}
		return true
	})
}

// CommunityChanged records a community's state at its revision.
func (h ProjectionHandler) CommunityChanged(ctx context.Context, town, code string, s comparison.CommunityState, at time.Time) error {
	return h.towns.UpdatePart(ctx, town, comparison.CommunityPart(code), func(t *comparison.Town) bool {
		return t.ApplyCommunity(code, s, at)
	})
}

// ReportChanged records a monthly report's state at its revision.
func (h ProjectionHandler) ReportChanged(ctx context.Context, town, id string, s comparison.ReportState, at time.Time) error {
	return h.towns.UpdatePart(ctx, town, comparison.ReportPart(id), func(t *comparison.Town) bool { return t.ApplyReport(id, s, at) })
}

// CadreChanged records a cadre's state at its revision.
func (h ProjectionHandler) CadreChanged(ctx context.Context, town, id string, s comparison.CadreState, at time.Time) error {
	return h.towns.UpdatePart(ctx, town, comparison.CadrePart(id), func(t *comparison.Town) bool { return t.ApplyCadre(id, s, at) })
}

// ContactListChanged records a one-links-five list's state at its revision.
func (h ProjectionHandler) ContactListChanged(ctx context.Context, town, id string, s comparison.ContactListState, at time.Time) error {
	return h.towns.UpdatePart(ctx, town, comparison.ContactListPart(id), func(t *comparison.Town) bool { return t.ApplyContactList(id, s, at) })
}

// AssignmentChanged records an assignment's state at its revision.
func (h ProjectionHandler) AssignmentChanged(ctx context.Context, town, id string, s comparison.AssignmentState, at time.Time) error {
	return h.towns.UpdatePart(ctx, town, comparison.AssignmentPart(id), func(t *comparison.Town) bool { return t.ApplyAssignment(id, s, at) })
}

// CaseChanged records a petition case's state at its revision.
func (h ProjectionHandler) CaseChanged(ctx context.Context, town, id string, s comparison.CaseState, at time.Time) error {
	return h.towns.UpdatePart(ctx, town, comparison.CasePart(id), func(t *comparison.Town) bool { return t.ApplyCase(id, s, at) })
}

// ContactListsForwarded records when the town forwarded a year's lists to the county.
func (h ProjectionHandler) ContactListsForwarded(ctx context.Context, town string, year int, at time.Time) error {
	return h.towns.Update(ctx, town, func(t *comparison.Town) bool { return t.ApplyForwarded(year, at) })
}

// ComparisonHandler answers the county comparison.
type ComparisonHandler struct{ towns Towns }

// Handle returns every town's row with the reports on month ("2026-05"), ordered by code; only
// county roles may compare towns.
func (h ComparisonHandler) Handle(ctx context.Context, month string) ([]comparison.Row, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return nil, errs.ErrUnauthorized
	}
	if !p.Role.CountyWide() {
		return nil, errs.ErrForbidden
	}
	return h.towns.Rows(ctx, month)
}
