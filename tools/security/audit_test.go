package security

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/routes"
)

// notAudited lists the mutating routes that leave no audit record, each with the reason. The
// check below fails when a route is missing from both the audit log and this list.
var notAudited = map[string]string{
	"login": "anonymous: there is no account to record yet; failed logins are limited per address and per account",
	"publicSubmitOpinion": "anonymous form on the public listener: there is no account to record; petitions keeps " +
		"the submission itself, behind a proof of work and a rate limit",
	"publicRateCadre": "anonymous form on the public listener: there is no account to record; petitions keeps " +
		"the rating itself, behind a proof of work and a rate limit",
}

// refusedOnly are mutations the audit check sends with a role the route refuses: the attempt
// is recorded all the same, and the suite's town and the shared county are left as they are.
var refusedOnly = map[string]bool{
	"createTown": true, "importTowns": true, "archiveTown": true, "exportTown": true, "eraseTown": true,
	"putProgrammeYear": true, "putHolidays": true, "putTownOverride": true, "transferCadre": true,
}

// auditRecord is what the checks read of a record; raw is the whole record as served.
type auditRecord struct {
	ID        string    `json:"id"`
	Action    string    `json:"action"`
	RequestID string    `json:"requestId"`
	At        time.Time `json:"at"`
	raw       string
}

// auditCompleteness: every mutating route of the table, called through the gateway, leaves an
// audit record naming the route and the request, whatever its answer; and no route changes
// or removes a record — not the mutations aimed at a record's id, nor any method on the audit
// paths.
func auditCompleteness(t *testing.T, s *system, c *town) {
	townAudit := s.gateway + "/api/v1/towns/" + c.code + "/audit"
	start := time.Now().UTC().Add(-time.Second)
	before := readAudit(t, townAudit, s.admin, time.Time{})
	require.NotEmpty(t, before, "setting up the town was audited")
	target := before[0].ID

	sent := map[string]string{} // request id → route id
	for _, rt := range routes.Table {
		if !rt.Mutation() {
			continue
		}
		if _, exempt := notAudited[rt.ID]; exempt {
			continue
		}
		require.False(t, rt.Public, "%s is a public mutation: audit it or list it in notAudited with the reason", rt.ID)
		token := callerFor(t, s, c, rt)
		id := "audit-" + rt.ID + "-" + randHex(4)
		path := pathParam.ReplaceAllStringFunc(rt.Path, func(m string) string {
			if m == "{town}" {
				return c.code
			}
			return target // every other parameter names an audit record
		})
		r := call(t, rt.Method, s.gateway+path, token, map[string]any{"id": target, "_id": target}, "X-Request-Id", id)
		require.NotEqual(t, http.StatusUnauthorized, r.status, "%s: %s", rt.ID, r.body)
		sent[id] = rt.ID
	}
	// Nothing answers a write to the audit log itself.
	for _, method := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		for _, p := range []string{townAudit, townAudit + "/" + target, s.gateway + "/api/v1/audit", s.gateway + "/api/v1/audit/" + target} {
			r := call(t, method, p, s.admin, map[string]any{"action": "forged"})
			require.Contains(t, []int{http.StatusNotFound, http.StatusMethodNotAllowed}, r.status, "%s %s: %s", method, p, r.body)
		}
	}

	t.Logf("%d mutating routes called", len(sent))
	found := map[string]auditRecord{}
	for _, rec := range append(readAudit(t, townAudit, s.admin, start), readAudit(t, s.gateway+"/api/v1/audit", s.admin, start)...) {
		found[rec.RequestID] = rec
	}
	for id, route := range sent {
		rec, ok := found[id]
		require.True(t, ok, "%s left no audit record (request %s); audit it or list it in notAudited with the reason", route, id)
		require.Equal(t, route, rec.Action, id)
	}

	byID := map[string]string{}
	for _, rec := range readAudit(t, townAudit, s.admin, time.Time{}) {
		byID[rec.ID] = rec.raw
	}
	for _, rec := range before {
		require.Equal(t, rec.raw, byID[rec.ID], "audit record %s was changed or removed", rec.ID)
	}
}

// callerFor picks who sends a mutation: a role the route allows, so that the request goes as
// far as it can — except for the refusedOnly routes, sent by the town office.
func callerFor(t *testing.T, s *system, c *town, rt routes.Route) string {
	t.Helper()
	if refusedOnly[rt.ID] {
		require.False(t, slices.Contains(rt.Roles, auth.TownAdmin), "%s must be refused to the town office", rt.ID)
		return c.tokens[auth.TownAdmin]
	}
	if rt.ID == "logout" || rt.ID == "changePassword" {
		return s.relogin(t, c) // a session of its own: these end or change the session
	}
	for _, role := range rt.Roles {
		if tok, ok := c.tokens[role]; ok {
			return tok
		}
	}
	return s.admin
}

// relogin gives a fresh session of town c's leader, by a new password set by the county.
func (s *system) relogin(t *testing.T, c *town) string {
	t.Helper()
	username := "sec-session-" + randHex(4) + "-" + c.code
	password := "security-" + randHex(8)
	must(t, http.StatusCreated, "POST", s.gateway+"/api/v1/accounts", s.admin, map[string]any{"username": username,
		"displayName": "会话测试", "role": "town_leader", "town": c.code, "password": password})
	return s.login(t, username, password)
}

// readAudit pages through an audit log, newest first, down to records older than since
// (the whole log when since is zero).
func readAudit(t *testing.T, base, token string, since time.Time) []auditRecord {
	t.Helper()
	var all []auditRecord
	cursor := ""
	for {
		var page struct {
			Items []json.RawMessage `json:"items"`
			Next  string            `json:"next"`
		}
		must(t, http.StatusOK, "GET", base+"?limit=100&cursor="+cursor, token, nil).json(t, &page)
		for _, raw := range page.Items {
			var rec auditRecord
			require.NoError(t, json.Unmarshal(raw, &rec))
			if !since.IsZero() && rec.At.Before(since) {
				return all
			}
			rec.raw = string(raw)
			all = append(all, rec)
		}
		if page.Next == "" {
			return all
		}
		cursor = page.Next
	}
}
