package security

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/routes"
)

// mobileNumber is a mainland mobile number standing alone (not inside a longer run of digits
// or letters, such as a trace id).
var mobileNumber = regexp.MustCompile(`(?:^|[^0-9A-Za-z])1[3-9][0-9]{9}(?:[^0-9A-Za-z]|$)`)

// hardshipValue is a hardship attribute with a value other than the redaction.
var hardshipValue = regexp.MustCompile(`(?i)"[a-z_]*hardship[a-z_]*":"([^"]*)"`)

// noPersonalDataInLogs reads every line every process wrote while the suite ran (at debug
// level): none may carry a phone number — the ones the suite wrote or any other — nor a
// hardship status.
func noPersonalDataInLogs(t *testing.T, s *system, towns ...*town) {
	lines := s.logs.Lines()
	for _, name := range append([]string{"gateway", "gateway-noisy"}, routes.Services...) {
		require.True(t, hasPrefix(lines, name+": "), "no line from %s: the log check would prove nothing", name)
	}
	var phones, hardships []string
	for _, tw := range towns {
		phones = append(phones, tw.phones...)
		hardships = append(hardships, tw.hardship)
	}
	for _, line := range lines {
		require.Falsef(t, mobileNumber.MatchString(line), "a phone number in the log: %s", line)
		for _, p := range phones {
			require.NotContains(t, line, p)
		}
		for _, h := range hardships {
			require.NotContains(t, line, h, "a hardship status in the log")
		}
		for _, m := range hardshipValue.FindAllStringSubmatch(line, -1) {
			require.Equal(t, "[redacted]", m[1], "a hardship attribute in the log: %s", line)
		}
	}
	t.Logf("%d log lines read", len(lines))
}

func hasPrefix(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}
