package http

import (
	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/calendar"
	"dundian.local/services/reporting/internal/domain/rollup"
)

func pathMonth(c *fiber.Ctx) (calendar.Month, error) {
	m, err := calendar.ParseMonth(c.Params("month"))
	if err != nil {
		return calendar.Month{}, ErrBadMonth
	}
	return m, nil
}

// TownMonth is the town's month down to its communities and cadres.
func (h Handlers) TownMonth(c *fiber.Ctx) error {
	m, err := pathMonth(c)
	if err != nil {
		return err
	}
	v, err := h.app.Queries.Months.Town(c.UserContext(), m)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// CountyMonth is the county's month with its towns.
func (h Handlers) CountyMonth(c *fiber.Ctx) error {
	m, err := pathMonth(c)
	if err != nil {
		return err
	}
	v, err := h.app.Queries.Months.County(c.UserContext(), m)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

type trendResponse struct {
	From   string               `json:"from"`
	To     string               `json:"to"`
	Months []rollup.CountyMonth `json:"months"`
}

// CountyTrend is the county's months ?from=2026-01&to=2026-06; by default the twelve months
// up to the one reported on now.
func (h Handlers) CountyTrend(c *fiber.Ctx) error {
	last, err := comparisonMonth(c, "to")
	if err != nil {
		return err
	}
	to, _ := calendar.ParseMonth(last)
	from := to
	for range 11 {
		from = from.Prev()
	}
	if q := c.Query("from"); q != "" {
		if from, err = calendar.ParseMonth(q); err != nil {
			return ErrBadMonth
		}
	}
	months, err := h.app.Queries.Months.Trend(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	return c.JSON(trendResponse{From: from.String(), To: to.String(), Months: months})
}
