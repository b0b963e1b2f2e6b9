package auth_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
)

func newKeys(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	return pub, priv
}

var townAdmin = auth.Principal{AccountID: "acc-1", Name: "王芳", Role: auth.TownAdmin, Town: "130624100"}

// claimsFor returns valid claims for p that a test then breaks one way or another.
func claimsFor(p auth.Principal) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{
		"sub":  p.AccountID,
		"role": string(p.Role),
		"iss":  auth.InternalIssuer,
		"aud":  auth.InternalAudience,
		"exp":  now.Add(time.Minute).Unix(),
		"iat":  now.Unix(),
		"jti":  "j-1",
	}
	if p.Town != "" {
		c["town"] = string(p.Town)
	}
	if p.Community != "" {
		c["community"] = string(p.Community)
	}
	return c
}

func signEdDSA(t *testing.T, priv ed25519.PrivateKey, c jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c).SignedString(priv)
	require.NoError(t, err)
	return tok
}

// unsignedToken builds an `alg: none` token by hand: the library refuses to make one.
func unsignedToken(t *testing.T, c jwt.MapClaims) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "none", "typ": "JWT"}) + "." + enc(c) + "."
}

func TestSignVerify_RoundTripKeepsThePrincipal(t *testing.T) {
	t.Parallel()
	pub, priv := newKeys(t)
	signer := auth.NewSigner(priv, auth.InternalIssuer, auth.InternalAudience, 0)
	verifier := auth.NewVerifier(pub, auth.InternalIssuer, auth.InternalAudience)

	for _, p := range []auth.Principal{
		townAdmin,
		{AccountID: "acc-2", Role: auth.CountyAdmin},
		{AccountID: "acc-3", Role: auth.CountyInspector, Town: "130624100"},
		{AccountID: "acc-4", Role: auth.Cadre, Town: "130624100", CadreID: "cadre-9"},
		{AccountID: "acc-5", Role: auth.BranchSecretary, Town: "130624100", Community: "130624100201"},
	} {
		tok, err := signer.Sign(p)
		require.NoError(t, err, p.Role)
		got, err := verifier.Verify(tok)
		require.NoError(t, err, p.Role)
		require.Equal(t, p, got)
	}
}

func TestVerify_RejectsEveryBadToken(t *testing.T) {
	t.Parallel()
	pub, priv := newKeys(t)
	_, otherPriv := newKeys(t)
	verifier := auth.NewVerifier(pub, auth.InternalIssuer, auth.InternalAudience)

	with := func(change func(jwt.MapClaims)) jwt.MapClaims {
		c := claimsFor(townAdmin)
		change(c)
		return c
	}
	hs256WithPublicKey, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claimsFor(townAdmin)).SignedString([]byte(pub))
	require.NoError(t, err)
	otherIssuer, err := auth.NewSigner(priv, "someone-else", auth.InternalAudience, time.Minute).Sign(townAdmin)
	require.NoError(t, err)
	otherAudience, err := auth.NewSigner(priv, auth.InternalIssuer, "dundian-console", time.Minute).Sign(townAdmin)
	require.NoError(t, err)

	for name, tok := range map[string]string{
		"alg none":                        unsignedToken(t, claimsFor(townAdmin)),
		"HS256 keyed with the public key": hs256WithPublicKey,
		"signed by another key":           signEdDSA(t, otherPriv, claimsFor(townAdmin)),
		"expired": signEdDSA(t, priv, with(func(c jwt.MapClaims) {
			c["exp"] = time.Now().Add(-time.Minute).Unix()
		})),
		"issued in the future": signEdDSA(t, priv, with(func(c jwt.MapClaims) {
			c["iat"] = time.Now().Add(time.Hour).Unix()
			c["exp"] = time.Now().Add(2 * time.Hour).Unix()
		})),
		"wrong audience": otherAudience,
		"wrong issuer":   otherIssuer,
		"missing exp":    signEdDSA(t, priv, with(func(c jwt.MapClaims) { delete(c, "exp") })),
		"missing sub":    signEdDSA(t, priv, with(func(c jwt.MapClaims) { delete(c, "sub") })),
		"unknown role":   signEdDSA(t, priv, with(func(c jwt.MapClaims) { c["role"] = "superuser" })),
		"town role without town": signEdDSA(t, priv, with(func(c jwt.MapClaims) {
			delete(c, "town")
		})),
		"malformed town": signEdDSA(t, priv, with(func(c jwt.MapClaims) { c["town"] = "13062410" })),
		"community outside its town": signEdDSA(t, priv, with(func(c jwt.MapClaims) {
			c["role"] = string(auth.BranchSecretary)
			c["community"] = "130624200201"
		})),
		"tampered payload": func() string {
			parts := strings.Split(signEdDSA(t, priv, claimsFor(townAdmin)), ".")
			c := claimsFor(townAdmin)
			c["role"] = string(auth.CountyAdmin)
			b, err := json.Marshal(c)
			require.NoError(t, err)
			parts[1] = base64.RawURLEncoding.EncodeToString(b)
			return strings.Join(parts, ".")
		}(),
		"not a token": "hello",
		"empty":       "",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := verifier.Verify(tok)
			require.ErrorIs(t, err, errs.ErrUnauthorized)
		})
	}
}

func TestSign_RefusesAPrincipalVerifyWouldRefuse(t *testing.T) {
	t.Parallel()
	_, priv := newKeys(t)
	signer := auth.NewSigner(priv, auth.InternalIssuer, auth.InternalAudience, time.Minute)
	for name, p := range map[string]auth.Principal{
		"no account":             {Role: auth.CountyAdmin},
		"unknown role":           {AccountID: "a", Role: "root"},
		"town role without town": {AccountID: "a", Role: auth.Cadre},
	} {
		_, err := signer.Sign(p)
		require.Error(t, err, name)
	}
}

func TestKeys_GeneratedPairParsesAndWorks(t *testing.T) {
	t.Parallel()
	pubB64, privB64, err := auth.GenerateKeyPair()
	require.NoError(t, err)
	pub, err := auth.ParsePublicKey(pubB64)
	require.NoError(t, err)
	priv, err := auth.ParsePrivateKey(" " + privB64 + "\n") // as read from a file or env
	require.NoError(t, err)

	tok, err := auth.NewSigner(priv, auth.InternalIssuer, auth.InternalAudience, 0).Sign(townAdmin)
	require.NoError(t, err)
	_, err = auth.NewVerifier(pub, auth.InternalIssuer, auth.InternalAudience).Verify(tok)
	require.NoError(t, err)
}

func TestKeys_MalformedKeysAreRefused(t *testing.T) {
	t.Parallel()
	_, priv := newKeys(t)
	for name, bad := range map[string]string{
		"empty":                        "",
		"not base64":                   "not base64!",
		"too short":                    base64.StdEncoding.EncodeToString([]byte("short")),
		"64-byte expanded private key": base64.StdEncoding.EncodeToString(priv),
	} {
		_, err := auth.ParsePublicKey(bad)
		require.Error(t, err, name)
		_, err = auth.ParsePrivateKey(bad)
		require.Error(t, err, name)
	}
}
