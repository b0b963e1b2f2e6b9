package monthlyreport_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
	"dundian.local/services/reporting/internal/domain/figures"
	"dundian.local/services/reporting/internal/domain/monthlyreport"
)

const town = tenancy.TownCode("130624100")

func beijing(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, calendar.Beijing)
}

func deadline(t *testing.T, shift bool, m calendar.Month) calendar.Deadline {
	t.Helper()
	p := calendar.DefaultProgramme(m.Year)
	p.ShiftToNextWorkingDay = shift
	c, err := calendar.New(p, calendar.Published())
	require.NoError(t, err)
	d, err := c.Deadline(calendar.MonthlyReport, town, m)
	require.NoError(t, err)
	return d
}

func complete(t *testing.T, m calendar.Month) monthlyreport.Report {
	t.Helper()
	r, err := monthlyreport.New(town, "c1", m, m.Next().First().Start())
	require.NoError(t, err)
	require.NoError(t, r.Edit(monthlyreport.Narrative{Measures: "走访群众", Results: "解决问题3件"},
		monthlyreport.IntegrityDeclaration{Declared: true}))
	return r
}

func TestSubmit_TimelinessAgainstTheEffectiveDeadline(t *testing.T) {
	t.Parallel()
	june := calendar.Month{Year: 2026, Month: time.June}   // due Sunday 5 July 2026
	april := calendar.Month{Year: 2026, Month: time.April} // due 5 May 2026, the last day of 劳动节
	for _, tc := range []struct {
		name   string
		month  calendar.Month
		shift  bool
		at     time.Time
		onTime bool
	}{
		{"23:59 on the 5th Beijing time is on time", june, false, beijing(2026, time.July, 5, 23, 59), true},
		{"00:01 on the 6th Beijing time is late", june, false, beijing(2026, time.July, 6, 0, 1), false},
		{"the 5th in UTC evening is already the 6th in Beijing", june, false, time.Date(2026, time.July, 5, 16, 1, 0, 0, time.UTC), false},
		{"a holiday 5th without the shift: the 6th is late", april, false, beijing(2026, time.May, 6, 10, 0), false},
		{"a holiday 5th with the shift moves to the next working day", april, true, beijing(2026, time.May, 6, 23, 59), true},
		{"with the shift, the day after the working day is late", april, true, beijing(2026, time.May, 7, 0, 1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := complete(t, tc.month)
			require.NoError(t, r.Submit(figures.Figures{Logs: 2}, deadline(t, tc.shift, tc.month), tc.at))
			require.NotNil(t, r.OnTime)
			require.Equal(t, tc.onTime, *r.OnTime)
			require.Equal(t, 2, r.Figures.Logs, "the figures are frozen at submission")
		})
	}
}

func TestWorkflow_ReturnAndResubmitKeepsFirstSubmissionTimeliness(t *testing.T) {
	t.Parallel()
	june := calendar.Month{Year: 2026, Month: time.June}
	d := deadline(t, false, june)
	r := complete(t, june)
	require.NoError(t, r.Submit(figures.Figures{}, d, beijing(2026, time.July, 3, 9, 0)))
	require.ErrorIs(t, r.Edit(monthlyreport.Narrative{Measures: "x", Results: "y"}, r.Integrity), monthlyreport.ErrNotEditable)
	require.ErrorIs(t, r.Return("office", "  ", time.Now()), monthlyreport.ErrCommentRequired)
	require.NoError(t, r.Return("office", "请补充成效", beijing(2026, time.July, 4, 9, 0)))
	require.Equal(t, monthlyreport.Returned, r.Status)
	require.ErrorIs(t, r.Approve("office", "", time.Now()), monthlyreport.ErrNotSubmitted)

	require.NoError(t, r.Edit(monthlyreport.Narrative{Measures: "走访群众", Results: "解决问题5件"}, r.Integrity))
	require.NoError(t, r.Submit(figures.Figures{}, d, beijing(2026, time.July, 10, 9, 0)))
	require.True(t, *r.OnTime, "a resubmission after a return keeps the first submission's timeliness")
	require.Equal(t, beijing(2026, time.July, 3, 9, 0), *r.FirstSubmittedAt)
	require.NoError(t, r.Approve("office", "", beijing(2026, time.July, 11, 9, 0)))
	require.Len(t, r.Reviews, 2)
	require.ErrorIs(t, r.Submit(figures.Figures{}, d, time.Now()), monthlyreport.ErrNotEditable)
	require.ErrorIs(t, r.Return("office", "再改", time.Now()), monthlyreport.ErrNotSubmitted)
}

func TestSubmit_RefusesAnIncompleteReport(t *testing.T) {
	t.Parallel()
	june := calendar.Month{Year: 2026, Month: time.June}
	for _, tc := range []struct {
		name  string
		n     monthlyreport.Narrative
		d     monthlyreport.IntegrityDeclaration
		field string
	}{
		{"no measures", monthlyreport.Narrative{Results: "r"}, monthlyreport.IntegrityDeclaration{Declared: true}, "narrative.measures"},
		{"no results", monthlyreport.Narrative{Measures: "m"}, monthlyreport.IntegrityDeclaration{Declared: true}, "narrative.results"},
		{"no integrity declaration", monthlyreport.Narrative{Measures: "m", Results: "r"}, monthlyreport.IntegrityDeclaration{Note: "无"}, "integrity.declared"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := monthlyreport.New(town, "c1", june, beijing(2026, time.July, 1, 8, 0))
			require.NoError(t, err)
			require.NoError(t, r.Edit(tc.n, tc.d))
			err = r.Submit(figures.Figures{}, deadline(t, false, june), beijing(2026, time.July, 1, 9, 0))
			require.ErrorIs(t, err, monthlyreport.ErrIncomplete)
			e, ok := errs.As(err)
			require.True(t, ok)
			require.Equal(t, tc.field, e.Fields[0].Field)
			require.Equal(t, monthlyreport.Draft, r.Status)
		})
	}
}

func TestNew_RefusesAMonthNotBegunInBeijing(t *testing.T) {
	t.Parallel()
	july := calendar.Month{Year: 2026, Month: time.July}
	_, err := monthlyreport.New(town, "c1", july, time.Date(2026, time.June, 30, 15, 59, 0, 0, time.UTC))
	require.ErrorIs(t, err, monthlyreport.ErrMonthNotBegun)
	_, err = monthlyreport.New(town, "c1", july, time.Date(2026, time.June, 30, 16, 0, 0, 0, time.UTC))
	require.NoError(t, err, "midnight in Beijing starts the month")
}

func TestParseCadre_RefusesIdsThatBreakTheCompositeKey(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "a|b", "a.b", "$x", "a b"} {
		_, err := monthlyreport.ParseCadre(s)
		require.ErrorIs(t, err, monthlyreport.ErrBadCadre, s)
	}
	id, err := monthlyreport.ParseCadre("0192f1c4-cadre")
	require.NoError(t, err)
	require.Equal(t, "0192f1c4-cadre", id)
}
