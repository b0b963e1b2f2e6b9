// Package stay holds a cadre's time at the contact point (O3, O4) and the meals paid for
// during it (S1), and the counting of stationing days from stays.
package stay

import (
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Stay is one stretch of time a cadre spent at the contact point. A stay without an end is
// open: the cadre is there now.
type Stay struct {
	ID        string                `json:"id" bson:"_id"`
	Town      tenancy.TownCode      `json:"town" bson:"town"`
	Cadre     string                `json:"cadre" bson:"cadre"`
	Community tenancy.CommunityCode `json:"community" bson:"community"`
	Start     time.Time             `json:"start" bson:"start"`
	End       *time.Time            `json:"end,omitempty" bson:"end,omitempty"`
	Meals     []MealPayment         `json:"meals" bson:"meals"`
	// Location is evidence kept only where the town's setting asks for it; never public.
	Location *Location `json:"location,omitempty" bson:"location,omitempty"`
	// MonthDays are the cadre's stationing days in each month the stay touches, counted
	// when the stay last changed ("2026-05": 3).
	MonthDays  map[string]int `json:"monthDays,omitempty" bson:"monthDays,omitempty"`
	RecordedBy string         `json:"recordedBy" bson:"recordedBy"`
	Rev        int64          `json:"rev" bson:"rev"`
}

// MealPayment is a meal fee the cadre paid at the contact point (S1: no receptions).
type MealPayment struct {
	AmountFen int64     `json:"amountFen" bson:"amountFen"` // in fen (分): 12.50 yuan is 1250
	Note      string    `json:"note,omitempty" bson:"note,omitempty"`
	PaidAt    time.Time `json:"paidAt" bson:"paidAt"`
}

// Location is where the cadre was when recording, as the phone reported it.
type Location struct {
	Lat      float64 `json:"lat" bson:"lat"`
	Lng      float64 `json:"lng" bson:"lng"`
	Accuracy float64 `json:"accuracy,omitempty" bson:"accuracy,omitempty"` // metres
}

// Limits of what a stay may record.
const (
	MaxLength   = 7 * 24 * time.Hour // a longer stay is almost surely a forgotten end
	maxFuture   = 10 * time.Minute   // clock skew of a phone
	maxMealFen  = 100_00             // 100 yuan for one meal payment
	maxMeals    = 60
	maxNote     = 200
	maxBackfill = 62 * 24 * time.Hour // a stay recorded late: at most the two previous months
)

var (
	ErrNotFound = errs.NotFound("stay-not-found", "no such stay in this town", "本乡镇没有该蹲点记录")
	ErrOpen     = errs.Conflict("stay-open",
		"the cadre already has an open stay; end it before starting another",
		"该干部已有未结束的蹲点，请先结束再开始新的蹲点")
	ErrEnded = errs.Conflict("stay-ended", "the stay has already ended", "该蹲点已结束")
	ErrTimes = errs.Invalid("stay-times",
		"a stay ends after it starts, lasts at most 7 days, lies in the past and at most two months back",
		"蹲点结束时间须晚于开始时间，时长不超过7天，不能晚于现在，也不能早于两个月前")
	ErrOverlap = errs.Conflict("stay-overlap",
		"the stay overlaps another stay of the cadre", "该时段与该干部的另一段蹲点重叠")
	ErrMeal = errs.Invalid("meal-payment-invalid",
		"a meal payment is between 0.01 and 100 yuan, with a note of at most 200 characters",
		"伙食费每笔须在0.01元至100元之间，备注最多200字")
	ErrLocation = errs.Invalid("location-invalid",
		"the location is not a valid position", "位置信息无效")
	ErrLocationRequired = errs.Invalid("location-required",
		"this town asks for the location with every stay", "本乡镇要求记录蹲点时附带位置信息")
	ErrNotLinked = errs.Conflict("stay-community-not-linked",
		"rule O1: a cadre stations at the community linked to them for the programme year; this is not it",
		"按规定（O1），干部应在本年度联系的村（社区）蹲点，所选联系点不是该干部的联系点")
	ErrLinkEnded = errs.Conflict("stay-link-ended",
		"rule O1: the cadre's link to a community for this programme year has ended; the town office links a new one first",
		"按规定（O1），该干部本年度的联系点已解除，请乡镇办公室先为其指定新的联系点")
)

// Linked checks a new stay against the cadre's link for the programme year (O1). A link the
// service has not heard of yet (personnel's event still on its way) does not block a stay.
func Linked(community tenancy.CommunityCode, linked string, known bool) error {
	switch {
	case !known:
		return nil
	case linked == "":
		return ErrLinkEnded
	case linked != string(community):
		return ErrNotLinked
	}
	return nil
}

// Start opens a stay of cadre at community from start; now is the server's time.
func Start(id string, town tenancy.TownCode, cadre string, community tenancy.CommunityCode, start, now time.Time, by string) (Stay, error) {
	if start.IsZero() {
		start = now
	}
	if start.After(now.Add(maxFuture)) || start.Before(now.Add(-maxBackfill)) {
		return Stay{}, ErrTimes
	}
	return Stay{ID: id, Town: town, Cadre: cadre, Community: community, Start: start.UTC().Truncate(time.Second),
		Meals: []MealPayment{}, RecordedBy: by}, nil
}

// Open reports whether the stay has not ended yet.
func (s Stay) Open() bool { return s.End == nil }

// Finish ends the stay at end.
func (s *Stay) Finish(end, now time.Time) error {
	if !s.Open() {
		return ErrEnded
	}
	if end.IsZero() {
		end = now
	}
	end = end.UTC().Truncate(time.Second)
	if !end.After(s.Start) || end.Sub(s.Start) > MaxLength || end.After(now.Add(maxFuture)) {
		return ErrTimes
	}
	s.End = &end
	return nil
}

// PayMeal records a meal payment.
func (s *Stay) PayMeal(amountFen int64, note string, at time.Time) error {
	note = strings.TrimSpace(note)
	if amountFen < 1 || amountFen > maxMealFen || utf8.RuneCountInString(note) > maxNote || len(s.Meals) >= maxMeals {
		return ErrMeal
	}
	s.Meals = append(s.Meals, MealPayment{AmountFen: amountFen, Note: note, PaidAt: at.UTC().Truncate(time.Second)})
	return nil
}

// Valid reports whether the location is a position on the earth.
func (l Location) Valid() bool {
	return l.Lat >= -90 && l.Lat <= 90 && l.Lng >= -180 && l.Lng <= 180 && l.Accuracy >= 0 && !(l.Lat == 0 && l.Lng == 0)
}

// Interval is the time the stay covers; an open stay counts up to now.
func (s Stay) Interval(now time.Time) calendar.Interval {
	end := now
	if s.End != nil {
		end = *s.End
	}
	return calendar.Interval{Start: s.Start, End: end}
}

// Months are the Beijing-time months the stay touches.
func (s Stay) Months(now time.Time) []calendar.Month {
	iv := s.Interval(now)
	var out []calendar.Month
	last := calendar.MonthOf(iv.End)
	for m := calendar.MonthOf(iv.Start); ; m = m.Next() {
		out = append(out, m)
		if m == last || len(out) > 3 {
			return out
		}
	}
}

// Overlaps reports whether two stays of a cadre share time.
func (s Stay) Overlaps(o Stay, now time.Time) bool {
	a, b := s.Interval(now), o.Interval(now)
	return a.Start.Before(b.End) && b.Start.Before(a.End)
}
