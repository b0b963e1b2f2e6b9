package security

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
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

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/auth"
	"dundian.local/libs/embedstack"
	"dundian.local/libs/routes"
	"dundian.local/libs/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// Issuer and audience of the gateway's access tokens (gateway/internal/app, not importable
// from here); a token with other values is refused, which the token checks rely on.
const (
	accessIssuer   = "dundian-gateway"
	accessAudience = "dundian-console"
)

// system is the gateway and the five services running as processes of their own, each one's
// output kept for the log check.
type system struct {
	gateway  string            // the intranet listener: console and API
	noisy    string            // a second gateway on the same services with a small per-town allowance
	services map[string]string // service name → base URL

	accessKey   ed25519.PrivateKey // signs the console's access tokens
	identityKey ed25519.PrivateKey // signs the identity forwarded to services
	admin       string             // a county administrator's access token

	logs  *logSink
	procs []*exec.Cmd
}

// startSystem builds the processes from this work tree and starts them against the stack
// testkit names; they stop when the test ends.
func startSystem(t *testing.T) *system {
	t.Helper()
	root, err := embedstack.RepoRoot()
	require.NoError(t, err)
	stack := testkit.Stack(t)

	began := time.Now()
	bin := t.TempDir()
	pkgs := []string{"./gateway/cmd/gateway"}
	for _, s := range routes.Services {
		pkgs = append(pkgs, "./services/"+s+"/cmd/"+s)
	}
	build := exec.Command("go", append([]string{"build", "-o", bin + string(os.PathSeparator)}, pkgs...)...)
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))
	t.Logf("built the six processes in %s", time.Since(began).Round(time.Millisecond))

	_, accessKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	identityPub, identityKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	challenge := make([]byte, 32)
	_, _ = rand.Read(challenge)

	s := &system{services: map[string]string{}, accessKey: accessKey, identityKey: identityKey, logs: &logSink{}}
	t.Cleanup(func() {
		s.stop()
		if t.Failed() { // the processes' side of a failure
			path := filepath.Join(os.TempDir(), fmt.Sprintf("dundian-security-%d.log", os.Getpid()))
			if err := os.WriteFile(path, []byte(s.logs.String()), 0o600); err == nil {
				t.Logf("the processes' output is in %s", path)
			}
		}
	})
	public := freeAddr(t)
	base := append(os.Environ(), stack.Environ()...)
	base = append(base,
		"LOG_LEVEL=debug", // the log check reads everything a process can say
		"DUNDIAN_IDENTITY_PUBLIC_KEY="+b64(identityPub),
		"PUBLIC_BASE_URL=http://"+public,
		"PETITIONS_CHALLENGE_KEY="+hex.EncodeToString(challenge),
	)
	for _, name := range routes.Services {
		addr := freeAddr(t)
		s.services[name] = "http://" + addr
		s.spawn(t, filepath.Join(bin, name), name, append(base, "HTTP_ADDR="+addr))
	}
	gatewayEnv := func(addr, publicAddr string, extra ...string) []string {
		env := append(append([]string{}, base...),
			"HTTP_ADDR="+addr, "GATEWAY_ADDR="+addr, "GATEWAY_PUBLIC_ADDR="+publicAddr,
			"DUNDIAN_ACCESS_TOKEN_KEY="+b64(accessKey.Seed()),
			"DUNDIAN_IDENTITY_PRIVATE_KEY="+b64(identityKey.Seed()),
			"GATEWAY_RATE_PER_IP=0", // every request of the suite comes from 127.0.0.1
		)
		for name, u := range s.services {
			env = append(env, strings.ToUpper(name)+"_URL="+u)
		}
		return append(env, extra...)
	}
	gw, noisy := freeAddr(t), freeAddr(t)
	s.gateway, s.noisy = "http://"+gw, "http://"+noisy
	s.spawn(t, filepath.Join(bin, "gateway"), "gateway", gatewayEnv(gw, public, "GATEWAY_RATE_PER_TOWN=0"))
	s.spawn(t, filepath.Join(bin, "gateway"), "gateway-noisy", gatewayEnv(noisy, freeAddr(t),
		"GATEWAY_RATE_PER_TOWN=1", "GATEWAY_BURST_PER_TOWN=5"))

	var wg sync.WaitGroup
	errc := make(chan error, len(s.services)+2)
	for name, u := range s.services {
		wg.Go(func() { errc <- waitReady(name, u) })
	}
	wg.Go(func() { errc <- waitReady("gateway", s.gateway) })
	wg.Go(func() { errc <- waitReady("gateway-noisy", s.noisy) })
	wg.Wait()
	close(errc)
	for err := range errc {
		require.NoError(t, err, "a process did not become ready; its output:\n%s", s.logs.String())
	}
	t.Logf("the system was ready %s after the build began", time.Since(began).Round(time.Millisecond))
	s.admin = s.plantCountyAdmin(t)
	return s
}

