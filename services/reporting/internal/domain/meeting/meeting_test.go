package meeting_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/errs"
	"dundian.local/services/reporting/internal/domain/meeting"
)

func TestNew_ValidatesTheSchedule(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		title string
		at    time.Time
		field string
	}{
		{"no title", " ", at, "title"},
		{"no time", "五月调度会", time.Time{}, "scheduledAt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := meeting.New("m1", "130624100", tc.title, "", tc.at, nil, "office")
			e, ok := errs.As(err)
			require.True(t, ok)
			require.Equal(t, tc.field, e.Fields[0].Field)
		})
	}
	m, err := meeting.New("m1", "130624100", " 五月调度会 ", "镇会议室", at, []string{"张三", " ", "李四"}, "office")
	require.NoError(t, err)
	require.Equal(t, "五月调度会", m.Title)
	require.Equal(t, []string{"张三", "李四"}, m.Attendees, "blank names are dropped")
	require.Equal(t, meeting.Scheduled, m.Status)
}

func TestRecord_NeedsMinutesAndMarksTheMeetingHeld(t *testing.T) {
	t.Parallel()
	m, err := meeting.New("m1", "130624100", "调度会", "", time.Now(), nil, "office")
	require.NoError(t, err)
	require.ErrorIs(t, m.Record(meeting.Minutes{Problems: []string{"问题"}}), meeting.ErrInvalid)
	require.Equal(t, meeting.Scheduled, m.Status)
	require.NoError(t, m.Record(meeting.Minutes{Attendees: []string{"王五"}, Minutes: "研究了灌溉问题",
		Problems: []string{"水渠失修"}, Decisions: []string{"本月内修复"}}))
	require.Equal(t, meeting.Held, m.Status)
	require.Equal(t, []string{"水渠失修"}, m.Problems)
}
