package app

import (
	"context"
	"slices"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/services/assessment/internal/domain/scoring"
)

// Result is one finalised assessment as the county compares them.
type Result struct {
	Town  string
	Cadre string
	Grade string
	Score float64
}

// ResultsReader reads the county's finalised results of a year.
type ResultsReader interface {
	Year(ctx context.Context, year int) ([]Result, error)
}

// Bands are the score ranges of a distribution, matching the grade thresholds.
var Bands = []string{"0-59", "60-74", "75-89", "90-100"}

func band(score float64) string {
	switch {
	case score >= 90:
		return Bands[3]
	case score >= 75:
		return Bands[2]
	case score >= 60:
		return Bands[1]
	}
	return Bands[0]
}

// Distribution counts results by grade and by score band.
type Distribution struct {
	Count  int            `json:"count"`
	Grades map[string]int `json:"grades"`
	Bands  map[string]int `json:"bands"`
}

func (d *Distribution) add(r Result) {
	d.Count++
	d.Grades[r.Grade]++
	d.Bands[band(r.Score)]++
}

func newDistribution() Distribution {
	d := Distribution{Grades: map[string]int{}, Bands: map[string]int{}}
	for _, g := range []scoring.Grade{scoring.Excellent, scoring.Competent, scoring.Basic, scoring.Incompetent} {
		d.Grades[string(g)] = 0
	}
	for _, b := range Bands {
		d.Bands[b] = 0
	}
	return d
}

// TownDistribution is one town's distribution.
type TownDistribution struct {
	Town string `json:"town"`
	Distribution
}

// Comparison compares towns by the distribution of their finalised results (D4). Towns are
// listed by code, never by result, and no score of a single cadre is shown: the county's
// no-ranking rule (national rules against league tables) holds by construction.
type Comparison struct {
	Year   int                `json:"year"`
	County Distribution       `json:"county"`
	Towns  []TownDistribution `json:"towns"`
}

// Compare builds the year's comparison for the county's inspectors and admins.
func (u Assessments) Compare(ctx context.Context, year int) (Comparison, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return Comparison{}, errs.ErrUnauthorized
	}
	if !p.Role.CountyWide() {
		return Comparison{}, errs.ErrForbidden
	}
	results, err := u.results.Year(ctx, year)
	if err != nil {
		return Comparison{}, err
	}
	c := Comparison{Year: year, County: newDistribution(), Towns: []TownDistribution{}}
	byTown := map[string]*Distribution{}
	for _, r := range results {
		c.County.add(r)
		d, ok := byTown[r.Town]
		if !ok {
			nd := newDistribution()
			d = &nd
			byTown[r.Town] = d
		}
		d.add(r)
	}
	towns := make([]string, 0, len(byTown))
	for t := range byTown {
		towns = append(towns, t)
	}
	slices.Sort(towns)
	for _, t := range towns {
		c.Towns = append(c.Towns, TownDistribution{Town: t, Distribution: *byTown[t]})
	}
	return c, nil
}