// plantCountyAdmin writes a county administrator into platform.accounts and signs its access
// token with the key the gateway was given. The bootstrap account cannot be used: the suite
// shares the stack (and so the platform database) with other tests, and the bootstrap only
// acts on an empty one.
func (s *system) plantCountyAdmin(t *testing.T) string {
	t.Helper()
	id := uuid.Must(uuid.NewV7()).String()
	now := time.Now().UTC().Add(-time.Minute).Truncate(time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := testkit.Mongo(t).Database("platform").Collection("accounts").InsertOne(ctx, bson.D{
		{Key: "_id", Value: id}, {Key: "username", Value: "security-admin-" + id},
		{Key: "displayName", Value: "安全测试管理员"}, {Key: "role", Value: string(auth.CountyAdmin)},
		{Key: "status", Value: "active"}, {Key: "passwordHash", Value: "!"},
		{Key: "passwordChangedAt", Value: now}, {Key: "createdAt", Value: now}, {Key: "updatedAt", Value: now},
		{Key: "rev", Value: int64(1)},
	})
	require.NoError(t, err)
	return s.accessToken(t, auth.Principal{AccountID: id, Role: auth.CountyAdmin}, time.Hour)
}

// accessToken signs an access token as the gateway does.
func (s *system) accessToken(t *testing.T, p auth.Principal, ttl time.Duration) string {
	t.Helper()
	tok, err := auth.NewSigner(s.accessKey, accessIssuer, accessAudience, ttl).Sign(p)
	require.NoError(t, err)
	return tok
}

func (s *system) spawn(t *testing.T, path, name string, env []string) {
	t.Helper()
	cmd := exec.Command(path)
	cmd.Env = env
	w := s.logs.writer(name)
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	require.NoError(t, cmd.Start(), name)
	s.procs = append(s.procs, cmd)
}

// stop ends the gateways first, then the services, each with SIGTERM so that they drain.
func (s *system) stop() {
	for i := len(s.procs) - 1; i >= 0; i-- {
		p := s.procs[i]
		_ = p.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = p.Process.Kill()
			<-done
		}
	}
	s.procs = nil
}

func waitReady(name, base string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s at %s was not ready within 2 minutes", name, base)
}

// b64 is the standard base64 the key variables are given in.
func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// logSink keeps every line every process wrote, tagged with the process's name.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logSink) writer(name string) io.Writer { return &taggedWriter{sink: l, tag: name} }

// Lines returns the lines written so far, each prefixed with its process's name.
func (l *logSink) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimRight(l.buf.String(), "\n"), "\n")
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// taggedWriter splits a process's output into lines; a partial line waits for its end.
type taggedWriter struct {
	sink    *logSink
	tag     string
	partial []byte
}

func (w *taggedWriter) Write(p []byte) (int, error) {
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.sink.mu.Lock()
		fmt.Fprintf(&w.sink.buf, "%s: %s\n", w.tag, w.partial[:i])
		w.sink.mu.Unlock()
		w.partial = w.partial[i+1:]
	}
}

// response is what a request returned.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), string(r.body))
}

// call sends a request; body is marshalled as JSON unless it is a []byte or an io.Reader.
// header holds name, value pairs.
func call(t *testing.T, method, url, token string, body any, header ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case io.Reader:
		rd = b
	default:
		raw, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(raw)
		header = append([]string{"Content-Type", "application/json"}, header...)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	require.NoError(t, err, "%s %s", method, url)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

var client = &http.Client{Timeout: 30 * time.Second}

// must is call that requires the status.
func must(t *testing.T, status int, method, url, token string, body any, header ...string) response {
	t.Helper()
	r := call(t, method, url, token, body, header...)
	require.Equal(t, status, r.status, "%s %s: %s", method, url, r.body)
	return r
}
