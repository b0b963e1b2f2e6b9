package inspection

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Category is what a finding is about.
type Category string

const (
	CatStationing   Category = "stationing"     // 蹲点在岗
	CatReporting    Category = "reporting"      // 报送
	CatOneLinksFive Category = "one_links_five" // 一联五
	CatLogs         Category = "logs"           // 日志日记
	CatOpinions     Category = "opinions"       // 意见办理
	CatPetitions    Category = "petitions"      // 信访
	CatIntegrity    Category = "integrity"      // 廉洁纪律 (S7)
	CatOther        Category = "other"
)

var Categories = []Category{CatStationing, CatReporting, CatOneLinksFive, CatLogs, CatOpinions, CatPetitions, CatIntegrity, CatOther}

// Severity grades a finding; a serious one can trigger a recall case (S10).
type Severity string

const (
	Minor   Severity = "minor"
	General Severity = "general"
	Serious Severity = "serious"
)

// Finding is a problem found on a visit.
type Finding struct {
	ID          string           `json:"id" bson:"_id"`
	Town        tenancy.TownCode `json:"town" bson:"town"`
	Inspection  string           `json:"inspection" bson:"inspection"`
	Level       Level            `json:"level" bson:"level"`
	Year        int              `json:"year" bson:"year"` // the inspection's programme year
	Category    Category         `json:"category" bson:"category"`
	Severity    Severity         `json:"severity" bson:"severity"`
	Cadre       string           `json:"cadre,omitempty" bson:"cadre,omitempty"`
	Community   string           `json:"community,omitempty" bson:"community,omitempty"`
	Description string           `json:"description" bson:"description"`
	// Evidence holds ids of photos already stored through the object store.
	Evidence   []string  `json:"evidence" bson:"evidence"`
	RecordedBy string    `json:"recordedBy" bson:"recordedBy"`
	RecordedAt time.Time `json:"recordedAt" bson:"recordedAt"`
	Rev        int64     `json:"rev" bson:"rev"`
}

const (
	maxDescription = 2000
	maxEvidence    = 20
	maxID          = 100
)

var ErrFindingInvalid = errs.Invalid("finding-invalid",
	"a finding needs a known category and severity, a description of at most 2000 characters, at most 20 evidence ids, and a community of the town if one is named",
	"问题须填写类别、严重程度和描述（不超过2000字），佐证照片不超过20张，所涉社区（村）须属本乡镇")

// NewFinding validates a finding of a recorded inspection.
func (in Inspection) NewFinding(id string, cat Category, sev Severity, cadre, community, description string, evidence []string, by string, at time.Time) (Finding, error) {
	if in.Status != Recorded {
		return Finding{}, ErrNotRecorded
	}
	description = strings.TrimSpace(description)
	ok := slices.Contains(Categories, cat) && (sev == Minor || sev == General || sev == Serious) &&
		description != "" && utf8.RuneCountInString(description) <= maxDescription &&
		len(evidence) <= maxEvidence && len(cadre) <= maxID
	for _, e := range evidence {
		ok = ok && e != "" && len(e) <= maxID
	}
	if community != "" {
		code, err := tenancy.ParseCommunity(community)
		ok = ok && err == nil && code.Town() == in.Town
	}
	if !ok {
		return Finding{}, ErrFindingInvalid
	}
	if evidence == nil {
		evidence = []string{}
	}
	return Finding{ID: id, Town: in.Town, Inspection: in.ID, Level: in.Level, Year: in.Year, Category: cat, Severity: sev,
		Cadre: strings.TrimSpace(cadre), Community: community, Description: description, Evidence: evidence,
		RecordedBy: by, RecordedAt: at}, nil
}

// IntegrityBreach reports whether the finding is a breach of the integrity rules (S7).
func (f Finding) IntegrityBreach() bool { return f.Category == CatIntegrity }
