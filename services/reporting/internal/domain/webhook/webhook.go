// Package webhook is the outbound webhook a county connects to its SMS or messaging gateway:
// every notification reporting creates is also POSTed there, signed with the county's secret
// (HMAC-SHA256), and retried with a growing backoff until the receiver takes it or the
// attempts run out. Each delivery is kept with its attempts, so the county administrator can
// see what went out and what did not.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"dundian.local/libs/errs"
	"dundian.local/services/reporting/internal/domain/notification"
)

// Headers of every delivery. The signature is "sha256=" and the hex HMAC-SHA256, keyed by the
// secret, of the timestamp, a ".", and the body: a receiver recomputes it, compares in
// constant time and refuses old timestamps (a replayed request).
const (
	HeaderSignature = "X-Dundian-Signature"
	HeaderTimestamp = "X-Dundian-Timestamp" // Unix seconds
	HeaderDelivery  = "X-Dundian-Delivery"  // the delivery id: the same on every retry
)

const (
	// MaxAttempts bounds the retries: with the backoff below they span about an hour and a
	// half, long enough for a receiver's restart or a short outage.
	MaxAttempts = 12
	maxBackoff  = 30 * time.Minute
	minSecret   = 16
	maxSecret   = 256
	maxURL      = 2000
)

var (
	ErrInvalid = errs.Invalid("webhook-invalid",
		"give an http or https address and a secret of 16 to 256 characters",
		"请填写以http或https开头的地址，以及16至256个字符的密钥")
	ErrNotConfigured = errs.NotFound("webhook-not-configured", "no webhook is set up yet", "尚未设置消息推送")
)

// Config is the county's webhook.
type Config struct {
	URL       string    `json:"url" bson:"url"`
	Secret    string    `json:"-" bson:"secret"` // never shown again once set
	Enabled   bool      `json:"enabled" bson:"enabled"`
	UpdatedBy string    `json:"updatedBy" bson:"updatedBy"`
	UpdatedAt time.Time `json:"updatedAt" bson:"updatedAt"`
}

// Configure checks and returns the county's webhook. An empty secret keeps the old one.
func Configure(old Config, rawURL, secret string, enabled bool, by string, at time.Time) (Config, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(rawURL) > maxURL {
		return Config{}, ErrInvalid.WithFields(errs.FieldError{Field: "url", Slug: "url-invalid",
			Message: "an http or https address", Zh: "请填写以http或https开头的地址"})
	}
	if secret == "" {
		secret = old.Secret
	}
	if n := len(secret); n < minSecret || n > maxSecret {
		return Config{}, ErrInvalid.WithFields(errs.FieldError{Field: "secret", Slug: "secret-length",
			Message: "16 to 256 characters", Zh: "密钥应为16至256个字符"})
	}
	return Config{URL: u.String(), Secret: secret, Enabled: enabled, UpdatedBy: by, UpdatedAt: at}, nil
}

// Sign is the signature header's value for a body sent at a Unix time.
func Sign(secret string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(timestamp, 10)))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Status is where a delivery is.
type Status string

const (
	Pending   Status = "pending"
	Delivered Status = "delivered"
	Failed    Status = "failed" // the attempts ran out, or the webhook was turned off
)

// Delivery is one notification on its way to the county's receiver.
type Delivery struct {
	ID          string     `json:"id" bson:"_id"` // the notification's id
	Town        string     `json:"town" bson:"town"`
	Kind        string     `json:"kind" bson:"kind"`
	Body        string     `json:"body" bson:"body"` // the JSON sent, the same on every attempt
	Status      Status     `json:"status" bson:"status"`
	Attempts    int        `json:"attempts" bson:"attempts"`
	NextAt      time.Time  `json:"nextAt" bson:"nextAt"`
	LastCode    int        `json:"lastCode,omitempty" bson:"lastCode,omitempty"` // the receiver's HTTP status
	LastError   string     `json:"lastError,omitempty" bson:"lastError,omitempty"`
	CreatedAt   time.Time  `json:"createdAt" bson:"createdAt"`
	DeliveredAt *time.Time `json:"deliveredAt,omitempty" bson:"deliveredAt,omitempty"`
}

// payload is what the receiver gets: the notification and its town.
type payload struct {
	ID        string            `json:"id"`
	Town      string            `json:"town"`
	Kind      notification.Kind `json:"kind"`
	Recipient string            `json:"recipient"`
	Params    map[string]string `json:"params"`
	Link      string            `json:"link"`
	At        time.Time         `json:"at"`
}

// NewDelivery is a notification of a town to send now.
func NewDelivery(town string, n notification.Notification, at time.Time) (Delivery, error) {
	params := n.Params
	if params == nil {
		params = map[string]string{}
	}
	body, err := json.Marshal(payload{ID: n.ID, Town: town, Kind: n.Kind, Recipient: n.Recipient, Params: params, Link: n.Link, At: n.At})
	if err != nil {
		return Delivery{}, err
	}
	return Delivery{ID: n.ID, Town: town, Kind: string(n.Kind), Body: string(body), Status: Pending, NextAt: at, CreatedAt: at}, nil
}

// Backoff is the wait after the given failed attempt: 1 s, 2 s, 4 s … at most 30 minutes.
func Backoff(attempt int) time.Duration {
	if attempt < 1 {
		return 0
	}
	if attempt > 12 {
		return maxBackoff
	}
	return min(time.Second<<(attempt-1), maxBackoff)
}

// Succeeded records an attempt the receiver took (any 2xx).
func (d *Delivery) Succeeded(code int, at time.Time) {
	d.Attempts++
	d.Status, d.LastCode, d.LastError, d.DeliveredAt = Delivered, code, "", &at
}

// Retry records a failed attempt (code 0: no answer); the delivery waits its backoff, or
// fails for good after MaxAttempts.
func (d *Delivery) Retry(code int, reason string, at time.Time) {
	d.Attempts++
	d.LastCode, d.LastError = code, reason
	if d.Attempts >= MaxAttempts {
		d.Status = Failed
		return
	}
	d.NextAt = at.Add(Backoff(d.Attempts))
}

// GiveUp fails the delivery without another attempt (the webhook was turned off).
func (d *Delivery) GiveUp(reason string) {
	d.Status, d.LastError = Failed, reason
}
