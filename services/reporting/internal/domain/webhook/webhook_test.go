package webhook_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/services/reporting/internal/domain/notification"
	"dundian.local/services/reporting/internal/domain/webhook"
)

var at = time.Date(2026, 5, 6, 8, 0, 0, 0, time.UTC)

func TestConfigure(t *testing.T) {
	t.Parallel()
	old := webhook.Config{URL: "https://sms.example.gov.cn/in", Secret: "an-old-secret-of-length"}
	tests := []struct {
		name, url, secret string
		wantErr           bool
		wantSecret        string
	}{
		{"a new secret", "https://sms.example.gov.cn/hook", "0123456789abcdef", false, "0123456789abcdef"},
		{"no secret keeps the old one", "http://10.0.0.5:8080/hook", "", false, old.Secret},
		{"a secret too short", "https://sms.example.gov.cn/hook", "short", true, ""},
		{"another scheme", "ftp://sms.example.gov.cn/hook", "0123456789abcdef", true, ""},
		{"no host", "https:///hook", "0123456789abcdef", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := webhook.Configure(old, tt.url, tt.secret, true, "admin", at)
			if tt.wantErr {
				require.True(t, errors.Is(err, webhook.ErrInvalid), err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantSecret, c.Secret)
			require.True(t, c.Enabled)
		})
	}
}

func TestSign_IsTheHMACOfTheTimestampAndTheBody(t *testing.T) {
	t.Parallel()
	// python3: hmac.new(b"0123456789abcdef", b'1780000000.{"a":1}', hashlib.sha256).hexdigest()
	require.Equal(t, "sha256=bbc5da54367f5e39957fab1768fefa9cb855aa3b2717bef17cedda003c97c1bb",
		webhook.Sign("0123456789abcdef", 1780000000, []byte(`{"a":1}`)))
	a := webhook.Sign("0123456789abcdef", 1780000000, []byte(`{"a":1}`))
	require.NotEqual(t, a, webhook.Sign("0123456789abcdef", 1780000001, []byte(`{"a":1}`)), "the timestamp is signed")
	require.NotEqual(t, a, webhook.Sign("0123456789abcdeF", 1780000000, []byte(`{"a":1}`)), "the secret keys it")
	require.NotEqual(t, a, webhook.Sign("0123456789abcdef", 1780000000, []byte(`{"a":2}`)), "the body is signed")
}

func TestBackoff_DoublesUpToHalfAnHour(t *testing.T) {
	t.Parallel()
	tests := []struct {
		attempt int
		want    time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {5, 16 * time.Second}, {11, 1024 * time.Second}, {12, 30 * time.Minute}, {40, 30 * time.Minute}}
	for _, tt := range tests {
		require.Equal(t, tt.want, webhook.Backoff(tt.attempt), tt.attempt)
	}
}

func TestDelivery_RetriesThenFails(t *testing.T) {
	t.Parallel()
	n := notification.New("ev1", notification.ToCadre("c1"), notification.ReportReturned, map[string]string{"month": "2026-04"}, "/reports", at)
	d, err := webhook.NewDelivery("130624100", n, at)
	require.NoError(t, err)
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(d.Body), &body))
	require.Equal(t, "130624100", body["town"])
	require.Equal(t, "report_returned", body["kind"])
	require.Equal(t, n.ID, d.ID, "a redelivered event enqueues the same delivery")

	d.Retry(503, "unavailable", at)
	require.Equal(t, webhook.Pending, d.Status)
	require.Equal(t, at.Add(time.Second), d.NextAt)
	for d.Status == webhook.Pending {
		d.Retry(0, "connection refused", at)
	}
	require.Equal(t, webhook.MaxAttempts, d.Attempts)
	require.Equal(t, webhook.Failed, d.Status)
}

func TestDelivery_Succeeded(t *testing.T) {
	t.Parallel()
	d, err := webhook.NewDelivery("130624100", notification.New("ev1", "role:town_admin", notification.ReportSubmitted, nil, "/reports", at), at)
	require.NoError(t, err)
	d.Retry(500, "boom", at)
	d.Succeeded(204, at.Add(time.Second))
	require.Equal(t, webhook.Delivered, d.Status)
	require.Equal(t, 2, d.Attempts)
	require.Empty(t, d.LastError)
	require.Contains(t, d.Body, `"params":{}`)
}
