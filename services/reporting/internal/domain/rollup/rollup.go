// Package rollup adds a month's figures up from the cadre to the community, the town and the
// county. The rollups are pure functions of the event-built projections (the county
// comparison, which keeps every cadre, report, list, assignment and case at its revision, and
// the cadres' monthly figures, which keep every source record at its revision); they keep no
// state of their own, so they can never drift from those projections, and a rebuild of the
// projections rebuilds them too. Rows are ordered by code, never by score: a league table is
// not a figure (national rules discourage ranking).
package rollup

import (
	"cmp"
	"slices"

	"dundian.local/libs/calendar"
	"dundian.local/services/reporting/internal/domain/comparison"
	"dundian.local/services/reporting/internal/domain/figures"
)

// Counts are what a month adds up to at every level.
type Counts struct {
	// Cadres are the active cadres: those who owe the month's report and stationing days.
	Cadres int `json:"cadres"`
	// Monthly reports on the month handed in, and handed in by the deadline (S9).
	ReportsSubmitted int `json:"reportsSubmitted"`
	ReportsOnTime    int `json:"reportsOnTime"`
	// Cadres who stayed at least the programme's minimum stationing days (O3), and the days.
	StationingCompliant int `json:"stationingCompliant"`
	DaysPresent         int `json:"daysPresent"`
	// One-links-five lists of the month's year handed in with all five kinds (T3.1).
	ContactListsComplete int `json:"contactListsComplete"`
	Logs                 int `json:"logs"`
	Diaries              int `json:"diaries"`
	OpinionsHandled      int `json:"opinionsHandled"`
	// Key backlog petition cases resolved in the month (T6).
	BacklogCasesResolved int `json:"backlogCasesResolved"`
}

func (c *Counts) add(o Counts) {
	c.Cadres += o.Cadres
	c.ReportsSubmitted += o.ReportsSubmitted
	c.ReportsOnTime += o.ReportsOnTime
	c.StationingCompliant += o.StationingCompliant
	c.DaysPresent += o.DaysPresent
	c.ContactListsComplete += o.ContactListsComplete
	c.Logs += o.Logs
	c.Diaries += o.Diaries
	c.OpinionsHandled += o.OpinionsHandled
	c.BacklogCasesResolved += o.BacklogCasesResolved
}

// Rates are the shares of the active cadres, in percent; nil when there is no active cadre.
type Rates struct {
	Reporting    *float64 `json:"reporting"`    // reports handed in
	Timeliness   *float64 `json:"timeliness"`   // reports handed in by the deadline
	Stationing   *float64 `json:"stationing"`   // cadres with the minimum stationing days
	ContactLists *float64 `json:"contactLists"` // complete one-links-five lists
}

// Rates are the month's shares of the active cadres.
func (c Counts) Rates() Rates {
	share := func(n int) *float64 {
		if c.Cadres == 0 {
			return nil
		}
		v := float64(n*1000/c.Cadres) / 10 // one decimal, rounded down: never shows more than was done
		return &v
	}
	return Rates{
		Reporting: share(c.ReportsSubmitted), Timeliness: share(c.ReportsOnTime),
		Stationing: share(c.StationingCompliant), ContactLists: share(c.ContactListsComplete),
	}
}

// Figures are a level's counts with their rates.
type Figures struct {
	Counts
	Rates Rates `json:"rates"`
}

func withRates(c Counts) Figures { return Figures{Counts: c, Rates: c.Rates()} }

// CadreMonth is one active cadre's month.
type CadreMonth struct {
	Cadre     string `json:"cadre"`
	Name      string `json:"name"`
	Community string `json:"community"` // "" when the cadre links no community this year
	Figures
}

// CommunityMonth is one community's month with its cadres.
type CommunityMonth struct {
	Community string `json:"community"` // "" gathers the cadres who link no community
	Name      string `json:"name"`      // as personnel last named it ("" when unknown)
	Figures
	Members []CadreMonth `json:"members"` // the cadres who link it
}

// TownMonth is one town's month with its communities.
type TownMonth struct {
	Town  string `json:"town"`
	Name  string `json:"name"`
	Month string `json:"month"`
	Figures
	Communities []CommunityMonth `json:"communities"`
}

// CountyMonth is the county's month with its towns (without their communities).
type CountyMonth struct {
	Month string `json:"month"`
	Figures
	Towns []TownMonth `json:"towns"`
}

// Town adds up the town's month. figs are its cadres' monthly figures (any cadre missing
// recorded nothing); minDays is the programme's minimum of stationing days in a month and
// minHours the hours that make a day count (O3).
func Town(t comparison.Town, m calendar.Month, figs []figures.Month, minDays int, minHours float64) TownMonth {
	byCadre := make(map[string]figures.Month, len(figs))
	for _, f := range figs {
		if f.Month == m.String() {
			byCadre[f.Cadre] = f
		}
	}
	complete := map[string]bool{}
	for _, l := range t.ContactLists {
		if l.Year == m.Year && l.Kinds == 5 && (l.Status == "submitted" || l.Status == "accepted") {
			complete[l.Cadre] = true
		}
	}
	communities := map[string]*CommunityMonth{}
	community := func(code string) *CommunityMonth {
		c, ok := communities[code]
		if !ok {
			c = &CommunityMonth{Community: code, Name: t.Communities[code].Name, Members: []CadreMonth{}}
			communities[code] = c
		}
		return c
	}
	for id, cs := range t.Cadres {
		if !cs.Active {
			continue
		}
		f := byCadre[id].Figures(m, minHours)
		c := Counts{Cadres: 1, DaysPresent: f.DaysPresent, Logs: f.Logs, Diaries: f.Diaries, OpinionsHandled: f.OpinionsHandled}
		if rep := t.Reports[figures.ID(id, m)]; rep.Reported {
			c.ReportsSubmitted = 1
			if rep.OnTime {
				c.ReportsOnTime = 1
			}
		}
		if f.DaysPresent >= minDays {
			c.StationingCompliant = 1
		}
		if complete[id] {
			c.ContactListsComplete = 1
		}
		row := CadreMonth{Cadre: id, Name: cs.Name, Community: t.CommunityOf(id, m.Year), Figures: withRates(c)}
		cm := community(row.Community)
		cm.Members = append(cm.Members, row)
		cm.Counts.add(c)
	}
	for _, cs := range t.Cases {
		if cs.Backlog && cs.ResolvedMonth == m.String() {
			community(cs.Community).BacklogCasesResolved++
		}
	}
	out := TownMonth{Town: t.Code, Name: t.Name, Month: m.String(), Communities: []CommunityMonth{}}
	var total Counts
	for _, c := range communities {
		slices.SortFunc(c.Members, func(a, b CadreMonth) int { return cmp.Compare(a.Cadre, b.Cadre) })
		c.Rates = c.Counts.Rates()
		total.add(c.Counts)
		out.Communities = append(out.Communities, *c)
	}
	slices.SortFunc(out.Communities, func(a, b CommunityMonth) int { return cmp.Compare(a.Community, b.Community) })
	out.Figures = withRates(total)
	return out
}

// County adds up the towns' months; the towns are listed without their communities.
func County(m calendar.Month, towns []TownMonth) CountyMonth {
	out := CountyMonth{Month: m.String(), Towns: make([]TownMonth, 0, len(towns))}
	var total Counts
	for _, t := range towns {
		total.add(t.Counts)
		t.Communities = nil
		out.Towns = append(out.Towns, t)
	}
	slices.SortFunc(out.Towns, func(a, b TownMonth) int { return cmp.Compare(a.Town, b.Town) })
	out.Figures = withRates(total)
	return out
}
