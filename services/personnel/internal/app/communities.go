package app

import (
	"context"
	"errors"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/domain/cadre"
	"dundian.local/services/personnel/internal/domain/community"
)

// AddCommunity adds a contact point to the caller's town (town office).
type AddCommunity struct {
	Code      tenancy.CommunityCode
	Name      string
	Branch    string
	Secretary string
}

type AddCommunityHandler struct{ repo Communities }

func (h AddCommunityHandler) Handle(ctx context.Context, cmd AddCommunity) (community.Community, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return community.Community{}, errs.ErrUnauthorized
	}
	if !p.Has(auth.CountyAdmin, auth.TownAdmin) {
		return community.Community{}, errs.ErrForbidden
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return community.Community{}, err
	}
	c, err := community.New(town, cmd.Code, cmd.Name, cmd.Branch, cmd.Secretary)
	if err != nil {
		return community.Community{}, err
	}
	if err := h.repo.Add(ctx, c, p.AccountID); err != nil {
		return community.Community{}, err
	}
	c.Rev = 1
	return c, nil
}

// UpdateCommunity edits or archives a contact point (town office).
type UpdateCommunity struct {
	Code    tenancy.CommunityCode
	Changes community.Changes
}

type UpdateCommunityHandler struct{ repo Communities }

func (h UpdateCommunityHandler) Handle(ctx context.Context, cmd UpdateCommunity) (community.Community, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return community.Community{}, errs.ErrUnauthorized
	}
	if !p.Has(auth.CountyAdmin, auth.TownAdmin) {
		return community.Community{}, errs.ErrForbidden
	}
	return h.repo.Update(ctx, cmd.Code, p.AccountID, func(c *community.Community) error {
		return c.Apply(cmd.Changes)
	})
}

// ImportCommunities adds the communities a town was created or re-imported with. Run for
// every platform.town.created or .changed; running it again adds only what is missing.
type ImportCommunities struct {
	Communities []community.Community
}

type ImportCommunitiesHandler struct{ repo Communities }

func (h ImportCommunitiesHandler) Handle(ctx context.Context, cmd ImportCommunities, actor string) (added int, err error) {
	for _, c := range cmd.Communities {
		err := h.repo.Add(ctx, c, actor)
		if errors.Is(err, community.ErrExists) {
			continue
		}
		if err != nil {
			return added, err
		}
		added++
	}
	return added, nil
}

type CommunitiesHandler struct{ repo Communities }

// Handle lists the town's communities; every role of the town may read them.
func (h CommunitiesHandler) Handle(ctx context.Context, after tenancy.CommunityCode, limit int) ([]community.Community, error) {
	return h.repo.List(ctx, after, limit)
}

type CommunityHandler struct{ repo Communities }

func (h CommunityHandler) Handle(ctx context.Context, code tenancy.CommunityCode) (community.Community, error) {
	return h.repo.Get(ctx, code)
}

// PublicCommunity is the disclosure board's data (S2): the community and the cadres who
// link it in the current programme year, with the board's fields only.
type PublicCommunity struct {
	Community community.Public `json:"community"`
	Cadres    []cadre.Public   `json:"cadres"`
}

type PublicCommunityHandler struct {
	communities Communities
	assignments Assignments
	cadres      Cadres
	now         func() time.Time
}

// Handle returns what the community's public page shows; an archived community is not
// shown, nor is a cadre who is no longer active.
func (h PublicCommunityHandler) Handle(ctx context.Context, code tenancy.CommunityCode) (PublicCommunity, error) {
	c, err := h.communities.Get(ctx, code)
	if err != nil {
		return PublicCommunity{}, err
	}
	if c.Archived {
		return PublicCommunity{}, community.ErrNotFound
	}
	// The programme year follows the calendar year (calendar.DefaultProgramme).
	links, err := h.assignments.Hosting(ctx, code, calendar.BeijingDay(h.now()).Year)
	if err != nil {
		return PublicCommunity{}, err
	}
	out := PublicCommunity{Community: c.Public(), Cadres: []cadre.Public{}}
	for _, l := range links {
		cd, err := h.cadres.Get(ctx, l.Cadre)
		if errors.Is(err, cadre.ErrNotFound) {
			continue
		}
		if err != nil {
			return PublicCommunity{}, err
		}
		if cd.Status == cadre.Active {
			out.Cadres = append(out.Cadres, cd.Public())
		}
	}
	return out, nil
}
