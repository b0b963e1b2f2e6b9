package tenancy_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/tenancy"
)

func TestParseTown(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"130624100", true},
		{"13062410", false},
		{"1306241000", false},
		{"13062410a", false},
		{"", false},
		{"../../etc", false},
		{"１３０６２４１００", false}, // full-width digits are not division codes
	} {
		got, err := tenancy.ParseTown(tc.in)
		if tc.ok {
			require.NoError(t, err, tc.in)
			require.Equal(t, tenancy.TownCode(tc.in), got)
			require.Equal(t, "town_"+tc.in, got.Database())
			require.Equal(t, tenancy.CountyCode("130624"), got.County())
		} else {
			require.ErrorIs(t, err, tenancy.ErrInvalidTown, tc.in)
		}
	}
}

func TestParseCommunity_BelongsToItsTown(t *testing.T) {
	t.Parallel()
	c, err := tenancy.ParseCommunity("130624100201")
	require.NoError(t, err)
	require.Equal(t, tenancy.TownCode("130624100"), c.Town())
	_, err = tenancy.ParseCommunity("13062410020")
	require.ErrorIs(t, err, tenancy.ErrInvalidCommunity)
}

func TestTownFromContext(t *testing.T) {
	t.Parallel()
	_, err := tenancy.TownFrom(context.Background())
	require.ErrorIs(t, err, tenancy.ErrNoTown)
	ctx := tenancy.WithTown(context.Background(), "130624100")
	got, err := tenancy.TownFrom(ctx)
	require.NoError(t, err)
	require.Equal(t, tenancy.TownCode("130624100"), got)
}
