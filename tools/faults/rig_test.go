package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/tenancy"
)

// rig is one scenario's world: a data stack (MongoDB and S3) and a broker stack (Kafka),
// separate so that either can be stopped alone, and the services that run against them.
type rig struct {
	t      *testing.T
	data   *stack
	broker *stack
	pub    string
	signer *auth.Signer
	mongo  *mongo.Client // the ledger's own view of the data
	http   *http.Client
	kafka  *kafka.Client // admin requests: lag, group members
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{t: t, data: startStack(t, "data"), broker: startStack(t, "broker")}
	pub, priv, err := auth.GenerateKeyPair()
	require.NoError(t, err)
	key, err := auth.ParsePrivateKey(priv)
	require.NoError(t, err)
	r.pub, r.signer = pub, auth.NewSigner(key, auth.InternalIssuer, auth.InternalAudience, 2*time.Minute)
	r.mongo, err = mongo.Connect(options.Client().ApplyURI(r.data.env.MongoURI).SetServerSelectionTimeout(5 * time.Second))
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.mongo.Disconnect(context.Background()) })
	// Its own transport: a keep-alive connection must not carry one scenario's requests to
	// another's server.
	r.http = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	t.Cleanup(r.http.CloseIdleConnections)
	// A transport of its own: kafka-go's shared one caches metadata for 6 s.
	tr := &kafka.Transport{MetadataTTL: time.Second}
	t.Cleanup(tr.CloseIdleConnections)
	r.kafka = &kafka.Client{Addr: kafka.TCP(r.brokers()...), Timeout: 5 * time.Second, Transport: tr}
	return r
}

// serviceOpt changes a service's environment before it starts.
type serviceOpt func(env map[string]string)

// withMongo points the service at another MongoDB address (a proxy in front of the stack).
func withMongo(uri string) serviceOpt { return func(env map[string]string) { env["MONGO_URI"] = uri } }

// startService runs fieldwork or reporting against the rig's stacks and stops it when the
// test ends. The service's log is printed if the test fails.
func (r *rig) startService(name string, opts ...serviceOpt) *service {
	r.t.Helper()
	bin := binaries(r.t).fieldwork
	if name == "reporting" {
		bin = binaries(r.t).reporting
	}
	vars := map[string]string{
		"HTTP_ADDR":                   freeAddr(r.t),
		"MONGO_URI":                   r.data.env.MongoURI,
		"KAFKA_BROKERS":               r.broker.env.KafkaBrokers,
		"S3_ENDPOINT":                 r.data.env.S3Endpoint,
		"S3_ACCESS_KEY":               r.data.env.S3AccessKey,
		"S3_SECRET_KEY":               r.data.env.S3SecretKey,
		"S3_BUCKET":                   r.data.env.S3Bucket,
		"DUNDIAN_IDENTITY_PUBLIC_KEY": r.pub,
		"SHUTDOWN_TIMEOUT":            "20s",
	}
	for _, o := range opts {
		o(vars)
	}
	env := childEnviron()
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	s := &service{t: r.t, name: name, bin: bin, addr: vars["HTTP_ADDR"], env: env, log: &tail{}}
	s.start()
	r.t.Cleanup(func() {
		if s.running() {
			s.kill()
		}
		if r.t.Failed() {
			r.t.Logf("%s log (tail):\n%s", s.name, s.log)
		}
	})
	return s
}

// writeResult is what the client heard for one work log.
type writeResult struct {
	town   tenancy.TownCode
	token  string // unique text of the log, to find it in the store
	status int    // 0 when no answer came
	code   string // the problem's slug on an error answer
	detail string
	retry  string // Retry-After
	id     string // the work log's id on 201
	err    error
	at     time.Time // when the answer (or the error) came
}

