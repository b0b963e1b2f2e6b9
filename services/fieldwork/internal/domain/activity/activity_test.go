package activity_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/services/fieldwork/internal/domain/activity"
)

var now = time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

func TestNew_Rules(t *testing.T) {
	t.Parallel()
	today := calendar.BeijingDay(now)
	ok := activity.Draft{Task: activity.T3, Type: "subsidy_review", Date: today, Title: "惠农补贴清查", ServiceKinds: []string{"policy", "policy"}, Findings: "2户漏报"}
	for name, tc := range map[string]struct {
		change func(d *activity.Draft)
		valid  bool
	}{
		"a subsidy review with findings":  {func(*activity.Draft) {}, true},
		"a type of another task":          {func(d *activity.Draft) { d.Type = "lecture" }, false},
		"T4 is not a structured activity": {func(d *activity.Draft) { d.Task = "T4" }, false},
		"service kinds outside T3":        {func(d *activity.Draft) { d.Task, d.Type = activity.T2, "lecture" }, false},
		"an unknown service kind":         {func(d *activity.Draft) { d.ServiceKinds = []string{"food"} }, false},
		"tomorrow":                        {func(d *activity.Draft) { d.Date = today.AddDays(1) }, false},
		"no title":                        {func(d *activity.Draft) { d.Title = " " }, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := ok
			d.ServiceKinds = append([]string(nil), ok.ServiceKinds...)
			tc.change(&d)
			a, err := activity.New("a1", "130624100", "c1", "130624100201", d, now)
			if !tc.valid {
				require.ErrorIs(t, err, activity.ErrInvalid)
				return
			}
			require.NoError(t, err)
			require.Equal(t, []string{"policy"}, a.ServiceKinds)
		})
	}
}

func TestTakesMeasures_OnlyWherePlansAndRectificationsAreAgreed(t *testing.T) {
	t.Parallel()
	require.True(t, activity.Activity{Type: "weak_org_rectification"}.TakesMeasures())
	require.True(t, activity.Activity{Type: "stage_work_plan"}.TakesMeasures())
	require.False(t, activity.Activity{Type: "lecture"}.TakesMeasures())
}
