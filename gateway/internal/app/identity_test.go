package app

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
)

func TestIdentityVerify_ARememberedTokenStillExpires(t *testing.T) {
	t.Parallel()
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	clk := &clock{t: time.Now()}
	id := New(Deps{
		AccessSigner:   auth.NewSigner(key, AccessIssuer, AccessAudience, time.Hour),
		AccessVerifier: auth.NewVerifier(pub, AccessIssuer, AccessAudience),
		Now:            clk.now,
	}).Identity
	p := auth.Principal{AccountID: "acc-1", Name: "测试", Role: auth.CountyInspector}
	tok, err := id.d.AccessSigner.Sign(p)
	require.NoError(t, err)

	for _, tc := range []struct {
		name    string
		advance time.Duration
		wantErr error
	}{
		{"first use verifies the signature", 0, nil},
		{"a later use within the lifetime is the same token", 59 * time.Minute, nil},
		{"after the lifetime it is refused", 2 * time.Minute, errs.ErrUnauthorized},
	} {
		clk.advance(tc.advance)
		got, err := id.Verify(tok)
		if tc.wantErr != nil {
			require.ErrorIs(t, err, tc.wantErr, tc.name)
			continue
		}
		require.NoError(t, err, tc.name)
		require.Equal(t, p.AccountID, got.Principal.AccountID, tc.name)
		require.Equal(t, p.Role, got.Principal.Role, tc.name)
	}

	_, err = id.Verify(tok[:len(tok)-2] + "AA")
	require.ErrorIs(t, err, errs.ErrUnauthorized, "a changed signature is checked, not remembered")
}
