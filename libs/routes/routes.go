// Package routes is the route table: the one source of truth for every API route — method,
// path, the roles that may call it and the owning process. The gateway proxies by it, every
// service mounts its handlers by it (so roles are checked again in the service with the same
// list), the OpenAPI files are checked against it, and the security tests walk it.
package routes

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Owners of routes.
const (
	Gateway    = "gateway"
	Personnel  = "personnel"
	Fieldwork  = "fieldwork"
	Petitions  = "petitions"
	Reporting  = "reporting"
	Assessment = "assessment"
)

// Services are the five owning services behind the gateway.
var Services = []string{Personnel, Fieldwork, Petitions, Reporting, Assessment}

// Route is one API route.
type Route struct {
	ID     string // operationId in the OpenAPI file
	Method string
	Path   string // OpenAPI style: /api/v1/towns/{town}/communities
	Owner  string
	Roles  []auth.Role // empty only for public routes
	Public bool        // no login: served on the public listener
	// Login marks gateway routes that need a logged-in caller of any role but no town
	// (e.g. /api/v1/me); Roles then lists every role.
}

// Town reports whether the route is scoped to a town (has a {town} parameter).
func (r Route) Town() bool { return strings.Contains(r.Path, "{town}") }

// Mutation reports whether the route changes state (audited by the gateway).
func (r Route) Mutation() bool { return r.Method != fiber.MethodGet && r.Method != fiber.MethodHead }

// FiberPath turns {param} into :param.
func (r Route) FiberPath() string {
	var b strings.Builder
	for _, seg := range strings.Split(r.Path, "/") {
		if seg == "" {
			continue
		}
		b.WriteByte('/')
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			b.WriteString(":" + seg[1:len(seg)-1])
		} else {
			b.WriteString(seg)
		}
	}
	return b.String()
}

var (
	everyone = auth.AllRoles
	county   = []auth.Role{auth.CountyAdmin, auth.CountyInspector}
	admins   = []auth.Role{auth.CountyAdmin, auth.TownAdmin}
	readers  = []auth.Role{auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader, auth.Cadre, auth.BranchSecretary}
)

// Table is every API route of the system: the gateway's below, each service's in its own
// file (table_<service>.go), so that work on one service never edits another's routes.
var Table = concat(gatewayRoutes, personnelRoutes, fieldworkRoutes, petitionsRoutes, reportingRoutes, assessmentRoutes)

