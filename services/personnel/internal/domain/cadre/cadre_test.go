package cadre_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/services/personnel/internal/domain/cadre"
	"dundian.local/services/personnel/internal/domain/portrait"
)

func TestNew_Rules(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		name, phone string
		want        error
	}{
		"valid":      {"张三", "13812345678", nil},
		"no name":    {"  ", "13812345678", cadre.ErrNameRequired},
		"bad phone":  {"张三", "12345", cadre.ErrPhoneInvalid},
		"landline":   {"张三", "0311-85012345", nil},
		"blank tel.": {"张三", "", cadre.ErrPhoneInvalid},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := cadre.New("130624100", "c1", tc.name, "县农业局", "副局长", tc.phone, true)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			require.Equal(t, cadre.Active, c.Status)
		})
	}
}

func TestApply_StatusMustBeKnown(t *testing.T) {
	t.Parallel()
	c, err := cadre.New("130624100", "c1", "张三", "", "", "13812345678", false)
	require.NoError(t, err)
	bad, ok := cadre.Status("retired"), cadre.Recalled
	require.ErrorIs(t, c.Apply(cadre.Changes{Status: &bad}), cadre.ErrStatusInvalid)
	require.NoError(t, c.Apply(cadre.Changes{Status: &ok}))
	require.Equal(t, cadre.Recalled, c.Status)
}

func TestSeenBy_MasksThePhoneForRolesThatDoNotNeedIt(t *testing.T) {
	t.Parallel()
	c, err := cadre.New("130624100", "c1", "张三", "", "", "13812345678", true)
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		p    auth.Principal
		want string
	}{
		"county admin":     {auth.Principal{Role: auth.CountyAdmin}, "13812345678"},
		"town office":      {auth.Principal{Role: auth.TownAdmin}, "13812345678"},
		"the cadre":        {auth.Principal{Role: auth.Cadre, CadreID: "c1"}, "13812345678"},
		"another cadre":    {auth.Principal{Role: auth.Cadre, CadreID: "c2"}, "138****5678"},
		"unlinked cadre":   {auth.Principal{Role: auth.Cadre}, "138****5678"},
		"town leader":      {auth.Principal{Role: auth.TownLeader}, "138****5678"},
		"county inspector": {auth.Principal{Role: auth.CountyInspector}, "138****5678"},
		"branch secretary": {auth.Principal{Role: auth.BranchSecretary, CadreID: "c1"}, "138****5678"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, c.SeenBy(tc.p).Phone)
		})
	}
}

func TestPublic_ShowsOnlyTheBoardFields(t *testing.T) {
	t.Parallel()
	c, err := cadre.New("130624100", "c1", "张三", "县农业局", "副局长", "13812345678", true)
	require.NoError(t, err)
	require.Equal(t, cadre.Public{ID: "c1", Name: "张三", Unit: "县农业局", Post: "副局长", Phone: "13812345678"}, c.Public())
	ev := c.Event()
	require.Equal(t, "张三", ev.Name)
	require.False(t, ev.Portrait)

	c.Portrait = &portrait.Portrait{ContentType: "image/jpeg", Size: 1000, Width: 40, Height: 30}
	require.True(t, c.Public().Portrait, "the board says a portrait exists")
	require.True(t, c.Event().Portrait)
}
