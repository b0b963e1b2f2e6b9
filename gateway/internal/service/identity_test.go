package service_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"

	"dundian.local/gateway/internal/app"
)

func TestLogin_RightPassword_GivesTokenAndStrictHttpOnlyCookie(t *testing.T) {
	t.Parallel()
	h := gw(t)
	town := h.newTown(t)
	acc, _ := h.account(t, auth.TownAdmin, town)

	r := h.do(t, req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": acc.Username, "password": "correct horse battery"}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	var res struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expiresAt"`
		Account   struct {
			ID           string `json:"id"`
			Role         string `json:"role"`
			PasswordHash string `json:"passwordHash"`
		} `json:"account"`
	}
	r.json(t, &res)
	require.Equal(t, acc.ID, res.Account.ID)
	require.Empty(t, res.Account.PasswordHash)
	require.NotContains(t, string(r.body), "argon2", "the hash never leaves the gateway")
	require.WithinDuration(t, time.Now().Add(12*time.Hour), res.ExpiresAt, time.Minute)

	var cookie *http.Cookie
	for _, c := range r.Cookies() {
		if c.Name == "dundian_session" {
			cookie = c
		}
	}
	require.NotNil(t, cookie)
	require.True(t, cookie.HttpOnly)
	require.Equal(t, http.SameSiteStrictMode, cookie.SameSite)
	require.False(t, cookie.Secure, "plain HTTP without GATEWAY_COOKIE_SECURE")

	// The cookie alone authenticates (the console's way).
	me := h.do(t, req{method: "GET", path: "/api/v1/me", header: map[string]string{"Cookie": "dundian_session=" + cookie.Value}})
	require.Equal(t, http.StatusOK, me.StatusCode, string(me.body))
	require.Contains(t, string(me.body), acc.Username)
}

func TestLogin_WrongPasswordOrUnknownUser_Is401WithChineseMessage(t *testing.T) {
	t.Parallel()
	h := gw(t)
	acc, _ := h.account(t, auth.CountyInspector, "")
	for name, body := range map[string]map[string]string{
		"wrong password": {"username": acc.Username, "password": "wrong horse battery"},
		"unknown user":   {"username": "nobody-" + acc.Username, "password": "correct horse battery"},
	} {
		r := h.do(t, req{method: "POST", path: "/api/v1/auth/login", body: body})
		require.Equal(t, http.StatusUnauthorized, r.StatusCode, name)
		p := r.problem(t)
		require.Equal(t, "bad-credentials", p["code"], name)
		require.Equal(t, "用户名或密码错误", p["detail"], name)
	}
}

func TestLogin_FiveFailures_LockTheAccountFor15Minutes(t *testing.T) {
	t.Parallel()
	h := gw(t)
	acc, _ := h.account(t, auth.Cadre, h.newTown(t))
	login := func(pw string) response {
		return h.do(t, req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": acc.Username, "password": pw}})
	}
	for i := range 5 {
		require.Equal(t, http.StatusUnauthorized, login("wrong horse battery").StatusCode, "failure %d", i+1)
	}
	r := login("correct horse battery")
	require.Equal(t, http.StatusTooManyRequests, r.StatusCode, "even the right password is refused while locked")
	p := r.problem(t)
	require.Equal(t, "login-locked", p["code"])
	require.Contains(t, p["detail"], "锁定 15 分钟")
	after, err := strconv.Atoi(r.Header.Get("Retry-After"))
	require.NoError(t, err)
	require.InDelta(t, 15*60, after, 60)

	// An administrator's password reset lifts the lock.
	admin, adminTok := h.account(t, auth.TownAdmin, acc.Town)
	_ = admin
	reset := h.do(t, req{method: "POST", path: "/api/v1/accounts/" + acc.ID + "/password", token: adminTok, body: map[string]string{"password": "another horse battery"}})
	require.Equal(t, http.StatusNoContent, reset.StatusCode, string(reset.body))
	require.Equal(t, http.StatusOK, login("another horse battery").StatusCode)
}

func TestLogin_FailuresPerAddressAreLimited(t *testing.T) {
	t.Parallel()
	h := strict(t) // three failed logins per address
	for i := range 3 {
		r := h.do(t, req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": "ghost-" + t.Name() + strconv.Itoa(i) + strconv.FormatInt(time.Now().UnixNano(), 36), "password": "wrong horse battery"}})
		require.Equal(t, http.StatusUnauthorized, r.StatusCode)
	}
	r := h.do(t, req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": "ghost9-" + strconv.FormatInt(time.Now().UnixNano(), 36), "password": "wrong horse battery"}})
	require.Equal(t, http.StatusTooManyRequests, r.StatusCode)
	require.Equal(t, "login-rate-limited", r.problem(t)["code"])
	require.NotEmpty(t, r.Header.Get("Retry-After"))
}

// forge builds a token with the given header and claims, signed by key (unsigned when nil).
func forge(t *testing.T, header map[string]any, claims map[string]any, key ed25519.PrivateKey) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	unsigned := enc(header) + "." + enc(claims)
	if key == nil {
		return unsigned + "."
	}
	return unsigned + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(key, []byte(unsigned)))
}

func TestAccessToken_Attacks_Are401(t *testing.T) {
	t.Parallel()
	h := gw(t)
	acc, good := h.account(t, auth.CountyAdmin, "")
	_, otherKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	now := time.Now()
	claims := func(edit func(map[string]any)) map[string]any {
		c := map[string]any{
			"sub": acc.ID, "role": "county_admin", "iss": app.AccessIssuer, "aud": []string{app.AccessAudience},
			"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": "j-" + acc.ID,
		}
		if edit != nil {
			edit(c)
		}
		return c
	}
	wrongAudience, err := auth.NewSigner(h.accessKey(), app.AccessIssuer, auth.InternalAudience, time.Hour).Sign(acc.Principal())
	require.NoError(t, err)
	internal, err := auth.NewSigner(h.keys.IdentityKey, auth.InternalIssuer, auth.InternalAudience, time.Hour).Sign(acc.Principal())
	require.NoError(t, err)
	parts := strings.Split(good, ".")
	for name, tok := range map[string]string{
		"alg none":        forge(t, map[string]any{"alg": "none", "typ": "JWT"}, claims(nil), nil),
		"wrong key":       forge(t, map[string]any{"alg": "EdDSA", "typ": "JWT"}, claims(nil), otherKey),
		"expired":         expiredToken(t, h, acc.Principal()),
		"wrong audience":  wrongAudience,
		"internal token":  internal,
		"unsigned EdDSA":  forge(t, map[string]any{"alg": "EdDSA", "typ": "JWT"}, claims(nil), nil),
		"HS256 confusion": forge(t, map[string]any{"alg": "HS256", "typ": "JWT"}, claims(nil), nil),
		"tampered claims": parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"`+acc.ID+`","role":"county_admin","town":""}`)) + "." + parts[2],
		"garbage":         "not-a-token",
	} {
		r := h.do(t, req{method: "GET", path: "/api/v1/me", token: tok})
		require.Equal(t, http.StatusUnauthorized, r.StatusCode, name)
	}
	require.Equal(t, http.StatusOK, h.do(t, req{method: "GET", path: "/api/v1/me", token: good}).StatusCode)
}

