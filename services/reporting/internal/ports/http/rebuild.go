package http

import (
	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/httpx"
)

type rebuildRequest struct {
	// Town is the one town to rebuild; empty: every town.
	Town string `json:"town" validate:"omitempty,len=9,numeric"`
}

// StartRebuild queues a rebuild of the projections; its progress is read from LatestRebuild.
func (h Handlers) StartRebuild(c *fiber.Ctx) error {
	var req rebuildRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	v, err := h.app.Commands.Rebuild.Start(c.UserContext(), req.Town)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(v)
}

// LatestRebuild is the most recent rebuild and how far it got.
func (h Handlers) LatestRebuild(c *fiber.Ctx) error {
	v, err := h.app.Queries.Rebuild.Latest(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(v)
}
