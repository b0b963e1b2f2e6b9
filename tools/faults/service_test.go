package faults

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/embedstack"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// bins are the executables the scenarios run: the embedded stack and the two services.
type bins struct {
	dir                            string
	embedded, fieldwork, reporting string
}

var (
	buildOnce sync.Once
	built     bins
	buildErr  error
)

// binaries builds the stack (cached across runs by embedstack) and the real service binaries
// once per test binary: the faults must hit the code that ships, in processes that can be
// killed.
func binaries(t *testing.T) bins {
	t.Helper()
	buildOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		defer cancel()
		root, err := embedstack.RepoRoot()
		if err != nil {
			buildErr = err
			return
		}
		if built.embedded, err = embedstack.Build(ctx, root); err != nil {
			buildErr = err
			return
		}
		if built.dir, err = os.MkdirTemp("", "dundian-faults-"); err != nil {
			buildErr = err
			return
		}
		cmd := exec.CommandContext(ctx, "go", "build", "-o", built.dir+string(filepath.Separator),
			"./services/fieldwork/cmd/fieldwork", "./services/reporting/cmd/reporting")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building the services: %w\n%s", err, out)
			return
		}
		built.fieldwork = filepath.Join(built.dir, "fieldwork")
		built.reporting = filepath.Join(built.dir, "reporting")
	})
	require.NoError(t, buildErr)
	return built
}

// service is a real service binary running as a child process.
type service struct {
	t    *testing.T
	name string
	bin  string
	addr string
	env  []string
	log  *tail

	cmd  *exec.Cmd
	done chan struct{}
	err  error // from Wait, set before done closes
}

func (s *service) URL() string { return "http://" + s.addr }

// start runs the binary and waits until /readyz answers 200.
func (s *service) start() {
	s.t.Helper()
	cmd := exec.Command(s.bin)
	cmd.Env = s.env
	cmd.Stdout, cmd.Stderr = s.log, s.log
	cmd.SysProcAttr = childAttr()
	require.NoError(s.t, cmd.Start())
	s.cmd, s.done, s.err = cmd, make(chan struct{}), nil
	done := s.done
	go func() {
		err := cmd.Wait()
		s.err = err
		close(done)
	}()
	deadline := time.Now().Add(time.Minute)
	for {
		select {
		case <-done:
			s.t.Fatalf("%s exited before it was ready: %v\n%s", s.name, s.err, s.log)
		default:
		}
		if resp, err := http.Get(s.URL() + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s not ready within a minute\n%s", s.name, s.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// terminate sends SIGTERM, as Kubernetes does, and returns the exit status.
func (s *service) terminate() error {
	s.t.Helper()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return s.err
	case <-time.After(40 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("%s did not exit within 40 s of SIGTERM", s.name)
	}
}

// kill ends the process at once (SIGKILL): nothing of it gets to finish.
func (s *service) kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

func (s *service) running() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// freeAddr reserves a loopback port for a service, so that a restarted process comes back
// where its clients look for it.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// childEnviron is this process's environment without what would point a child elsewhere:
// the shared stack's variables and OpenTelemetry exporters.
func childEnviron() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "OTEL_") || strings.HasPrefix(name, "S3_") || strings.HasPrefix(name, "KAFKA_") ||
			name == embedstack.VarMongoURI || name == "HTTP_ADDR" || name == "DUNDIAN_IDENTITY_PUBLIC_KEY" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// isRefused reports a connection the server never accepted: the request was not in flight.
func isRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// tail keeps the end of a process's output for the failure message.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailSize = 16 << 10

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > tailSize {
		t.buf = t.buf[len(t.buf)-tailSize:]
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.Clone(t.buf))
}
