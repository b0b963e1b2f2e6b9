package recall

import (
	"fmt"
	"strings"

	"dundian.local/libs/errs"
)

// Thresholds are the county's settings of the automatic triggers (S10): when the recorded
// facts about a cadre raise a case without anyone filing it.
type Thresholds struct {
	// SatisfactionBelow: accepted ratings whose share (out of 100) falls below it raise a case…
	SatisfactionBelow float64 `json:"satisfactionBelow" bson:"satisfactionBelow"`
	// MinRatings: …once at least this many ratings were accepted, so one angry rating does not.
	MinRatings int `json:"minRatings" bson:"minRatings"`
	// MissedMonths: this many elapsed months below the stationing minimum (O3) raise a case.
	MissedMonths int `json:"missedMonths" bson:"missedMonths"`
	// SeriousFindings and IntegrityBreaches: this many of the year's findings raise a case.
	SeriousFindings   int `json:"seriousFindings" bson:"seriousFindings"`
	IntegrityBreaches int `json:"integrityBreaches" bson:"integrityBreaches"`
}

// DefaultThresholds apply until the county sets its own.
func DefaultThresholds() Thresholds {
	return Thresholds{SatisfactionBelow: 60, MinRatings: 5, MissedMonths: 2, SeriousFindings: 1, IntegrityBreaches: 1}
}

var ErrBadThresholds = errs.Invalid("recall-thresholds-invalid",
	"the satisfaction threshold must be from 0 to 100, and the numbers of ratings (1–1000), missed months (1–12), serious findings and integrity breaches (1–100) at least 1",
	"满意度阈值须在0至100之间，评价条数（1至1000）、未达标月数（1至12）、严重问题和违反廉洁纪律次数（1至100）均须至少为1")

// Validate checks the thresholds.
func (t Thresholds) Validate() error {
	if t.SatisfactionBelow < 0 || t.SatisfactionBelow > 100 || t.MinRatings < 1 || t.MinRatings > 1000 ||
		t.MissedMonths < 1 || t.MissedMonths > 12 || t.SeriousFindings < 1 || t.SeriousFindings > 100 ||
		t.IntegrityBreaches < 1 || t.IntegrityBreaches > 100 {
		return ErrBadThresholds
	}
	return nil
}

// Facts are what is recorded about a cadre in a programme year, as the triggers read them.
type Facts struct {
	Ratings           int      // accepted ratings
	Satisfaction      float64  // their share out of 100
	MissedMonths      []string // elapsed months below the stationing minimum
	SeriousFindings   int
	IntegrityBreaches int
}

// Trip is a trigger that fired, with its grounds written for the case.
type Trip struct {
	Trigger Trigger
	Grounds string
}

// Tripped lists the triggers the facts fire under the thresholds, in a fixed order.
func (t Thresholds) Tripped(year int, f Facts) []Trip {
	var out []Trip
	if f.Ratings >= t.MinRatings && f.Satisfaction < t.SatisfactionBelow {
		out = append(out, Trip{LowSatisfaction, fmt.Sprintf("%d年经镇活动办审核的%d条群众评价满意度为%.1f分，低于县设定的%.0f分",
			year, f.Ratings, f.Satisfaction, t.SatisfactionBelow)})
	}
	if len(f.MissedMonths) >= t.MissedMonths {
		out = append(out, Trip{MissedDays, fmt.Sprintf("%d年有%d个月蹲点天数未达到每月最低要求：%s",
			year, len(f.MissedMonths), strings.Join(f.MissedMonths, "、"))})
	}
	if f.SeriousFindings >= t.SeriousFindings {
		out = append(out, Trip{SeriousFinding, fmt.Sprintf("%d年督查发现严重问题%d条", year, f.SeriousFindings)})
	}
	if f.IntegrityBreaches >= t.IntegrityBreaches {
		out = append(out, Trip{IntegrityBreach, fmt.Sprintf("%d年督查发现违反廉洁纪律问题%d条", year, f.IntegrityBreaches)})
	}
	return out
}

// Pending reports whether the case is still in its due process (not yet circulated).
func (c Case) Pending() bool { return c.Next() != "" }
