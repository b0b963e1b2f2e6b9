package recall_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/services/assessment/internal/domain/recall"
)

func TestThresholds_Validate(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		change func(*recall.Thresholds)
		ok     bool
	}{
		"defaults":               {func(*recall.Thresholds) {}, true},
		"satisfaction above 100": {func(t *recall.Thresholds) { t.SatisfactionBelow = 101 }, false},
		"no ratings needed":      {func(t *recall.Thresholds) { t.MinRatings = 0 }, false},
		"thirteen months":        {func(t *recall.Thresholds) { t.MissedMonths = 13 }, false},
		"no serious finding":     {func(t *recall.Thresholds) { t.SeriousFindings = 0 }, false},
		"no breach":              {func(t *recall.Thresholds) { t.IntegrityBreaches = 0 }, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			th := recall.DefaultThresholds()
			tc.change(&th)
			if tc.ok {
				require.NoError(t, th.Validate())
			} else {
				require.ErrorIs(t, th.Validate(), recall.ErrBadThresholds)
			}
		})
	}
}

func TestTripped_EachTriggerAtItsThreshold(t *testing.T) {
	t.Parallel()
	th := recall.DefaultThresholds()
	for name, tc := range map[string]struct {
		facts recall.Facts
		want  []recall.Trigger
	}{
		"nothing wrong":           {recall.Facts{Ratings: 9, Satisfaction: 95}, nil},
		"low but too few ratings": {recall.Facts{Ratings: 4, Satisfaction: 20}, nil},
		"low over enough ratings": {recall.Facts{Ratings: 5, Satisfaction: 59.9}, []recall.Trigger{recall.LowSatisfaction}},
		"exactly the threshold":   {recall.Facts{Ratings: 5, Satisfaction: 60}, nil},
		"one missed month":        {recall.Facts{MissedMonths: []string{"2025-03"}}, nil},
		"two missed months":       {recall.Facts{MissedMonths: []string{"2025-03", "2025-05"}}, []recall.Trigger{recall.MissedDays}},
		"a serious finding":       {recall.Facts{SeriousFindings: 1}, []recall.Trigger{recall.SeriousFinding}},
		"a breach":                {recall.Facts{IntegrityBreaches: 1}, []recall.Trigger{recall.IntegrityBreach}},
		"a serious breach, all four": {recall.Facts{Ratings: 6, Satisfaction: 10, MissedMonths: []string{"a", "b"}, SeriousFindings: 1, IntegrityBreaches: 1},
			[]recall.Trigger{recall.LowSatisfaction, recall.MissedDays, recall.SeriousFinding, recall.IntegrityBreach}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got []recall.Trigger
			for _, trip := range th.Tripped(2025, tc.facts) {
				got = append(got, trip.Trigger)
				require.Contains(t, trip.Grounds, "2025年", "the grounds say which year")
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestPending_UntilCirculated(t *testing.T) {
	t.Parallel()
	require.True(t, recall.Case{Step: recall.Decided}.Pending())
	require.False(t, recall.Case{Step: recall.Circulated}.Pending())
}
