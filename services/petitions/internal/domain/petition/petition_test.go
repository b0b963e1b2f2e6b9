package petition_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/services/petitions/internal/domain/petition"
)

var at = time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)

func sign(t *testing.T, backlog bool) petition.Case {
	t.Helper()
	c, err := petition.New(petition.Draft{ID: "k1", Town: "330102001", Community: "330102001201",
		Title: "土地流转补偿纠纷", Risk: petition.High, Backlog: backlog, Actor: "office"}, at)
	require.NoError(t, err)
	return c
}

func TestTransitions_AllowedAndRefused(t *testing.T) {
	t.Parallel()
	resolve := func(c *petition.Case) error {
		return c.ResolveWith(petition.Outcome{Text: "补偿到位", Satisfaction: 4}, "office", "协调完成", at)
	}
	move := func(to petition.Status) func(c *petition.Case) error {
		return func(c *petition.Case) error { return c.Move(to, "office", "原因", at) }
	}
	cases := []struct {
		name    string
		path    []func(*petition.Case) error
		then    func(*petition.Case) error
		allowed bool
		zh      string
	}{
		{"a sign becomes a case", nil, move(petition.Open), true, ""},
		{"a sign is dismissed", nil, move(petition.Dismissed), true, ""},
		{"a sign cannot be resolved", nil, resolve, false, "只能改为：已立案、苗头已消除"},
		{"an open case starts resolving", []func(*petition.Case) error{move(petition.Open)}, move(petition.Resolving), true, ""},
		{"an open case cannot close", []func(*petition.Case) error{move(petition.Open)}, move(petition.Closed), false, "只能改为：化解中"},
		{"resolving is resolved with its outcome", []func(*petition.Case) error{move(petition.Open), move(petition.Resolving)}, resolve, true, ""},
		{"a resolved case closes", []func(*petition.Case) error{move(petition.Open), move(petition.Resolving), resolve}, move(petition.Closed), true, ""},
		{"a resolved case is reopened", []func(*petition.Case) error{move(petition.Open), move(petition.Resolving), resolve}, move(petition.Resolving), true, ""},
		{"a closed case allows nothing", []func(*petition.Case) error{move(petition.Open), move(petition.Resolving), resolve, move(petition.Closed)}, move(petition.Resolving), false, "已不能再变更"},
		{"a dismissed sign allows nothing", []func(*petition.Case) error{move(petition.Dismissed)}, move(petition.Open), false, "已不能再变更"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := sign(t, false)
			for _, step := range tc.path {
				require.NoError(t, step(&c))
			}
			rev, n := c.Rev, len(c.History)
			err := tc.then(&c)
			if tc.allowed {
				require.NoError(t, err)
				require.Len(t, c.History, n+1)
				last := c.History[n]
				require.Equal(t, "office", last.Actor)
				require.NotEmpty(t, last.Reason)
				return
			}
			require.ErrorIs(t, err, petition.ErrTransitionNotAllowed)
			e, _ := errs.As(err)
			require.Contains(t, e.Zh, tc.zh)
			require.Equal(t, rev, c.Rev)
		})
	}
}

func TestMove_NeedsAReason(t *testing.T) {
	t.Parallel()
	c := sign(t, false)
	require.ErrorIs(t, c.Move(petition.Open, "office", "  ", at), petition.ErrReasonRequired)
	require.Equal(t, petition.Sign, c.Status)
}

func TestResolve_NeedsOutcomeAndSatisfaction(t *testing.T) {
	t.Parallel()
	for name, o := range map[string]petition.Outcome{
		"no outcome":        {Satisfaction: 3},
		"satisfaction zero": {Text: "已化解"},
		"satisfaction six":  {Text: "已化解", Satisfaction: 6},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := sign(t, true)
			require.NoError(t, c.Move(petition.Resolving, "office", "制定方案", at))
			require.ErrorIs(t, c.ResolveWith(o, "office", "完成", at), petition.ErrOutcomeRequired)
			require.ErrorIs(t, c.Move(petition.Resolved, "office", "完成", at), petition.ErrOutcomeRequired)
		})
	}
}

func TestBacklog_OpensAtOnceAndAgesInBeijingDays(t *testing.T) {
	t.Parallel()
	c := sign(t, true)
	require.Equal(t, petition.Open, c.Status)
	require.EqualValues(t, 1, c.Rev)
	// opened 1 March 10:00 Beijing; 31 March 23:59 Beijing is 30 days later, 1 April 00:00 is 31
	require.Equal(t, 30, c.AgeDays(time.Date(2026, 3, 31, 23, 59, 0, 0, calendar.Beijing)))
	require.Equal(t, 31, c.AgeDays(time.Date(2026, 4, 1, 0, 0, 0, 0, calendar.Beijing)))
	require.Equal(t, 0, sign(t, false).AgeDays(at.Add(90*24*time.Hour)), "a sign is not a case yet")
}

func TestNew_RefusesBadInput(t *testing.T) {
	t.Parallel()
	for name, d := range map[string]petition.Draft{
		"no title":            {Town: "330102001", Community: "330102001201", Risk: petition.Low},
		"unknown risk":        {Town: "330102001", Community: "330102001201", Title: "x", Risk: "extreme"},
		"community elsewhere": {Town: "330102001", Community: "330102002201", Title: "x", Risk: petition.Low},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := petition.New(d, at)
			require.ErrorIs(t, err, petition.ErrInvalid)
		})
	}
}

func TestGuide_RecordsGuidance(t *testing.T) {
	t.Parallel()
	c := sign(t, false)
	require.ErrorIs(t, c.Guide("", "office", at), petition.ErrGuidanceRequired)
	require.NoError(t, c.Guide("告知依法逐级信访的渠道和时限", "office", at))
	require.Len(t, c.Guidance, 1)
	require.EqualValues(t, 2, c.Rev)
}
