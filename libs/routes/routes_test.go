package routes_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/routes"
)

func TestTable_IsConsistent(t *testing.T) {
	t.Parallel()
	require.NoError(t, routes.Check(routes.Table))
}

func TestCheck_RejectsBadTables(t *testing.T) {
	t.Parallel()
	ok := routes.Route{ID: "a", Method: "GET", Path: "/api/v1/x", Owner: routes.Personnel, Roles: []auth.Role{auth.Cadre}}
	for name, table := range map[string][]routes.Route{
		"duplicate id":    {ok, {ID: "a", Method: "POST", Path: "/api/v1/x", Owner: routes.Personnel, Roles: ok.Roles}},
		"duplicate path":  {ok, {ID: "b", Method: "GET", Path: "/api/v1/x", Owner: routes.Personnel, Roles: ok.Roles}},
		"unknown owner":   {{ID: "a", Method: "GET", Path: "/api/v1/x", Owner: "billing", Roles: ok.Roles}},
		"no roles":        {{ID: "a", Method: "GET", Path: "/api/v1/x", Owner: routes.Personnel}},
		"unknown role":    {{ID: "a", Method: "GET", Path: "/api/v1/x", Owner: routes.Personnel, Roles: []auth.Role{"mayor"}}},
		"outside api/v1/": {{ID: "a", Method: "GET", Path: "/x", Owner: routes.Personnel, Roles: ok.Roles}},
	} {
		require.Error(t, routes.Check(table), name)
	}
}

func TestRoute_FiberPath(t *testing.T) {
	t.Parallel()
	r := routes.Route{Path: "/api/v1/towns/{town}/communities/{community}"}
	require.Equal(t, "/api/v1/towns/:town/communities/:community", r.FiberPath())
	require.True(t, r.Town())
	require.False(t, routes.Route{Path: "/api/v1/county/comparison"}.Town())
}

func TestEveryServiceOwnsRoutes(t *testing.T) {
	t.Parallel()
	for _, s := range []string{routes.Personnel, routes.Reporting} {
		require.NotEmpty(t, routes.Owned(s), s)
	}
}
