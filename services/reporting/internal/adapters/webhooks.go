package adapters

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
	"dundian.local/services/reporting/internal/domain/notification"
	"dundian.local/services/reporting/internal/domain/webhook"
)

// configID is the _id of the county's one webhook configuration.
const configID = "county"

// Webhooks keeps the county's webhook in `county.reporting_webhook` and its deliveries in
// `county.reporting_webhook_deliveries` (kept 30 days, so the collection stays small).
type Webhooks struct {
	config     *mongo.Collection
	deliveries *mongo.Collection
}

func NewWebhooks(st store.Service) Webhooks {
	return Webhooks{config: st.County("webhook"), deliveries: st.County("webhook_deliveries")}
}

// Config is the county's webhook (webhook.ErrNotConfigured before it was set up).
func (r Webhooks) Config(ctx context.Context) (webhook.Config, error) {
	var c webhook.Config
	err := r.config.FindOne(ctx, bson.D{{Key: "_id", Value: configID}}).Decode(&c)
	if store.IsNotFound(err) {
		return webhook.Config{}, webhook.ErrNotConfigured
	}
	return c, err
}

func (r Webhooks) SaveConfig(ctx context.Context, c webhook.Config) error {
	_, err := r.config.ReplaceOne(ctx, bson.D{{Key: "_id", Value: configID}}, c, options.Replace().SetUpsert(true))
	return err
}

// Enqueue sends the town's notification when the webhook is on; a notification enqueued
// before (a redelivered event) is not sent twice.
func (r Webhooks) Enqueue(ctx context.Context, n notification.Notification, now time.Time) error {
	c, err := r.Config(ctx)
	if errors.Is(err, webhook.ErrNotConfigured) || (err == nil && !c.Enabled) {
		return nil
	}
	if err != nil {
		return err
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return err
	}
	d, err := webhook.NewDelivery(string(town), n, now)
	if err != nil {
		return err
	}
	if _, err := r.deliveries.InsertOne(ctx, d); err != nil && !store.IsDuplicate(err) {
		return err
	}
	return nil
}

// Recent are the latest deliveries, newest first.
func (r Webhooks) Recent(ctx context.Context, limit int) ([]webhook.Delivery, error) {
	cur, err := r.deliveries.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	out := []webhook.Delivery{}
	return out, cur.All(ctx, &out)
}

func (r Webhooks) due(ctx context.Context, now time.Time, limit int) ([]webhook.Delivery, error) {
	cur, err := r.deliveries.Find(ctx, bson.D{{Key: "status", Value: string(webhook.Pending)}, {Key: "nextAt", Value: bson.D{{Key: "$lte", Value: now}}}},
		options.Find().SetSort(bson.D{{Key: "nextAt", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	var out []webhook.Delivery
	return out, cur.All(ctx, &out)
}

func (r Webhooks) save(ctx context.Context, d webhook.Delivery) error {
	_, err := r.deliveries.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d)
	return err
}

// prune removes the finished deliveries older than before.
func (r Webhooks) prune(ctx context.Context, before time.Time) error {
	_, err := r.deliveries.DeleteMany(ctx, bson.D{
		{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{string(webhook.Delivered), string(webhook.Failed)}}}},
		{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: before}}},
	})
	return err
}

// Deliverer POSTs the pending deliveries to the county's receiver, as a worker of the process.
type Deliverer struct {
	Hooks  Webhooks
	Client *http.Client
	Log    *slog.Logger
	Now    func() time.Time
}

const (
	deliverEvery = time.Second
	deliverBatch = 20
	keepLog      = 30 * 24 * time.Hour
	pruneEvery   = time.Hour
	// answerLimit bounds what is read of a receiver's answer (kept only as a hint).
	answerLimit = 200
)

func (w *Deliverer) Run(ctx context.Context) error {
	t := time.NewTicker(deliverEvery)
	defer t.Stop()
	var pruned time.Time
	for {
		if err := w.deliverDue(ctx); err != nil && ctx.Err() == nil {
			w.Log.WarnContext(ctx, "webhook deliveries", "err", err)
		}
		if now := w.Now(); now.Sub(pruned) >= pruneEvery {
			if err := w.Hooks.prune(ctx, now.Add(-keepLog)); err != nil && ctx.Err() == nil {
				w.Log.WarnContext(ctx, "webhook log pruning", "err", err)
			}
			pruned = now
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (w *Deliverer) deliverDue(ctx context.Context) error {
	due, err := w.Hooks.due(ctx, w.Now(), deliverBatch)
	if err != nil || len(due) == 0 {
		return err
	}
	c, err := w.Hooks.Config(ctx)
	if err != nil && !errors.Is(err, webhook.ErrNotConfigured) {
		return err
	}
	for _, d := range due {
		if !c.Enabled {
			d.GiveUp("the webhook was turned off")
		} else {
			code, reason := w.post(ctx, c, d)
			if code >= 200 && code < 300 {
				d.Succeeded(code, w.Now())
			} else {
				d.Retry(code, reason, w.Now())
			}
		}
		if err := w.Hooks.save(context.WithoutCancel(ctx), d); err != nil {
			return err
		}
	}
	return nil
}

// post sends one delivery and says how the receiver answered (code 0: it did not).
func (w *Deliverer) post(ctx context.Context, c webhook.Config, d webhook.Delivery) (int, string) {
	body := []byte(d.Body)
	ts := w.Now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(webhook.HeaderSignature, webhook.Sign(c.Secret, ts, body))
	req.Header.Set(webhook.HeaderDelivery, d.ID)
	res, err := w.Client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, answerLimit))
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return res.StatusCode, ""
	}
	return res.StatusCode, fmt.Sprintf("%s: %s", res.Status, bytes.TrimSpace(answer))
}
