package report_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/services/fieldwork/internal/domain/report"
)

var now = time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

func draft(t *testing.T, c report.Content) report.Report {
	t.Helper()
	r, err := report.New("r1", "130624100", "c1", "130624100201", c, "acc", now)
	require.NoError(t, err)
	return r
}

func TestReport_SubmitNeedsEverySection(t *testing.T) {
	t.Parallel()
	r := draft(t, report.Content{Title: "关于村道硬化的调研", Situation: "全村6公里土路"})
	require.ErrorIs(t, r.Submit("acc", now), report.ErrIncomplete)
	require.NoError(t, r.Edit(report.Content{Title: "关于村道硬化的调研", Situation: "全村6公里土路", Analysis: "资金缺口", Suggestions: "申请一事一议"}))
	require.NoError(t, r.Submit("acc", now))
	require.Equal(t, report.Submitted, r.Status)
	require.ErrorIs(t, r.Edit(report.Content{Title: "改"}), report.ErrState, "a submitted report waits for the office")
}

func TestReport_ReviewReturnsWithACommentOrAccepts(t *testing.T) {
	t.Parallel()
	full := report.Content{Title: "调研", Situation: "s", Analysis: "a", Suggestions: "g"}
	r := draft(t, full)
	require.ErrorIs(t, r.Review(true, "office", "", now), report.ErrState, "a draft is not reviewed")
	require.NoError(t, r.Submit("acc", now))
	require.ErrorIs(t, r.Review(false, "office", " ", now), report.ErrComment)
	require.NoError(t, r.Review(false, "office", "请补充数据", now))
	require.Equal(t, report.Returned, r.Status)
	require.NoError(t, r.Edit(full))
	require.NoError(t, r.Submit("acc", now))
	require.NoError(t, r.Review(true, "office", "", now))
	require.Equal(t, report.Accepted, r.Status)
	require.ErrorIs(t, r.Edit(full), report.ErrState)
	require.Len(t, r.History, 5)
}

func TestNew_RefusesAMissingTitle(t *testing.T) {
	t.Parallel()
	_, err := report.New("r1", "130624100", "c1", "130624100201", report.Content{Title: "  "}, "acc", now)
	require.ErrorIs(t, err, report.ErrInvalid)
}
