package auth

import (
	"context"
	"errors"

	"dundian.local/libs/tenancy"
)

// Role is one of the roles in DOMAIN.md.
type Role string

const (
	CountyAdmin     Role = "county_admin"
	CountyInspector Role = "county_inspector"
	TownAdmin       Role = "town_admin"
	TownLeader      Role = "town_leader"
	Cadre           Role = "cadre"
	BranchSecretary Role = "branch_secretary"
)

// AllRoles lists every role that can log in, in the order the console shows them.
var AllRoles = []Role{CountyAdmin, CountyInspector, TownAdmin, TownLeader, Cadre, BranchSecretary}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range AllRoles {
		if r == k {
			return true
		}
	}
	return false
}

// CountyWide reports whether the role sees every town of the county.
func (r Role) CountyWide() bool { return r == CountyAdmin || r == CountyInspector }

// Principal is the verified caller: who they are, their role and their scope. A town-scoped
// role carries its town; a cadre account may carry its cadre id and a branch secretary's its
// community.
type Principal struct {
	AccountID string                `json:"sub"`
	Name      string                `json:"name,omitempty"`
	Role      Role                  `json:"role"`
	Town      tenancy.TownCode      `json:"town,omitempty"`
	CadreID   string                `json:"cadre,omitempty"`
	Community tenancy.CommunityCode `json:"community,omitempty"`
}

// CanAccessTown reports whether the principal may act in the town at all; what it may do
// there is decided by the route's roles and the use case.
func (p Principal) CanAccessTown(t tenancy.TownCode) bool {
	if p.Role.CountyWide() {
		return true
	}
	return p.Town != "" && p.Town == t
}

// Has reports whether the principal holds one of the roles.
func (p Principal) Has(roles ...Role) bool {
	for _, r := range roles {
		if p.Role == r {
			return true
		}
	}
	return false
}

var ErrNoPrincipal = errors.New("no verified principal in context")

type principalKey struct{}

// WithPrincipal returns a context carrying the verified principal. Only the token
// verification middleware calls it.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the verified principal of the request.
func FromContext(ctx context.Context) (Principal, error) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	if !ok || p.AccountID == "" {
		return Principal{}, ErrNoPrincipal
	}
	return p, nil
}

// The internal identity token's issuer and audience: the gateway signs, services verify.
const (
	InternalIssuer   = "dundian-gateway"
	InternalAudience = "dundian-services"
)
