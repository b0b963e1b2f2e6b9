// Package overview holds the figures the town office and the county watch petitions by:
// open cases by age, what is overdue, backlog cases (积案) resolved in the year and how fast
// opinions are answered, for a town, a community or a cadre. Ages and years are Beijing
// calendar days and years; the figures are computed from the records as they stand.
package overview

import (
	"math"
	"slices"
	"time"

	"dundian.local/libs/calendar"
	"dundian.local/libs/tasks"
	"dundian.local/services/petitions/internal/domain/opinion"
	"dundian.local/services/petitions/internal/domain/petition"
)

// Bucket is a range of case ages in Beijing days, both ends included; Max 0 means no upper end.
type Bucket struct {
	Min int    `json:"min"`
	Max int    `json:"max,omitempty"`
	Zh  string `json:"zh"`
}

// Buckets are the age ranges open cases are counted in. A case opened today is 0 days old.
var Buckets = []Bucket{
	{Min: 0, Max: 30, Zh: "30天以内"},
	{Min: 31, Max: 90, Zh: "31至90天"},
	{Min: 91, Max: 180, Zh: "91至180天"},
	{Min: 181, Max: 365, Zh: "181至365天"},
	{Min: 366, Zh: "365天以上"},
}

func bucketOf(age int) int {
	for i, b := range Buckets {
		if age <= b.Max || b.Max == 0 {
			return i
		}
	}
	return len(Buckets) - 1
}

// Figures are the numbers of one row of a view.
type Figures struct {
	Signs     int `json:"signs"`     // early signs (苗头) not yet dismissed or opened
	OpenCases int `json:"openCases"` // opened and not yet resolved
	// ByAge counts the open cases in each of Buckets.
	ByAge           []int `json:"byAge"`
	BacklogOpen     int   `json:"backlogOpen"`     // backlog cases still open
	BacklogResolved int   `json:"backlogResolved"` // backlog cases resolved in the year
	OverdueOpinions int   `json:"overdueOpinions"` // opinions still unanswered after their due day
	OverdueTasks    int   `json:"overdueTasks"`    // case tasks still open after their due day
	Opinions        int   `json:"opinions"`        // opinions received in the year
	Responded       int   `json:"responded"`       // of those, answered
	// ResponseMedianHours and ResponseP90Hours are the time from receipt to the first
	// response of the answered ones (nearest rank, so each is a real opinion's time); nil
	// when none was answered.
	ResponseMedianHours *float64 `json:"responseMedianHours"`
	ResponseP90Hours    *float64 `json:"responseP90Hours"`
}

// Row is one line of a view: a town, a community or a cadre, with its figures.
type Row struct {
	Key  string `json:"key"`
	Name string `json:"name,omitempty"`
	Figures
}

// Records are a town's records a view is computed from.
type Records struct {
	Opinions []opinion.Opinion
	Cases    []petition.Case
	Tasks    []tasks.Task
}

// Compute returns the figures of the records for the Beijing year, judged at now.
func Compute(r Records, year int, now time.Time) Figures {
	f := Figures{ByAge: make([]int, len(Buckets))}
	for _, c := range r.Cases {
		switch c.Status {
		case petition.Sign:
			f.Signs++
		case petition.Open, petition.Resolving:
			f.OpenCases++
			f.ByAge[bucketOf(c.AgeDays(now))]++
			if c.Backlog {
				f.BacklogOpen++
			}
		case petition.Resolved, petition.Closed:
			if c.Backlog && c.ResolvedAt != nil && calendar.BeijingDay(*c.ResolvedAt).Year == year {
				f.BacklogResolved++
			}
		}
	}
	var hours []float64
	for _, o := range r.Opinions {
		if o.Overdue(now) {
			f.OverdueOpinions++
		}
		if calendar.BeijingDay(o.ReceivedAt).Year != year {
			continue
		}
		f.Opinions++
		if at, ok := FirstResponse(o); ok {
			f.Responded++
			hours = append(hours, at.Sub(o.ReceivedAt).Hours())
		}
	}
	for _, t := range r.Tasks {
		if t.IsOverdue(now) {
			f.OverdueTasks++
		}
	}
	f.ResponseMedianHours, f.ResponseP90Hours = percentile(hours, 50), percentile(hours, 90)
	return f
}

