// Package settings holds a town's own settings. The defaults protect privacy and spare cadres
// formalism, as the 2024 national rules on cutting formalism at the grassroots ask: no
// location capture, no forced photos, no league tables.
package settings

import (
	"time"

	"dundian.local/libs/errs"
)

// Evidence says whether a kind of evidence is collected with a stay or an activity.
type Evidence string

const (
	Off      Evidence = "off"
	Optional Evidence = "optional"
	Required Evidence = "required"
)

func (e Evidence) valid() bool { return e == Off || e == Optional || e == Required }

// DiaryVisibility says who reads a cadre's sentiment diary besides the cadre.
type DiaryVisibility string

const (
	DiaryTownOffice DiaryVisibility = "town_office" // the town activity office and leaders
	DiaryBranch     DiaryVisibility = "branch"      // also the community's branch, which keeps it on file (§四6)
)

// Settings of one town.
type Settings struct {
	LocationEvidence Evidence        `json:"locationEvidence" bson:"locationEvidence"`
	PhotoEvidence    Evidence        `json:"photoEvidence" bson:"photoEvidence"`
	DiaryVisibility  DiaryVisibility `json:"diaryVisibility" bson:"diaryVisibility"`
	ResponseDueDays  int             `json:"responseDueDays" bson:"responseDueDays"`
	RankingsShown    bool            `json:"rankingsShown" bson:"rankingsShown"`
	UpdatedAt        time.Time       `json:"updatedAt,omitzero" bson:"updatedAt,omitempty"`
	UpdatedBy        string          `json:"updatedBy,omitempty" bson:"updatedBy,omitempty"`
	Rev              int64           `json:"rev" bson:"rev"`
}

// Default is what a town has until its administrator changes something.
func Default() Settings {
	return Settings{
		LocationEvidence: Off,
		PhotoEvidence:    Optional,
		DiaryVisibility:  DiaryBranch,
		ResponseDueDays:  15,
		RankingsShown:    false,
	}
}

// Bounds of the days within which an opinion must get its response.
const (
	MinResponseDueDays = 1
	MaxResponseDueDays = 90
)

var ErrInvalid = errs.Invalid("settings-invalid", "the settings are not valid", "设置填写有误")

// Validate names every wrong field.
func (s Settings) Validate() error {
	var fields []errs.FieldError
	add := func(field, en, zh string) {
		fields = append(fields, errs.FieldError{Field: field, Slug: "oneof", Message: en, Zh: zh})
	}
	if !s.LocationEvidence.valid() {
		add("locationEvidence", "off, optional or required", "应为关闭、可选或必填")
	}
	if !s.PhotoEvidence.valid() {
		add("photoEvidence", "off, optional or required", "应为关闭、可选或必填")
	}
	if s.DiaryVisibility != DiaryTownOffice && s.DiaryVisibility != DiaryBranch {
		add("diaryVisibility", "town_office or branch", "应为镇活动办或党支部")
	}
	if s.ResponseDueDays < MinResponseDueDays || s.ResponseDueDays > MaxResponseDueDays {
		fields = append(fields, errs.FieldError{Field: "responseDueDays", Slug: "range",
			Message: "between 1 and 90 days", Zh: "应在 1 至 90 天之间"})
	}
	if len(fields) > 0 {
		return ErrInvalid.WithFields(fields...)
	}
	return nil
}
