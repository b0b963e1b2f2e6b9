// Package assignment holds O1: each member of a town's leadership team links exactly one
// community (联系社区) per programme year; a community may host several cadres. An
// assignment is kept per cadre and year, with the history of every link and its end.
package assignment

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/domain/cadre"
	"dundian.local/services/personnel/internal/domain/community"
)

// Assignment is one cadre's link for one programme year. Community is empty while the cadre
// links none (never linked, or the link ended).
type Assignment struct {
	ID            string                `json:"id" bson:"_id"` // <cadre>|<year>
	Town          tenancy.TownCode      `json:"town" bson:"town"`
	Cadre         string                `json:"cadre" bson:"cadre"`
	Year          int                   `json:"year" bson:"year"`
	Community     tenancy.CommunityCode `json:"community,omitempty" bson:"community"`
	CommunityName string                `json:"communityName,omitempty" bson:"communityName"`
	Since         time.Time             `json:"since,omitzero" bson:"since"`
	// CarriedOver marks a link copied from the previous programme year, which the town office
	// confirms by linking the same community again (or ends).
	CarriedOver bool   `json:"carriedOver" bson:"carriedOver"`
	History     []Link `json:"history" bson:"history"`
	Rev         int64  `json:"rev" bson:"rev"`
}

// Link is one past link of the cadre in the year: when it started and ended, why it ended
// and who ended it.
type Link struct {
	Community     tenancy.CommunityCode `json:"community" bson:"community"`
	CommunityName string                `json:"communityName" bson:"communityName"`
	From          time.Time             `json:"from" bson:"from"`
	To            time.Time             `json:"to" bson:"to"`
	Reason        string                `json:"reason" bson:"reason"`
	Actor         string                `json:"actor" bson:"actor"`
}

const maxReason = 200

var (
	ErrNotLeadership = errs.Invalid("assignment-not-leadership",
		"rule O1: only members of the town's leadership team link a community",
		"规则O1：只有乡镇班子成员联系社区，该干部不是班子成员")
	ErrCadreNotActive = errs.Invalid("assignment-cadre-not-active",
		"rule O1: a recalled or transferred cadre links no community",
		"规则O1：已召回或调离的干部不能联系社区")
	ErrCommunityArchived = errs.Invalid("assignment-community-archived",
		"an archived community cannot be linked", "该社区（村）已归档，不能联系")
	ErrAlreadyLinked = errs.Conflict("assignment-already-linked",
		"rule O1: a cadre links exactly one community per programme year",
		"规则O1：每名干部每年只联系一个社区")
	ErrNotLinked = errs.Conflict("assignment-not-linked",
		"the cadre links no community this year", "该干部今年没有联系社区")
	ErrReasonRequired = errs.Invalid("assignment-reason-required",
		"say why the link ends (at most 200 characters)", "请填写结束联系的原因，最多200个字")
	ErrYearInvalid = errs.Invalid("assignment-year-invalid",
		"give the programme year, e.g. 2026", "请填写项目年度，例如2026")
	ErrYearClosed = errs.Conflict("programme-year-closed",
		"the programme year is closed: the county has opened a later one; it can only be read",
		"该项目年度已结束（县里已开启新年度），只能查看，不能修改")
	ErrNotFound = errs.NotFound("assignment-not-found",
		"no such assignment in this town", "本乡镇没有该联系记录")
)

// ID is the assignment's id: one per cadre and year is what makes "exactly one" hold.
func ID(cadreID string, year int) string { return cadreID + "|" + strconv.Itoa(year) }

// ValidYear reports whether year can be a programme year.
func ValidYear(year int) bool { return year >= 2000 && year <= 2100 }

// Link links the cadre to the community for a's year, at the instant given. a is the
// cadre's assignment of that year so far (zero when there is none).
func (a *Assignment) Link(c cadre.Cadre, comm community.Community, year int, at time.Time) error {
	switch {
	case !ValidYear(year):
		return ErrYearInvalid
	case c.Status != cadre.Active:
		return ErrCadreNotActive
	case !c.Leadership:
		return ErrNotLeadership
	case comm.Archived:
		return ErrCommunityArchived
	case a.CarriedOver && a.Community == comm.Code:
		a.CarriedOver = false // confirmed
		return nil
	case a.Community != "":
		return ErrAlreadyLinked.WithDetail(
			fmt.Sprintf("the cadre already links %s this year; end that link first to change it", a.CommunityName),
			fmt.Sprintf("该干部今年已联系社区：%s。如需调整，请先结束原联系。", a.CommunityName))
	}
	if a.ID == "" {
		a.ID, a.Town, a.Cadre, a.Year = ID(c.ID, year), c.Town, c.ID, year
	}
	a.Community, a.CommunityName, a.Since = comm.Code, comm.Name, at
	return nil
}

// CarryOver is the link of a new programme year copied from a: the same community, to be
// confirmed. A year without a current link carries nothing over.
func (a Assignment) CarryOver(year int, at time.Time) (Assignment, bool) {
	if a.Community == "" {
		return Assignment{}, false
	}
	return Assignment{ID: ID(a.Cadre, year), Town: a.Town, Cadre: a.Cadre, Year: year, Community: a.Community,
		CommunityName: a.CommunityName, Since: at, CarriedOver: true, History: []Link{}}, true
}

// End ends the current link, keeping it in the history with its reason.
func (a *Assignment) End(reason, actor string, at time.Time) error {
	if a.Community == "" {
		return ErrNotLinked
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > maxReason {
		return ErrReasonRequired
	}
	a.CarriedOver = false
	a.History = append(a.History, Link{Community: a.Community, CommunityName: a.CommunityName,
		From: a.Since, To: at, Reason: reason, Actor: actor})
	a.Community, a.CommunityName, a.Since = "", "", time.Time{}
	return nil
}

// Event is the assignment as its events carry it.
func (a Assignment) Event() events.AssignmentData {
	return events.AssignmentData{ID: a.ID, Town: string(a.Town), Cadre: a.Cadre, Year: a.Year,
		Community: string(a.Community), CommunityName: a.CommunityName}
}
