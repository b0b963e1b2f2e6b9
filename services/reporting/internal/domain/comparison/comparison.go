// Package comparison holds the county projection that compares towns (D4). It is built from
// events only, idempotently: each community's state is kept with the revision it came from,
// so a redelivered or older event changes nothing.
package comparison

import (
	"strconv"
	"strings"
	"time"
)

// Town is one town's row of the county comparison.
type Town struct {
	Code        string                    `bson:"_id"`
	Name        string                    `bson:"name"`
	Communities map[string]CommunityState `bson:"communities,omitempty"`
	// Reports are the cadres' monthly reports by id ("<cadre>|2026-05"), as their latest
	// events described them.
	Reports map[string]ReportState `bson:"reports,omitempty"`
	// Cadres and their one-links-five lists (personnel), for the reporting rate's
	// denominator and the lists' completeness.
	Cadres       map[string]CadreState       `bson:"cadres,omitempty"`
	ContactLists map[string]ContactListState `bson:"contactLists,omitempty"`
	// Assignments link cadres to communities per programme year (personnel), for the
	// community-month figures; Cases are the petition cases (petitions), for the backlog
	// cases resolved.
	Assignments map[string]AssignmentState `bson:"assignments,omitempty"`
	Cases       map[string]CaseState       `bson:"cases,omitempty"`
	// Forwarded holds when the town office forwarded its lists to the county, by year ("2026").
	Forwarded map[string]time.Time `bson:"forwarded,omitempty"`
	Erased    bool                 `bson:"erased"`
	UpdatedAt time.Time            `bson:"updatedAt"`
	Ver       int64                `bson:"ver"` // optimistic concurrency of the document
}

// CommunityState is what the projection knows of one community.
type CommunityState struct {
	Rev      int64  `bson:"rev"`
	Name     string `bson:"name,omitempty"`
	Archived bool   `bson:"archived"`
}

// ReportState is what the comparison knows of one monthly report.
type ReportState struct {
	Rev      int64  `bson:"rev"`
	Month    string `bson:"month"`
	Status   string `bson:"status"`
	Reported bool   `bson:"reported"` // submitted at least once
	OnTime   bool   `bson:"onTime"`   // the first submission met the deadline
}

// CadreState is what the comparison knows of one cadre.
type CadreState struct {
	Rev    int64  `bson:"rev"`
	Name   string `bson:"name"`
	Active bool   `bson:"active"` // not recalled or transferred
}

// ContactListState is what the comparison knows of one cadre's one-links-five list.
type ContactListState struct {
	Rev    int64  `bson:"rev"`
	Cadre  string `bson:"cadre"`
	Year   int    `bson:"year"`
	Status string `bson:"status"`
	Kinds  int    `bson:"kinds"` // how many of the five kinds are filled
}

// AssignmentState is what the comparison knows of one assignment.
type AssignmentState struct {
	Rev       int64  `bson:"rev"`
	Cadre     string `bson:"cadre"`
	Year      int    `bson:"year"`
	Community string `bson:"community,omitempty"` // empty once the link has ended
}

// CaseState is what the comparison knows of one petition case: no title, no petitioner.
type CaseState struct {
	Rev       int64  `bson:"rev"`
	Community string `bson:"community"`
	Backlog   bool   `bson:"backlog"` // a key backlog case (重点积案)
	// ResolvedMonth is the Beijing month ("2026-05") the case was resolved in; empty while
	// it is not (or no longer) resolved.
	ResolvedMonth string `bson:"resolvedMonth,omitempty"`
}

// The states carry their revision.
func (s ReportState) rev() int64      { return s.Rev }
func (s CadreState) rev() int64       { return s.Rev }
func (s ContactListState) rev() int64 { return s.Rev }
func (s AssignmentState) rev() int64  { return s.Rev }
func (s CaseState) rev() int64        { return s.Rev }

// applyTo stores s under id in m when it is newer than what m holds; ids never contain "."
// (they are MongoDB map keys).
func applyTo[S interface{ rev() int64 }](t *Town, m *map[string]S, id string, s S, at time.Time) bool {
	if t.Erased || strings.ContainsAny(id, ".$") {
		return false
	}
	if cur, ok := (*m)[id]; ok && cur.rev() >= s.rev() {
		return false
	}
	if *m == nil {
		*m = map[string]S{}
	}
	(*m)[id] = s
	t.Touch(at)
	return true
}

// ApplyReport records a monthly report's state at its revision, like ApplyCommunity.
func (t *Town) ApplyReport(id string, s ReportState, at time.Time) bool {
	return applyTo(t, &t.Reports, id, s, at)
}

// ApplyCadre records a cadre's state at its revision.
func (t *Town) ApplyCadre(id string, s CadreState, at time.Time) bool {
	return applyTo(t, &t.Cadres, id, s, at)
}

