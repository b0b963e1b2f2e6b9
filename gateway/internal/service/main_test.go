package service_test

// Component tests: the whole gateway (process, adapters, application, HTTP port) against the
// embedded MongoDB, Kafka and S3 from libs/testkit, over real sockets. The services behind it
// are played by one in-test HTTP server that records what reaches it.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/objects"
	"dundian.local/libs/process"
	"dundian.local/libs/routes"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"

	"dundian.local/gateway/internal/app"
	"dundian.local/gateway/internal/domain/account"
	"dundian.local/gateway/internal/domain/town"
	"dundian.local/gateway/internal/service"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// harness is one running gateway with its stand-in services.
type harness struct {
	svc       *service.Service
	p         *process.Process
	url       string // intranet listener
	publicURL string
	up        *upstream
	access    *auth.Signer      // signs access tokens as the gateway does
	keys      service.Config    // the keys the gateway was given
	identity  ed25519.PublicKey // verifies the identity the gateway forwards
	client    *http.Client
}

var (
	sharedOnce, strictOnce sync.Once
	shared, strictGW       *harness
)

// gw returns the gateway most tests share: no rate limits, so that tests running in
// parallel do not slow each other down. Tests keep apart by town and username.
func gw(t *testing.T) *harness {
	t.Helper()
	sharedOnce.Do(func() { shared = start(t, nil) })
	require.NotNil(t, shared, "the shared gateway did not start")
	return shared
}

// strict returns a second shared gateway with tight limits and the reporting service down:
// few failed logins per address, small proxied bodies, a slow town allowance.
func strict(t *testing.T) *harness {
	t.Helper()
	strictOnce.Do(func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		dead := &url.URL{Scheme: "http", Host: ln.Addr().String()}
		require.NoError(t, ln.Close())
		strictGW = start(t, func(c *sConfig) {
			c.LoginFailuresPerIP = 3
			c.ProxyBodyLimit = 1 << 20
			c.RatePerTown, c.BurstPerTown = 0.1, 2
			c.Upstreams[routes.Reporting] = dead
		})
	})
	require.NotNil(t, strictGW, "the strict gateway did not start")
	return strictGW
}

// start runs a gateway on ephemeral ports; edit adjusts its configuration. It stops when the
// test binary exits.
func start(t testing.TB, edit func(*service.Config)) *harness {
	t.Helper()
	env := testkit.Stack(t)
	_, accessKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	identityPub, identityKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	up := newUpstream()

	cfg := service.Config{
		Addr: "127.0.0.1:0", PublicAddr: "127.0.0.1:0",
		AccessKey: accessKey, IdentityKey: identityKey,
		Upstreams:       map[string]*url.URL{},
		UpstreamTimeout: 10 * time.Second,
		ImportLimit:     32 << 20,
		ProxyBodyLimit:  128 << 20,
		SessionCacheTTL: service.DefaultSessionCacheTTL,
	}
	for _, s := range routes.Services {
		cfg.Upstreams[s] = up.url
	}
	if edit != nil {
		edit(&cfg)
	}
	pcfg := process.Config{
		Name: "gateway", HTTPAddr: cfg.Addr, MongoURI: env.MongoURI, KafkaBrokers: bus.ParseBrokers(env.KafkaBrokers),
		KafkaReplication: 1, ShutdownTimeout: 5 * time.Second, BodyLimit: 1 << 20,
		Objects: objects.Config{Endpoint: env.S3Endpoint, AccessKey: env.S3AccessKey, SecretKey: env.S3SecretKey, Bucket: env.S3Bucket},
	}
	ctx := context.Background()
	p, err := process.NewWithConfig(ctx, pcfg, "test")
	require.NoError(t, err)
	svc, err := service.New(ctx, p, cfg)
	require.NoError(t, err)
	addr, err := p.Listen()
	require.NoError(t, err)
	paddr, err := svc.ListenPublic()
	require.NoError(t, err)
	go func() {
		if err := p.Run(ctx); err != nil {
			fmt.Println("gateway stopped:", err)
		}
	}()
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	require.NoError(t, svc.Setup(sctx))
	h := &harness{
		svc: svc, p: p, up: up,
		url:       "http://" + addr.String(),
		publicURL: "http://" + paddr.String(),
		access:    auth.NewSigner(accessKey, app.AccessIssuer, app.AccessAudience, app.AccessTTL),
		keys:      cfg,
		identity:  identityPub,
		client:    &http.Client{Timeout: 2 * time.Minute},
	}
	testkit.Eventually(t, time.Minute, func() bool {
		resp, err := h.client.Get(h.url + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "the gateway did not become ready")
	return h
}

// sConfig is the gateway's configuration, as tests adjust it.
type sConfig = service.Config

func (h *harness) accessKey() ed25519.PrivateKey { return h.keys.AccessKey }

// root is a context acting as a county administrator, for setting up fixtures through the
// application itself.
func root() context.Context {
	return auth.WithPrincipal(context.Background(), auth.Principal{AccountID: "test-root", Name: "测试", Role: auth.CountyAdmin})
}

// newTown registers a fresh test town with two communities.
func (h *harness) newTown(t *testing.T) tenancy.TownCode {
	t.Helper()
	code := testkit.NewTown(t)
	_, err := h.svc.App.Registry.Create(root(), app.CreateTown{
		Code: code, Name: "测试镇" + string(code[5:]), CountyName: "测试县",
		Communities: []town.Community{{Code: tenancy.CommunityCode(code + "200"), Name: "城厢村"}, {Code: tenancy.CommunityCode(code + "201"), Name: "青沿村"}},
	})
	require.NoError(t, err)
	return code
}

// account creates an account with the role (in town for town roles) and returns it with an
// access token.
func (h *harness) account(t *testing.T, role auth.Role, town tenancy.TownCode) (account.Account, string) {
	t.Helper()
	spec := account.Spec{Username: "u" + strings.ReplaceAll(uuid.NewString(), "-", "")[:20], DisplayName: "测试" + string(role), Role: role}
	if !role.CountyWide() {
		spec.Town = town
	}
	switch role {
	case auth.Cadre:
		spec.CadreID = "cad-" + spec.Username
	case auth.BranchSecretary:
		spec.Community = tenancy.CommunityCode(town + "200")
	}
	acc, err := h.svc.App.Accounts.Create(root(), app.CreateAccount{Spec: spec, Password: "correct horse battery"})
	require.NoError(t, err)
	tok, err := h.access.Sign(acc.Principal())
	require.NoError(t, err)
	return acc, tok
}

// response is an answer read whole.
type response struct {
	*http.Response
	body []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), string(r.body))
}

