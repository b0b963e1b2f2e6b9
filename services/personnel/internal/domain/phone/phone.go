// Package phone holds the rules for the phone numbers personnel keeps: which numbers are
// accepted and how a number is masked for readers who may not see it whole.
package phone

import (
	"regexp"
	"strings"
)

// A mainland mobile number, or a landline with its area code.
var valid = regexp.MustCompile(`^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$`)

// Normalize trims spaces and reports whether the number is acceptable.
func Normalize(s string) (string, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	return s, valid.MatchString(s)
}

// Mask keeps the first three and last four digits: 13812345678 becomes 138****5678. Shorter
// strings are masked whole so that nothing of them leaks.
func Mask(s string) string {
	if s == "" {
		return ""
	}
	if len(s) < 8 {
		return strings.Repeat("*", len(s))
	}
	return s[:3] + strings.Repeat("*", len(s)-7) + s[len(s)-4:]
}
