package opinion_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
	"dundian.local/services/petitions/internal/domain/opinion"
)

const town = tenancy.TownCode("330102001")

func draft() opinion.Draft {
	return opinion.Draft{ID: "o1", Town: town, Community: "330102001201", Source: opinion.FromVisit,
		Category: opinion.Formalism, Text: "村里的填表太多", RecordedBy: "acc-1"}
}

func received(t *testing.T, at time.Time) opinion.Opinion {
	t.Helper()
	o, err := opinion.New(draft(), at, 15)
	require.NoError(t, err)
	return o
}

var at = time.Date(2026, 5, 10, 20, 0, 0, 0, time.UTC) // 11 May, 04:00 in Beijing

func TestTransitions_AllowedAndRefused(t *testing.T) {
	t.Parallel()
	cadre := opinion.Cadre{ID: "c1", Name: "王干部"}
	steps := map[string]func(o *opinion.Opinion) error{
		"assign":  func(o *opinion.Opinion) error { return o.Assign(cadre, "office", "", at) },
		"respond": func(o *opinion.Opinion) error { return o.Respond("已联系修复路灯", "c1", at) },
		"close":   func(o *opinion.Opinion) error { return o.Close("office", "", at) },
	}
	cases := []struct {
		name    string
		path    []string // done first, all allowed
		then    string
		allowed bool
		zhNext  string // the allowed transitions a refusal names
	}{
		{"received can be assigned", nil, "assign", true, ""},
		{"received can be closed", nil, "close", true, ""},
		{"received cannot be responded to", nil, "respond", false, "已交办、已办结"},
		{"assigned can be responded to", []string{"assign"}, "respond", true, ""},
		{"assigned can be handed on", []string{"assign"}, "assign", true, ""},
		{"assigned cannot be closed unanswered", []string{"assign"}, "close", false, "已交办、已答复"},
		{"responded can be closed", []string{"assign", "respond"}, "close", true, ""},
		{"responded can be sent back", []string{"assign", "respond"}, "assign", true, ""},
		{"responded cannot be answered twice", []string{"assign", "respond"}, "respond", false, "已办结、已交办"},
		{"closed allows nothing", []string{"close"}, "assign", false, "已不能再变更"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := received(t, at)
			for _, s := range tc.path {
				require.NoError(t, steps[s](&o))
			}
			rev, history := o.Rev, len(o.History)
			err := steps[tc.then](&o)
			if tc.allowed {
				require.NoError(t, err)
				require.Equal(t, rev+1, o.Rev)
				require.Len(t, o.History, history+1)
				return
			}
			require.ErrorIs(t, err, opinion.ErrTransitionNotAllowed)
			e, ok := errs.As(err)
			require.True(t, ok)
			require.Equal(t, errs.CategoryConflict, e.Category)
			require.Contains(t, e.Zh, tc.zhNext)
			require.Contains(t, e.Message, "allow")
			require.Equal(t, rev, o.Rev, "a refused change leaves the opinion as it was")
		})
	}
}

func TestNew_ResponsibleNamed_StartsAssigned(t *testing.T) {
	t.Parallel()
	d := draft()
	d.Responsible = &opinion.Cadre{ID: "c9"}
	o, err := opinion.New(d, at, 15)
	require.NoError(t, err)
	require.Equal(t, opinion.Assigned, o.Status)
	require.EqualValues(t, 1, o.Rev)
	require.Len(t, o.History, 2)
}

func TestNew_RefusesBadInput(t *testing.T) {
	t.Parallel()
	cases := map[string]func(d *opinion.Draft){
		"empty text":          func(d *opinion.Draft) { d.Text = "  " },
		"community elsewhere": func(d *opinion.Draft) { d.Community = "330102002201" },
		"unknown category":    func(d *opinion.Draft) { d.Category = "gossip" },
		"unknown source":      func(d *opinion.Draft) { d.Source = "rumour" },
		"bad phone":           func(d *opinion.Draft) { d.Phone = "12345" },
		"too long":            func(d *opinion.Draft) { d.Text = string(make([]rune, opinion.MaxText+1)) },
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := draft()
			change(&d)
			_, err := opinion.New(d, at, 15)
			require.ErrorIs(t, err, opinion.ErrInvalid)
		})
	}
}

func TestOverdue_AtTheEndOfTheBeijingDueDay(t *testing.T) {
	t.Parallel()
	o := received(t, at)
	// received on 11 May in Beijing (20:00 UTC on the 10th): due at the end of 26 May, Beijing
	require.Equal(t, calendar.NewDate(2026, 5, 26), calendar.BeijingDay(o.Due))
	endOfDue := time.Date(2026, 5, 26, 23, 59, 59, 0, calendar.Beijing)
	cases := []struct {
		name string
		now  time.Time
		want bool
	}{
		{"the last second of the due day", endOfDue, false},
		{"midnight after the due day, Beijing", endOfDue.Add(time.Second), true},
		{"the same instant in UTC", endOfDue.Add(time.Second).UTC(), true},
		{"the due day's evening in UTC is still the due day", time.Date(2026, 5, 26, 15, 0, 0, 0, time.UTC), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, o.Overdue(tc.now))
		})
	}
}

func TestOverdue_NotOnceResponded(t *testing.T) {
	t.Parallel()
	o := received(t, at)
	require.NoError(t, o.Assign(opinion.Cadre{ID: "c1"}, "office", "", at))
	require.NoError(t, o.Respond("已处理", "c1", at))
	require.False(t, o.Overdue(at.Add(60*24*time.Hour)))
}

func TestNew_DueDaysFromSettingOrDefault(t *testing.T) {
	t.Parallel()
	o, err := opinion.New(draft(), at, 0)
	require.NoError(t, err)
	require.Equal(t, calendar.NewDate(2026, 5, 26), calendar.BeijingDay(o.Due))
	o, err = opinion.New(draft(), at, 5)
	require.NoError(t, err)
	require.Equal(t, calendar.NewDate(2026, 5, 16), calendar.BeijingDay(o.Due))
}

func TestMaskPhone(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"13812345678", "138****5678", true},
		{"138-1234 5678", "138****5678", true},
		{"", "", true},
		{"23812345678", "", false},
		{"1381234567", "", false},
		{"1381234567a", "", false},
	}
	for _, tc := range cases {
		got, ok := opinion.MaskPhone(tc.in)
		require.Equal(t, tc.ok, ok, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}

func TestNew_KeepsOnlyTheMaskedPhone(t *testing.T) {
	t.Parallel()
	d := draft()
	d.Phone = "13812345678"
	o, err := opinion.New(d, at, 15)
	require.NoError(t, err)
	require.Equal(t, "138****5678", o.Phone)
}

func TestEscalate_OnceAndOnlyWhenOverdue(t *testing.T) {
	t.Parallel()
	o := received(t, at)
	require.False(t, o.Escalate(o.Due), "not before the due day has ended")
	late := o.Due.Add(time.Second)
	require.True(t, o.Escalate(late))
	require.Equal(t, late, *o.EscalatedAt)
	require.EqualValues(t, 2, o.Rev)
	require.False(t, o.Escalate(late.Add(time.Hour)), "only once")
}
