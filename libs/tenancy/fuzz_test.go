package tenancy_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/tenancy"
)

// onlyDigits reports whether s is made of ASCII digits only (full-width digits are not).
func onlyDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var codeSeeds = []string{
	"130624100", "130624100200", "", "13062410", "1306241000", "13062410a", "１３０６２４１００",
	"130624100\x00", " 130624100", "-13062410", "+13062410", "1e8000000", "130624100200\n", "٠١٢٣٤٥٦٧٨",
}

// FuzzParseTown: a town code is accepted exactly when it is nine ASCII digits, and what comes
// back is the same text with its county and database derived from it.
func FuzzParseTown(f *testing.F) {
	for _, s := range codeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		town, err := tenancy.ParseTown(s)
		if len(s) != 9 || !onlyDigits(s) {
			require.ErrorIs(t, err, tenancy.ErrInvalidTown)
			require.Empty(t, town)
			return
		}
		require.NoError(t, err)
		require.Equal(t, s, town.String())
		require.Equal(t, s[:6], string(town.County()))
		require.Equal(t, "town_"+s, town.Database())
	})
}

// FuzzParseCommunity: a community code is twelve ASCII digits, and its town is a valid town.
func FuzzParseCommunity(f *testing.F) {
	for _, s := range codeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := tenancy.ParseCommunity(s)
		if len(s) != 12 || !onlyDigits(s) {
			require.ErrorIs(t, err, tenancy.ErrInvalidCommunity)
			require.Empty(t, c)
			return
		}
		require.NoError(t, err)
		require.Equal(t, s, string(c))
		town, err := tenancy.ParseTown(string(c.Town()))
		require.NoError(t, err)
		require.Equal(t, s[:9], string(town))
	})
}
