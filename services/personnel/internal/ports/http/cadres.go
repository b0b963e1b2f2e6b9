package http

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/httpx"
	"dundian.local/services/personnel/internal/app"
	"dundian.local/services/personnel/internal/domain/assignment"
	"dundian.local/services/personnel/internal/domain/cadre"
)

type addCadreRequest struct {
	Name       string `json:"name" validate:"required,max=60"`
	Unit       string `json:"unit" validate:"max=60"`
	Post       string `json:"post" validate:"max=60"`
	Phone      string `json:"phone" validate:"required,max=20"`
	Leadership bool   `json:"leadership"`
}

func (h Handlers) AddCadre(c *fiber.Ctx) error {
	var req addCadreRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.AddCadre.Handle(c.UserContext(), app.AddCadre{
		Name: req.Name, Unit: req.Unit, Post: req.Post, Phone: req.Phone, Leadership: req.Leadership,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

type updateCadreRequest struct {
	Name       *string       `json:"name" validate:"omitempty,max=60"`
	Unit       *string       `json:"unit" validate:"omitempty,max=60"`
	Post       *string       `json:"post" validate:"omitempty,max=60"`
	Phone      *string       `json:"phone" validate:"omitempty,max=20"`
	Leadership *bool         `json:"leadership"`
	Status     *cadre.Status `json:"status"`
}

func (h Handlers) UpdateCadre(c *fiber.Ctx) error {
	var req updateCadreRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.UpdateCadre.Handle(c.UserContext(), app.UpdateCadre{ID: c.Params("cadre"), Changes: cadre.Changes{
		Name: req.Name, Unit: req.Unit, Post: req.Post, Phone: req.Phone, Leadership: req.Leadership, Status: req.Status,
	}})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) ListCadres(c *fiber.Ctx) error {
	limit, after, err := httpx.PageParams(c, 50, 500)
	if err != nil {
		return err
	}
	items, err := h.app.Queries.Cadres.Handle(c.UserContext(), after, limit+1)
	if err != nil {
		return err
	}
	return c.JSON(httpx.NewPage(items, limit, func(c cadre.Cadre) string { return c.ID }))
}

func (h Handlers) GetCadre(c *fiber.Ctx) error {
	out, err := h.app.Queries.Cadre.Handle(c.UserContext(), c.Params("cadre"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) ListAssignments(c *fiber.Ctx) error {
	limit, after, err := httpx.PageParams(c, 100, 500)
	if err != nil {
		return err
	}
	year, err := strconv.Atoi(c.Query("year"))
	if err != nil {
		return assignment.ErrYearInvalid
	}
	items, err := h.app.Queries.Assignments.Handle(c.UserContext(), year, after, limit+1)
	if err != nil {
		return err
	}
	return c.JSON(httpx.NewPage(items, limit, func(a assignment.Assignment) string { return a.ID }))
}

type linkCommunityRequest struct {
	Community string `json:"community" validate:"required,communitycode"`
}

func (h Handlers) LinkCommunity(c *fiber.Ctx) error {
	year, err := yearParam(c)
	if err != nil {
		return err
	}
	var req linkCommunityRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	code, err := ownCommunity(c, req.Community)
	if err != nil {
		return err
	}
	out, err := h.app.Commands.LinkCommunity.Handle(c.UserContext(), app.LinkCommunity{Cadre: c.Params("cadre"), Year: year, Community: code})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type endLinkRequest struct {
	Reason string `json:"reason" validate:"required,max=200"`
}

func (h Handlers) EndLink(c *fiber.Ctx) error {
	year, err := yearParam(c)
	if err != nil {
		return err
	}
	var req endLinkRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.EndLink.Handle(c.UserContext(), app.EndLink{Cadre: c.Params("cadre"), Year: year, Reason: req.Reason})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func yearParam(c *fiber.Ctx) (int, error) {
	year, err := strconv.Atoi(c.Params("year"))
	if err != nil || !assignment.ValidYear(year) {
		return 0, assignment.ErrYearInvalid
	}
	return year, nil
}
