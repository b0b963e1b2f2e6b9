// Package rating holds satisfaction ratings (S10 input, L2): people rate the cadre stationed in
// their community from the public page, at most once per device (and phone) per cadre and
// month. Ratings can lead to a recall case, so each carries anomaly flags and waits for the
// town office's review before it counts towards a recall trigger.
package rating

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Flag marks a rating that looks like stuffing.
type Flag string

const (
	// FlagBurst: the cadre received more ratings in a short time than people usually give.
	FlagBurst Flag = "burst"
	// FlagIdenticalComment: the same comment was already given to the cadre this month.
	FlagIdenticalComment Flag = "identical_comment"
)

// Review is the town office's decision on a rating.
type Review string

const (
	Pending  Review = "pending"
	Accepted Review = "accepted" // counts towards a recall trigger
	Rejected Review = "rejected"
)

// MaxComment is the longest comment, in characters.
const MaxComment = 200

// Rating is one person's rating of a cadre in a month (Beijing).
type Rating struct {
	ID        string                `json:"id" bson:"_id"`
	Town      tenancy.TownCode      `json:"town" bson:"town"`
	Community tenancy.CommunityCode `json:"community" bson:"community"`
	Cadre     string                `json:"cadre" bson:"cadre"`
	Month     string                `json:"month" bson:"month"` // "2026-05", Beijing
	Score     int                   `json:"score" bson:"score"`
	Comment   string                `json:"comment,omitempty" bson:"comment,omitempty"`
	Flags     []Flag                `json:"flags" bson:"flags"`
	Review    Review                `json:"review" bson:"review"`
	// ReviewedBy and ReviewedAt record the town office's decision.
	ReviewedBy string     `json:"reviewedBy,omitempty" bson:"reviewedBy,omitempty"`
	ReviewedAt *time.Time `json:"reviewedAt,omitempty" bson:"reviewedAt,omitempty"`
	At         time.Time  `json:"at" bson:"at"`
	Rev        int64      `json:"rev" bson:"rev"`
}

var (
	ErrInvalid = errs.Invalid("rating-invalid",
		"a rating is a score from 1 to 5 with an optional comment of at most 200 characters",
		"评分须为1至5分，留言不超过200字")
	ErrAlreadyRated = errs.Conflict("rating-already-given",
		"this device or phone has already rated this cadre this month",
		"本月您已评价过这位干部，下个月可以再次评价")
	ErrReviewed = errs.Conflict("rating-already-reviewed",
		"the rating was already reviewed; a decision is final",
		"该评价已审核，审核结论不能更改")
	ErrBadDecision = errs.Invalid("rating-bad-decision",
		"a review accepts or rejects the rating", "审核结论只能是采信或不采信")
	ErrNotFound = errs.NotFound("rating-not-found",
		"no such rating in this town", "本乡镇没有该评价")
	ErrNotStationed = errs.NotFound("rating-cadre-not-stationed",
		"this cadre is not stationed in this community",
		"这位干部不是本村（社区）的驻村干部")
)

// New validates a rating given at at; the month is the Beijing month of at.
func New(id string, town tenancy.TownCode, community tenancy.CommunityCode, cadre string, score int, comment string, at time.Time) (Rating, error) {
	comment = strings.TrimSpace(comment)
	if score < 1 || score > 5 || utf8.RuneCountInString(comment) > MaxComment || strings.TrimSpace(cadre) == "" {
		return Rating{}, ErrInvalid
	}
	return Rating{
		ID: id, Town: town, Community: community, Cadre: cadre, Month: calendar.MonthOf(at).String(),
		Score: score, Comment: comment, Flags: []Flag{}, Review: Pending, At: at, Rev: 1,
	}, nil
}

// Decide records the town office's review: only an accepted rating counts towards a recall
// trigger, and a decision is final.
func (r *Rating) Decide(d Review, actor string, at time.Time) error {
	if d != Accepted && d != Rejected {
		return ErrBadDecision
	}
	if r.Review != Pending {
		return ErrReviewed
	}
	r.Review, r.ReviewedBy, r.ReviewedAt = d, actor, &at
	r.Rev++
	return nil
}

// Flag adds an anomaly flag once.
func (r *Rating) Flag(f Flag) {
	for _, x := range r.Flags {
		if x == f {
			return
		}
	}
	r.Flags = append(r.Flags, f)
}

// AggregateID is the key of a cadre's monthly aggregate: "<cadre>|2026-05".
func AggregateID(cadre string, m calendar.Month) string { return cadre + "|" + m.String() }

// Aggregate is a cadre's ratings of one month.
type Aggregate struct {
	ID      string `json:"id" bson:"_id"`
	Cadre   string `json:"cadre" bson:"cadre"`
	Month   string `json:"month" bson:"month"`
	Count   int    `json:"count" bson:"count"`
	Sum     int    `json:"sum" bson:"sum"`
	Flagged int    `json:"flagged" bson:"flagged"`
	// Accepted and AcceptedSum count the ratings the town office accepted: what a recall
	// trigger may read.
	Accepted    int `json:"accepted" bson:"accepted"`
	AcceptedSum int `json:"acceptedSum" bson:"acceptedSum"`
	// Scores counts the ratings of each score: Scores[0] is the number of 1s.
	Scores [5]int `json:"scores" bson:"scores"`
}

// Average is the mean score, 0 without ratings.
func (a Aggregate) Average() float64 {
	if a.Count == 0 {
		return 0
	}
	return float64(a.Sum) / float64(a.Count)
}

// LimitKeys are the claims a rating makes for its month: one per device and one per phone
// (when given), each a keyed hash so neither the device id nor the number is stored.
func LimitKeys(key []byte, cadre string, m calendar.Month, device, phone string) []string {
	out := []string{}
	claim := func(kind, v string) {
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(kind + "|" + v))
		out = append(out, kind+"|"+cadre+"|"+m.String()+"|"+hex.EncodeToString(mac.Sum(nil))[:32])
	}
	if d := strings.TrimSpace(device); d != "" {
		claim("device", d)
	}
	if p := strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(phone)); p != "" {
		claim("phone", p)
	}
	return out
}