// writeLog writes one work log as a cadre, through fieldwork's HTTP API as the gateway would
// forward it. key, when not empty, is sent as the Idempotency-Key.
func (r *rig) writeLog(ctx context.Context, fw *service, town tenancy.TownCode, cadre, token, key string) (res writeResult) {
	res = writeResult{town: town, token: token}
	defer func() { res.at = time.Now() }()
	body, _ := json.Marshal(map[string]string{
		"community": string(town) + "201",
		"date":      calendar.BeijingDay(time.Now()).String(),
		"text":      logText(token),
	})
	// Load workers call this off the test's goroutine: failures go into the result, which
	// the scenario checks, never through require here.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fw.URL()+"/api/v1/towns/"+string(town)+"/work-logs", bytes.NewReader(body))
	if err != nil {
		res.err = err
		return res
	}
	tok, err := r.signer.Sign(auth.Principal{AccountID: "acc-" + cadre, Role: auth.Cadre, Town: town, CadreID: cadre})
	if err != nil {
		res.err = err
		return res
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(auth.InternalHeader, tok)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := r.http.Do(req)
	if err != nil {
		res.err = err
		return res
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	res.status, res.retry = resp.StatusCode, resp.Header.Get("Retry-After")
	var out struct {
		ID     string `json:"id"`
		Code   string `json:"code"`
		Detail string `json:"detail"`
	}
	_ = json.Unmarshal(raw, &out)
	res.id, res.code, res.detail = out.ID, out.Code, out.Detail
	return res
}

// town is a fresh town code for the scenario; every rig has its own stack, so codes only
// need to differ within one.
func town(n int) tenancy.TownCode {
	code, err := tenancy.ParseTown("99" + strings.Repeat("0", 6) + string(rune('1'+n)))
	if err != nil {
		panic(err)
	}
	return code
}

// brokers is the broker stack's bootstrap list.
func (r *rig) brokers() []string { return strings.Split(r.broker.env.KafkaBrokers, ",") }

// readTopic returns every message on every partition of topic, from the first to the last.
func (r *rig) readTopic(ctx context.Context, topic string) []kafka.Message {
	r.t.Helper()
	conn, err := kafka.DialContext(ctx, "tcp", r.brokers()[0])
	require.NoError(r.t, err)
	parts, err := conn.ReadPartitions(topic)
	conn.Close()
	require.NoError(r.t, err)
	var out []kafka.Message
	for _, p := range parts {
		pc, err := kafka.DialLeader(ctx, "tcp", r.brokers()[0], topic, p.ID)
		require.NoError(r.t, err)
		first, last, err := pc.ReadOffsets()
		require.NoError(r.t, err)
		pc.Close()
		if last <= first {
			continue
		}
		rd := kafka.NewReader(kafka.ReaderConfig{Brokers: r.brokers(), Topic: topic, Partition: p.ID, MaxWait: 100 * time.Millisecond})
		require.NoError(r.t, rd.SetOffset(first))
		for off := first; off < last; off++ {
			m, err := rd.ReadMessage(ctx)
			require.NoError(r.t, err)
			out = append(out, m)
		}
		rd.Close()
	}
	return out
}

// publish writes raw messages as a producer would, acknowledged by the broker.
func (r *rig) publish(ctx context.Context, msgs ...kafka.Message) {
	r.t.Helper()
	w := &kafka.Writer{Addr: kafka.TCP(r.brokers()...), Balancer: &kafka.Hash{}, RequiredAcks: kafka.RequireAll,
		BatchTimeout: 5 * time.Millisecond, BatchSize: 500}
	defer w.Close()
	require.NoError(r.t, w.WriteMessages(ctx, msgs...))
}

// headers returns a message's headers by key.
func headers(m kafka.Message) map[string]string {
	out := map[string]string{}
	for _, h := range m.Headers {
		out[h.Key] = string(h.Value)
	}
	return out
}

// groupLag waits for the group to commit everything on topic and returns what is left
// (zero unless the wait ran out).
func groupLag(t *testing.T, r *rig, group, topic string) int64 {
	t.Helper()
	client := r.kafka
	var lag int64
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		var err error
		lag, err = bus.GroupLag(ctx, client, group, []string{topic})
		cancel()
		if err == nil && lag == 0 || time.Now().After(deadline) {
			return lag
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// metric sums the samples of a Prometheus metric on the service's /metrics whose labels
// contain label.
func metric(t *testing.T, s *service, name, label string) float64 {
	t.Helper()
	resp, err := http.Get(s.URL() + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var sum float64
	for _, line := range strings.Split(string(body), "\n") {
		if !strings.HasPrefix(line, name+"{") || !strings.Contains(line, label) {
			continue
		}
		fields := strings.Fields(line)
		v, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		require.NoError(t, err, line)
		sum += v
	}
	return sum
}

// groupMembers describes a consumer group: its state and its members' ids, sorted.
func groupMembers(r *rig, group string) (string, []string) {
	client := r.kafka
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := client.DescribeGroups(ctx, &kafka.DescribeGroupsRequest{GroupIDs: []string{group}})
	if err != nil || len(resp.Groups) == 0 {
		return "", nil
	}
	g := resp.Groups[0]
	ids := make([]string, 0, len(g.Members))
	for _, m := range g.Members {
		ids = append(ids, m.MemberID)
	}
	slices.Sort(ids)
	return g.GroupState, ids
}
