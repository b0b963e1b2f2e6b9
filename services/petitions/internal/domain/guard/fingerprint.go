package guard

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
)

// Fingerprint identifies a text within a scope regardless of spacing and punctuation, so
// the same opinion pasted twice into the same community is recognised as a duplicate.
func Fingerprint(scope, text string) string {
	var b strings.Builder
	b.WriteString(scope)
	b.WriteByte('|')
	for _, r := range strings.ToLower(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:16])
}
