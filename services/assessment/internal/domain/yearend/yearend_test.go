package yearend_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/services/assessment/internal/domain/scoring"
	"dundian.local/services/assessment/internal/domain/yearend"
)

var at = time.Date(2026, 12, 20, 2, 0, 0, 0, time.UTC)

func draft(t *testing.T) yearend.Assessment {
	t.Helper()
	a, err := yearend.New("130624100", 2026, "cadre-1")
	require.NoError(t, err)
	a.Inputs = inputs()
	return a
}

func inputs() map[scoring.Indicator]scoring.Input {
	return map[scoring.Indicator]scoring.Input{
		scoring.StationingDays: {Achieved: 100, Expected: 100, Source: "fieldwork"},
		scoring.Satisfaction:   {Achieved: 90, Expected: 100, Source: "survey"},
	}
}

func TestAdjust_WithoutAReason_IsRefused(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		points float64
		reason string
	}{
		"no reason":     {5, ""},
		"blank reason":  {5, "   "},
		"zero points":   {0, "理由"},
		"beyond bounds": {101, "理由"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a := draft(t)
			require.ErrorIs(t, a.Adjust(tc.points, tc.reason, "inspector", at), yearend.ErrReasonRequired)
			require.Empty(t, a.Adjustments)
		})
	}
}

func TestAdjust_WithAReason_ChangesTheScore(t *testing.T) {
	t.Parallel()
	a := draft(t)
	before := a.Compute(scoring.DefaultWeights())
	require.InDelta(t, 33.5, before.Draft.Total, 1e-9) // 20 + 13.5
	require.NoError(t, a.Adjust(-3.5, "群众反映走访不深入", "inspector", at))
	after := a.Compute(scoring.DefaultWeights())
	require.InDelta(t, 30.0, after.Adjusted, 1e-9)
	require.Equal(t, "群众反映走访不深入", a.Adjustments[0].Reason)
	require.Equal(t, "inspector", a.Adjustments[0].By)
}

func TestFinalise_FixesGradeAndScore(t *testing.T) {
	t.Parallel()
	a := draft(t)
	require.ErrorIs(t, a.Finalise(scoring.DefaultWeights(), inputs(), "great", "insp", at), yearend.ErrBadGrade)
	require.NoError(t, a.Finalise(scoring.DefaultWeights(), inputs(), scoring.Basic, "insp", at))
	require.Equal(t, yearend.Finalised, a.Status)
	require.InDelta(t, 33.5, a.Score, 1e-9)
	require.ErrorIs(t, a.Adjust(1, "理由", "insp", at), yearend.ErrFinalised)
	require.ErrorIs(t, a.Examine("补充"), yearend.ErrFinalised)
	require.ErrorIs(t, a.Finalise(scoring.DefaultWeights(), inputs(), scoring.Excellent, "insp", at), yearend.ErrFinalised)
}

func TestNew_Rules(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		year  int
		cadre string
	}{"no cadre": {2026, ""}, "old year": {1999, "c"}, "bar in id": {2026, "a|b"}} {
		_, err := yearend.New("130624100", tc.year, tc.cadre)
		require.ErrorIs(t, err, yearend.ErrBadYear, name)
	}
}
