package scoring_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/services/assessment/internal/domain/scoring"
)

// known are inputs of a cadre with round numbers, each with its own source.
func known() map[scoring.Indicator]scoring.Input {
	return map[scoring.Indicator]scoring.Input{
		scoring.StationingDays:     {Achieved: 90, Expected: 100, Source: "fieldwork: stationing days"},
		scoring.ReportTimeliness:   {Achieved: 10, Expected: 10, Source: "reporting: monthly reports"},
		scoring.OneLinksFive:       {Achieved: 4, Expected: 5, Source: "personnel: one-links-five list"},
		scoring.LogsAndDiaries:     {Achieved: 45, Expected: 50, Source: "fieldwork: diaries"},
		scoring.OpinionsHandled:    {Achieved: 8, Expected: 10, Source: "fieldwork: opinions"},
		scoring.PetitionsResolved:  {Achieved: 0, Expected: 0, Source: "petitions: none assigned"},
		scoring.Satisfaction:       {Achieved: 80, Expected: 100, Source: "inspector's note: survey"},
		scoring.InspectionFindings: {Achieved: 2, Source: "assessment: findings"},
		scoring.IntegrityBreaches:  {Achieved: 0, Source: "assessment: findings"},
	}
}

func TestCompute_KnownInputs_GiveTheExpectedScore(t *testing.T) {
	t.Parallel()
	d := scoring.Compute(scoring.DefaultWeights(), known())
	// 18 + 10 + 8 + 9 + 8 + 10 (nothing required) + 12 + (10-2×2) + 5
	require.InDelta(t, 86.0, d.Total, 1e-9)
	want := map[scoring.Indicator]float64{
		scoring.StationingDays: 18, scoring.ReportTimeliness: 10, scoring.OneLinksFive: 8,
		scoring.LogsAndDiaries: 9, scoring.OpinionsHandled: 8, scoring.PetitionsResolved: 10,
		scoring.Satisfaction: 12, scoring.InspectionFindings: 6, scoring.IntegrityBreaches: 5,
	}
	require.Len(t, d.Lines, len(scoring.Indicators))
	for _, l := range d.Lines {
		require.InDelta(t, want[l.Indicator], l.Points, 1e-9, l.Indicator)
	}
}

func TestCompute_EveryWeightMattersAndIsExplained(t *testing.T) {
	t.Parallel()
	base := scoring.Compute(scoring.DefaultWeights(), known())
	for _, ind := range scoring.Indicators {
		t.Run(string(ind), func(t *testing.T) {
			t.Parallel()
			w := scoring.DefaultWeights()
			x := w[ind]
			if ind.Deduction() {
				x.PerItem++ // the findings indicator has items: a heavier deduction must show
				if known()[ind].Achieved == 0 {
					x.Points++ // no breaches: the full weight is earned, so a bigger weight must show
				}
			} else {
				x.Points++
			}
			w[ind] = x
			changed := scoring.Compute(w, known())
			require.NotEqual(t, base.Total, changed.Total, "changing the weight of %s changes the score", ind)

			line := changed.Lines[indexOf(ind)]
			require.Contains(t, line.Explain, known()[ind].Source, "the line names its source")
			require.Contains(t, line.ExplainZh, known()[ind].Source)
			require.NotNil(t, line.Input)
		})
	}
}

func TestCompute_MissingInput_ScoresNothingAndSaysSo(t *testing.T) {
	t.Parallel()
	in := known()
	delete(in, scoring.Satisfaction)
	d := scoring.Compute(scoring.DefaultWeights(), in)
	l := d.Lines[indexOf(scoring.Satisfaction)]
	require.Zero(t, l.Points)
	require.Nil(t, l.Input)
	require.True(t, strings.Contains(l.ExplainZh, "暂无数据"))
	require.InDelta(t, 74.0, d.Total, 1e-9)
}

func TestCompute_DeductionNeverGoesBelowZero(t *testing.T) {
	t.Parallel()
	in := known()
	in[scoring.IntegrityBreaches] = scoring.Input{Achieved: 3, Source: "assessment: findings"}
	d := scoring.Compute(scoring.DefaultWeights(), in)
	require.Zero(t, d.Lines[indexOf(scoring.IntegrityBreaches)].Points)
}

func TestWeights_Validate(t *testing.T) {
	t.Parallel()
	short := scoring.DefaultWeights()
	delete(short, scoring.Satisfaction)
	over := scoring.DefaultWeights()
	over[scoring.Satisfaction] = scoring.Weight{Points: 16}
	noPerItem := scoring.DefaultWeights()
	noPerItem[scoring.IntegrityBreaches] = scoring.Weight{Points: 5}
	moved := scoring.DefaultWeights()
	moved[scoring.Satisfaction] = scoring.Weight{Points: 10}
	moved[scoring.StationingDays] = scoring.Weight{Points: 25}
	for name, tc := range map[string]struct {
		w  scoring.Weights
		ok bool
	}{
		"defaults total 100":              {scoring.DefaultWeights(), true},
		"points moved between indicators": {moved, true},
		"an indicator without a weight":   {short, false},
		"a total above 100":               {over, false},
		"a deduction without a per-item":  {noPerItem, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if tc.ok {
				require.NoError(t, tc.w.Validate())
			} else {
				require.ErrorIs(t, tc.w.Validate(), scoring.ErrBadWeights)
			}
		})
	}
}

func TestSuggest_Thresholds(t *testing.T) {
	t.Parallel()
	for score, g := range map[float64]scoring.Grade{95: scoring.Excellent, 90: scoring.Excellent, 89.99: scoring.Competent,
		75: scoring.Competent, 60: scoring.Basic, 59.5: scoring.Incompetent} {
		require.Equal(t, g, scoring.Suggest(score), score)
	}
}

func indexOf(i scoring.Indicator) int {
	for n, k := range scoring.Indicators {
		if k == i {
			return n
		}
	}
	return -1
}
