package service_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/testkit"
)

// Not parallel: the setting is county-wide, and other tests read the comparison.
func TestComparisonSettings_RankingsOffUntilTheCountyAdministratorAllowsThem(t *testing.T) {
	s := reporting(t)
	inspector := auth.Principal{AccountID: "inspector", Role: auth.CountyInspector}
	const path = "/api/v1/county/comparison/settings"
	shown := func() bool {
		var out struct {
			RankingsShown bool `json:"rankingsShown"`
		}
		r := s.Do(t, inspector, http.MethodGet, "/api/v1/county/comparison", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &out)
		return out.RankingsShown
	}
	require.False(t, shown(), "no league table until the county allows one")

	require.Equal(t, http.StatusForbidden, s.Do(t, inspector, http.MethodPut, path, map[string]any{"rankingsShown": true}).Status)
	require.Equal(t, http.StatusForbidden, s.Do(t, office(testkit.NewTown(t)), http.MethodGet, path, nil).Status)
	require.Equal(t, http.StatusBadRequest, s.Do(t, countyAdmin, http.MethodPut, path, map[string]any{}).Status,
		"the choice must be said")

	r := s.Do(t, countyAdmin, http.MethodPut, path, map[string]any{"rankingsShown": true})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.True(t, shown())
	var saved struct {
		UpdatedBy string `json:"updatedBy"`
	}
	s.Do(t, inspector, http.MethodGet, path, nil).JSON(t, &saved)
	require.Equal(t, countyAdmin.AccountID, saved.UpdatedBy)

	require.Equal(t, http.StatusOK, s.Do(t, countyAdmin, http.MethodPut, path, map[string]any{"rankingsShown": false}).Status)
	require.False(t, shown())
}
