package town_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/domain/town"
)

var now = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func TestNew_ChecksCodesAndNames(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		code        string
		town        string
		communities []town.Community
		field       string
	}{
		{"valid", "130624100", "阜平镇", []town.Community{{Code: "130624100200", Name: "城厢村"}}, ""},
		{"no name", "130624100", " ", nil, "name"},
		{"community of another town", "130624100", "阜平镇", []town.Community{{Code: "130624101200", Name: "城厢村"}}, "communities[0].code"},
		{"community twice", "130624100", "阜平镇", []town.Community{{Code: "130624100200", Name: "城厢村"}, {Code: "130624100200", Name: "城厢村"}}, "communities[1].code"},
		{"community without name", "130624100", "阜平镇", []town.Community{{Code: "130624100200"}}, "communities[0].name"},
		{"bad town code", "13062410", "阜平镇", nil, "code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := town.New(tenancy.TownCode(tc.code), tc.town, "阜平县", tc.communities, now)
			if tc.field == "" {
				require.NoError(t, err)
				require.Equal(t, town.Active, got.Status)
				require.Equal(t, "130624", string(got.County))
				return
			}
			require.ErrorIs(t, err, town.ErrInvalid)
			e, _ := errs.As(err)
			require.Equal(t, tc.field, e.Fields[0].Field)
		})
	}
}

func TestAddCommunities_AddsOnlyNewOnesAndKeepsExistingNames(t *testing.T) {
	t.Parallel()
	tw, err := town.New("130624100", "阜平镇", "阜平县", []town.Community{{Code: "130624100200", Name: "城厢村"}}, now)
	require.NoError(t, err)
	got, added := tw.AddCommunities([]town.Community{{Code: "130624100200", Name: "城厢新村"}, {Code: "130624100201", Name: "青沿村"}})
	require.Equal(t, []town.Community{{Code: "130624100201", Name: "青沿村"}}, added)
	require.Equal(t, "城厢村", got.Communities[0].Name)
	require.Len(t, got.Communities, 2)
	require.Len(t, tw.Communities, 1, "the original is not changed")

	same, none := got.AddCommunities(got.Communities)
	require.Empty(t, none)
	require.Equal(t, got, same)
}

func TestArchive_OnlyOnce(t *testing.T) {
	t.Parallel()
	tw, err := town.New("130624100", "阜平镇", "阜平县", nil, now)
	require.NoError(t, err)
	archived, err := tw.Archive(now)
	require.NoError(t, err)
	require.False(t, archived.Active())
	_, err = archived.Archive(now)
	require.ErrorIs(t, err, town.ErrAlreadyArchived)
}

func TestConfirmErase_NeedsTheExactName(t *testing.T) {
	t.Parallel()
	tw, err := town.New("130624100", "阜平镇", "阜平县", nil, now)
	require.NoError(t, err)
	require.NoError(t, tw.ConfirmErase(" 阜平镇 "))
	require.ErrorIs(t, tw.ConfirmErase("阜平"), town.ErrEraseNotConfirmed)
	require.ErrorIs(t, tw.ConfirmErase(""), town.ErrEraseNotConfirmed)
}
