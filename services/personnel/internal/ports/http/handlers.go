// Package http is personnel's HTTP port: thin Fiber handlers over the application.
package http

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/httpx"
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/app"
	"dundian.local/services/personnel/internal/domain/community"
)

// Handlers serves personnel's routes of the route table.
type Handlers struct {
	app        app.Application
	publicBase string // where the public pages are, for the cards' QR codes
}

// Routes maps route ids of the table to handlers. publicBase is the public site's address
// (https://host), which the contact cards' QR codes lead to.
func Routes(a app.Application, publicBase string) map[string]fiber.Handler {
	h := Handlers{app: a, publicBase: strings.TrimRight(publicBase, "/")}
	return map[string]fiber.Handler{
		"listCommunities": h.ListCommunities,
		"addCommunity":    h.AddCommunity,
		"getCommunity":    h.GetCommunity,
		"updateCommunity": h.UpdateCommunity,
		"publicCommunity": h.PublicCommunity,
		"listCadres":      h.ListCadres,
		"addCadre":        h.AddCadre,
		"getCadre":        h.GetCadre,
		"updateCadre":     h.UpdateCadre,
		"listAssignments": h.ListAssignments,
		"linkCommunity":   h.LinkCommunity,
		"endLink":         h.EndLink,

		"townContactLists":    h.TownContactLists,
		"forwardContactLists": h.ForwardContactLists,
		"exportContactLists":  h.ExportContactLists,
		"countyContactLists":  h.CountyContactLists,
		"getContactList":      h.GetContactList,
		"setContact":          h.SetContact,
		"revealContact":       h.RevealContact,
		"submitContactList":   h.SubmitContactList,
		"acceptContactList":   h.AcceptContactList,
		"returnContactList":   h.ReturnContactList,

		"getCard":   h.GetCard,
		"townCards": h.TownCards,
		"poster":    h.Poster,

		"getPersonalFile":    h.GetFile,
		"exportPersonalFile": h.ExportFile,
		"transferCadre":      h.TransferCadre,

		"uploadPortrait": h.UploadPortrait,
		"removePortrait": h.RemovePortrait,
		"publicPortrait": h.PublicPortrait,
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
	return c.JSON(out)
}

// communityParam parses the {community} route parameter; a code of another town is
// simply not found.
func communityParam(c *fiber.Ctx) (tenancy.CommunityCode, error) {
	return ownCommunity(c, c.Params("community"))
}

// ownCommunity parses a community code of the request's town; any other is not found.
func ownCommunity(c *fiber.Ctx, s string) (tenancy.CommunityCode, error) {
	code, err := tenancy.ParseCommunity(s)
	if err != nil {
		return "", community.ErrNotFound
	}
	town, err := tenancy.TownFrom(c.UserContext())
	if err != nil || code.Town() != town {
		return "", community.ErrNotFound
	}
	return code, nil
}