// expiredToken signs with the gateway's key a token that expired an hour ago.
func expiredToken(t *testing.T, h *harness, p auth.Principal) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{
		"sub": p.AccountID, "role": string(p.Role), "iss": app.AccessIssuer, "aud": []string{app.AccessAudience},
		"iat": time.Now().Add(-13 * time.Hour).Unix(), "exp": time.Now().Add(-time.Hour).Unix(), "jti": "expired",
	}).SignedString(h.accessKey())
	require.NoError(t, err)
	return tok
}

func TestLogout_RevokesTheToken(t *testing.T) {
	t.Parallel()
	h := gw(t)
	_, tok := h.account(t, auth.CountyInspector, "")
	require.Equal(t, http.StatusOK, h.do(t, req{method: "GET", path: "/api/v1/me", token: tok}).StatusCode)
	out := h.do(t, req{method: "POST", path: "/api/v1/auth/logout", token: tok})
	require.Equal(t, http.StatusNoContent, out.StatusCode, string(out.body))
	require.Equal(t, http.StatusUnauthorized, h.do(t, req{method: "GET", path: "/api/v1/me", token: tok}).StatusCode)
}

func TestChangePassword_NeedsTheOldOneAndEndsOlderSessions(t *testing.T) {
	t.Parallel()
	h := gw(t)
	acc, tok := h.account(t, auth.TownLeader, h.newTown(t))
	change := func(tok, old, next string) response {
		return h.do(t, req{method: "POST", path: "/api/v1/auth/password", token: tok, body: map[string]string{"oldPassword": old, "newPassword": next}})
	}
	r := change(tok, "wrong horse battery", "a brand new secret")
	require.Equal(t, http.StatusBadRequest, r.StatusCode)
	require.Equal(t, "wrong-old-password", r.problem(t)["code"])

	r = change(tok, "correct horse battery", "short")
	require.Equal(t, http.StatusBadRequest, r.StatusCode)
	require.Equal(t, "password-too-weak", r.problem(t)["code"])

	r = change(tok, "correct horse battery", acc.Username)
	require.Equal(t, http.StatusBadRequest, r.StatusCode, "the username is not a password")

	time.Sleep(1100 * time.Millisecond) // token times are in whole seconds
	r = change(tok, "correct horse battery", "a brand new secret")
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	var res struct {
		Token string `json:"token"`
	}
	r.json(t, &res)
	require.Equal(t, http.StatusUnauthorized, h.do(t, req{method: "GET", path: "/api/v1/me", token: tok}).StatusCode,
		"a token from before the change is refused")
	require.Equal(t, http.StatusOK, h.do(t, req{method: "GET", path: "/api/v1/me", token: res.Token}).StatusCode)
}

func TestDisabledAccount_IsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	h := gw(t)
	town := h.newTown(t)
	acc, tok := h.account(t, auth.Cadre, town)
	_, adminTok := h.account(t, auth.TownAdmin, town)
	require.Equal(t, http.StatusOK, h.do(t, req{method: "GET", path: "/api/v1/me", token: tok}).StatusCode,
		"the account is in the session cache when it is disabled")
	r := h.do(t, req{method: "PATCH", path: "/api/v1/accounts/" + acc.ID, token: adminTok, body: map[string]string{"status": "disabled"}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Equal(t, http.StatusUnauthorized, h.do(t, req{method: "GET", path: "/api/v1/me", token: tok}).StatusCode)
	login := h.do(t, req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": acc.Username, "password": "correct horse battery"}})
	require.Equal(t, http.StatusForbidden, login.StatusCode)
	require.Equal(t, "account-disabled", login.problem(t)["code"])
}

func TestBootstrap_DoesNothingWhereAccountsExist(t *testing.T) {
	t.Parallel()
	h := gw(t)
	h.account(t, auth.CountyAdmin, "")
	created, err := h.svc.App.Identity.Bootstrap(root(), "admin-again", "correct horse battery")
	require.NoError(t, err)
	require.False(t, created)
}
