package app

import (
	"cmp"
	"context"
	"maps"
	"slices"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
	"dundian.local/services/assessment/internal/domain/scoring"
)

// Result is one finalised assessment as the county compares them.
type Result struct {
	Town  string
	Cadre string
	Name  string
	Grade string
	Score float64
}

// ResultsReader reads the county's finalised results of a year.
type ResultsReader interface {
	Year(ctx context.Context, year int) ([]Result, error)
}

// RankingSettings tells whether a town's settings allow its cadres to be listed by result
// (the per-town "rankings shown" setting, off by default: national rules discourage league
// tables).
type RankingSettings interface {
	RankingsShown(ctx context.Context, town tenancy.TownCode) (bool, error)
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

// Bins is the number of ten-point bins of a histogram: 0–9, 10–19, …, 90–100.
const Bins = 10

// Distribution counts results by grade, by score band and in ten-point bins.
type Distribution struct {
	Count     int            `json:"count"`
	Grades    map[string]int `json:"grades"`
	Bands     map[string]int `json:"bands"`
	Histogram []int          `json:"histogram"`
}

func (d *Distribution) add(r Result) {
	d.Count++
	d.Grades[r.Grade]++
	d.Bands[band(r.Score)]++
	d.Histogram[min(Bins-1, max(0, int(r.Score)/10))]++
}

func newDistribution() Distribution {
	d := Distribution{Grades: map[string]int{}, Bands: map[string]int{}, Histogram: make([]int, Bins)}
	for _, g := range []scoring.Grade{scoring.Excellent, scoring.Competent, scoring.Basic, scoring.Incompetent} {
		d.Grades[string(g)] = 0
	}
	for _, b := range Bands {
		d.Bands[b] = 0
	}
	return d
}

// CadreResult is one cadre's result where the town shows rankings.
type CadreResult struct {
	Cadre string  `json:"cadre"`
	Name  string  `json:"name,omitempty"`
	Grade string  `json:"grade"`
	Score float64 `json:"score"`
}

// TownDistribution is one town's distribution; its cadres are listed, best first, only
// when the town's settings show rankings.
type TownDistribution struct {
	Town string `json:"town"`
	Distribution
	RankingsShown bool          `json:"rankingsShown"`
	Cadres        []CadreResult `json:"cadres,omitempty"`
}

// Comparison compares towns by the distribution of their finalised results (D4). Towns are
// always listed by code, never by result; a town's cadres are compared by score only where
// the town's setting shows rankings, so the no-ranking default (national rules against
// league tables) holds by construction.
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
	byTown := map[string][]Result{}
	for _, r := range results {
		c.County.add(r)
		byTown[r.Town] = append(byTown[r.Town], r)
	}
	for _, town := range slices.Sorted(maps.Keys(byTown)) {
		td := TownDistribution{Town: town, Distribution: newDistribution()}
		for _, r := range byTown[town] {
			td.add(r)
		}
		td.RankingsShown, err = u.s.Rankings.RankingsShown(ctx, tenancy.TownCode(town))
		if err != nil {
			return Comparison{}, err
		}
		if td.RankingsShown {
			for _, r := range byTown[town] {
				td.Cadres = append(td.Cadres, CadreResult{Cadre: r.Cadre, Name: r.Name, Grade: r.Grade, Score: r.Score})
			}
			slices.SortFunc(td.Cadres, func(a, b CadreResult) int {
				return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Cadre, b.Cadre))
			})
		}
		c.Towns = append(c.Towns, td)
	}
	return c, nil
}
