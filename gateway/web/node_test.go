package web

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The console's pure modules (dates in Beijing time, deadlines, masking) have unit tests in
// jstest/, run with Node's own test runner. Go runs them too, so one `go test` covers the
// console wherever Node is installed (Debian's nodejs package).
func TestScripts_UnitTestsPassUnderNode(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; run `node --test gateway/web/jstest/` where it is")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, node, "--test", "jstest/").CombinedOutput()
	require.NoError(t, err, "%s", out)
}
