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
	Communities map[string]CommunityState `bson:"communities"`
	// Reports are the cadres' monthly reports by id ("<cadre>|2026-05"), as their latest
	// events described them.
	Reports map[string]ReportState `bson:"reports,omitempty"`
	// Cadres and their one-links-five lists (personnel), for the reporting rate's
	// denominator and the lists' completeness.
	Cadres       map[string]CadreState       `bson:"cadres,omitempty"`
	ContactLists map[string]ContactListState `bson:"contactLists,omitempty"`
	// Forwarded holds when the town office forwarded its lists to the county, by year ("2026").
	Forwarded map[string]time.Time `bson:"forwarded,omitempty"`
	Erased    bool                 `bson:"erased"`
	UpdatedAt time.Time            `bson:"updatedAt"`
	Ver       int64                `bson:"ver"` // optimistic concurrency of the document
}

// CommunityState is what the projection knows of one community.
type CommunityState struct {
	Rev      int64 `bson:"rev"`
	Archived bool  `bson:"archived"`
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
	Year   int    `bson:"year"`
	Status string `bson:"status"`
	Kinds  int    `bson:"kinds"` // how many of the five kinds are filled
}

// The states carry their revision.
func (s ReportState) rev() int64      { return s.Rev }
func (s CadreState) rev() int64       { return s.Rev }
func (s ContactListState) rev() int64 { return s.Rev }

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
	t.UpdatedAt = at
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

// CadreName is a cadre's name as personnel last described it ("" when unknown).
func (t Town) CadreName(id string) string { return t.Cadres[id].Name }

// ApplyCommunity records a community's state at rev; it reports false when the projection
// already holds that revision or a newer one, or the town was erased.
func (t *Town) ApplyCommunity(code string, rev int64, archived bool, at time.Time) bool {
	if t.Erased {
		return false
	}
	if cur, ok := t.Communities[code]; ok && cur.Rev >= rev {
		return false
	}
	if t.Communities == nil {
		t.Communities = map[string]CommunityState{}
	}
	t.Communities[code] = CommunityState{Rev: rev, Archived: archived}
	t.UpdatedAt = at
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
