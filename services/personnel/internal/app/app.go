// Package app holds personnel's use cases. Handlers and consumers call them; they enforce
// the rules and the caller's rights, and reach storage through the ports below.
package app

import (
	"context"

	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/domain/community"
)

// Communities is the repository of a town's communities (the town comes from ctx).
type Communities interface {
	// Add stores a new community and its personnel.community.added event; a code already
	// used gives community.ErrExists.
	Add(ctx context.Context, c community.Community, actor string) error
	// Update reads the community, lets fn change it, and stores it with its
	// personnel.community.changed event, guarded by the revision it read.
	Update(ctx context.Context, code tenancy.CommunityCode, actor string, fn func(*community.Community) error) (community.Community, error)
	Get(ctx context.Context, code tenancy.CommunityCode) (community.Community, error)
	// List returns communities ordered by code after the given one.
	List(ctx context.Context, after tenancy.CommunityCode, limit int) ([]community.Community, error)
}

// Application is personnel's use cases.
type Application struct {
	Commands Commands
	Queries  Queries
}

type Commands struct {
	AddCommunity      AddCommunityHandler
	UpdateCommunity   UpdateCommunityHandler
	ImportCommunities ImportCommunitiesHandler
}

type Queries struct {
	Communities     CommunitiesHandler
	Community       CommunityHandler
	PublicCommunity PublicCommunityHandler
}

// New wires the use cases over a repository.
func New(communities Communities) Application {
	return Application{
		Commands: Commands{
			AddCommunity:      AddCommunityHandler{communities},
			UpdateCommunity:   UpdateCommunityHandler{communities},
			ImportCommunities: ImportCommunitiesHandler{communities},
		},
		Queries: Queries{
			Communities:     CommunitiesHandler{communities},
			Community:       CommunityHandler{communities},
			PublicCommunity: PublicCommunityHandler{communities},
		},
	}
}
