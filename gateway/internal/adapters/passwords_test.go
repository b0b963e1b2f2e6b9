package adapters

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPasswords_HashVerifiesOnlyTheSamePassword(t *testing.T) {
	t.Parallel()
	p := NewPasswords()
	start := time.Now()
	h, err := p.Hash("correct horse battery")
	require.NoError(t, err)
	t.Logf("one hash took %s", time.Since(start))
	require.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$"), h)
	require.True(t, p.Verify(h, "correct horse battery"))
	require.False(t, p.Verify(h, "correct horse battery!"))

	h2, err := p.Hash("correct horse battery")
	require.NoError(t, err)
	require.NotEqual(t, h, h2, "every hash has its own salt")
}

func TestPasswords_RefusesMalformedOrTamperedHashes(t *testing.T) {
	t.Parallel()
	p := NewPasswords()
	for _, h := range []string{
		"",
		"plaintext",
		"$2a$10$abcdefghijklmnopqrstuv", // bcrypt
		"$argon2i$v=19$m=65536,t=3,p=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=3,p=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", // would cost 95 GiB
		"$argon2id$v=19$m=65536,t=3,p=2$!!$aGFzaGhhc2hoYXNoaGFzaA",
	} {
		require.False(t, p.Verify(h, "anything"), h)
	}
}
