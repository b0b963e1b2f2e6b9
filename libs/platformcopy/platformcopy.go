// Package platformcopy keeps a service's own copy of what the gateway's control plane
// announces and every service needs: the county's programme calendar with the towns'
// extensions and the holiday table (platform.calendar.changed), and each town's settings
// (platform.settings.changed). Each service keeps its copy in its own collections, under its
// own prefix, so no service reads another's data.
package platformcopy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
)

const (
	// SettingsCollection holds the copy of a town's settings in its database; list it among
	// the collections a service prepares for a new town.
	SettingsCollection = "settings"
	// calendarCollection is county-wide: one document per event subject
	// ("programme-2026", "holidays-2026").
	calendarCollection = "calendar"
	settingsID         = "settings"
)

// Copy is one service's copy of the platform's calendar and towns' settings.
type Copy struct{ store store.Service }

// New returns the copy kept in the collections of the service st belongs to.
func New(st store.Service) Copy { return Copy{store: st} }

// Handlers are the consumers of the platform events the copy follows, to register with
// bus.Dispatch. Each write is guarded by the event's revision, so a redelivered or late event
// changes nothing.
func (c Copy) Handlers() map[string]bus.Handler {
	return map[string]bus.Handler{
		events.CalendarChanged: c.ApplyCalendar,
		events.SettingsChanged: c.ApplySettings,
	}
}

// calendarPart is the data of platform.calendar.changed: a programme year with the towns'
// extensions, or one year of the holiday table.
type calendarPart struct {
	Part      string                      `json:"part"`
	Year      int                         `json:"year"`
	Programme *calendar.ProgrammeCalendar `json:"programme,omitempty"`
	Overrides []calendar.TownOverride     `json:"overrides,omitempty"`
	Holidays  *calendar.HolidayYear       `json:"holidays,omitempty"`
}

// ApplyCalendar records one platform.calendar.changed event: its data is kept as received.
func (c Copy) ApplyCalendar(ctx context.Context, ev events.Envelope) error {
	if !strings.HasPrefix(ev.Subject, "programme-") && !strings.HasPrefix(ev.Subject, "holidays-") {
		return bus.Permanent(fmt.Errorf("calendar event with unexpected subject %q", ev.Subject))
	}
	// a malformed event goes to the dead-letter topic instead of breaking every later read
	if err := ev.Unmarshal(&calendarPart{}); err != nil {
		return bus.Permanent(err)
	}
	_, err := store.ApplyIfNewer(ctx, c.store.County(calendarCollection), ev.Subject, ev.Rev,
		bson.D{{Key: "data", Value: string(ev.Data)}})
	return err
}

// parts reads every calendar part received; the collection holds a few documents per year.
func (c Copy) parts(ctx context.Context) ([]calendarPart, error) {
	cur, err := c.store.County(calendarCollection).Find(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	var docs []struct {
		ID   string `bson:"_id"`
		Data string `bson:"data"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	parts := make([]calendarPart, 0, len(docs))
	for _, d := range docs {
		var p calendarPart
		if err := json.Unmarshal([]byte(d.Data), &p); err != nil {
			return nil, fmt.Errorf("stored calendar %s: %w", d.ID, err)
		}
		parts = append(parts, p)
	}
	return parts, nil
}

// Calendar is the calendar of programme year `year` for town: the county's programme with the
// extensions granted to the town, or the default programme until the county sent one; the
// published holidays with every year the county edited. The zero town gets no extensions.
func (c Copy) Calendar(ctx context.Context, town tenancy.TownCode, year int) (calendar.Calendar, error) {
	return c.calendar(ctx, town, calendar.DefaultProgramme(year), func(p calendar.ProgrammeCalendar) bool {
		return p.Year == year
	})
}

// CalendarOfMonth is Calendar for the programme year that holds month m (the default
// programme of m's calendar year until the county sent one).
func (c Copy) CalendarOfMonth(ctx context.Context, town tenancy.TownCode, m calendar.Month) (calendar.Calendar, error) {
	return c.calendar(ctx, town, calendar.DefaultProgramme(m.Year), func(p calendar.ProgrammeCalendar) bool {
		return p.ContainsMonth(m)
	})
}

func (c Copy) calendar(ctx context.Context, town tenancy.TownCode, fallback calendar.ProgrammeCalendar,
	wanted func(calendar.ProgrammeCalendar) bool) (calendar.Calendar, error) {
	parts, err := c.parts(ctx)
	if err != nil {
		return calendar.Calendar{}, err
	}
	cal := calendar.Calendar{Programme: fallback, Holidays: calendar.Published()}
	found := false
	for _, p := range parts {
		switch {
		case p.Holidays != nil:
			cal.Holidays = cal.Holidays.With(*p.Holidays)
		case p.Programme != nil && !found && wanted(*p.Programme):
			cal.Programme, found = *p.Programme, true
			for _, o := range p.Overrides {
				if town != "" && o.Town == town {
					cal.Overrides = append(cal.Overrides, o)
				}
			}
		}
	}
	if cal.Validate() != nil {
		// The gateway validated what it sent; an extension that no longer fits is dropped
		// rather than stopping the town's work.
		cal.Overrides = nil
	}
	return cal, nil
}

// LatestYear is the latest programme year the county has opened (0 until it sent one).
func (c Copy) LatestYear(ctx context.Context) (int, error) {
	parts, err := c.parts(ctx)
	if err != nil {
		return 0, err
	}
	latest := 0
	for _, p := range parts {
		if p.Programme != nil {
			latest = max(latest, p.Programme.Year)
		}
	}
	return latest, nil
}
