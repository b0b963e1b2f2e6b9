package adapters

import (
	"context"
	"time"

	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/services/reporting/internal/app"
	"dundian.local/services/reporting/internal/domain/figures"
)

// What reporting reads of fieldwork's and petitions' events (their data is the entity's state).
type (
	entryData struct {
		Cadre    string        `json:"cadre"`
		Date     calendar.Date `json:"date"`
		Task     string        `json:"task"`
		Contacts []string      `json:"contacts"`
		History  []struct {
			Content struct {
				Date calendar.Date `json:"date"`
			} `json:"content"`
		} `json:"history"`
	}
	stayData struct {
		Cadre string     `json:"cadre"`
		Start time.Time  `json:"start"`
		End   *time.Time `json:"end"`
	}
	opinionData struct {
		Responsible *struct {
			ID string `json:"id"`
		} `json:"responsible"`
		RespondedAt *time.Time `json:"respondedAt"`
	}
)

// figureHandlers turn the source events into the figures of the months they belong to.
func figureHandlers(h app.FiguresHandler) map[string]bus.Handler {
	entry := func(kind figures.Kind) bus.Handler {
		return func(ctx context.Context, ev events.Envelope) error {
			var d entryData
			if err := ev.Unmarshal(&d); err != nil {
				return bus.Permanent(err)
			}
			if d.Cadre == "" || !d.Date.Valid() {
				return nil
			}
			month := d.Date.YearMonth()
			// An edit that moved the entry to another month takes it out of the months it was in.
			for _, v := range d.History {
				if was := v.Content.Date; was.Valid() && was.YearMonth() != month {
					if err := h.Record(ctx, d.Cadre, was.YearMonth(), ev.Subject, figures.Source{Kind: kind, Rev: ev.Rev, Deleted: true}); err != nil {
						return err
					}
				}
			}
			return h.Record(ctx, d.Cadre, month, ev.Subject, figures.Source{Kind: kind, Rev: ev.Rev, Task: d.Task, Contacts: d.Contacts})
		}
	}
	stay := func(ctx context.Context, ev events.Envelope) error {
		var d stayData
		if err := ev.Unmarshal(&d); err != nil {
			return bus.Permanent(err)
		}
		if d.Cadre == "" || d.Start.IsZero() {
			return nil
		}
		s := figures.Source{Kind: figures.Stay, Rev: ev.Rev, From: d.Start}
		last := calendar.MonthOf(d.Start)
		if d.End != nil {
			s.To = *d.End
			last = calendar.MonthOf(*d.End)
		}
		// an overnight stay across a month's end counts in both months
		for m := calendar.MonthOf(d.Start); !last.First().Before(m.First()); m = m.Next() {
			if err := h.Record(ctx, d.Cadre, m, ev.Subject, s); err != nil {
				return err
			}
		}
		return nil
	}
	opinion := func(ctx context.Context, ev events.Envelope) error {
		var d opinionData
		if err := ev.Unmarshal(&d); err != nil {
			return bus.Permanent(err)
		}
		if d.Responsible == nil || d.Responsible.ID == "" || d.RespondedAt == nil {
			return nil // counted once a response was given, in the month it was given
		}
		return h.Record(ctx, d.Responsible.ID, calendar.MonthOf(*d.RespondedAt), ev.Subject,
			figures.Source{Kind: figures.Opinion, Rev: ev.Rev, Handled: true})
	}
	return map[string]bus.Handler{
		events.WorkLogWritten:   entry(figures.WorkLog),
		events.WorkLogEdited:    entry(figures.WorkLog),
		events.DiaryWritten:     entry(figures.Diary),
		events.DiaryEdited:      entry(figures.Diary),
		events.StayStarted:      stay,
		events.StayEnded:        stay,
		events.StayMealPaid:     stay,
		events.OpinionResponded: opinion,
		events.OpinionClosed:    opinion,
	}
}
