package adapters

import (
	"context"
	"time"

	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/platformcopy"
	"dundian.local/services/reporting/internal/app"
	"dundian.local/services/reporting/internal/domain/comparison"
)

// caseData is what reporting reads of a petition case: no title, no petitioner.
type caseData struct {
	Community  string     `json:"community"`
	Backlog    bool       `json:"backlog"`
	ResolvedAt *time.Time `json:"resolvedAt"`
}

// EventHandler applies the events reporting projects, keeps its copy of the calendar and
// turns the events that ask someone to act into notifications.
func EventHandler(a app.Application, platform platformcopy.Copy, due DueTasks, notes Notifications) bus.Handler {
	handlers := Projections(a, due)
	for _, more := range []map[string]bus.Handler{{events.CalendarChanged: platform.ApplyCalendar}, notifyHandlers(notes)} {
		for typ, h := range more {
			handlers[typ] = both(handlers[typ], h)
		}
	}
	return bus.Dispatch(handlers)
}

// Projections are the handlers of every projection a rebuild clears and replays: the county
// comparison, the cadres' monthly figures and the due tasks. Each keeps the revision of every
// source entity, so applying the events again in any number changes nothing. Notifications
// are not among them: a replay must not notify anyone again.
func Projections(a app.Application, due DueTasks) map[string]bus.Handler {
	p := a.Commands.Projection
	named := func(ctx context.Context, ev events.Envelope) error {
		var d events.TownCreatedData
		if err := ev.Unmarshal(&d); err != nil {
			return bus.Permanent(err)
		}
		return p.TownNamed(ctx, string(ev.Town), d.Name, ev.OccurredAt)
	}
	community := func(ctx context.Context, ev events.Envelope) error {
		var d struct {
			Name     string `json:"name"`
			Archived bool   `json:"archived"`
		}
		if err := ev.Unmarshal(&d); err != nil {
			return bus.Permanent(err)
		}
		return p.CommunityChanged(ctx, string(ev.Town), ev.Subject, comparison.CommunityState{Rev: ev.Rev, Name: d.Name, Archived: d.Archived}, ev.OccurredAt)
	}
	report := func(ctx context.Context, ev events.Envelope) error {
		var d struct {
			Month            string     `json:"month"`
			Status           string     `json:"status"`
			FirstSubmittedAt *time.Time `json:"firstSubmittedAt"`
			OnTime           *bool      `json:"onTime"`
		}
		if err := ev.Unmarshal(&d); err != nil {
			return bus.Permanent(err)
		}
		return p.ReportChanged(ctx, string(ev.Town), ev.Subject, comparison.ReportState{
			Rev: ev.Rev, Month: d.Month, Status: d.Status,
			Reported: d.FirstSubmittedAt != nil, OnTime: d.OnTime != nil && *d.OnTime,
		}, ev.OccurredAt)
	}
	cadre := func(ctx context.Context, ev events.Envelope) error {
		var d events.CadreData
		if err := ev.Unmarshal(&d); err != nil {
			return bus.Permanent(err)
		}
		return p.CadreChanged(ctx, string(ev.Town), ev.Subject, comparison.CadreState{Rev: ev.Rev, Name: d.Name, Active: d.Status == "active"}, ev.OccurredAt)
	}
	contactList := func(ctx context.Context, ev events.Envelope) error {
		var d events.ContactListData
		if err := ev.Unmarshal(&d); err != nil {
			return bus.Permanent(err)
		}
		return p.ContactListChanged(ctx, string(ev.Town), ev.Subject,
			comparison.ContactListState{Rev: ev.Rev, Cadre: d.Cadre, Year: d.Year, Status: d.Status, Kinds: len(d.Kinds)}, ev.OccurredAt)
	}
	assignment := func(ctx context.Context, ev events.Envelope) error {
		var d events.AssignmentData
		if err := ev.Unmarshal(&d); err != nil {
			return bus.Permanent(err)
		}
		return p.AssignmentChanged(ctx, string(ev.Town), ev.Subject,
			comparison.AssignmentState{Rev: ev.Rev, Cadre: d.Cadre, Year: d.Year, Community: d.Community}, ev.OccurredAt)
	}
	petitionCase := func(ctx context.Context, ev events.Envelope) error {
		var d caseData
		if err := ev.Unmarshal(&d); err != nil {
			return bus.Permanent(err)
		}
		s := comparison.CaseState{Rev: ev.Rev, Community: d.Community, Backlog: d.Backlog}
		if d.ResolvedAt != nil {
			s.ResolvedMonth = calendar.MonthOf(*d.ResolvedAt).String()
		}
		return p.CaseChanged(ctx, string(ev.Town), ev.Subject, s, ev.OccurredAt)
	}
	handlers := map[string]bus.Handler{
		events.CadreAdded:           cadre,
		events.CadreChanged:         cadre,
		events.ContactListChanged:   contactList,
		events.ContactListSubmitted: contactList,
		events.ContactListAccepted:  contactList,
		events.ContactListReturned:  contactList,
		events.ContactListForwarded: func(ctx context.Context, ev events.Envelope) error {
			var d events.ContactListsForwardedData
			if err := ev.Unmarshal(&d); err != nil {
				return bus.Permanent(err)
			}
			return p.ContactListsForwarded(ctx, string(ev.Town), d.Year, d.ForwardedAt)
		},
		events.MonthlyReportDrafted:   report,
		events.MonthlyReportSubmitted: report,
		events.MonthlyReportApproved:  report,
		events.MonthlyReportReturned:  report,
		events.TownCreated:            named,
		events.TownChanged:            named,
		events.TownErased: func(ctx context.Context, ev events.Envelope) error {
			return p.TownErased(ctx, string(ev.Town), ev.OccurredAt)
		},
		events.CommunityAdded:   community,
		events.CommunityChanged: community,
		events.AssignmentLinked: assignment,
		events.AssignmentEnded:  assignment,
		events.CaseRegistered:   petitionCase,
		events.CaseChanged:      petitionCase,
	}
	for _, more := range []map[string]bus.Handler{figureHandlers(a.Commands.Figures), taskHandlers(due)} {
		for typ, h := range more {
			handlers[typ] = both(handlers[typ], h)
		}
	}
	return handlers
}

// both applies two projections of one event type in turn; each is idempotent, so a retry
// after the second fails repeats the first harmlessly.
func both(first, second bus.Handler) bus.Handler {
	if first == nil {
		return second
	}
	return func(ctx context.Context, ev events.Envelope) error {
		if err := first(ctx, ev); err != nil {
			return err
		}
		return second(ctx, ev)
	}
}
