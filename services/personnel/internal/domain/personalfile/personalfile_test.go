package personalfile_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/events"
	"dundian.local/services/personnel/internal/domain/personalfile"
)

func TestFromEvent_FilesTheProgrammeRecord(t *testing.T) {
	t.Parallel()
	recall := events.RecallDecidedData{Cadre: "c1"}
	recall.Decision.Outcome, recall.Decision.Reasons = "recall", "连续两月未完成蹲点天数"
	criticism := recall
	criticism.Decision.Outcome = "criticism"
	for name, tc := range map[string]struct {
		typ     string
		data    any
		kind    personalfile.Kind
		summary string
	}{
		"joined":     {events.CadreAdded, events.CadreData{ID: "c1", Unit: "县农业局", Post: "副局长"}, personalfile.Joined, "加入130624100蹲点干部队伍：县农业局副局长"},
		"assessment": {events.AssessmentFinalised, events.AssessmentFinalisedData{Cadre: "c1", Year: 2026, Grade: "excellent", Score: 92.5}, personalfile.Assessment, "2026年度考核：优秀（92.5分）"},
		"recall":     {events.RecallDecided, recall, personalfile.Recall, "召回：连续两月未完成蹲点天数"},
		"criticism":  {events.RecallDecided, criticism, personalfile.Criticism, "批评教育：连续两月未完成蹲点天数"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ev := events.MustNew(tc.typ, "130624100", "someone", "c1", tc.data)
			cadre, e, err := personalfile.FromEvent(ev)
			require.NoError(t, err)
			require.Equal(t, "c1", cadre)
			require.Equal(t, tc.kind, e.Kind)
			require.Equal(t, tc.summary, e.Summary)
			require.Equal(t, ev.ID, e.ID, "the event id makes filing it twice a no-op")
		})
	}
	_, _, err := personalfile.FromEvent(events.MustNew(events.CadreChanged, "130624100", "x", "c1", events.CadreData{ID: "c1"}))
	require.ErrorIs(t, err, personalfile.ErrNotFiled)
}

func TestSort_ByTimeWithTheTransferBeforeTheArrival(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	entries := []personalfile.Entry{
		{ID: "c", Kind: personalfile.Joined, At: at},
		{ID: "d", Kind: personalfile.Assessment, At: at.Add(time.Hour)},
		{ID: "b", Kind: personalfile.Transferred, At: at},
		{ID: "a", Kind: personalfile.Joined, At: at.Add(-time.Hour)},
	}
	personalfile.Sort(entries)
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.ID)
	}
	require.Equal(t, []string{"a", "b", "c", "d"}, ids)
}
