package recall_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/errs"
	"dundian.local/services/assessment/internal/domain/recall"
)

var at = time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)

func raised(t *testing.T) recall.Case {
	t.Helper()
	c, err := recall.Raise("r1", "130624100", "cadre-1", "张三", recall.MissedDays, "10月有6天未到岗", "", "office", at)
	require.NoError(t, err)
	return c
}

func decision() recall.Decision {
	return recall.Decision{Outcome: recall.Recall, Reasons: "多次未到岗，经教育未改正", Accountable: []string{"李四（派出单位联络人）"}}
}

func TestCase_CannotSkipAStep(t *testing.T) {
	t.Parallel()
	steps := map[recall.Step]func(c *recall.Case) error{
		recall.Opened:     func(c *recall.Case) error { return c.Open("", "office", at) },
		recall.Explained:  func(c *recall.Case) error { return c.Explain("家中有事", "cadre-acct", at) },
		recall.Decided:    func(c *recall.Case) error { return c.Decide(decision(), "leader", at) },
		recall.Circulated: func(c *recall.Case) error { return c.Circulate("中共城关镇委员会", "office", at) },
	}
	order := []recall.Step{recall.Opened, recall.Explained, recall.Decided, recall.Circulated}
	for i, step := range order {
		for _, later := range order[i+1:] {
			t.Run(string(step)+" before "+string(later), func(t *testing.T) {
				t.Parallel()
				c := raised(t)
				for _, done := range order[:i] {
					require.NoError(t, steps[done](&c))
				}
				before := c
				err := steps[later](&c)
				require.ErrorIs(t, err, recall.ErrStepOutOfOrder)
				e, _ := errs.As(err)
				require.Contains(t, e.Zh, step.Zh(), "the refusal names the next allowed step")
				require.Equal(t, before.Step, c.Step)
				require.Len(t, c.History, len(before.History), "nothing was recorded")
			})
		}
	}
}

func TestCase_FullProcess_RecordsEveryStepAndTheNotice(t *testing.T) {
	t.Parallel()
	c := raised(t)
	require.Equal(t, recall.Opened, c.Next())
	require.NoError(t, c.Open("受理", "office", at))
	require.NoError(t, c.Explain("家中老人住院", "cadre-acct", at))
	require.NoError(t, c.Decide(decision(), "leader", at))
	require.NoError(t, c.Circulate("中共城关镇委员会", "office", at))
	require.Equal(t, recall.Circulated, c.Step)
	require.Empty(t, c.Next())
	require.Len(t, c.History, 5)
	for i, s := range []recall.Step{recall.Raised, recall.Opened, recall.Explained, recall.Decided, recall.Circulated} {
		require.Equal(t, s, c.History[i].Step)
		require.NotEmpty(t, c.History[i].Actor)
		require.Equal(t, at, c.History[i].At)
	}
	for _, part := range []string{"关于召回驻点干部张三同志的通报", "中共城关镇委员会", "10月有6天未到岗", "家中老人住院", "李四（派出单位联络人）", "2026年11月25日"} {
		require.Contains(t, c.Notice, part)
	}
	require.ErrorIs(t, c.Circulate("中共城关镇委员会", "office", at), recall.ErrStepOutOfOrder, "a closed case takes no step")
}

func TestCase_StepTexts(t *testing.T) {
	t.Parallel()
	c := raised(t)
	require.NoError(t, c.Open("", "office", at))
	require.ErrorIs(t, c.Explain("  ", "cadre", at), recall.ErrTextRequired)
	require.NoError(t, c.Explain("说明", "cadre", at))
	for name, d := range map[string]recall.Decision{
		"no outcome":            {Reasons: "r", Accountable: []string{}},
		"no reasons":            {Outcome: recall.Criticism, Accountable: []string{}},
		"accountable not given": {Outcome: recall.Criticism, Reasons: "r"},
		"blank accountable":     {Outcome: recall.Criticism, Reasons: "r", Accountable: []string{" "}},
	} {
		require.ErrorIs(t, c.Decide(d, "leader", at), recall.ErrDecisionInvalid, name)
	}
	require.NoError(t, c.Decide(recall.Decision{Outcome: recall.Criticism, Reasons: "初犯", Accountable: []string{}}, "leader", at))
}

func TestRaise_Rules(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		cadre, name string
		trigger     recall.Trigger
		grounds     string
	}{
		"no cadre":        {"", "张三", recall.MissedDays, "g"},
		"no name":         {"c", "", recall.MissedDays, "g"},
		"unknown trigger": {"c", "张三", "rumour", "g"},
		"no grounds":      {"c", "张三", recall.MissedDays, ""},
	} {
		_, err := recall.Raise("r", "130624100", tc.cadre, tc.name, tc.trigger, tc.grounds, "", "office", at)
		require.ErrorIs(t, err, recall.ErrInvalid, name)
	}
}