func concat(parts ...[]Route) []Route {
	var out []Route
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// gatewayRoutes are the gateway's own: identity and the control plane.
var gatewayRoutes = []Route{
	{ID: "login", Method: "POST", Path: "/api/v1/auth/login", Owner: Gateway, Public: true},
	{ID: "logout", Method: "POST", Path: "/api/v1/auth/logout", Owner: Gateway, Roles: everyone},
	{ID: "changePassword", Method: "POST", Path: "/api/v1/auth/password", Owner: Gateway, Roles: everyone},
	{ID: "me", Method: "GET", Path: "/api/v1/me", Owner: Gateway, Roles: everyone},
	{ID: "listTowns", Method: "GET", Path: "/api/v1/towns", Owner: Gateway, Roles: everyone},
	{ID: "createTown", Method: "POST", Path: "/api/v1/towns", Owner: Gateway, Roles: []auth.Role{auth.CountyAdmin}},
	{ID: "importTowns", Method: "POST", Path: "/api/v1/towns/import", Owner: Gateway, Roles: []auth.Role{auth.CountyAdmin}},
	{ID: "getJob", Method: "GET", Path: "/api/v1/jobs/{job}", Owner: Gateway, Roles: everyone},
	{ID: "getTown", Method: "GET", Path: "/api/v1/towns/{town}", Owner: Gateway, Roles: everyone},
	{ID: "archiveTown", Method: "POST", Path: "/api/v1/towns/{town}/archive", Owner: Gateway, Roles: []auth.Role{auth.CountyAdmin}},
	{ID: "exportTown", Method: "POST", Path: "/api/v1/towns/{town}/export", Owner: Gateway, Roles: []auth.Role{auth.CountyAdmin}},
	{ID: "downloadExport", Method: "GET", Path: "/api/v1/towns/{town}/exports/{export}", Owner: Gateway, Roles: []auth.Role{auth.CountyAdmin}},
	{ID: "eraseTown", Method: "DELETE", Path: "/api/v1/towns/{town}", Owner: Gateway, Roles: []auth.Role{auth.CountyAdmin}},
	{ID: "getSettings", Method: "GET", Path: "/api/v1/towns/{town}/settings", Owner: Gateway, Roles: readers},
	{ID: "putSettings", Method: "PUT", Path: "/api/v1/towns/{town}/settings", Owner: Gateway, Roles: admins},
	{ID: "listTownAudit", Method: "GET", Path: "/api/v1/towns/{town}/audit", Owner: Gateway, Roles: admins},
	{ID: "listCountyAudit", Method: "GET", Path: "/api/v1/audit", Owner: Gateway, Roles: []auth.Role{auth.CountyAdmin}},
	{ID: "listAccounts", Method: "GET", Path: "/api/v1/accounts", Owner: Gateway, Roles: admins},
	{ID: "createAccount", Method: "POST", Path: "/api/v1/accounts", Owner: Gateway, Roles: admins},
	{ID: "updateAccount", Method: "PATCH", Path: "/api/v1/accounts/{account}", Owner: Gateway, Roles: admins},
	{ID: "resetPassword", Method: "POST", Path: "/api/v1/accounts/{account}/password", Owner: Gateway, Roles: admins},
	{ID: "getCalendar", Method: "GET", Path: "/api/v1/calendar", Owner: Gateway, Roles: everyone},
	{ID: "putProgrammeYear", Method: "PUT", Path: "/api/v1/calendar/years/{year}", Owner: Gateway, Roles: []auth.Role{auth.CountyAdmin}},
	{ID: "putHolidays", Method: "PUT", Path: "/api/v1/calendar/holidays/{year}", Owner: Gateway, Roles: []auth.Role{auth.CountyAdmin}},
	{ID: "putTownOverride", Method: "PUT", Path: "/api/v1/towns/{town}/calendar/overrides/{kind}", Owner: Gateway, Roles: []auth.Role{auth.CountyAdmin}},
}

// Owned returns the routes of one owner.
func Owned(owner string) []Route {
	var out []Route
	for _, r := range Table {
		if r.Owner == owner {
			out = append(out, r)
		}
	}
	return out
}

// Check reports table errors: duplicate ids or method+path pairs, unknown owners or roles,
// non-public routes without roles.
func Check(table []Route) error {
	ids := map[string]bool{}
	keys := map[string]bool{}
	for _, r := range table {
		key := r.Method + " " + r.FiberPath()
		switch {
		case r.ID == "" || ids[r.ID]:
			return fmt.Errorf("route %s: missing or duplicate id %q", key, r.ID)
		case keys[key]:
			return fmt.Errorf("route %s: declared twice", key)
		case r.Owner != Gateway && !slices.Contains(Services, r.Owner):
			return fmt.Errorf("route %s: unknown owner %q", key, r.Owner)
		case !r.Public && len(r.Roles) == 0:
			return fmt.Errorf("route %s: no roles and not public", key)
		case !strings.HasPrefix(r.Path, "/api/v1/"):
			return fmt.Errorf("route %s: not under /api/v1/", key)
		}
		for _, role := range r.Roles {
			if !role.Valid() {
				return fmt.Errorf("route %s: unknown role %q", key, role)
			}
		}
		ids[r.ID], keys[key] = true, true
	}
	return nil
}

// Mount registers an owner's handlers on router by the table: each route gets the identity
// check, the town check (for {town} routes) and its role check before the handler, and POST
// routes of a town get onPost (the Idempotency-Key check, kept in the town's database) after
// them when it is not nil. It fails when a route of the owner has no handler or a handler
// has no route, so the table and the code cannot drift apart.
func Mount(router fiber.Router, owner string, verify, onPost fiber.Handler, handlers map[string]fiber.Handler) error {
	seen := map[string]bool{}
	for _, r := range Owned(owner) {
		h, ok := handlers[r.ID]
		if !ok {
			return fmt.Errorf("route %s %s (%s) has no handler", r.Method, r.Path, r.ID)
		}
		seen[r.ID] = true
		chain := []fiber.Handler{}
		if r.Public && r.Town() {
			chain = append(chain, publicTown)
		}
		if !r.Public {
			chain = append(chain, verify)
			if r.Town() {
				chain = append(chain, auth.TownParam("town"))
			}
			chain = append(chain, auth.RequireRoles(r.Roles...))
		}
		if onPost != nil && r.Method == fiber.MethodPost && r.Town() {
			chain = append(chain, onPost)
		}
		chain = append(chain, h)
		router.Add(r.Method, r.FiberPath(), chain...)
	}
	for id := range handlers {
		if !seen[id] {
			return fmt.Errorf("handler %q has no route of owner %s in the table", id, owner)
		}
	}
	return nil
}

// publicTown puts the town of a public route into the context; there is no caller to check,
// only the code to validate.
func publicTown(c *fiber.Ctx) error {
	town, err := tenancy.ParseTown(c.Params("town"))
	if err != nil {
		return errs.ErrNotFound
	}
	c.SetUserContext(tenancy.WithTown(c.UserContext(), town))
	return c.Next()
}