// problem decodes a problem+json answer.
func (r response) problem(t *testing.T) map[string]any {
	t.Helper()
	require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"), string(r.body))
	var p map[string]any
	r.json(t, &p)
	return p
}

type req struct {
	method, path, token string
	body                any               // JSON-encoded unless an io.Reader or []byte
	header              map[string]string // extra headers
	public              bool              // to the public listener
}

func (h *harness) do(t *testing.T, r req) response {
	t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case io.Reader:
		body = b
	case []byte:
		body = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(t, err)
		body = bytes.NewReader(raw)
	}
	base := h.url
	if r.public {
		base = h.publicURL
	}
	hr, err := http.NewRequest(r.method, base+r.path, body)
	require.NoError(t, err)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	resp, err := h.client.Do(hr)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{resp, b}
}

// waitJob polls a job until it is no longer running.
func (h *harness) waitJob(t *testing.T, token, id string) map[string]any {
	t.Helper()
	var j map[string]any
	testkit.Eventually(t, 3*time.Minute, func() bool {
		r := h.do(t, req{method: "GET", path: "/api/v1/jobs/" + id, token: token})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		r.json(t, &j)
		return j["status"] != "running"
	}, "job %s did not finish", id)
	return j
}

// awaitEvent reads the platform topic's partition of the town until an event matches.
func awaitEvent(t *testing.T, town tenancy.TownCode, match func(events.Envelope) bool) events.Envelope {
	t.Helper()
	partition := (&kafka.Hash{}).Balance(kafka.Message{Key: []byte(town)}, 0, 1, 2, 3, 4, 5)
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: testkit.Brokers(t), Topic: events.Topic(events.Platform), Partition: partition,
		MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 200 * time.Millisecond,
	})
	defer r.Close()
	require.NoError(t, r.SetOffset(kafka.FirstOffset))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		m, err := r.ReadMessage(ctx)
		require.NoError(t, err, "no matching event for town %s", town)
		ev, err := events.Decode(m.Value)
		if err == nil && ev.Town == town && match(ev) {
			return ev
		}
	}
}

// upstream stands in for the five services: it records every request it gets, hashing the
// body as it streams in, and answers by path.
type upstream struct {
	url *url.URL

	mu   sync.Mutex
	seen map[string]seenRequest // by X-Request-Id
}

type seenRequest struct {
	Method, Path, Query string
	Header              http.Header
	ContentLength       int64
	Chunked             bool
	BodySize            int64
	BodySHA256          string
}

func newUpstream() *upstream {
	u := &upstream{seen: map[string]seenRequest{}}
	srv := &http.Server{Handler: u, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() { _ = srv.Serve(ln) }()
	u.url = &url.URL{Scheme: "http", Host: ln.Addr().String()}
	return u
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sum := sha256.New()
	n, _ := io.Copy(sum, r.Body)
	rec := seenRequest{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(),
		ContentLength: r.ContentLength, Chunked: len(r.TransferEncoding) > 0,
		BodySize: n, BodySHA256: hex.EncodeToString(sum.Sum(nil)),
	}
	u.mu.Lock()
	u.seen[r.Header.Get("X-Request-Id")] = rec
	u.mu.Unlock()

	switch {
	case r.URL.Query().Get("big") == "1":
		size := int64(50 << 20)
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", fmt.Sprint(size))
		_, _ = io.Copy(w, io.LimitReader(zeros{}, size))
	case strings.HasPrefix(r.URL.Path, "/api/v1/public/towns/"):
		parts := strings.Split(r.URL.Path, "/")
		community := parts[len(parts)-1]
		if strings.HasSuffix(community, "999") {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"status":404,"code":"community-not-found"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"community":{"code":%q,"name":"城厢村<script>","demonstrationPoint":true},`+
			`"cadres":[{"name":"张三","unit":"县委组织部","post":"科员","phone":"13800000000"}]}`, community)
	default:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Set-Cookie", "upstream=1")
		w.WriteHeader(http.StatusOK)
		_ = json.NewEncoder(w).Encode(map[string]any{"path": r.URL.Path, "bytes": n})
	}
}

// got returns what the upstream saw for a request id.
func (u *upstream) got(id string) (seenRequest, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	s, ok := u.seen[id]
	return s, ok
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