// ApplyContactList records a one-links-five list's state at its revision.
func (t *Town) ApplyContactList(id string, s ContactListState, at time.Time) bool {
	return applyTo(t, &t.ContactLists, id, s, at)
}

// ApplyAssignment records an assignment's state at its revision.
func (t *Town) ApplyAssignment(id string, s AssignmentState, at time.Time) bool {
	return applyTo(t, &t.Assignments, id, s, at)
}

// ApplyCase records a petition case's state at its revision.
func (t *Town) ApplyCase(id string, s CaseState, at time.Time) bool {
	return applyTo(t, &t.Cases, id, s, at)
}

// CommunityOf is the community the cadre links in the programme year ("" when none).
func (t Town) CommunityOf(cadre string, year int) string {
	for _, a := range t.Assignments {
		if a.Cadre == cadre && a.Year == year && a.Community != "" {
			return a.Community
		}
	}
	return ""
}

// ApplyForwarded records the forwarding of a year's lists; the first forwarding counts.
func (t *Town) ApplyForwarded(year int, at time.Time) bool {
	key := strconv.Itoa(year)
	if _, ok := t.Forwarded[key]; ok || t.Erased {
		return false
	}
	if t.Forwarded == nil {
		t.Forwarded = map[string]time.Time{}
	}
	t.Forwarded[key] = at
	return true
}

// Touch moves UpdatedAt to at, never back: the row's time is that of the latest change it
// holds, whatever order the topics' events were applied in (a rebuild reads them in another).
func (t *Town) Touch(at time.Time) {
	if at.After(t.UpdatedAt) {
		t.UpdatedAt = at
	}
}

// CadreName is a cadre's name as personnel last described it ("" when unknown).
func (t Town) CadreName(id string) string { return t.Cadres[id].Name }

// ApplyCommunity records a community's state at its revision; it reports false when the projection
// already holds that revision or a newer one, or the town was erased.
func (t *Town) ApplyCommunity(code string, s CommunityState, at time.Time) bool {
	if t.Erased {
		return false
	}
	if cur, ok := t.Communities[code]; ok && cur.Rev >= s.Rev {
		return false
	}
	if t.Communities == nil {
		t.Communities = map[string]CommunityState{}
	}
	t.Communities[code] = s
	t.Touch(at)
	return true
}

// CommunityCount is the number of the town's communities that are not archived.
func (t Town) CommunityCount() int {
	n := 0
	for _, c := range t.Communities {
		if !c.Archived {
			n++
		}
	}
	return n
}

// Row is the comparison as the county sees it, for one month's reports.
type Row struct {
	Town        string `json:"town"`
	Name        string `json:"name"`
	Communities int    `json:"communities"`
	Cadres      int    `json:"cadres"` // active cadres: the reporting rate's denominator
	// One-links-five lists of the month's year handed in (submitted or accepted) with all
	// five kinds filled, and accepted by the town office.
	ContactListsComplete int `json:"contactListsComplete"`
	ContactListsAccepted int `json:"contactListsAccepted"`
	// When the town forwarded the year's lists to the county (O2); absent until then.
	ContactListsForwardedAt *time.Time `json:"contactListsForwardedAt,omitempty"`
	// Monthly reports on the month: submitted (reporting rate) and submitted on time
	// (timeliness); approved by the town office.
	ReportsSubmitted int       `json:"reportsSubmitted"`
	ReportsOnTime    int       `json:"reportsOnTime"`
	ReportsApproved  int       `json:"reportsApproved"`
	UpdatedAt        time.Time `json:"updatedAt"`
}

// Row returns the town's comparison row with the reports on month ("2026-05").
func (t Town) Row(month string) Row {
	r := Row{Town: t.Code, Name: t.Name, Communities: t.CommunityCount(), UpdatedAt: t.UpdatedAt}
	for _, c := range t.Cadres {
		if c.Active {
			r.Cadres++
		}
	}
	year := 0
	if len(month) >= 4 {
		year, _ = strconv.Atoi(month[:4])
	}
	if at, ok := t.Forwarded[strconv.Itoa(year)]; ok {
		r.ContactListsForwardedAt = &at
	}
	for _, l := range t.ContactLists {
		if l.Year != year {
			continue
		}
		if l.Kinds == 5 && (l.Status == "submitted" || l.Status == "accepted") {
			r.ContactListsComplete++
		}
		if l.Status == "accepted" {
			r.ContactListsAccepted++
		}
	}
	for _, rep := range t.Reports {
		if rep.Month != month || !rep.Reported {
			continue
		}
		r.ReportsSubmitted++
		if rep.OnTime {
			r.ReportsOnTime++
		}
		if rep.Status == "approved" {
			r.ReportsApproved++
		}
	}
	return r
}
