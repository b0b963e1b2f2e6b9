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
)

// calendarPart is the data of platform.calendar.changed: a programme year with the towns'
// extensions, or one year of the holiday table.
type calendarPart struct {
	Part      string                      `json:"part"`
	Year      int                         `json:"year"`
	Programme *calendar.ProgrammeCalendar `json:"programme,omitempty"`
	Overrides []calendar.TownOverride     `json:"overrides,omitempty"`
	Holidays  *calendar.HolidayYear       `json:"holidays,omitempty"`
}

// Calendars keeps personnel's copy of the county's calendar in `county.personnel_calendar`:
// one document per event subject ("programme-2026", "holidays-2026") with the event data as
// received, written only for a newer revision.
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

// Calendar returns the programme year's calendar: the county's when it has sent one, else the
// default programme, with the published holidays and every holiday year the county edited.
func (r Calendars) Calendar(ctx context.Context, year int) (calendar.Calendar, error) {
	cur, err := r.coll.Find(ctx, bson.D{})
	if err != nil {
		return calendar.Calendar{}, err
	}
	var docs []struct {
		ID   string `bson:"_id"`
		Data string `bson:"data"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return calendar.Calendar{}, err
	}
	c := calendar.Calendar{Programme: calendar.DefaultProgramme(year), Holidays: calendar.Published()}
	for _, d := range docs {
		var p calendarPart
		if err := json.Unmarshal([]byte(d.Data), &p); err != nil {
			return calendar.Calendar{}, fmt.Errorf("stored calendar: %w", err)
		}
		switch {
		case p.Holidays != nil:
			c.Holidays = c.Holidays.With(*p.Holidays)
		case p.Programme != nil && d.ID == fmt.Sprintf("programme-%d", year):
			c.Programme, c.Overrides = *p.Programme, p.Overrides
		}
	}
	return c, nil
}

// Latest returns the latest programme year the county has opened (0 when none was received).
func (r Calendars) Latest(ctx context.Context) (int, error) {
	cur, err := r.coll.Find(ctx, bson.D{})
	if err != nil {
		return 0, err
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return 0, err
	}
	latest := 0
	for _, d := range docs {
		var y int
		if _, err := fmt.Sscanf(d.ID, "programme-%d", &y); err == nil && y > latest {
			latest = y
		}
	}
	return latest, nil
}
