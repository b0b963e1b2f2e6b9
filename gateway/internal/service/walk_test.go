package service_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/routes"
	"dundian.local/libs/tenancy"
)

var walkSeq atomic.Int64

// fill makes a concrete path of a route in town.
func fill(path string, town tenancy.TownCode) string {
	r := strings.NewReplacer(
		"{town}", string(town),
		"{community}", string(town)+"200",
		"{job}", "no-such-job",
		"{account}", "no-such-account",
		"{year}", "2026",
		"{kind}", "monthly_report",
		"{export}", "no-such-export",
	)
	// Parameters named by routes added later get a plain placeholder value, so the walk
	// covers every route of the table without being taught each new name.
	return anyParam.ReplaceAllString(r.Replace(path), "x1")
}

var anyParam = regexp.MustCompile(`\{[a-zA-Z]+\}`)

// TestRouteWalk_EveryRouteEveryRoleOwnAndForeignTown walks the whole route table: without a
// token every route is 401; a role the route does not list gets 403; a town role in another
// town gets 404 (as if the town did not exist); nothing that must be refused ever reaches a
// service or succeeds. What is allowed to reach a service arrives with a signed identity
// that verifies and names the caller exactly — and without the caller's own credentials.
func TestRouteWalk_EveryRouteEveryRoleOwnAndForeignTown(t *testing.T) {
	t.Parallel()
	h := gw(t)
	own, foreign := h.newTown(t), h.newTown(t)
	type caller struct {
		principal auth.Principal
		token     string
	}
	callers := map[auth.Role]caller{}
	for _, role := range auth.AllRoles {
		acc, tok := h.account(t, role, own)
		callers[role] = caller{acc.Principal(), tok}
	}

	for _, rt := range routes.Table {
		if rt.Public {
			continue
		}
		targets := []tenancy.TownCode{own}
		if rt.Town() {
			targets = append(targets, foreign)
		}
		t.Run(rt.ID, func(t *testing.T) {
			send := func(token string, town tenancy.TownCode) (response, string) {
				id := fmt.Sprintf("walk-%d", walkSeq.Add(1))
				var body any
				if rt.Mutation() {
					body = map[string]any{}
				}
				r := h.do(t, req{method: rt.Method, path: fill(rt.Path, town), token: token, body: body,
					header: map[string]string{"X-Request-Id": id, auth.InternalHeader: "forged-by-the-client"}})
				return r, id
			}

			r, id := send("", own)
			require.Equal(t, http.StatusUnauthorized, r.StatusCode, "no token")
			_, reached := h.up.got(id)
			require.False(t, reached, "an anonymous request reached %s", rt.Owner)

			for _, role := range auth.AllRoles {
				c := callers[role]
				for _, town := range targets {
					listed := slices.Contains(rt.Roles, role)
					want := 0 // allowed
					switch {
					case rt.Town() && !role.CountyWide() && town != own:
						want = http.StatusNotFound
					case !listed:
						want = http.StatusForbidden
					}
					where := fmt.Sprintf("%s as %s in the %s town", rt.ID, role, map[bool]string{true: "own", false: "foreign"}[town == own])
					if want == 0 && rt.Owner == routes.Gateway && rt.Mutation() {
						continue // allowed control-plane changes are exercised by their own tests
					}
					r, id := send(c.token, town)
					seen, reached := h.up.got(id)
					if want != 0 {
						require.Equal(t, want, r.StatusCode, "%s: %s", where, r.body)
						require.False(t, reached, "%s reached the service", where)
						continue
					}
					require.NotContains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, r.StatusCode, "%s: %s", where, r.body)
					if rt.Owner == routes.Gateway {
						continue
					}
					require.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", where, r.body)
					require.True(t, reached, "%s did not reach %s", where, rt.Owner)
					require.Equal(t, fill(rt.Path, town), seen.Path)
					require.Empty(t, seen.Header.Get("Authorization"), "the caller's token stays at the gateway")
					require.Empty(t, seen.Header.Get("Cookie"))
					require.Equal(t, id, seen.Header.Get("X-Request-Id"))
					require.NotEmpty(t, seen.Header.Get("Traceparent"), "W3C trace context travels on")
					got, err := auth.NewVerifier(h.identity, auth.InternalIssuer, auth.InternalAudience).Verify(seen.Header.Get(auth.InternalHeader))
					require.NoError(t, err, "%s: the forwarded identity must verify (and not be the client's)", where)
					require.Equal(t, c.principal, got, where)
				}
			}
		})
	}
}
