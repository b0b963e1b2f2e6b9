// Package inspection holds the supervision visits of L2: the town office checks its own cadres
// and the county supervision group inspects towns, openly or unannounced (明查暗访), and
// records findings — integrity breaches (S7) among them.
package inspection

import (
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Level says who inspects whom.
type Level string

const (
	TownLevel   Level = "town"   // the town office checks its cadres
	CountyLevel Level = "county" // the county supervision group inspects the town
)

// Mode says whether the inspected know in advance.
type Mode string

const (
	Open        Mode = "open"        // 明查
	Unannounced Mode = "unannounced" // 暗访
)

// Status is where an inspection stands.
type Status string

const (
	Planned  Status = "planned"
	Recorded Status = "recorded"
)

// Targets are the communities and cadres a visit covers.
type Targets struct {
	Communities []string `json:"communities" bson:"communities"`
	Cadres      []string `json:"cadres" bson:"cadres"`
}

// Inspection is one visit.
type Inspection struct {
	ID      string           `json:"id" bson:"_id"`
	Town    tenancy.TownCode `json:"town" bson:"town"`
	Level   Level            `json:"level" bson:"level"`
	Mode    Mode             `json:"mode" bson:"mode"`
	Year    int              `json:"year" bson:"year"`
	Title   string           `json:"title,omitempty" bson:"title"`
	Planned string           `json:"plannedFor,omitempty" bson:"plannedFor"` // Beijing day, YYYY-MM-DD
	Status  Status           `json:"status" bson:"status"`
	Targets *Targets         `json:"targets,omitempty" bson:"targets,omitempty"`
	// Draws record the random choice of an unannounced visit, one for communities and one
	// for cadres.
	CommunityDraw *Draw `json:"communityDraw,omitempty" bson:"communityDraw,omitempty"`
	CadreDraw     *Draw `json:"cadreDraw,omitempty" bson:"cadreDraw,omitempty"`
	// TargetsHidden is set on the copy shown to those inspected before the visit is recorded.
	TargetsHidden bool      `json:"targetsHidden,omitempty" bson:"-"`
	PlannedBy     string    `json:"plannedBy" bson:"plannedBy"`
	VisitedOn     string    `json:"visitedOn,omitempty" bson:"visitedOn,omitempty"`
	Summary       string    `json:"summary,omitempty" bson:"summary,omitempty"`
	RecordedBy    string    `json:"recordedBy,omitempty" bson:"recordedBy,omitempty"`
	RecordedAt    time.Time `json:"recordedAt,omitzero" bson:"recordedAt,omitempty"`
	Rev           int64     `json:"rev" bson:"rev"`
}

const (
	maxTitle   = 100
	maxSummary = 4000
	maxDrawn   = 500
)

var (
	ErrInvalid = errs.Invalid("inspection-invalid",
		"an inspection needs a level, a mode, a title of at most 100 characters and a planned day",
		"督查须填写层级、方式、标题（不超过100字）和计划日期")
	ErrLevelNotYours = errs.Forbidden("inspection-level-not-yours",
		"the town office plans and records town checks; the county supervision group, county inspections",
		"乡镇活动办组织本乡镇督查，县督导组组织对乡镇的督查")
	ErrNoTargets = errs.Invalid("inspection-no-targets",
		"name the communities or cadres to visit, or for an unannounced visit the candidates and how many to draw",
		"请填写走访对象；暗访须填写候选名单和抽取数量")
	ErrAlreadyRecorded = errs.Conflict("inspection-already-recorded",
		"the visit is already recorded", "该督查已记录，不能再次记录")
	ErrNotRecorded = errs.Conflict("inspection-not-recorded",
		"record the visit before adding findings", "请先记录督查情况，再登记发现的问题")
	ErrNotFound = errs.NotFound("inspection-not-found",
		"no such inspection in this town", "本乡镇没有该督查记录")
)

// Plan is what a new inspection is made from. For an unannounced visit the targets are drawn
// from the candidates; for an open one they are named.
type Plan struct {
	ID, Title, PlannedFor string
	Level                 Level
	Mode                  Mode
	Year                  int
	Targets               Targets
	Communities, Cadres   int // how many to draw (unannounced)
}

// New validates the plan and, for an unannounced visit, draws the targets with a new seed.
func New(town tenancy.TownCode, p Plan, by string) (Inspection, error) {
	p.Title = strings.TrimSpace(p.Title)
	if (p.Level != TownLevel && p.Level != CountyLevel) || (p.Mode != Open && p.Mode != Unannounced) ||
		p.Title == "" || utf8.RuneCountInString(p.Title) > maxTitle || !day(p.PlannedFor) || p.Year < 2000 {
		return Inspection{}, ErrInvalid
	}
	in := Inspection{ID: p.ID, Town: town, Level: p.Level, Mode: p.Mode, Year: p.Year, Title: p.Title,
		Planned: p.PlannedFor, Status: Planned, PlannedBy: by}
	if len(p.Targets.Communities)+len(p.Targets.Cadres) > maxDrawn {
		return Inspection{}, ErrNoTargets
	}
	for _, c := range p.Targets.Communities {
		if code, err := tenancy.ParseCommunity(c); err != nil || code.Town() != town {
			return Inspection{}, ErrNoTargets
		}
	}
	if p.Mode == Open {
		if len(p.Targets.Communities)+len(p.Targets.Cadres) == 0 {
			return Inspection{}, ErrNoTargets
		}
		t := Targets{Communities: nonNil(p.Targets.Communities), Cadres: nonNil(p.Targets.Cadres)}
		in.Targets = &t
		return in, nil
	}
	if p.Communities < 0 || p.Cadres < 0 || p.Communities+p.Cadres == 0 ||
		p.Communities > len(p.Targets.Communities) || p.Cadres > len(p.Targets.Cadres) {
		return Inspection{}, ErrNoTargets
	}
	seed := NewSeed()
	cd := DrawFrom(seed, p.Targets.Communities, p.Communities)
	kd := DrawFrom(seed, p.Targets.Cadres, p.Cadres)
	in.CommunityDraw, in.CadreDraw = &cd, &kd
	in.Targets = &Targets{Communities: nonNil(cd.Picked), Cadres: nonNil(kd.Picked)}
	return in, nil
}

// Record records the visit. From then on the targets are visible to those inspected.
func (in *Inspection) Record(visitedOn, summary, by string, at time.Time) error {
	if in.Status == Recorded {
		return ErrAlreadyRecorded
	}
	summary = strings.TrimSpace(summary)
	if !day(visitedOn) || summary == "" || utf8.RuneCountInString(summary) > maxSummary {
		return errs.Invalid("inspection-record-invalid",
			"a recorded visit needs its day and a summary of at most 4000 characters",
			"记录督查须填写走访日期和情况摘要（不超过4000字）")
	}
	in.Status, in.VisitedOn, in.Summary, in.RecordedBy, in.RecordedAt = Recorded, visitedOn, summary, by, at
	return nil
}

// Conducts reports whether the principal may plan and record inspections of this level in
// the town: the town office (and the county admin) for town checks, the county supervision
// group for county inspections.
func Conducts(p auth.Principal, l Level) bool {
	switch l {
	case TownLevel:
		return p.Has(auth.TownAdmin, auth.CountyAdmin)
	case CountyLevel:
		return p.Has(auth.CountyInspector, auth.CountyAdmin)
	}
	return false
}

// Inspected reports whether the principal is among those inspected at this level, from whom
// an unannounced visit's targets stay hidden: the cadres (and branch secretaries) for a
// town check, every role of the town for a county inspection.
func Inspected(p auth.Principal, l Level) bool {
	if l == CountyLevel {
		return !p.Role.CountyWide()
	}
	return p.Has(auth.Cadre, auth.BranchSecretary)
}

// As returns the inspection as the principal may see it: before an unannounced visit is
// recorded, those inspected see that one is planned, but not whom it visits, how they were
// drawn, when it comes, or its title (which may name the place).
func (in Inspection) As(p auth.Principal) Inspection {
	if in.Mode == Unannounced && in.Status == Planned && Inspected(p, in.Level) {
		in.Targets, in.CommunityDraw, in.CadreDraw, in.TargetsHidden = nil, nil, nil, true
		in.Title, in.Planned = "", ""
	}
	return in
}

func day(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
