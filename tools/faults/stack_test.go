package faults

import (
	"context"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/embedstack"
)

// stack is a private embedded stack that a scenario may stop and start again on the same
// data directory and addresses, as an operator restarts a database or a broker.
type stack struct {
	t    *testing.T
	name string
	bin  string
	dir  string
	opt  embedstack.Options
	proc *embedstack.Process
	env  embedstack.Env
	log  *tail
}

func startStack(t *testing.T, name string) *stack {
	t.Helper()
	s := &stack{t: t, name: name, bin: binaries(t).embedded, dir: filepath.Join(t.TempDir(), name), log: &tail{}}
	s.opt = embedstack.Options{Log: s.log}
	s.start()
	// Restarts must come back where the services look for them.
	u, err := url.Parse(s.env.MongoURI)
	require.NoError(t, err)
	s.opt.MongoAddr, s.opt.KafkaAddr, s.opt.S3Addr = u.Host, s.env.KafkaBrokers, s.env.S3Endpoint
	t.Cleanup(func() {
		if s.proc != nil {
			_ = s.proc.Stop()
		}
		if t.Failed() {
			t.Logf("%s stack log (tail):\n%s", name, s.log)
		}
	})
	return s
}

func (s *stack) start() {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := embedstack.Start(ctx, s.bin, s.dir, s.opt)
	require.NoError(s.t, err, "starting the %s stack", s.name)
	s.proc, s.env = p, p.Env
}

// stop shuts the stack down cleanly (kfake writes its state to the data directory).
func (s *stack) stop() {
	s.t.Helper()
	require.NoError(s.t, s.proc.Stop(), "stopping the %s stack", s.name)
	s.proc = nil
}

// restart brings the stack back on its data directory and addresses.
func (s *stack) restart() {
	s.t.Helper()
	require.Nil(s.t, s.proc, "restart of a running stack")
	s.start()
}
