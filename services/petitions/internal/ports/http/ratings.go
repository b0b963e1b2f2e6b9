package http

import (
	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
	"dundian.local/services/petitions/internal/app"
	"dundian.local/services/petitions/internal/domain/guard"
	"dundian.local/services/petitions/internal/domain/rating"
)

type rateCadreRequest struct {
	Cadre   string         `json:"cadre" validate:"required,max=100"`
	Score   int            `json:"score" validate:"min=1,max=5"`
	Comment string         `json:"comment"`
	Device  string         `json:"device" validate:"max=100"`
	Phone   string         `json:"phone" validate:"max=20"`
	Website string         `json:"website"` // the honeypot
	Altcha  guard.Solution `json:"altcha"`
}

type ratingReceipt struct {
	Status string `json:"status"`
	Month  string `json:"month"`
}

func (h Handlers) PublicRateCadre(c *fiber.Ctx) error {
	if len(c.Body()) > MaxPublicBody {
		return ErrTooLarge
	}
	code, err := communityParam(c)
	if err != nil {
		return err
	}
	var req rateCadreRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	r, err := h.app.Commands.RateCadre.Handle(c.UserContext(), app.RateCadre{
		Community: code, Cadre: req.Cadre, Score: req.Score, Comment: req.Comment, Device: req.Device,
		Phone: req.Phone, Honeypot: req.Website, Solution: req.Altcha, Client: client(c),
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(ratingReceipt{Status: "received", Month: r.Month})
}

func (h Handlers) PublicRatingCadres(c *fiber.Ctx) error {
	code, err := communityParam(c)
	if err != nil {
		return err
	}
	items, err := h.app.Queries.StationedCadres.Handle(c.UserContext(), code)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	return c.JSON(httpx.Page[app.StationedCadre]{Items: items})
}

var errBadMonth = errs.ErrInvalidInput.WithFields(errs.FieldError{Field: "month", Slug: "bad-month",
	Message: "a month is written 2026-05", Zh: "月份格式应为2026-05"})

func (h Handlers) RatingMonth(c *fiber.Ctx) error {
	m, err := calendar.ParseMonth(c.Params("month"))
	if err != nil {
		return errBadMonth
	}
	items, err := h.app.Queries.RatingMonth.Handle(c.UserContext(), m)
	if err != nil {
		return err
	}
	return c.JSON(httpx.Page[ratingAggregate]{Items: aggregates(items)})
}

// ratingAggregate is a cadre's month with its average worked out.
type ratingAggregate struct {
	rating.Aggregate
	Average float64 `json:"average"`
}

func aggregates(in []rating.Aggregate) []ratingAggregate {
	out := make([]ratingAggregate, len(in))
	for i, a := range in {
		out[i] = ratingAggregate{Aggregate: a, Average: a.Average()}
	}
	return out
}

type reviewRequest struct {
	Decision string `json:"decision" validate:"required,oneof=accepted rejected"`
}

func (h Handlers) ReviewRating(c *fiber.Ctx) error {
	var req reviewRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.ReviewRating.Handle(c.UserContext(), c.Params("rating"), rating.Review(req.Decision))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) ListRatings(c *fiber.Ctx) error {
	m, err := calendar.ParseMonth(c.Query("month"))
	if err != nil {
		return errBadMonth
	}
	limit, before, err := httpx.PageParams(c, 50, 200)
	if err != nil {
		return err
	}
	items, err := h.app.Queries.Ratings.Handle(c.UserContext(), m, rating.Review(c.Query("review")), before, limit+1)
	if err != nil {
		return err
	}
	return c.JSON(httpx.NewPage(items, limit, func(r rating.Rating) string { return r.ID }))
}
