package httpx_test

import (
	"testing"

	"dundian.local/libs/testkit"
)

// The idempotency tests use the embedded MongoDB-wire store; the others start nothing.
func TestMain(m *testing.M) { testkit.Main(m) }
