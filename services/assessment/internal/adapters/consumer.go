package adapters

import (
	"context"
	"slices"
	"time"

	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/platformcopy"
	"dundian.local/services/assessment/internal/app"
	"dundian.local/services/assessment/internal/domain/indicators"
)

// What assessment reads of the other services' events (their data is the entity's state).
type (
	stayData struct {
		Cadre string     `json:"cadre"`
		Start time.Time  `json:"start"`
		End   *time.Time `json:"end"`
	}
	entryData struct {
		Cadre string        `json:"cadre"`
		Date  calendar.Date `json:"date"`
	}
	reportData struct {
		Cadre  string         `json:"cadre"`
		Month  calendar.Month `json:"month"`
		OnTime *bool          `json:"onTime"`
	}
	opinionData struct {
		Responsible *struct {
			ID string `json:"id"`
		} `json:"responsible"`
		ReceivedAt  time.Time  `json:"receivedAt"`
		RespondedAt *time.Time `json:"respondedAt"`
	}
	ratingData struct {
		Cadre  string         `json:"cadre"`
		Month  calendar.Month `json:"month"`
		Score  int            `json:"score"`
		Review string         `json:"review"`
	}
	caseData struct {
		Community    string    `json:"community"`
		Status       string    `json:"status"`
		RegisteredAt time.Time `json:"registeredAt"`
	}
	findingData struct {
		Cadre string `json:"cadre"`
		Year  int    `json:"year"`
	}
)

