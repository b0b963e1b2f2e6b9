// Package figures is the per-cadre-month read model that pre-fills the monthly report ("report
// once", S9): what the cadre already recorded elsewhere, counted from the other services' events.
// Each source record is kept with the revision it came from and the figures are computed from
// the kept records, never incremented, so a redelivered, replayed or older event changes nothing
// and a rebuild from the events equals the live state.
package figures

import (
	"slices"
	"time"

	"dundian.local/libs/calendar"
)

// Kind is the kind of a recorded item the figures count.
type Kind string

const (
	Stay    Kind = "stay"    // a stay at the contact point (days present)
	WorkLog Kind = "log"     // S4; with a task it is an activity of that task
	Diary   Kind = "diary"   // S5
	Opinion Kind = "opinion" // T4: an opinion the cadre is responsible for
)

// Source is one recorded item as its latest event described it.
type Source struct {
	Kind Kind  `bson:"kind"`
	Rev  int64 `bson:"rev"`
	// Deleted: the item no longer counts in this month (it moved to another month).
	Deleted  bool      `bson:"deleted,omitempty"`
	Task     string    `bson:"task,omitempty"`     // entries: T1..T6 when classified
	Contacts []string  `bson:"contacts,omitempty"` // entries: one-links-five contacts visited
	From     time.Time `bson:"from"`               // stays
	To       time.Time `bson:"to"`                 // stays; zero while the stay is open
	Handled  bool      `bson:"handled,omitempty"`  // opinions: a response was given this month
}

// Month is one cadre's read model for one month, fetched by its composite _id.
type Month struct {
	ID      string            `bson:"_id"`
	Cadre   string            `bson:"cadre"`
	Month   string            `bson:"month"`
	Sources map[string]Source `bson:"sources"`
	Ver     int64             `bson:"ver"` // optimistic concurrency of the document
}

// ID is the composite _id of a cadre's month: "<cadre>|2026-05".
func ID(cadre string, m calendar.Month) string { return cadre + "|" + m.String() }

// Apply records a source item at its revision; it reports false when the model already holds
// that revision or a newer one, so applying any sequence of events twice changes nothing.
func (m *Month) Apply(id string, s Source) bool {
	if cur, ok := m.Sources[id]; ok && cur.Rev >= s.Rev {
		return false
	}
	if m.Sources == nil {
		m.Sources = map[string]Source{}
	}
	m.Sources[id] = s
	return true
}

// Figures are what the monthly report shows of a month; the cadre cannot edit them.
type Figures struct {
	DaysPresent      int            `json:"daysPresent" bson:"daysPresent"`
	Logs             int            `json:"logs" bson:"logs"`
	Diaries          int            `json:"diaries" bson:"diaries"`
	ActivitiesByTask map[string]int `json:"activitiesByTask" bson:"activitiesByTask"` // work logs by task

	ContactsVisited int `json:"contactsVisited" bson:"contactsVisited"`
	OpinionsHandled int `json:"opinionsHandled" bson:"opinionsHandled"`
}

// Figures counts the month's records. Days present follow the stationing-day rule (O3): the
// stays are merged first, so two short stays on one day can make it count.
func (m Month) Figures(month calendar.Month, minHours float64) Figures {
	f := Figures{ActivitiesByTask: map[string]int{}}
	var stays []calendar.Interval
	var contacts []string
	for _, s := range m.Sources {
		if s.Deleted {
			continue
		}
		for _, c := range s.Contacts {
			if !slices.Contains(contacts, c) {
				contacts = append(contacts, c)
			}
		}
		switch s.Kind {
		case Stay:
			stays = append(stays, calendar.Interval{Start: s.From, End: s.To})
		case WorkLog:
			f.Logs++
			if s.Task != "" {
				f.ActivitiesByTask[s.Task]++
			}
		case Diary:
			f.Diaries++
		case Opinion:
			if s.Handled {
				f.OpinionsHandled++
			}
		}
	}
	f.DaysPresent = calendar.CountInMonth(calendar.StationingDays(stays, minHours), month)
	f.ContactsVisited = len(contacts)
	return f
}
