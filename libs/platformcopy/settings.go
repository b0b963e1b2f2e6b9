package platformcopy

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
)

// Evidence values of LocationEvidence and PhotoEvidence, as the gateway sends them.
const (
	EvidenceOff      = "off"
	EvidenceOptional = "optional"
	EvidenceRequired = "required"
)

// DiaryVisibility values, as the gateway sends them.
const (
	DiaryTownOffice = "town_office" // the town activity office and leaders
	DiaryBranch     = "branch"      // also the community's branch, which keeps it on file (§四6)
)

// Settings are a town's settings as the gateway announces them (the data of
// platform.settings.changed).
type Settings struct {
	LocationEvidence string `json:"locationEvidence" bson:"locationEvidence"`
	PhotoEvidence    string `json:"photoEvidence" bson:"photoEvidence"`
	DiaryVisibility  string `json:"diaryVisibility" bson:"diaryVisibility"`
	ResponseDueDays  int    `json:"responseDueDays" bson:"responseDueDays"`
	RankingsShown    bool   `json:"rankingsShown" bson:"rankingsShown"`
}

// DefaultSettings are the gateway's defaults, a town's settings until its administrator
// changes something: they protect privacy and spare cadres formalism.
func DefaultSettings() Settings {
	return Settings{
		LocationEvidence: EvidenceOff,
		PhotoEvidence:    EvidenceOptional,
		DiaryVisibility:  DiaryBranch,
		ResponseDueDays:  15,
	}
}

// withDefaults fills what a settings event left out with the defaults.
func (s Settings) withDefaults() Settings {
	d := DefaultSettings()
	if s.LocationEvidence == "" {
		s.LocationEvidence = d.LocationEvidence
	}
	if s.PhotoEvidence == "" {
		s.PhotoEvidence = d.PhotoEvidence
	}
	if s.DiaryVisibility == "" {
		s.DiaryVisibility = d.DiaryVisibility
	}
	if s.ResponseDueDays <= 0 {
		s.ResponseDueDays = d.ResponseDueDays
	}
	return s
}

// ApplySettings records one platform.settings.changed event in the town's database.
func (c Copy) ApplySettings(ctx context.Context, ev events.Envelope) error {
	var data struct {
		Settings
		Rev int64 `json:"rev"`
	}
	if err := ev.Unmarshal(&data); err != nil {
		return bus.Permanent(err)
	}
	rev := max(ev.Rev, data.Rev)
	if rev <= 0 {
		rev = ev.OccurredAt.UnixMilli() // settings events without a revision are ordered by time
	}
	coll, err := c.store.Collection(tenancy.WithTown(ctx, ev.Town), SettingsCollection)
	if err != nil {
		return bus.Permanent(err)
	}
	s := data.Settings
	_, err = store.ApplyIfNewer(ctx, coll, settingsID, rev, bson.D{
		{Key: "locationEvidence", Value: s.LocationEvidence},
		{Key: "photoEvidence", Value: s.PhotoEvidence},
		{Key: "diaryVisibility", Value: s.DiaryVisibility},
		{Key: "responseDueDays", Value: s.ResponseDueDays},
		{Key: "rankingsShown", Value: s.RankingsShown},
	})
	return err
}

// Settings are the town's settings; the defaults until the gateway announced them.
func (c Copy) Settings(ctx context.Context, town tenancy.TownCode) (Settings, error) {
	coll, err := c.store.Collection(tenancy.WithTown(ctx, town), SettingsCollection)
	if err != nil {
		return Settings{}, err
	}
	var s Settings
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: settingsID}}).Decode(&s)
	if store.IsNotFound(err) {
		return DefaultSettings(), nil
	}
	if err != nil {
		return Settings{}, err
	}
	return s.withDefaults(), nil
}