// FirstResponse is when the opinion was first answered: a response sent back for more work
// does not restart the clock the person waited by.
func FirstResponse(o opinion.Opinion) (time.Time, bool) {
	for _, h := range o.History {
		if h.To == opinion.Responded {
			return h.At, true
		}
	}
	if o.RespondedAt != nil {
		return *o.RespondedAt, true
	}
	return time.Time{}, false
}

// percentile is the nearest-rank p-th percentile in hours, to one decimal; nil for no values.
func percentile(values []float64, p int) *float64 {
	if len(values) == 0 {
		return nil
	}
	s := slices.Clone(values)
	slices.Sort(s)
	rank := int(math.Ceil(float64(p) / 100 * float64(len(s))))
	v := math.Round(s[max(rank, 1)-1]*10) / 10
	return &v
}

// ByCommunity splits a town's records by community, in code order.
func ByCommunity(r Records, year int, now time.Time) []Row {
	parts := map[string]*Records{}
	part := func(key string) *Records {
		if parts[key] == nil {
			parts[key] = &Records{}
		}
		return parts[key]
	}
	caseCommunity := map[string]string{}
	for _, c := range r.Cases {
		caseCommunity[c.ID] = string(c.Community)
		part(string(c.Community)).Cases = append(part(string(c.Community)).Cases, c)
	}
	for _, o := range r.Opinions {
		part(string(o.Community)).Opinions = append(part(string(o.Community)).Opinions, o)
	}
	for _, t := range r.Tasks {
		if key, ok := caseCommunity[t.Source.ID]; ok {
			part(key).Tasks = append(part(key).Tasks, t)
		}
	}
	return rows(parts, nil, year, now)
}

// Unassigned is the key of the row of opinions no cadre has been made responsible for yet.
const Unassigned = ""

// ByCadre splits a community's records by cadre: the opinions a cadre is responsible for, the
// case tasks a cadre owns, and the cases in which a cadre owns a task (so a case with tasks
// of two cadres counts for both). Opinions not yet assigned make a row of their own.
func ByCadre(r Records, year int, now time.Time) []Row {
	parts, names := map[string]*Records{}, map[string]string{}
	part := func(key, name string) *Records {
		if parts[key] == nil {
			parts[key] = &Records{}
		}
		if name != "" {
			names[key] = name
		}
		return parts[key]
	}
	for _, o := range r.Opinions {
		key, name := Unassigned, ""
		if o.Responsible != nil {
			key, name = o.Responsible.ID, o.Responsible.Name
		}
		part(key, name).Opinions = append(part(key, name).Opinions, o)
	}
	owners := map[string][]string{} // case id → cadres owning a task of it
	for _, t := range r.Tasks {
		if t.Owner.Kind != tasks.OwnerCadre {
			continue
		}
		part(t.Owner.ID, t.Owner.Name).Tasks = append(part(t.Owner.ID, t.Owner.Name).Tasks, t)
		if !slices.Contains(owners[t.Source.ID], t.Owner.ID) {
			owners[t.Source.ID] = append(owners[t.Source.ID], t.Owner.ID)
		}
	}
	for _, c := range r.Cases {
		for _, cadre := range owners[c.ID] {
			part(cadre, "").Cases = append(part(cadre, "").Cases, c)
		}
	}
	return rows(parts, names, year, now)
}

// Community keeps the records of one community: its opinions and cases and those cases' tasks.
func (r Records) Community(code string) Records {
	out := Records{}
	ids := map[string]bool{}
	for _, c := range r.Cases {
		if string(c.Community) == code {
			out.Cases = append(out.Cases, c)
			ids[c.ID] = true
		}
	}
	for _, o := range r.Opinions {
		if string(o.Community) == code {
			out.Opinions = append(out.Opinions, o)
		}
	}
	for _, t := range r.Tasks {
		if ids[t.Source.ID] {
			out.Tasks = append(out.Tasks, t)
		}
	}
	return out
}

func rows(parts map[string]*Records, names map[string]string, year int, now time.Time) []Row {
	out := make([]Row, 0, len(parts))
	for key, p := range parts {
		out = append(out, Row{Key: key, Name: names[key], Figures: Compute(*p, year, now)})
	}
	slices.SortFunc(out, func(a, b Row) int {
		// the unassigned row goes last; the others by key
		switch {
		case a.Key == b.Key:
			return 0
		case a.Key == Unassigned:
			return 1
		case b.Key == Unassigned:
			return -1
		case a.Key < b.Key:
			return -1
		}
		return 1
	})
	return out
}
