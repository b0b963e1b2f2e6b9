// Package http is the petitions service's HTTP port: thin Fiber handlers over the application.
package http

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
	"dundian.local/libs/tenancy"
	"dundian.local/services/petitions/internal/app"
	"dundian.local/services/petitions/internal/domain/guard"
	"dundian.local/services/petitions/internal/domain/opinion"
)

// MaxPublicBody is the largest public submission accepted: the longest text in UTF-8 plus
// the challenge and the other fields, with room to spare.
const MaxPublicBody = 16 << 10

// ErrTooLarge answers a public submission over MaxPublicBody.
var ErrTooLarge = errs.TooLarge("submission-too-large",
	"the submission is too large; keep the text under 2000 characters",
	"提交内容过长，请将内容控制在2000字以内")

// Handlers serves the petitions service's routes of the route table.
type Handlers struct{ app app.Application }

// Routes maps route ids of the table to handlers.
func Routes(a app.Application) map[string]fiber.Handler {
	h := Handlers{a}
	return map[string]fiber.Handler{
		"publicChallenge":      h.PublicChallenge,
		"publicSubmitOpinion":  h.PublicSubmitOpinion,
		"publicTrackOpinion":   h.PublicTrackOpinion,
		"listOpinions":         h.ListOpinions,
		"recordOpinion":        h.RecordOpinion,
		"getOpinion":           h.GetOpinion,
		"assignOpinion":        h.AssignOpinion,
		"respondOpinion":       h.RespondOpinion,
		"closeOpinion":         h.CloseOpinion,
		"listCases":            h.ListCases,
		"registerCase":         h.RegisterCase,
		"getCase":              h.GetCase,
		"moveCase":             h.MoveCase,
		"guideCase":            h.GuideCase,
		"listCaseTasks":        h.ListCaseTasks,
		"planCaseTask":         h.PlanCaseTask,
		"moveCaseTask":         h.MoveCaseTask,
		"publicRatingCadres":   h.PublicRatingCadres,
		"publicRateCadre":      h.PublicRateCadre,
		"ratingMonth":          h.RatingMonth,
		"listRatings":          h.ListRatings,
		"reviewRating":         h.ReviewRating,
		"townOverview":         h.TownOverview,
		"exportTownOverview":   h.ExportTownOverview,
		"countyOverview":       h.CountyOverview,
		"exportCountyOverview": h.ExportCountyOverview,
	}
}

type cadreRef struct {
	ID   string `json:"id" validate:"required,max=100"`
	Name string `json:"name" validate:"max=60"`
}

type recordOpinionRequest struct {
	Community   string    `json:"community" validate:"required,communitycode"`
	Source      string    `json:"source" validate:"required,max=20"`
	Kind        string    `json:"kind" validate:"max=20"`
	Category    string    `json:"category" validate:"max=20"`
	Text        string    `json:"text" validate:"required,max=8000"`
	Phone       string    `json:"phone" validate:"max=20"`
	Responsible *cadreRef `json:"responsible"`
}

