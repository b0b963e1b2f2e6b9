package app

import (
	"context"
	"errors"
	"time"

	"dundian.local/libs/calendar"
	"dundian.local/libs/tenancy"
	"dundian.local/services/reporting/internal/domain/comparison"
	"dundian.local/services/reporting/internal/domain/figures"
	"dundian.local/services/reporting/internal/domain/notification"
	"dundian.local/services/reporting/internal/domain/rebuild"
)

// NotificationSink stores notifications once each.
type NotificationSink interface {
	Add(ctx context.Context, n notification.Notification) error
}

// RemindersHandler reminds cadres of the monthly report on the month just ended, from the
// county projection: the active cadres of each town (personnel) and the reports handed in.
type RemindersHandler struct {
	towns interface {
		All(ctx context.Context) ([]comparison.Town, error)
	}
	calendars Calendars
	sink      NotificationSink
	rebuilds  Rebuilds
	now       func() time.Time
}

// Run sends the reminders due now in every town; running it again the same day adds nothing.
// While the projections are being rebuilt they hold only part of the reports, so it waits
// for the next run rather than remind cadres who did report.
func (h RemindersHandler) Run(ctx context.Context) error {
	if h.rebuilds != nil {
		j, err := h.rebuilds.Latest(ctx)
		if err != nil && !errors.Is(err, rebuild.ErrNotFound) {
			return err
		}
		if err == nil && j.Active() {
			return nil
		}
	}
	towns, err := h.towns.All(ctx)
	if err != nil {
		return err
	}
	now := h.now()
	m := calendar.MonthOf(now).Prev()
	var errs []error
	for _, t := range towns {
		code, err := tenancy.ParseTown(t.Code)
		if t.Erased || err != nil {
			continue
		}
		c, err := h.calendars.CalendarOfMonth(ctx, code, m)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		d, err := c.Deadline(calendar.MonthlyReport, code, m)
		if err != nil {
			continue // the month is outside the programme year: nothing is due
		}
		unreported := map[string]string{}
		for id, cadre := range t.Cadres {
			if cadre.Active && !t.Reports[figures.ID(id, m)].Reported {
				unreported[id] = cadre.Name
			}
		}
		townCtx := tenancy.WithTown(ctx, code)
		for _, n := range notification.Reminders(m.String(), d.DaysLeft(now), unreported, now) {
			if err := h.sink.Add(townCtx, n); err != nil {
				errs = append(errs, err)
				break
			}
		}
	}
	return errors.Join(errs...)
}
