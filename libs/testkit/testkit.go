// Package testkit gives tests the embedded stack (MongoDB wire, Kafka, S3) and fresh towns.
//
// The test command (`make test`) starts one stack for the whole run and passes it in MONGO_URI,
// KAFKA_BROKERS, S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY and S3_BUCKET; pointed at real
// servers, the same variables run the same tests against them. When MONGO_URI is unset, as with
// a plain `go test` in one package, the first call to Stack builds and starts a stack for this
// test binary alone. Packages that use the stack call Main from TestMain so that it is stopped
// and its data removed after the tests; without Main the stack still exits with the test binary.
//
// Tests stay apart by town: each takes its own codes from NewTown, so tests run in parallel,
// across packages, against one stack.
package testkit

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/embedstack"
)

var (
	once    sync.Once
	env     embedstack.Env
	envErr  error
	own     *embedstack.Process // the stack this binary started, if any
	ownData string
)

// Main runs the tests and then stops the stack this test binary started, if it started one.
//
//	func TestMain(m *testing.M) { testkit.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if townsClient != nil {
		_ = townsClient.Disconnect(context.Background())
	}
	if own != nil {
		if err := own.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "testkit: stopping the embedded stack:", err)
		}
		_ = os.RemoveAll(ownData)
	}
	os.Exit(code)
}

// Stack returns where the stack is, starting one for this test binary when the environment does
// not name one.
func Stack(t testing.TB) embedstack.Env {
	t.Helper()
	once.Do(func() {
		var ok bool
		if env, ok = embedstack.FromEnviron(); ok {
			return
		}
		env, envErr = startOwn()
	})
	if envErr != nil {
		t.Fatalf("testkit: no embedded stack: %v", envErr)
	}
	return env
}

func startOwn() (embedstack.Env, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	root, err := embedstack.RepoRoot()
	if err != nil {
		return embedstack.Env{}, err
	}
	fmt.Fprintln(os.Stderr, "testkit: MONGO_URI is unset; building the embedded stack (minutes the first time)…")
	bin, err := embedstack.Build(ctx, root)
	if err != nil {
		return embedstack.Env{}, err
	}
	ownData, err = os.MkdirTemp("", "dundian-testkit-")
	if err != nil {
		return embedstack.Env{}, err
	}
	own, err = embedstack.Start(ctx, bin, ownData, embedstack.Options{})
	if err != nil {
		_ = os.RemoveAll(ownData)
		return embedstack.Env{}, err
	}
	return own.Env, nil
}

// Mongo returns a client connected to the stack's MongoDB, disconnected when the test ends.
func Mongo(t testing.TB) *mongo.Client {
	t.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(Stack(t).MongoURI))
	if err != nil {
		t.Fatalf("testkit: mongo: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = c.Disconnect(ctx)
	})
	return c
}

// Brokers returns the stack's Kafka bootstrap addresses.
func Brokers(t testing.TB) []string {
	t.Helper()
	return strings.Split(Stack(t).KafkaBrokers, ",")
}

// Minio returns an S3 client for the stack, signing as the stack's root user.
func Minio(t testing.TB) *minio.Client {
	t.Helper()
	e := Stack(t)
	mc, err := minio.New(e.S3Endpoint, &minio.Options{Creds: credentials.NewStaticV4(e.S3AccessKey, e.S3SecretKey, "")})
	if err != nil {
		t.Fatalf("testkit: s3: %v", err)
	}
	return mc
}

// Eventually calls cond every 25 ms until it returns true, and fails the test if it has not
// within timeout. cond runs on the test's goroutine, so it may use require.
func Eventually(t testing.TB, timeout time.Duration, cond func() bool, msgAndArgs ...any) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s%s", timeout, describe(msgAndArgs))
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// describe formats testify-style message arguments: a format string and its arguments.
func describe(msgAndArgs []any) string {
	if len(msgAndArgs) == 0 {
		return ""
	}
	if format, ok := msgAndArgs[0].(string); ok {
		return ": " + fmt.Sprintf(format, msgAndArgs[1:]...)
	}
	return ": " + fmt.Sprint(msgAndArgs...)
}