func (h Handlers) RecordOpinion(c *fiber.Ctx) error {
	var req recordOpinionRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	code, err := tenancy.ParseCommunity(req.Community)
	if err != nil {
		return opinion.ErrInvalid
	}
	cmd := app.RecordOpinion{
		Community: code, Source: opinion.Source(req.Source), Kind: opinion.Kind(req.Kind),
		Category: opinion.Category(req.Category), Text: req.Text, Phone: req.Phone,
	}
	if req.Responsible != nil {
		cmd.Responsible = &opinion.Cadre{ID: req.Responsible.ID, Name: req.Responsible.Name}
	}
	out, err := h.app.Commands.RecordOpinion.Handle(c.UserContext(), cmd)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

type assignRequest struct {
	Cadre  cadreRef `json:"cadre" validate:"required"`
	Reason string   `json:"reason" validate:"max=2000"`
}

func (h Handlers) AssignOpinion(c *fiber.Ctx) error {
	var req assignRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.AssignOpinion.Handle(c.UserContext(), app.AssignOpinion{
		ID: c.Params("opinion"), Cadre: opinion.Cadre{ID: req.Cadre.ID, Name: req.Cadre.Name}, Reason: req.Reason,
	})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type respondRequest struct {
	Response string `json:"response" validate:"required,max=2000"`
}

func (h Handlers) RespondOpinion(c *fiber.Ctx) error {
	var req respondRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.RespondOpinion.Handle(c.UserContext(), app.RespondOpinion{ID: c.Params("opinion"), Response: req.Response})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type closeRequest struct {
	Reason string `json:"reason" validate:"max=2000"`
}

func (h Handlers) CloseOpinion(c *fiber.Ctx) error {
	var req closeRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.CloseOpinion.Handle(c.UserContext(), app.CloseOpinion{ID: c.Params("opinion"), Reason: req.Reason})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) ListOpinions(c *fiber.Ctx) error {
	limit, before, err := httpx.PageParams(c, 50, 200)
	if err != nil {
		return err
	}
	items, err := h.app.Queries.Opinions.Handle(c.UserContext(), app.OpinionsQuery{
		Status: opinion.Status(c.Query("status")), Community: c.Query("community"),
		Overdue: c.QueryBool("overdue"), Before: before, Limit: limit + 1,
	})
	if err != nil {
		return err
	}
	return c.JSON(httpx.NewPage(items, limit, func(o app.OpinionView) string { return o.ID }))
}

func (h Handlers) GetOpinion(c *fiber.Ctx) error {
	out, err := h.app.Queries.Opinion.Handle(c.UserContext(), c.Params("opinion"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) PublicChallenge(c *fiber.Ctx) error {
	code, err := communityParam(c)
	if err != nil {
		return err
	}
	out, err := h.app.Queries.Challenge.Handle(c.UserContext(), code)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

type publicSubmitRequest struct {
	Kind     string         `json:"kind" validate:"max=20"`
	Category string         `json:"category" validate:"max=20"`
	Text     string         `json:"text" validate:"required"`
	Phone    string         `json:"phone" validate:"max=20"`
	Website  string         `json:"website"` // the honeypot: hidden from people
	Altcha   guard.Solution `json:"altcha"`
}

func (h Handlers) PublicSubmitOpinion(c *fiber.Ctx) error {
	if len(c.Body()) > MaxPublicBody {
		return ErrTooLarge
	}
	code, err := communityParam(c)
	if err != nil {
		return err
	}
	var req publicSubmitRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.SubmitPublic.Handle(c.UserContext(), app.SubmitPublic{
		Community: code, Kind: opinion.Kind(req.Kind), Category: opinion.Category(req.Category),
		Text: req.Text, Phone: req.Phone, Honeypot: req.Website, Solution: req.Altcha, Client: client(c),
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) PublicTrackOpinion(c *fiber.Ctx) error {
	code, err := communityParam(c)
	if err != nil {
		return err
	}
	out, err := h.app.Queries.Track.Handle(c.UserContext(), code, c.Params("tracking"), client(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// client is the caller's address as the gateway saw it: the gateway replaces any
// X-Forwarded-For a caller sends with the address it accepted the connection from.
func client(c *fiber.Ctx) string {
	if xff := c.Get(fiber.HeaderXForwardedFor); xff != "" {
		first, _, _ := strings.Cut(xff, ",")
		return strings.TrimSpace(first)
	}
	return c.IP()
}

// communityParam parses the {community} route parameter; a code of another town is simply
// not found.
func communityParam(c *fiber.Ctx) (tenancy.CommunityCode, error) {
	code, err := tenancy.ParseCommunity(c.Params("community"))
	if err != nil {
		return "", errs.ErrNotFound
	}
	town, err := tenancy.TownFrom(c.UserContext())
	if err != nil || code.Town() != town {
		return "", errs.ErrNotFound
	}
	return code, nil
}
