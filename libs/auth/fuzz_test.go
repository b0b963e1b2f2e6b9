package auth_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// fuzzKey is fixed so that the fuzzer can mutate a genuinely signed token.
var fuzzKey = ed25519.NewKeyFromSeed([]byte("dundian-fuzz-key-32-bytes-long!!"))

// FuzzVerify: no change to a signed token gives it another meaning. A token either verifies
// as exactly the principal it was signed for or is refused as unauthorised; never a panic.
func FuzzVerify(f *testing.F) {
	signer := auth.NewSigner(fuzzKey, auth.InternalIssuer, auth.InternalAudience, time.Hour)
	good, err := signer.Sign(townAdmin)
	require.NoError(f, err)
	parts := strings.Split(good, ".")
	enc := base64.RawURLEncoding.EncodeToString
	for _, seed := range []string{
		good,
		parts[0] + "." + parts[1] + ".",
		enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + ".",
		enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + parts[1] + "." + parts[2],
		parts[0] + "." + enc([]byte(`{"sub":"acc-1","role":"county_admin","iss":"dundian-gateway","aud":["dundian-services"],"exp":9999999999}`)) + "." + parts[2],
		"", ".", "..", "a.b.c", strings.Repeat("A", 1000),
	} {
		f.Add(seed)
	}
	v := auth.NewVerifier(fuzzKey.Public().(ed25519.PublicKey), auth.InternalIssuer, auth.InternalAudience)
	f.Fuzz(func(t *testing.T, tok string) {
		p, err := v.Verify(tok)
		if err != nil {
			require.ErrorIs(t, err, errs.ErrUnauthorized)
			require.Zero(t, p)
			return
		}
		require.Equal(t, townAdmin, p, "a token that verifies names exactly whom it was signed for")
	})
}

// FuzzSignVerify: a principal the signer accepts comes back from the verifier unchanged; one it
// refuses gets no token. What is accepted is what a token may claim: an account, a known
// role, a valid town for town roles and a community inside that town.
func FuzzSignVerify(f *testing.F) {
	for _, seed := range [][6]string{
		{"acc-1", "王芳", "town_admin", "130624100", "", ""},
		{"acc-2", "", "county_admin", "", "", ""},
		{"acc-3", "", "branch_secretary", "130624100", "", "130624100200"},
		{"acc-4", "", "branch_secretary", "130624100", "", "130624101200"},
		{"acc-5", "", "cadre", "130624100", "cadre-1", ""},
		{"acc-6", "", "cadre", "", "cadre-1", ""},
		{"", "", "town_admin", "130624100", "", ""},
		{"acc-7", "", "root", "130624100", "", ""},
		{"acc-8", "", "county_inspector", "13062410x", "", ""},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3], seed[4], seed[5])
	}
	signer := auth.NewSigner(fuzzKey, auth.InternalIssuer, auth.InternalAudience, time.Hour)
	v := auth.NewVerifier(fuzzKey.Public().(ed25519.PublicKey), auth.InternalIssuer, auth.InternalAudience)
	f.Fuzz(func(t *testing.T, account, name, role, town, cadre, community string) {
		p := auth.Principal{AccountID: account, Name: name, Role: auth.Role(role), Town: tenancy.TownCode(town),
			CadreID: cadre, Community: tenancy.CommunityCode(community)}
		tok, err := signer.Sign(p)
		if err != nil {
			require.Empty(t, tok)
			return
		}
		require.NotEmpty(t, account)
		require.True(t, p.Role.Valid())
		got, err := v.Verify(tok)
		require.NoError(t, err)
		// JSON carries text as UTF-8: each invalid byte in a name or id becomes U+FFFD. Ids
		// are made by the gateway and names are checked when an account is saved, so only
		// the fuzzer sends such bytes.
		p.AccountID, p.Name, p.CadreID = asJSONText(p.AccountID), asJSONText(p.Name), asJSONText(p.CadreID)
		require.Equal(t, p, got)
		if community != "" {
			require.True(t, strings.HasPrefix(community, town))
		}
	})
}

// FuzzParseKeys: key text is either a key of the right size or an error; never a panic.
func FuzzParseKeys(f *testing.F) {
	pub, priv, err := auth.GenerateKeyPair()
	require.NoError(f, err)
	for _, seed := range []string{pub, priv, " " + pub + "\n", "", "====", strings.Repeat("A", 44), strings.Repeat("A", 43) + "="} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if k, err := auth.ParsePublicKey(s); err == nil {
			require.Len(t, k, ed25519.PublicKeySize)
		}
		if k, err := auth.ParsePrivateKey(s); err == nil {
			require.Len(t, k, ed25519.PrivateKeySize)
		}
	})
}

// asJSONText is s as encoding/json writes it: every byte that is not part of valid UTF-8
// replaced by U+FFFD.
func asJSONText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
