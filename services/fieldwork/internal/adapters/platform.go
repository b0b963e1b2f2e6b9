package adapters

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
	"dundian.local/services/fieldwork/internal/app"
)

// Platform keeps fieldwork's copy of the gateway's programme calendar (county-wide) and of
// each town's settings, from platform.calendar.changed and platform.settings.changed.
type Platform struct{ store store.Service }

func NewPlatform(st store.Service) Platform { return Platform{store: st} }

type calendarDoc struct {
	Programme *calendar.ProgrammeCalendar `bson:"programme,omitempty"`
	Overrides []calendar.TownOverride     `bson:"overrides,omitempty"`
	Holidays  *calendar.HolidayYear       `bson:"holidays,omitempty"`
}

// Calendar is the programme calendar of year with the published holidays and those received;
// until the gateway announced the year, the default programme.
func (p Platform) Calendar(ctx context.Context, year int) (calendar.Calendar, error) {
	coll := p.store.County(calendarCollection)
	prog, holidays := calendar.DefaultProgramme(year), calendar.Published()
	var overrides []calendar.TownOverride
	var doc calendarDoc
	err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("programme-%d", year)}}).Decode(&doc)
	switch {
	case err == nil && doc.Programme != nil:
		prog, overrides = *doc.Programme, doc.Overrides
	case err != nil && !store.IsNotFound(err):
		return calendar.Calendar{}, err
	}
	for _, y := range []int{year, year + 1} {
		var h calendarDoc
		err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("holidays-%d", y)}}).Decode(&h)
		switch {
		case err == nil && h.Holidays != nil:
			holidays = holidays.With(*h.Holidays)
		case err != nil && !store.IsNotFound(err):
			return calendar.Calendar{}, err
		}
	}
	cal, err := calendar.New(prog, holidays, overrides...)
	if err != nil {
		// A calendar that does not validate here was validated by the gateway; fall back to
		// the programme without the extensions rather than stopping the cadres' work.
		return calendar.New(prog, holidays)
	}
	return cal, nil
}

type settingsDoc struct {
	LocationEvidence app.Evidence `bson:"locationEvidence"`
	DiaryVisibility  string       `bson:"diaryVisibility"`
}

// Settings are the town's settings (from ctx); the privacy-preserving defaults until the
// gateway announced them.
func (p Platform) Settings(ctx context.Context) (app.Settings, error) {
	coll, err := p.store.Collection(ctx, settingsCollection)
	if err != nil {
		return app.Settings{}, err
	}
	var doc settingsDoc
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: "settings"}}).Decode(&doc)
	if store.IsNotFound(err) {
		return app.DefaultSettings(), nil
	}
	if err != nil {
		return app.Settings{}, err
	}
	s := app.DefaultSettings()
	if doc.LocationEvidence != "" {
		s.LocationEvidence = doc.LocationEvidence
	}
	s.DiaryToBranch = doc.DiaryVisibility != "town_office"
	return s, nil
}

// EventHandler applies the platform events fieldwork keeps a copy of. Each write is guarded by
// the event's rev, so a redelivered or late event changes nothing.
func (p Platform) EventHandler() bus.Handler {
	return bus.Dispatch(map[string]bus.Handler{
		events.CalendarChanged: func(ctx context.Context, ev events.Envelope) error {
			var data struct {
				Programme *calendar.ProgrammeCalendar `json:"programme"`
				Overrides []calendar.TownOverride     `json:"overrides"`
				Holidays  *calendar.HolidayYear       `json:"holidays"`
			}
			if err := ev.Unmarshal(&data); err != nil {
				return bus.Permanent(err)
			}
			set := bson.D{}
			if data.Programme != nil {
				set = append(set, bson.E{Key: "programme", Value: data.Programme}, bson.E{Key: "overrides", Value: data.Overrides})
			}
			if data.Holidays != nil {
				set = append(set, bson.E{Key: "holidays", Value: data.Holidays})
			}
			_, err := store.ApplyIfNewer(ctx, p.store.County(calendarCollection), ev.Subject, ev.Rev, set)
			return err
		},
		events.SettingsChanged: func(ctx context.Context, ev events.Envelope) error {
			var data struct {
				LocationEvidence app.Evidence `json:"locationEvidence"`
				DiaryVisibility  string       `json:"diaryVisibility"`
			}
			if err := ev.Unmarshal(&data); err != nil {
				return bus.Permanent(err)
			}
			coll, err := p.store.Collection(ctx, settingsCollection)
			if err != nil {
				return err
			}
			_, err = store.ApplyIfNewer(ctx, coll, "settings", ev.Rev, bson.D{
				{Key: "locationEvidence", Value: data.LocationEvidence},
				{Key: "diaryVisibility", Value: data.DiaryVisibility},
			})
			return err
		},
	})
}
