package townreport_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/services/reporting/internal/domain/townreport"
)

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind, period string
		months       int
		ok           bool
	}{
		{"monthly_summary", "2026-05", 1, true},
		{"year_end", "2026", 12, true},
		{"q1_summary", "2026", 12, true},
		{"monthly_summary", "2026", 0, false},
		{"year_end", "2026-05", 0, false},
		{"weekly", "2026", 0, false},
	} {
		p, err := townreport.ParsePeriod(tc.kind, tc.period, calendar.DefaultProgramme)
		if !tc.ok {
			require.ErrorIs(t, err, townreport.ErrBadPeriod, tc)
			continue
		}
		require.NoError(t, err)
		require.Len(t, p.Months, tc.months)
		require.Equal(t, tc.kind+"|"+tc.period, p.ID())
	}
}

func TestWorkflow_SignOffAndFilingOnTime(t *testing.T) {
	t.Parallel()
	p, err := townreport.ParsePeriod("year_end", "2026", calendar.DefaultProgramme)
	require.NoError(t, err)
	r := townreport.New("130624100", p)
	require.ErrorIs(t, r.Submit(townreport.Statistics{}), townreport.ErrIncomplete)
	require.NoError(t, r.Edit(map[string]string{"work": "w", "results": "r", "problems": "p", "measures": "m", "stray": "x"}))
	require.NotContains(t, r.Sections, "stray", "only the template's sections are kept")
	require.ErrorIs(t, r.Sign("leader", time.Now()), townreport.ErrState)
	require.NoError(t, r.Submit(townreport.Statistics{Logs: 7}))
	require.ErrorIs(t, r.SendBack(" "), townreport.ErrComment)
	require.NoError(t, r.SendBack("补充数据"))
	require.Equal(t, townreport.Draft, r.Status)
	require.NoError(t, r.Submit(townreport.Statistics{Logs: 8}))
	require.NoError(t, r.Sign("leader", time.Now()))

	c, err := calendar.New(calendar.DefaultProgramme(2026), calendar.Published())
	require.NoError(t, err)
	d, err := c.Deadline(calendar.YearEndReport, "130624100", calendar.Month{})
	require.NoError(t, err)
	require.NoError(t, r.File("office", &d, time.Date(2026, 12, 25, 23, 59, 0, 0, calendar.Beijing)))
	require.True(t, *r.FiledOnTime)
	require.Equal(t, 8, r.Statistics.Logs)
	require.ErrorIs(t, r.File("office", &d, time.Now()), townreport.ErrState)
}
