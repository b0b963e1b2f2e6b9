// Package personalfile holds the personal file (档案, L2, S10): an append-only timeline of a
// cadre's programme record — joining, transfers, assessment results, criticisms and recall
// decisions. It is kept at county level by cadre id, so it follows a cadre who transfers to
// another town; nothing in it is ever changed or removed.
package personalfile

import (
	"fmt"
	"slices"
	"time"

	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
)

// Kind is what an entry records.
type Kind string

const (
	Joined      Kind = "joined"      // became a stationed cadre of a town
	Transferred Kind = "transferred" // moved to another town
	Assessment  Kind = "assessment"  // a year's assessment result
	Criticism   Kind = "criticism"   // a decision to criticise
	Recall      Kind = "recall"      // a decision to recall
)

// Entry is one fact on the timeline. Its ID is the id of the event it came from, which makes
// filing the same event twice a no-op.
type Entry struct {
	ID      string           `json:"id" bson:"id"`
	Kind    Kind             `json:"kind" bson:"kind"`
	Town    tenancy.TownCode `json:"town" bson:"town"`
	At      time.Time        `json:"at" bson:"at"`
	Summary string           `json:"summary" bson:"summary"` // one line in Chinese, as the file reads
	Actor   string           `json:"actor,omitempty" bson:"actor,omitempty"`
}

// File is a cadre's whole file.
type File struct {
	Cadre   string  `json:"cadre"`
	Entries []Entry `json:"entries"`
}

// Sort orders entries by time. Entries of the same millisecond keep a fixed order in which a
// transfer comes before the joining of the new town it causes.
func Sort(entries []Entry) {
	rank := func(k Kind) int {
		if k == Transferred {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(entries, func(a, b Entry) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return rank(a.Kind) - rank(b.Kind)
	})
}

var ErrNotFiled = errs.Invalid("personal-file-unknown-event", "this event is not filed", "该事件不记入档案")

// TransferEntry is the entry of a transfer between towns, which the transfer itself files.
func TransferEntry(id string, from, to tenancy.TownCode, reason, actor string, at time.Time) Entry {
	return Entry{ID: id, Kind: Transferred, Town: from, At: at.UTC().Truncate(time.Millisecond), Actor: actor,
		Summary: fmt.Sprintf("由%s调往%s：%s", from, to, reason)}
}

var gradeZh = map[string]string{"excellent": "优秀", "competent": "称职", "basic": "基本称职", "incompetent": "不称职"}

// FromEvent turns an event into the entry it files, for the cadre it concerns.
func FromEvent(ev events.Envelope) (cadre string, e Entry, err error) {
	e = Entry{ID: ev.ID, Town: ev.Town, At: ev.OccurredAt.UTC().Truncate(time.Millisecond), Actor: ev.Actor}
	switch ev.Type {
	case events.CadreAdded:
		var d events.CadreData
		if err := ev.Unmarshal(&d); err != nil {
			return "", Entry{}, err
		}
		e.Kind, e.Summary = Joined, fmt.Sprintf("加入%s蹲点干部队伍：%s%s", ev.Town, d.Unit, d.Post)
		return d.ID, e, nil
	case events.AssessmentFinalised:
		var d events.AssessmentFinalisedData
		if err := ev.Unmarshal(&d); err != nil {
			return "", Entry{}, err
		}
		grade := gradeZh[d.Grade]
		if grade == "" {
			grade = d.Grade
		}
		e.Kind, e.Summary = Assessment, fmt.Sprintf("%d年度考核：%s（%.1f分）", d.Year, grade, d.Score)
		return d.Cadre, e, nil
	case events.RecallDecided:
		var d events.RecallDecidedData
		if err := ev.Unmarshal(&d); err != nil {
			return "", Entry{}, err
		}
		e.Kind, e.Summary = Criticism, "批评教育："+d.Decision.Reasons
		if d.Decision.Outcome == "recall" {
			e.Kind, e.Summary = Recall, "召回："+d.Decision.Reasons
		}
		return d.Cadre, e, nil
	}
	return "", Entry{}, ErrNotFiled
}
