package http

import (
	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/httpx"
	"dundian.local/services/reporting/internal/domain/webhook"
)

func (h Handlers) GetWebhook(c *fiber.Ctx) error {
	v, err := h.app.Queries.Webhook.Get(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(v)
}

type webhookRequest struct {
	URL string `json:"url" validate:"required,max=2000"`
	// Secret is empty to keep the one set before.
	Secret  string `json:"secret" validate:"max=256"`
	Enabled bool   `json:"enabled"`
}

func (h Handlers) ConfigureWebhook(c *fiber.Ctx) error {
	var req webhookRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	v, err := h.app.Commands.Webhook.Configure(c.UserContext(), req.URL, req.Secret, req.Enabled)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

type deliveryList struct {
	Items []webhook.Delivery `json:"items"`
}

func (h Handlers) ListWebhookDeliveries(c *fiber.Ctx) error {
	items, err := h.app.Queries.Webhook.Deliveries(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(deliveryList{Items: items})
}
