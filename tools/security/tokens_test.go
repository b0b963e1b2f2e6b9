package security

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/tenancy"
)

// forge builds a JWT by hand, so that the suite can make tokens no well-behaved library would:
// alg "none", HMAC keyed with a public key, any claims. sign is nil for no signature.
func forge(t *testing.T, alg string, claims map[string]any, sign func(input []byte) []byte) string {
	t.Helper()
	h, err := json.Marshal(map[string]any{"alg": alg, "typ": "JWT"})
	require.NoError(t, err)
	c, err := json.Marshal(claims)
	require.NoError(t, err)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	var sig []byte
	if sign != nil {
		sig = sign([]byte(input))
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func ed25519Sign(key ed25519.PrivateKey) func([]byte) []byte {
	return func(in []byte) []byte { return ed25519.Sign(key, in) }
}

func hs256(secret []byte) func([]byte) []byte {
	return func(in []byte) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write(in)
		return m.Sum(nil)
	}
}

// claimsFor are the claims a token for p would carry; edit changes them.
func claimsFor(p auth.Principal, iss, aud string, edit func(map[string]any)) map[string]any {
	now := time.Now()
	c := map[string]any{
		"sub": p.AccountID, "role": string(p.Role), "iss": iss, "aud": []string{aud},
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": uuid.NewString(),
	}
	if p.Town != "" {
		c["town"] = string(p.Town)
	}
	if p.CadreID != "" {
		c["cadre"] = p.CadreID
	}
	if edit != nil {
		edit(c)
	}
	return c
}

// attacks are the ways to forge or misuse a token of key's kind for p: every one must be
// refused. Each edit runs on claims that would otherwise pass.
func attacks(t *testing.T, key ed25519.PrivateKey, iss, aud string, p auth.Principal) map[string]string {
	t.Helper()
	pub := key.Public().(ed25519.PublicKey)
	_, otherKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	hour := time.Hour
	signed := func(edit func(map[string]any)) string {
		return forge(t, "EdDSA", claimsFor(p, iss, aud, edit), ed25519Sign(key))
	}
	good := signed(nil)
	parts := strings.Split(good, ".")
	tampered := claimsFor(p, iss, aud, func(c map[string]any) { c["role"] = "county_admin"; delete(c, "town") })
	raw, err := json.Marshal(tampered)
	require.NoError(t, err)
	return map[string]string{
		"alg none":                               forge(t, "none", claimsFor(p, iss, aud, nil), nil),
		"alg none with signature":                forge(t, "none", claimsFor(p, iss, aud, nil), ed25519Sign(key)),
		"HS256 keyed with the public key":        forge(t, "HS256", claimsFor(p, iss, aud, nil), hs256(pub)),
		"HS256 keyed with the base64 public key": forge(t, "HS256", claimsFor(p, iss, aud, nil), hs256([]byte(b64(pub)))),
		"EdDSA without a signature":              forge(t, "EdDSA", claimsFor(p, iss, aud, nil), nil),
		"another key":                            forge(t, "EdDSA", claimsFor(p, iss, aud, nil), ed25519Sign(otherKey)),
		"expired": signed(func(c map[string]any) {
			c["iat"], c["exp"] = time.Now().Add(-2*hour).Unix(), time.Now().Add(-hour).Unix()
		}),
		"without expiry":    signed(func(c map[string]any) { delete(c, "exp") }),
		"not yet valid":     signed(func(c map[string]any) { c["nbf"] = time.Now().Add(hour).Unix() }),
		"issued in future":  signed(func(c map[string]any) { c["iat"] = time.Now().Add(hour).Unix() }),
		"wrong issuer":      signed(func(c map[string]any) { c["iss"] = "someone-else" }),
		"no issuer":         signed(func(c map[string]any) { delete(c, "iss") }),
		"wrong audience":    signed(func(c map[string]any) { c["aud"] = []string{"someone-else"} }),
		"no audience":       signed(func(c map[string]any) { delete(c, "aud") }),
		"tampered claims":   parts[0] + "." + base64.RawURLEncoding.EncodeToString(raw) + "." + parts[2],
		"signature dropped": parts[0] + "." + parts[1] + ".",
		"garbage":           "a.b.c",
	}
}

// tokenAttacks: forged, expired, re-targeted and tampered tokens get nothing, neither at the
// gateway (access tokens) nor at any service called directly (internal identity tokens).
func tokenAttacks(t *testing.T, s *system, a, b *town) {
	officeA := auth.Principal{AccountID: a.accounts[auth.TownAdmin], Role: auth.TownAdmin, Town: tenancy.TownCode(a.code)}
	cadreURL := "/api/v1/towns/" + a.code + "/cadres/" + a.cadre

	t.Run("access tokens at the gateway", func(t *testing.T) {
		t.Parallel()
		must(t, http.StatusOK, "GET", s.gateway+cadreURL, a.tokens[auth.TownAdmin], nil)
		for name, tok := range attacks(t, s.accessKey, accessIssuer, accessAudience, officeA) {
			r := call(t, "GET", s.gateway+cadreURL, tok, nil)
			require.Equal(t, http.StatusUnauthorized, r.status, "%s: %s", name, r.body)
			requireProblem(t, r)
		}
		// An internal identity token is not an access token, even though the gateway made it.
		internal := forge(t, "EdDSA", claimsFor(officeA, auth.InternalIssuer, auth.InternalAudience, nil), ed25519Sign(s.identityKey))
		require.Equal(t, http.StatusUnauthorized, call(t, "GET", s.gateway+cadreURL, internal, nil).status)
		// A client's own identity header is dropped, not believed.
		r := call(t, "GET", s.gateway+cadreURL, "", nil, auth.InternalHeader, internal)
		require.Equal(t, http.StatusUnauthorized, r.status, string(r.body))
	})

	t.Run("a validly signed token carries only its account's rights", func(t *testing.T) {
		t.Parallel()
		// Signed with the gateway's own key, naming town B's cadre but claiming to be a county
		// administrator of town A: the gateway takes role and town from the account.
		forged := forge(t, "EdDSA", claimsFor(auth.Principal{AccountID: b.accounts[auth.Cadre], Role: auth.Cadre, Town: tenancy.TownCode(b.code)},
			accessIssuer, accessAudience, func(c map[string]any) {
				c["role"], c["town"], c["cadre"] = "county_admin", a.code, a.cadre
			}), ed25519Sign(s.accessKey))
		r := call(t, "GET", s.gateway+cadreURL, forged, nil)
		require.Equal(t, http.StatusNotFound, r.status, string(r.body))
		r = call(t, "GET", s.gateway+"/api/v1/county/comparison", forged, nil)
		require.Equal(t, http.StatusForbidden, r.status, string(r.body))
	})

	t.Run("disabled and logged-out accounts", func(t *testing.T) {
		t.Parallel()
		username, password := "sec-disabled-"+a.code, "security-"+randHex(8)
		var acc struct {
			ID string `json:"id"`
		}
		must(t, http.StatusCreated, "POST", s.gateway+"/api/v1/accounts", s.admin, map[string]any{"username": username,
			"displayName": "停用测试", "role": "town_leader", "town": a.code, "password": password}).json(t, &acc)
		tok := s.login(t, username, password)
		spare := s.login(t, username, password)
		must(t, http.StatusOK, "GET", s.gateway+cadreURL, tok, nil)
		must(t, http.StatusNoContent, "POST", s.gateway+"/api/v1/auth/logout", spare, nil)
		require.Equal(t, http.StatusUnauthorized, call(t, "GET", s.gateway+cadreURL, spare, nil).status, "a logged-out token")
		must(t, http.StatusOK, "PATCH", s.gateway+"/api/v1/accounts/"+acc.ID, s.admin, map[string]any{"status": "disabled"})
		require.Equal(t, http.StatusUnauthorized, call(t, "GET", s.gateway+cadreURL, tok, nil).status, "a disabled account's token")
		r := call(t, "POST", s.gateway+"/api/v1/auth/login", "", map[string]any{"username": username, "password": password})
		require.Contains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, r.status, "a disabled account logs in: %s", r.body)
		require.NotContains(t, string(r.body), "token")
	})

	// One record route of each service, called directly, around the gateway.
	direct := map[string]string{
		"personnel":  cadreURL,
		"fieldwork":  "/api/v1/towns/" + a.code + "/work-logs/" + a.workLog,
		"petitions":  "/api/v1/towns/" + a.code + "/opinions/" + a.opinion,
		"reporting":  "/api/v1/towns/" + a.code + "/monthly-reports?month=" + a.month,
		"assessment": "/api/v1/towns/" + a.code + "/inspections",
	}
	for name, path := range direct {
		t.Run("internal tokens at "+name, func(t *testing.T) {
			t.Parallel()
			u := s.services[name] + path
			ok := func(p auth.Principal) string {
				return forge(t, "EdDSA", claimsFor(p, auth.InternalIssuer, auth.InternalAudience, nil), ed25519Sign(s.identityKey))
			}
			r := call(t, "GET", u, "", nil, auth.InternalHeader, ok(officeA))
			require.Equal(t, http.StatusOK, r.status, "the gateway's identity opens the route: %s", r.body)

			r = call(t, "GET", u, "", nil)
			require.Equal(t, http.StatusUnauthorized, r.status, "no identity: %s", r.body)
			r = call(t, "GET", u, a.tokens[auth.TownAdmin], nil, auth.InternalHeader, a.tokens[auth.TownAdmin])
			require.Equal(t, http.StatusUnauthorized, r.status, "a login token instead of the gateway's: %s", r.body)
			for attack, tok := range attacks(t, s.identityKey, auth.InternalIssuer, auth.InternalAudience, officeA) {
				r := call(t, "GET", u, "", nil, auth.InternalHeader, tok)
				require.Equal(t, http.StatusUnauthorized, r.status, "%s: %s", attack, r.body)
			}
			// Signed by the access key (a console token's key) with internal claims.
			r = call(t, "GET", u, "", nil, auth.InternalHeader,
				forge(t, "EdDSA", claimsFor(officeA, auth.InternalIssuer, auth.InternalAudience, nil), ed25519Sign(s.accessKey)))
			require.Equal(t, http.StatusUnauthorized, r.status, "signed with the access key: %s", r.body)

			// A genuine identity of town B's office gets nothing of town A: the service checks
			// the town itself rather than trusting the gateway's routing.
			officeB := auth.Principal{AccountID: b.accounts[auth.TownAdmin], Role: auth.TownAdmin, Town: tenancy.TownCode(b.code)}
			r = call(t, "GET", u, "", nil, auth.InternalHeader, ok(officeB))
			require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, r.status, "town B's identity in town A: %s", r.body)
			for _, secret := range a.secrets {
				require.NotContains(t, string(r.body), secret)
			}
		})
	}
}

func requireProblem(t *testing.T, r response) {
	t.Helper()
	require.Contains(t, r.header.Get("Content-Type"), "application/problem+json", string(r.body))
}
