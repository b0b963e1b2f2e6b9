package security

import "testing"

// TestSecurity starts the system once, fills three towns through the gateway, runs every
// check against it at once, and reads the processes' logs last, when every check has written
// what it could.
func TestSecurity(t *testing.T) {
	s := startSystem(t)
	var a, b, c *town
	t.Run("towns", func(t *testing.T) {
		for label, dst := range map[string]**town{"甲": &a, "乙": &b, "丙": &c} {
			t.Run(label, func(t *testing.T) {
				t.Parallel()
				*dst = s.newTown(t, label)
			})
		}
	})
	if t.Failed() {
		t.Fatal("the towns could not be set up; the checks need them")
	}
	t.Run("checks", func(t *testing.T) {
		t.Run("foreign town sweep", func(t *testing.T) { t.Parallel(); foreignTownSweep(t, s, a, b) })
		t.Run("tokens", func(t *testing.T) { t.Parallel(); tokenAttacks(t, s, a, b) })
		t.Run("uploads", func(t *testing.T) { t.Parallel(); uploadAbuse(t, s, a, b) })
		t.Run("noisy town", func(t *testing.T) { t.Parallel(); noisyTown(t, s, a, b) })
		t.Run("audit", func(t *testing.T) { t.Parallel(); auditCompleteness(t, s, c) })
	})
	t.Run("logs", func(t *testing.T) { noPersonalDataInLogs(t, s, a, b, c) })
}
