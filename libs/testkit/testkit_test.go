package testkit_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func TestMongo_StoresAndFindsADocumentInATownDatabase(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	town := testkit.NewTown(t)
	coll := testkit.Mongo(t).Database(town.Database()).Collection("testkit_checks")

	_, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "c1"}, {Key: "town", Value: town.String()}})
	require.NoError(t, err)
	var got struct{ Town string }
	require.NoError(t, coll.FindOne(ctx, bson.D{{Key: "_id", Value: "c1"}}).Decode(&got))
	require.Equal(t, town.String(), got.Town)
}

func TestBrokers_DeliverAMessageThroughATopic(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	brokers := testkit.Brokers(t)
	topic := "testkit.check." + testkit.NewTown(t).String()

	conn, err := kafka.DialContext(ctx, "tcp", brokers[0])
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.CreateTopics(kafka.TopicConfig{Topic: topic, NumPartitions: 1, ReplicationFactor: 1}))

	w := &kafka.Writer{Addr: kafka.TCP(brokers...), Topic: topic, RequiredAcks: kafka.RequireAll, BatchTimeout: 5 * time.Millisecond}
	defer w.Close()
	require.NoError(t, w.WriteMessages(ctx, kafka.Message{Key: []byte("k"), Value: []byte("hello")}))

	r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: topic, Partition: 0, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	m, err := r.ReadMessage(ctx)
	require.NoError(t, err)
	require.Equal(t, "hello", string(m.Value))
}

func TestMinio_StoresAndReadsAnObject(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	mc := testkit.Minio(t)
	bucket := testkit.Stack(t).S3Bucket
	key := testkit.NewTown(t).String() + "/check.txt"
	body := []byte("stationing diary")

	_, err := mc.PutObject(ctx, bucket, key, bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{ContentType: "text/plain"})
	require.NoError(t, err)
	o, err := mc.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	require.NoError(t, err)
	defer o.Close()
	got, err := io.ReadAll(o)
	require.NoError(t, err)
	require.Equal(t, body, got)
}

func TestNewTown_GivesDistinctTestOnlyCodes(t *testing.T) {
	t.Parallel()
	const n = 100
	seen := map[tenancy.TownCode]bool{}
	for range n {
		seen[testkit.NewTown(t)] = true
	}

	require.Len(t, seen, n, "every code handed out once")
	for town := range seen {
		_, err := tenancy.ParseTown(town.String())
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(town.String(), "99"), town)
		require.False(t, strings.HasPrefix(town.String(), "1306"), "never a real Fuping code: %s", town)
	}
}

func TestEventually_ReturnsOnceTheConditionHolds(t *testing.T) {
	t.Parallel()
	calls := 0
	testkit.Eventually(t, 5*time.Second, func() bool {
		calls++
		return calls == 3
	}, "third call")
	require.Equal(t, 3, calls)
}

func TestEventually_FailsTheTestWhenTheConditionNeverHolds(t *testing.T) {
	t.Parallel()
	ft := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		testkit.Eventually(ft, 100*time.Millisecond, func() bool { return false }, "stay %s", "recorded")
	}()
	<-done
	require.Contains(t, ft.msg, "condition not met within 100ms: stay recorded")
}

// fatalRecorder stands in for a test that Eventually fails: it records the message and ends the
// goroutine the way t.FailNow does.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
