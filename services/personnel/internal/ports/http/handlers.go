// Package http is personnel's HTTP port: thin Fiber handlers over the application.
package http

import (
	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/httpx"
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/app"
	"dundian.local/services/personnel/internal/domain/community"
)

// Handlers serves personnel's routes of the route table.
type Handlers struct{ app app.Application }

// Routes maps route ids of the table to handlers.
func Routes(a app.Application) map[string]fiber.Handler {
	h := Handlers{a}
	return map[string]fiber.Handler{
		"listCommunities": h.ListCommunities,
		"addCommunity":    h.AddCommunity,
		"getCommunity":    h.GetCommunity,
		"updateCommunity": h.UpdateCommunity,
		"publicCommunity": h.PublicCommunity,
	}
}

type addCommunityRequest struct {
	Code      string `json:"code" validate:"required,communitycode"`
	Name      string `json:"name" validate:"required,max=60"`
	Branch    string `json:"branch" validate:"max=60"`
	Secretary string `json:"secretary" validate:"max=60"`
}

func (h Handlers) AddCommunity(c *fiber.Ctx) error {
	var req addCommunityRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	code, err := tenancy.ParseCommunity(req.Code)
	if err != nil {
		return community.ErrNotInTown
	}
	out, err := h.app.Commands.AddCommunity.Handle(c.UserContext(), app.AddCommunity{
		Code: code, Name: req.Name, Branch: req.Branch, Secretary: req.Secretary,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

type updateCommunityRequest struct {
	Name      *string `json:"name" validate:"omitempty,max=60"`
	Branch    *string `json:"branch" validate:"omitempty,max=60"`
	Secretary *string `json:"secretary" validate:"omitempty,max=60"`
	Archived  *bool   `json:"archived"`
}

func (h Handlers) UpdateCommunity(c *fiber.Ctx) error {
	code, err := communityParam(c)
	if err != nil {
		return err
	}
	var req updateCommunityRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.UpdateCommunity.Handle(c.UserContext(), app.UpdateCommunity{
		Code:    code,
		Changes: community.Changes{Name: req.Name, Branch: req.Branch, Secretary: req.Secretary, Archived: req.Archived},
	})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) ListCommunities(c *fiber.Ctx) error {
	limit, after, err := httpx.PageParams(c, 50, 500)
	if err != nil {
		return err
	}
	items, err := h.app.Queries.Communities.Handle(c.UserContext(), tenancy.CommunityCode(after), limit+1)
	if err != nil {
		return err
	}
	return c.JSON(httpx.NewPage(items, limit, func(c community.Community) string { return string(c.Code) }))
}

func (h Handlers) GetCommunity(c *fiber.Ctx) error {
	code, err := communityParam(c)
	if err != nil {
		return err
	}
	out, err := h.app.Queries.Community.Handle(c.UserContext(), code)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// publicCommunityResponse is the public JSON the gateway renders as the community's page.
type publicCommunityResponse struct {
	Community community.Public `json:"community"`
	Cadres    []any            `json:"cadres"`
}

func (h Handlers) PublicCommunity(c *fiber.Ctx) error {
	code, err := communityParam(c)
	if err != nil {
		return err
	}
	out, err := h.app.Queries.PublicCommunity.Handle(c.UserContext(), code)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	return c.JSON(publicCommunityResponse{Community: out, Cadres: []any{}})
}

// communityParam parses the {community} route parameter; a code of another town is
// simply not found.
func communityParam(c *fiber.Ctx) (tenancy.CommunityCode, error) {
	code, err := tenancy.ParseCommunity(c.Params("community"))
	if err != nil {
		return "", community.ErrNotFound
	}
	town, err := tenancy.TownFrom(c.UserContext())
	if err != nil || code.Town() != town {
		return "", community.ErrNotFound
	}
	return code, nil
}
