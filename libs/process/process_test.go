package process_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/objects"
	"dundian.local/libs/process"
	"dundian.local/libs/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func config(t *testing.T) process.Config {
	env := testkit.Stack(t)
	return process.Config{
		Name: "fieldwork", HTTPAddr: "127.0.0.1:0", MongoURI: env.MongoURI, KafkaBrokers: []string{env.KafkaBrokers},
		KafkaReplication: 1, ShutdownTimeout: 10 * time.Second, BodyLimit: 1 << 20,
		Objects: objects.Config{Endpoint: env.S3Endpoint, AccessKey: env.S3AccessKey, SecretKey: env.S3SecretKey, Bucket: env.S3Bucket},
	}
}

func TestRun_ShutdownLetsInFlightRequestsAndWorkersFinish(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	p, err := process.NewWithConfig(ctx, config(t), "test")
	require.NoError(t, err)
	entered := make(chan struct{})
	p.App.Get("/slow", func(c *fiber.Ctx) error {
		close(entered)
		time.Sleep(700 * time.Millisecond)
		return c.SendString("finished")
	})
	var workerStopped atomic.Bool
	p.Go("worker", func(ctx context.Context) error {
		<-ctx.Done()
		workerStopped.Store(true)
		return nil
	})
	addr, err := p.Listen()
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	base := "http://" + addr.String()
	testkit.Eventually(t, 60*time.Second, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	type result struct {
		body string
		err  error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			res <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		res <- result{string(b), err}
	}()
	<-entered
	cancel() // SIGTERM, in effect
	r := <-res
	require.NoError(t, r.err, "the in-flight request was not cut off")
	require.Equal(t, "finished", r.body)
	require.NoError(t, <-done)
	require.True(t, workerStopped.Load())
	_, err = http.Get(base + "/healthz")
	require.Error(t, err, "no longer listening")
}

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, err := process.NewWithConfig(ctx, config(t), "test")
	require.NoError(t, err)
	addr, err := p.Listen()
	require.NoError(t, err)
	go func() { _ = p.Run(ctx) }()
	base := "http://" + addr.String()
	testkit.Eventually(t, 60*time.Second, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode == http.StatusOK && strings.Contains(string(b), "mongodb") &&
			strings.Contains(string(b), "kafka") && strings.Contains(string(b), "s3")
	}, "readyz checks MongoDB, Kafka and S3")
	// A request is measured as its answer leaves, so the client can be a moment ahead.
	testkit.Eventually(t, 10*time.Second, func() bool {
		resp, err := http.Get(base + "/metrics")
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return strings.Contains(string(b), "http_server_request_duration_seconds_bucket")
	}, "the readyz calls were measured")
}

func TestReadyz_ReportsAStoreThatIsDown(t *testing.T) {
	t.Parallel()
	cfg := config(t)
	cfg.MongoURI = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, err := process.NewWithConfig(ctx, cfg, "test")
	require.NoError(t, err)
	addr, err := p.Listen()
	require.NoError(t, err)
	go func() { _ = p.Run(ctx) }()
	testkit.Eventually(t, 60*time.Second, func() bool {
		resp, err := http.Get("http://" + addr.String() + "/readyz")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode == http.StatusServiceUnavailable && strings.Contains(string(b), "mongodb")
	})
}

func TestLoadConfig_NamesEveryMissingVariable(t *testing.T) {
	for _, k := range []string{"MONGO_URI", "KAFKA_BROKERS", "S3_ENDPOINT", "DUNDIAN_IDENTITY_PUBLIC_KEY"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	_, err := process.LoadConfig("personnel")
	require.Error(t, err)
	for _, k := range []string{"MONGO_URI", "KAFKA_BROKERS", "S3_ENDPOINT", "DUNDIAN_IDENTITY_PUBLIC_KEY"} {
		require.Contains(t, err.Error(), k)
	}
	t.Setenv("KAFKA_REPLICATION_FACTOR", "three")
	_, err = process.LoadConfig("personnel")
	require.ErrorContains(t, err, "KAFKA_REPLICATION_FACTOR")
}
