package security

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/routes"
)

var pathParam = regexp.MustCompile(`\{([a-zA-Z]+)\}`)

// aimAt fills a route's path with victim's real ids, the town parameter with town: a
// parameter the victim has no record for gets one of its other ids, which is still a real
// id of the victim's.
func aimAt(rt routes.Route, town string, victim *town) string {
	ids := victim.ids()
	ids["town"] = town
	ids["account"] = victim.accounts[auth.TownAdmin]
	ids["kind"] = "monthly_report"
	if strings.Contains(rt.Path, "contact-lists") {
		ids["kind"] = "hardship_household"
	}
	ids["period"] = victim.month
	ids["step"] = "complete"
	return pathParam.ReplaceAllStringFunc(rt.Path, func(m string) string {
		if v, ok := ids[m[1:len(m)-1]]; ok {
			return url.PathEscape(v)
		}
		return url.PathEscape(victim.workLog)
	})
}

// victimQuery and victimBody carry the victim's ids wherever a handler might take one from.
func victimQuery(v *town) string {
	q := url.Values{}
	for _, k := range []string{"town", "community", "cadre", "month", "year"} {
		q.Set(k, v.ids()[k])
	}
	q.Set("attachment", v.attachment)
	return q.Encode()
}

func victimBody(v *town) map[string]any {
	return map[string]any{
		"town": v.code, "community": v.community, "cadre": v.cadre, "cadreId": v.cadre, "stay": v.workLog,
		"log": v.workLog, "opinion": v.opinion, "report": v.report, "attachments": []string{v.attachment},
		"contacts": []string{v.cadre}, "responsible": map[string]any{"id": v.cadre}, "month": v.month,
		"date": v.month + "-01", "text": "foreign", "title": "foreign", "name": "foreign",
	}
}

// foreignTownSweep: every account of town B requests every route, aimed at B's own town and
// at A's, with A's real ids in the path, the query and the body. No answer may contain any of
// A's content, and A's records are the same afterwards.
func foreignTownSweep(t *testing.T, s *system, a, b *town) {
	before := snapshot(t, s, a)
	// The leak check looks for A's content as served: it must be visible that way to A's own
	// office, or finding nothing would prove nothing.
	var seen strings.Builder
	for _, body := range before {
		seen.WriteString(body)
	}
	for _, secret := range a.visible {
		require.Contains(t, seen.String(), secret, "town A's office does not see its own data as the sweep looks for it")
	}
	for _, role := range townRoles {
		t.Run(string(role), func(t *testing.T) {
			t.Parallel()
			for _, rt := range routes.Table {
				if rt.Public || rt.ID == "logout" {
					continue // public routes take no account; logging out would end the sweep's session
				}
				for _, target := range []string{b.code, a.code} {
					u := s.gateway + aimAt(rt, target, a) + "?" + victimQuery(a)
					var body any
					if rt.Mutation() {
						body = victimBody(a)
					}
					r := call(t, rt.Method, u, b.tokens[role], body)
					for _, secret := range a.secrets {
						require.NotContains(t, string(r.body), secret,
							"%s as %s of town B aimed at town %s leaked town A's data (status %d)", rt.ID, role, target, r.status)
					}
					if target == a.code && rt.Town() {
						require.Contains(t, []int{403, 404}, r.status, "%s as %s of town B in town A: %s", rt.ID, role, r.body)
					}
				}
			}
		})
	}
	t.Cleanup(func() {
		if !t.Failed() {
			require.Equal(t, before, snapshot(t, s, a), "town A's records changed during the sweep")
		}
	})
}

// snapshot reads town A's records as its own town office sees them.
func snapshot(t *testing.T, s *system, a *town) map[string]string {
	api := s.gateway + "/api/v1/towns/" + a.code
	out := map[string]string{}
	for _, p := range []string{
		"/communities/" + a.community, "/cadres/" + a.cadre, "/work-logs/" + a.workLog, "/opinions/" + a.opinion,
		"/cadres/" + a.cadre + "/contact-lists/" + a.year, "/attachments/" + a.attachment,
		"/research-reports/" + a.report, "/assignments?year=" + a.year,
	} {
		out[p] = string(must(t, 200, "GET", api+p, a.tokens[auth.TownAdmin], nil).body)
	}
	return out
}
