// Package http is reporting's HTTP port.
package http

import (
	"github.com/gofiber/fiber/v2"

	"dundian.local/services/reporting/internal/app"
	"dundian.local/services/reporting/internal/domain/comparison"
)

type Handlers struct{ app app.Application }

// Routes maps route ids of the table to handlers.
func Routes(a app.Application) map[string]fiber.Handler {
	h := Handlers{a}
	return map[string]fiber.Handler{
		"countyComparison": h.CountyComparison,
	}
}

type comparisonResponse struct {
	Towns []comparison.Row `json:"towns"`
}

func (h Handlers) CountyComparison(c *fiber.Ctx) error {
	rows, err := h.app.Queries.Comparison.Handle(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(comparisonResponse{Towns: rows})
}
