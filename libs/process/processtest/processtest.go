// Package processtest starts one service in the test process against the shared embedded
// stack, over real sockets, and calls it as the gateway would: with a signed internal
// identity token.
package processtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/objects"
	"dundian.local/libs/process"
	"dundian.local/libs/testkit"
)

// Service is a running service under test.
type Service struct {
	URL    string
	Signer *auth.Signer
	P      *process.Process
}

// Start builds the named service on a fresh process, lets wire add its parts, and serves it
// on a free port until the test ends.
func Start(t testing.TB, name string, wire func(ctx context.Context, p *process.Process) error) *Service {
	t.Helper()
	s, stop := start(t, name, wire)
	t.Cleanup(stop)
	return s
}

// Shared returns a function that starts the service on first use and hands every test of
// the binary the same one, so parallel tests share one process; it runs until the test
// binary exits.
func Shared(name string, wire func(ctx context.Context, p *process.Process) error) func(t testing.TB) *Service {
	var (
		once sync.Once
		svc  *Service
	)
	return func(t testing.TB) *Service {
		t.Helper()
		once.Do(func() { svc, _ = start(t, name, wire) })
		require.NotNil(t, svc, "%s did not start (see the first test that used it)", name)
		return svc
	}
}

func start(t testing.TB, name string, wire func(ctx context.Context, p *process.Process) error) (*Service, func()) {
	t.Helper()
	env := testkit.Stack(t)
	pub, priv, err := auth.GenerateKeyPair()
	require.NoError(t, err)
	cfg := process.Config{
		Name:              name,
		HTTPAddr:          "127.0.0.1:0",
		MongoURI:          env.MongoURI,
		KafkaBrokers:      []string{env.KafkaBrokers},
		KafkaReplication:  1,
		IdentityPublicKey: pub,
		ShutdownTimeout:   10 * time.Second,
		BodyLimit:         1 << 20,
		Objects: objects.Config{Endpoint: env.S3Endpoint, AccessKey: env.S3AccessKey, SecretKey: env.S3SecretKey,
			Bucket: env.S3Bucket},
	}
	ctx, cancel := context.WithCancel(context.Background())
	p, err := process.NewWithConfig(ctx, cfg, "test")
	require.NoError(t, err)
	require.NoError(t, wire(ctx, p))
	addr, err := p.Listen()
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	stop := func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("service did not stop within 30 s")
		}
	}
	key, err := auth.ParsePrivateKey(priv)
	require.NoError(t, err)
	s := &Service{URL: "http://" + addr.String(), Signer: auth.NewSigner(key, auth.InternalIssuer, auth.InternalAudience, 2*time.Minute), P: p}
	testkit.Eventually(t, 60*time.Second, func() bool {
		resp, err := http.Get(s.URL + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "%s became ready", name)
	return s, stop
}

// Response is what a call returned.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Body, v), string(r.Body))
}

// Do calls the service as p (the zero Principal sends no identity). body is marshalled as
// JSON unless it is a []byte.
func (s *Service) Do(t testing.TB, p auth.Principal, method, path string, body any, header ...string) Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	require.NoError(t, err)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if p.AccountID != "" {
		tok, err := s.Signer.Sign(p)
		require.NoError(t, err)
		req.Header.Set(auth.InternalHeader, tok)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}
