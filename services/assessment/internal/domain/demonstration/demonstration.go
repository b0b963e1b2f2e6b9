// Package demonstration is the designation of contact points as demonstration points (示范点,
// L1): the town nominates a community against the criteria, the designation is decided, and
// it can be revoked with a reason. Personnel sets the community's flag from the events.
package demonstration

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Criterion is one of the conditions a demonstration point meets.
type Criterion string

const (
	FullStationing    Criterion = "full_stationing"     // 蹲点天数足额
	OneLinksFive      Criterion = "one_links_five"      // 一联五全覆盖
	OpinionsClosed    Criterion = "opinions_closed"     // 意见建议办结
	NoBacklogPetition Criterion = "no_backlog_petition" // 无信访积案
	HighSatisfaction  Criterion = "high_satisfaction"   // 群众满意度高
	NoIntegrityBreach Criterion = "no_integrity_breach" // 无违纪问题
)

// Criteria are all of them; a nomination must meet every one.
var Criteria = []Criterion{FullStationing, OneLinksFive, OpinionsClosed, NoBacklogPetition, HighSatisfaction, NoIntegrityBreach}

// Status is where a point stands.
type Status string

const (
	Nominated  Status = "nominated"
	Designated Status = "designated"
	Revoked    Status = "revoked"
)

// Point is a community's nomination and designation; its id is the community code.
type Point struct {
	Community    tenancy.CommunityCode `json:"community" bson:"_id"`
	Town         tenancy.TownCode      `json:"town" bson:"town"`
	Status       Status                `json:"status" bson:"status"`
	Criteria     []Criterion           `json:"criteria" bson:"criteria"`
	Statement    string                `json:"statement" bson:"statement"`
	NominatedBy  string                `json:"nominatedBy" bson:"nominatedBy"`
	NominatedAt  time.Time             `json:"nominatedAt" bson:"nominatedAt"`
	DecidedBy    string                `json:"decidedBy,omitempty" bson:"decidedBy,omitempty"`
	DecidedAt    time.Time             `json:"decidedAt,omitzero" bson:"decidedAt,omitempty"`
	RevokeReason string                `json:"revokeReason,omitempty" bson:"revokeReason,omitempty"`
	Rev          int64                 `json:"rev" bson:"rev"`
}

var (
	ErrCriteriaNotMet = errs.Invalid("demonstration-criteria-not-met",
		"a nomination must meet every criterion, with a statement of at most 2000 characters and a community of the town",
		"推荐示范点须符合全部条件，并附推荐说明（不超过2000字），社区（村）须属本乡镇")
	ErrNotNominated = errs.Conflict("demonstration-not-nominated",
		"only a nominated community can be designated", "只有已推荐的社区（村）才能认定为示范点")
	ErrNotDesignated = errs.Conflict("demonstration-not-designated",
		"only a designated demonstration point can be revoked", "只有已认定的示范点才能撤销")
	ErrReasonRequired = errs.Invalid("demonstration-reason-required",
		"give the reason for the revocation (at most 1000 characters)", "请填写撤销理由（不超过1000字）")
	ErrExists = errs.Conflict("demonstration-exists",
		"the community is already nominated or designated", "该社区（村）已推荐或已认定")
	ErrNotFound = errs.NotFound("demonstration-not-found", "no nomination of this community", "该社区（村）没有推荐记录")
)

// Nominate proposes community as a demonstration point.
func Nominate(town tenancy.TownCode, community tenancy.CommunityCode, met []Criterion, statement, by string, at time.Time) (Point, error) {
	statement = strings.TrimSpace(statement)
	if community.Town() != town || statement == "" || utf8.RuneCountInString(statement) > 2000 {
		return Point{}, ErrCriteriaNotMet
	}
	for _, c := range Criteria {
		if !slices.Contains(met, c) {
			return Point{}, ErrCriteriaNotMet
		}
	}
	return Point{Community: community, Town: town, Status: Nominated, Criteria: slices.Clone(Criteria),
		Statement: statement, NominatedBy: by, NominatedAt: at}, nil
}

// Renominate puts a revoked point up again.
func (p *Point) Renominate(n Point) error {
	if p.Status != Revoked {
		return ErrExists
	}
	rev := p.Rev
	*p = n
	p.Rev = rev
	return nil
}

// Designate makes the nominated community a demonstration point.
func (p *Point) Designate(by string, at time.Time) error {
	if p.Status != Nominated {
		return ErrNotNominated
	}
	p.Status, p.DecidedBy, p.DecidedAt, p.RevokeReason = Designated, by, at, ""
	return nil
}

// Revoke withdraws the designation.
func (p *Point) Revoke(reason, by string, at time.Time) error {
	if p.Status != Designated {
		return ErrNotDesignated
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 1000 {
		return ErrReasonRequired
	}
	p.Status, p.DecidedBy, p.DecidedAt, p.RevokeReason = Revoked, by, at, reason
	return nil
}
