package adapters

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
)

// calendarPart is the data of platform.calendar.changed: the programme year with the towns'
// extensions, or one year of the holiday table.
type calendarPart struct {
	Part      string                      `json:"part"`
	Year      int                         `json:"year"`
	Programme *calendar.ProgrammeCalendar `json:"programme,omitempty"`
	Overrides []calendar.TownOverride     `json:"overrides,omitempty"`
	Holidays  *calendar.HolidayYear       `json:"holidays,omitempty"`
}

// Calendars keeps reporting's copy of the county's calendar in `county.reporting_calendar`:
// one document per event subject ("programme-2026", "holidays-2026") holding the event data
// as received, written only for a newer revision.
type Calendars struct{ coll *mongo.Collection }

func NewCalendars(st store.Service) Calendars { return Calendars{coll: st.County("calendar")} }

// Apply records one platform.calendar.changed event.
func (r Calendars) Apply(ctx context.Context, ev events.Envelope) error {
	if !strings.HasPrefix(ev.Subject, "programme-") && !strings.HasPrefix(ev.Subject, "holidays-") {
		return bus.Permanent(fmt.Errorf("calendar event with unexpected subject %q", ev.Subject))
	}
	_, err := store.ApplyIfNewer(ctx, r.coll, ev.Subject, ev.Rev, bson.D{{Key: "data", Value: string(ev.Data)}})
	return err
}

// Calendar returns what a deadline of the town in month m depends on: the programme year
// holding the month (the default programme of the calendar year when the county has sent none
// yet) and the published holidays with every year the county has edited.
func (r Calendars) Calendar(ctx context.Context, town tenancy.TownCode, m calendar.Month) (calendar.Calendar, error) {
	cur, err := r.coll.Find(ctx, bson.D{})
	if err != nil {
		return calendar.Calendar{}, err
	}
	var docs []struct {
		Data string `bson:"data"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return calendar.Calendar{}, err
	}
	c := calendar.Calendar{Programme: calendar.DefaultProgramme(m.Year), Holidays: calendar.Published()}
	programmeFound := false
	for _, d := range docs {
		var p calendarPart
		if err := json.Unmarshal([]byte(d.Data), &p); err != nil {
			return calendar.Calendar{}, fmt.Errorf("stored calendar: %w", err)
		}
		switch {
		case p.Holidays != nil:
			c.Holidays = c.Holidays.With(*p.Holidays)
		case p.Programme != nil && p.Programme.ContainsMonth(m) && !programmeFound:
			c.Programme, programmeFound = *p.Programme, true
			c.Overrides = nil
			for _, o := range p.Overrides {
				if o.Town == town {
					c.Overrides = append(c.Overrides, o)
				}
			}
		}
	}
	return c, nil
}
