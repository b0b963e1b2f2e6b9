package app

import (
	"context"
	"errors"
	"time"

	"dundian.local/services/reporting/internal/domain/webhook"
)

// Webhooks keeps the county's webhook and its delivery log.
type Webhooks interface {
	Config(ctx context.Context) (webhook.Config, error)
	SaveConfig(ctx context.Context, c webhook.Config) error
	Recent(ctx context.Context, limit int) ([]webhook.Delivery, error)
}

// WebhookView is the county's webhook as the console shows it: never the secret.
type WebhookView struct {
	webhook.Config
	SecretSet bool `json:"secretSet"`
}

// recentDeliveries is how much of the delivery log the console shows.
const recentDeliveries = 100

// WebhookHandler lets the county administrator connect notifications to the county's SMS or
// messaging gateway and see what was delivered.
type WebhookHandler struct {
	hooks Webhooks
	now   func() time.Time
}

// Get is the county's webhook; an empty, turned-off one before it was set up.
func (h WebhookHandler) Get(ctx context.Context) (WebhookView, error) {
	if _, err := countyAdmin(ctx); err != nil {
		return WebhookView{}, err
	}
	c, err := h.hooks.Config(ctx)
	if errors.Is(err, webhook.ErrNotConfigured) {
		return WebhookView{}, nil
	}
	if err != nil {
		return WebhookView{}, err
	}
	return WebhookView{Config: c, SecretSet: c.Secret != ""}, nil
}

// Configure sets the receiver's address, the secret (empty: keep it) and whether it is on.
func (h WebhookHandler) Configure(ctx context.Context, url, secret string, enabled bool) (WebhookView, error) {
	p, err := countyAdmin(ctx)
	if err != nil {
		return WebhookView{}, err
	}
	old, err := h.hooks.Config(ctx)
	if err != nil && !errors.Is(err, webhook.ErrNotConfigured) {
		return WebhookView{}, err
	}
	c, err := webhook.Configure(old, url, secret, enabled, p.AccountID, h.now())
	if err != nil {
		return WebhookView{}, err
	}
	if err := h.hooks.SaveConfig(ctx, c); err != nil {
		return WebhookView{}, err
	}
	return WebhookView{Config: c, SecretSet: true}, nil
}

// Deliveries are the latest deliveries, newest first.
func (h WebhookHandler) Deliveries(ctx context.Context) ([]webhook.Delivery, error) {
	if _, err := countyAdmin(ctx); err != nil {
		return nil, err
	}
	return h.hooks.Recent(ctx, recentDeliveries)
}
