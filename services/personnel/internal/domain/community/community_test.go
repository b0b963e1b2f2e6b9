package community_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/errs"
	"dundian.local/services/personnel/internal/domain/community"
)

func TestNew_CodeMustBelongToTown(t *testing.T) {
	t.Parallel()
	_, err := community.New("130624100", "130624101201", "城厢村", "", "")
	require.ErrorIs(t, err, community.ErrNotInTown)
	c, err := community.New("130624100", "130624100201", "  城厢村 ", "城厢村党支部", "王书记")
	require.NoError(t, err)
	require.Equal(t, "城厢村", c.Name)
}

func TestNew_NameRules(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"", "   ", strings.Repeat("村", 61)} {
		_, err := community.New("130624100", "130624100201", name, "", "")
		require.ErrorIs(t, err, community.ErrNameRequired, name)
	}
	_, err := community.New("130624100", "130624100201", strings.Repeat("村", 60), "", "")
	require.NoError(t, err)
}

func TestApply_ArchivedCanOnlyBeRestored(t *testing.T) {
	t.Parallel()
	c, err := community.New("130624100", "130624100201", "城厢村", "", "")
	require.NoError(t, err)
	yes, no, name := true, false, "新城厢村"
	require.NoError(t, c.Apply(community.Changes{Archived: &yes}))
	err = c.Apply(community.Changes{Name: &name})
	require.ErrorIs(t, err, community.ErrArchived)
	e, ok := errs.As(err)
	require.True(t, ok)
	require.Equal(t, errs.CategoryConflict, e.Category)
	require.NoError(t, c.Apply(community.Changes{Archived: &no, Name: &name}))
	require.Equal(t, "新城厢村", c.Name)
	require.False(t, c.Archived)
}

func TestPublic_ShowsOnlyPublicFields(t *testing.T) {
	t.Parallel()
	c, err := community.New("130624100", "130624100201", "城厢村", "城厢村党支部", "王书记")
	require.NoError(t, err)
	p := c.Public()
	require.Equal(t, community.Public{Code: "130624100201", Name: "城厢村"}, p)
}
