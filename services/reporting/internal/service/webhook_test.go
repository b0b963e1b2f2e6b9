package service_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/testkit"
)

// receiver is a county's messaging gateway: it refuses the first two attempts of every
// delivery, then takes it, and keeps what it took.
type receiver struct {
	mu       sync.Mutex
	attempts map[string]int
	taken    []taken
}

type taken struct {
	body                             []byte
	signature, timestamp, deliveryID string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id := r.Header.Get("X-Dundian-Delivery")
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.attempts[id]++
	if rc.attempts[id] <= 2 {
		http.Error(w, "gateway busy", http.StatusServiceUnavailable)
		return
	}
	rc.taken = append(rc.taken, taken{body: body, signature: r.Header.Get("X-Dundian-Signature"),
		timestamp: r.Header.Get("X-Dundian-Timestamp"), deliveryID: id})
	w.WriteHeader(http.StatusNoContent)
}

// of returns what the receiver took of the town.
func (rc *receiver) of(town string) []taken {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []taken
	for _, x := range rc.taken {
		var p struct{ Town string }
		if json.Unmarshal(x.body, &p) == nil && p.Town == town {
			out = append(out, x)
		}
	}
	return out
}

func TestWebhook_DeliversSignedNotificationsWithRetries(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	rc := &receiver{attempts: map[string]int{}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	const secret = "county-sms-secret-0123"

	r := s.Do(t, countyAdmin, http.MethodPut, "/api/v1/county/webhook", map[string]any{"url": srv.URL + "/in", "secret": secret, "enabled": true})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	t.Cleanup(func() {
		s.Do(t, countyAdmin, http.MethodPut, "/api/v1/county/webhook", map[string]any{"url": srv.URL + "/in", "enabled": false})
	})
	r = s.Do(t, countyAdmin, http.MethodGet, "/api/v1/county/webhook", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.NotContains(t, string(r.Body), secret, "the secret is never shown again")
	var view struct {
		URL       string `json:"url"`
		Enabled   bool   `json:"enabled"`
		SecretSet bool   `json:"secretSet"`
	}
	r.JSON(t, &view)
	require.Equal(t, srv.URL+"/in", view.URL)
	require.True(t, view.Enabled && view.SecretSet)

	// The cadre's submission notifies the town office, in the console and through the webhook.
	town := testkit.NewTown(t)
	call(t, s, cadre(town, "c1"), http.MethodPost, reportPath(town, "c1", calendar.MonthOf(time.Now()))+"/submit", complete(""), http.StatusOK)
	testkit.Eventually(t, 60*time.Second, func() bool { return len(rc.of(string(town))) == 1 }, "the receiver takes the third attempt")
	got := rc.of(string(town))[0]
	ts, err := strconv.ParseInt(got.timestamp, 10, 64)
	require.NoError(t, err)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(got.timestamp + "."))
	mac.Write(got.body)
	require.Equal(t, "sha256="+hex.EncodeToString(mac.Sum(nil)), got.signature, "signed with the county's secret")
	require.InDelta(t, time.Now().Unix(), ts, 120)
	var body struct {
		Kind      string            `json:"kind"`
		Recipient string            `json:"recipient"`
		Params    map[string]string `json:"params"`
	}
	require.NoError(t, json.Unmarshal(got.body, &body))
	require.Equal(t, "report_submitted", body.Kind)
	require.Equal(t, "role:town_admin", body.Recipient)
	require.Equal(t, "c1", body.Params["cadre"])

	type delivery struct {
		ID       string `json:"id"`
		Town     string `json:"town"`
		Status   string `json:"status"`
		Attempts int    `json:"attempts"`
		LastCode int    `json:"lastCode"`
	}
	logged := func() (delivery, bool) {
		r := s.Do(t, countyAdmin, http.MethodGet, "/api/v1/county/webhook/deliveries", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var log struct{ Items []delivery }
		r.JSON(t, &log)
		for _, d := range log.Items {
			if d.ID == got.deliveryID {
				return d, true
			}
		}
		return delivery{}, false
	}
	// The receiver answered before the log was written: wait for the log.
	testkit.Eventually(t, 30*time.Second, func() bool { d, ok := logged(); return ok && d.Status != "pending" },
		"the delivery is in the county administrator's log")
	d, _ := logged()
	require.Equal(t, string(town), d.Town)
	require.Equal(t, "delivered", d.Status)
	require.Equal(t, 3, d.Attempts, "two refusals, then taken")
	require.Equal(t, http.StatusNoContent, d.LastCode)
}

func TestWebhook_OnlyTheCountyAdministrator(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	for _, p := range []auth.Principal{{AccountID: "i", Role: auth.CountyInspector}, office(town)} {
		for _, path := range []string{"/api/v1/county/webhook", "/api/v1/county/webhook/deliveries"} {
			require.Equal(t, http.StatusForbidden, s.Do(t, p, http.MethodGet, path, nil).Status, "%s %s", p.Role, path)
		}
		require.Equal(t, http.StatusForbidden, s.Do(t, p, http.MethodPut, "/api/v1/county/webhook",
			map[string]any{"url": "https://sms.example.gov.cn/in", "secret": "0123456789abcdef"}).Status, p.Role)
	}
	r := s.Do(t, countyAdmin, http.MethodPut, "/api/v1/county/webhook", map[string]any{"url": "file:///etc/passwd", "secret": "0123456789abcdef"})
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
}
