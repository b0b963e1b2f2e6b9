package assignment_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/errs"
	"dundian.local/services/personnel/internal/domain/assignment"
	"dundian.local/services/personnel/internal/domain/cadre"
	"dundian.local/services/personnel/internal/domain/community"
)

func fixtures(t *testing.T) (cadre.Cadre, community.Community, community.Community) {
	t.Helper()
	c, err := cadre.New("130624100", "c1", "张三", "县农业局", "副局长", "13812345678", true)
	require.NoError(t, err)
	a, err := community.New("130624100", "130624100201", "城厢村", "", "")
	require.NoError(t, err)
	b, err := community.New("130624100", "130624100202", "青沿村", "", "")
	require.NoError(t, err)
	return c, a, b
}

func TestLink_Rules(t *testing.T) {
	t.Parallel()
	c, comm, _ := fixtures(t)
	recalled, member := c, c
	recalled.Status = cadre.Recalled
	member.Leadership = false
	archived := comm
	archived.Archived = true
	for name, tc := range map[string]struct {
		cadre cadre.Cadre
		comm  community.Community
		year  int
		want  error
	}{
		"leadership member, active":  {c, comm, 2026, nil},
		"not in the leadership team": {member, comm, 2026, assignment.ErrNotLeadership},
		"recalled cadre":             {recalled, comm, 2026, assignment.ErrCadreNotActive},
		"archived community":         {c, archived, 2026, assignment.ErrCommunityArchived},
		"no year":                    {c, comm, 0, assignment.ErrYearInvalid},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var a assignment.Assignment
			err := a.Link(tc.cadre, tc.comm, tc.year, time.Now())
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "c1|2026", a.ID)
			require.Equal(t, comm.Code, a.Community)
		})
	}
}

func TestLink_SecondCommunityInTheYear_NamesTheCurrentOne(t *testing.T) {
	t.Parallel()
	c, first, second := fixtures(t)
	var a assignment.Assignment
	require.NoError(t, a.Link(c, first, 2026, time.Now()))
	err := a.Link(c, second, 2026, time.Now())
	require.ErrorIs(t, err, assignment.ErrAlreadyLinked)
	e, ok := errs.As(err)
	require.True(t, ok)
	require.Equal(t, errs.CategoryConflict, e.Category)
	require.Contains(t, e.Zh, "该干部今年已联系社区：城厢村。如需调整，请先结束原联系。")
}

func TestEnd_KeepsHistoryAndAllowsANewLink(t *testing.T) {
	t.Parallel()
	c, first, second := fixtures(t)
	var a assignment.Assignment
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	end := start.Add(30 * 24 * time.Hour)
	require.NoError(t, a.Link(c, first, 2026, start))
	require.ErrorIs(t, a.End(" ", "office", end), assignment.ErrReasonRequired)
	require.NoError(t, a.End("工作调整", "office", end))
	require.ErrorIs(t, a.End("again", "office", end), assignment.ErrNotLinked)
	require.NoError(t, a.Link(c, second, 2026, end))
	require.Equal(t, second.Code, a.Community)
	require.Equal(t, []assignment.Link{{Community: first.Code, CommunityName: "城厢村", From: start, To: end,
		Reason: "工作调整", Actor: "office"}}, a.History)
}

func TestCarryOver_IsConfirmedByLinkingTheSameCommunity(t *testing.T) {
	t.Parallel()
	c, first, second := fixtures(t)
	var old assignment.Assignment
	require.NoError(t, old.Link(c, first, 2026, time.Now()))
	next, ok := old.CarryOver(2027, time.Now())
	require.True(t, ok)
	require.Equal(t, "c1|2027", next.ID)
	require.True(t, next.CarriedOver)
	require.ErrorIs(t, next.Link(c, second, 2027, time.Now()), assignment.ErrAlreadyLinked, "a carried-over link still counts")
	require.NoError(t, next.Link(c, first, 2027, time.Now()))
	require.False(t, next.CarriedOver)
	require.Equal(t, first.Code, next.Community)

	require.NoError(t, old.End("调整", "office", time.Now()))
	_, ok = old.CarryOver(2027, time.Now())
	require.False(t, ok, "an ended link carries nothing over")
}