// EventHandler applies what assessment follows: the other services' records into the
// indicator read model (each checked against the recall triggers), its own findings against
// the triggers, its own finalised assessments into the county's results, and the platform's
// calendar into its copy.
func EventHandler(a app.Application, results Results, towns Towns, platform platformcopy.Copy) bus.Handler {
	p := a.Projection
	// source reads a record from an event: read fills in what the kind keeps and says where it
	// belongs (nowhere, with no owner, for a record about no cadre).
	source := func(kind indicators.Kind, read func(ev events.Envelope, src *indicators.Source) (app.SourceRef, error)) bus.Handler {
		return func(ctx context.Context, ev events.Envelope) error {
			src := indicators.Source{Kind: kind, Type: ev.Type, Rev: ev.Rev}
			ref, err := read(ev, &src)
			if err != nil {
				return bus.Permanent(err)
			}
			ref.Key = indicators.Key(kind, ev.Subject)
			return p.Apply(ctx, ref, src)
		}
	}
	stay := source(indicators.Stay, func(ev events.Envelope, src *indicators.Source) (app.SourceRef, error) {
		var d stayData
		if err := ev.Unmarshal(&d); err != nil || d.Start.IsZero() {
			return app.SourceRef{}, err
		}
		src.From = d.Start
		if d.End != nil {
			src.To = *d.End
		}
		return app.SourceRef{Owner: d.Cadre, Year: calendar.BeijingDay(d.Start).Year}, nil
	})
	entry := func(kind indicators.Kind) bus.Handler {
		return source(kind, func(ev events.Envelope, src *indicators.Source) (app.SourceRef, error) {
			var d entryData
			if err := ev.Unmarshal(&d); err != nil || !d.Date.Valid() {
				return app.SourceRef{}, err
			}
			src.Month = d.Date.YearMonth().String()
			return app.SourceRef{Owner: d.Cadre, Year: d.Date.Year}, nil
		})
	}
	report := source(indicators.Report, func(ev events.Envelope, src *indicators.Source) (app.SourceRef, error) {
		var d reportData
		if err := ev.Unmarshal(&d); err != nil || !d.Month.Valid() {
			return app.SourceRef{}, err
		}
		src.Month, src.Done = d.Month.String(), d.OnTime != nil && *d.OnTime
		return app.SourceRef{Owner: d.Cadre, Year: d.Month.Year}, nil
	})
	contactList := source(indicators.ContactList, func(ev events.Envelope, src *indicators.Source) (app.SourceRef, error) {
		var d events.ContactListData
		if err := ev.Unmarshal(&d); err != nil {
			return app.SourceRef{}, err
		}
		src.Count = len(d.Kinds)
		return app.SourceRef{Owner: d.Cadre, Year: d.Year}, nil
	})
	assignment := source(indicators.Assignment, func(ev events.Envelope, src *indicators.Source) (app.SourceRef, error) {
		var d events.AssignmentData
		if err := ev.Unmarshal(&d); err != nil || d.Community == "" {
			// an ended link keeps the community it had: its cases stay the cadre's this year
			return app.SourceRef{}, err
		}
		src.Community, src.From = d.Community, ev.OccurredAt
		return app.SourceRef{Owner: d.Cadre, Year: d.Year}, nil
	})
	opinion := source(indicators.Opinion, func(ev events.Envelope, src *indicators.Source) (app.SourceRef, error) {
		var d opinionData
		if err := ev.Unmarshal(&d); err != nil || d.Responsible == nil || d.ReceivedAt.IsZero() {
			return app.SourceRef{}, err // counted once a cadre is responsible for it
		}
		src.Done = d.RespondedAt != nil
		return app.SourceRef{Owner: d.Responsible.ID, Year: calendar.BeijingDay(d.ReceivedAt).Year}, nil
	})
	rating := source(indicators.Rating, func(ev events.Envelope, src *indicators.Source) (app.SourceRef, error) {
		var d ratingData
		if err := ev.Unmarshal(&d); err != nil || !d.Month.Valid() {
			return app.SourceRef{}, err
		}
		// only a rating the town office accepted counts
		src.Month, src.Score, src.Done = d.Month.String(), d.Score, d.Review == "accepted"
		return app.SourceRef{Owner: d.Cadre, Year: d.Month.Year}, nil
	})
	petitionCase := source(indicators.Case, func(ev events.Envelope, src *indicators.Source) (app.SourceRef, error) {
		var d caseData
		if err := ev.Unmarshal(&d); err != nil || d.RegisteredAt.IsZero() {
			return app.SourceRef{}, err
		}
		// a sign (苗头) is not a case until it is opened; resolved and closed ones are resolved
		src.Counted = slices.Contains([]string{"open", "resolving", "resolved", "closed"}, d.Status)
		src.Done = d.Status == "resolved" || d.Status == "closed"
		return app.SourceRef{Community: true, Owner: d.Community, Year: calendar.BeijingDay(d.RegisteredAt).Year}, nil
	})
	cadre := func(ctx context.Context, ev events.Envelope) error {
		var d events.CadreData
		if err := ev.Unmarshal(&d); err != nil {
			return bus.Permanent(err)
		}
		return p.CadreNamed(ctx, ev.Subject, ev.Rev, d.Name)
	}
	finding := func(ctx context.Context, ev events.Envelope) error {
		var d findingData
		if err := ev.Unmarshal(&d); err != nil {
			return bus.Permanent(err)
		}
		return p.Check(ctx, d.Cadre, d.Year)
	}
	handlers := map[string]bus.Handler{
		events.StayStarted: stay, events.StayEnded: stay, events.StayMealPaid: stay,
		events.WorkLogWritten: entry(indicators.WorkLog), events.WorkLogEdited: entry(indicators.WorkLog),
		events.DiaryWritten: entry(indicators.Diary), events.DiaryEdited: entry(indicators.Diary),
		events.MonthlyReportDrafted: report, events.MonthlyReportSubmitted: report,
		events.MonthlyReportApproved: report, events.MonthlyReportReturned: report,
		events.ContactListChanged: contactList, events.ContactListSubmitted: contactList,
		events.ContactListAccepted: contactList, events.ContactListReturned: contactList,
		events.AssignmentLinked: assignment, events.AssignmentEnded: assignment,
		events.CadreAdded: cadre, events.CadreChanged: cadre,
		events.OpinionReceived: opinion, events.OpinionAssigned: opinion, events.OpinionResponded: opinion,
		events.OpinionClosed: opinion, events.OpinionOverdue: opinion,
		events.RatingReceived: rating, events.RatingReviewed: rating,
		events.CaseRegistered: petitionCase, events.CaseChanged: petitionCase,
		events.FindingRecorded:     finding,
		events.AssessmentFinalised: results.apply,
		events.TownCreated:         towns.Apply,
		events.TownErased:          towns.Apply,
	}
	for typ, h := range platform.Handlers() {
		handlers[typ] = h
	}
	return bus.Dispatch(handlers)
}
