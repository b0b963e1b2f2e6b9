package stack_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/tools/embedded/internal/stack"
)

const (
	database = "town_990000001"
	topic    = "embedded.check.v1"
	group    = "embedded-check"
	object   = "990000001/evidence.txt"
)

// The S3 gateway allows one instance per process, so the whole life of a stack, including a
// restart on the same data, is one sequential test.
func TestStack_ServesAllThreeAndKeepsDataAcrossRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	dataDir := t.TempDir()

	s := start(t, ctx, dataDir)
	first := s.Endpoints

	t.Run("mongo stores and finds a document", func(t *testing.T) {
		coll := mongoClient(t, first).Database(database).Collection("fieldwork_stays")
		_, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "stay-1"}, {Key: "nights", Value: 3}})
		require.NoError(t, err)

		var got struct{ Nights int }
		require.NoError(t, coll.FindOne(ctx, bson.D{{Key: "_id", Value: "stay-1"}}).Decode(&got))
		require.Equal(t, 3, got.Nights)
	})

	t.Run("kafka delivers a message and keeps the group's commit", func(t *testing.T) {
		admin := kadm.NewClient(kafkaClient(t, first))
		_, err := admin.CreateTopic(ctx, 1, 1, nil, topic)
		require.NoError(t, err)

		produce(t, ctx, first, "first")
		require.Equal(t, []string{"first"}, consumeAndCommit(t, ctx, first, 1))
	})

	t.Run("s3 stores an object and checks signatures", func(t *testing.T) {
		mc := minioClient(t, first, first.S3SecretKey)
		body := []byte("visit notes")
		_, err := mc.PutObject(ctx, first.Bucket, object, bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{})
		require.NoError(t, err)
		require.Equal(t, body, getObject(t, ctx, mc, first.Bucket))

		u, err := mc.PresignedGetObject(ctx, first.Bucket, object, time.Minute, nil)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, httpGet(t, u.String()))

		tampered := *u
		tampered.Path = strings.Replace(u.Path, "evidence.txt", "evidence.txx", 1)
		require.Equal(t, http.StatusForbidden, httpGet(t, tampered.String()), "a presigned URL for another key")

		q := u.Query()
		q.Set("X-Amz-Expires", "3600")
		longer := *u
		longer.RawQuery = q.Encode()
		require.Equal(t, http.StatusForbidden, httpGet(t, longer.String()), "a presigned URL with its expiry raised")

		short, err := mc.PresignedGetObject(ctx, first.Bucket, object, time.Second, nil)
		require.NoError(t, err)
		time.Sleep(2 * time.Second)
		require.Equal(t, http.StatusForbidden, httpGet(t, short.String()), "an expired presigned URL")

		_, err = minioClient(t, first, "wrong-secret").StatObject(ctx, first.Bucket, object, minio.StatObjectOptions{})
		require.Error(t, err, "a request signed with the wrong secret")
	})

	require.NoError(t, s.Close())
	s = start(t, ctx, dataDir)
	second := s.Endpoints

	t.Run("after a restart the document, the commit and the object are still there", func(t *testing.T) {
		var got struct{ Nights int }
		coll := mongoClient(t, second).Database(database).Collection("fieldwork_stays")
		require.NoError(t, coll.FindOne(ctx, bson.D{{Key: "_id", Value: "stay-1"}}).Decode(&got))
		require.Equal(t, 3, got.Nights)

		// The group resumes after its committed offset: it sees only what came after the restart.
		produce(t, ctx, second, "second")
		require.Equal(t, []string{"second"}, consumeAndCommit(t, ctx, second, 1))

		require.Equal(t, []byte("visit notes"), getObject(t, ctx, minioClient(t, second, second.S3SecretKey), second.Bucket))
	})
}

func start(t *testing.T, ctx context.Context, dataDir string) *stack.Stack {
	t.Helper()
	s, err := stack.Start(ctx, stack.Config{DataDir: dataDir})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	require.True(t, s.Endpoints.Ready)
	return s
}

func mongoClient(t *testing.T, e stack.Endpoints) *mongo.Client {
	t.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(e.MongoURI))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c
}

func kafkaClient(t *testing.T, e stack.Endpoints, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	c, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(e.KafkaBrokers)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

func produce(t *testing.T, ctx context.Context, e stack.Endpoints, value string) {
	t.Helper()
	c := kafkaClient(t, e)
	require.NoError(t, c.ProduceSync(ctx, &kgo.Record{Topic: topic, Key: []byte("990000001"), Value: []byte(value)}).FirstErr())
}

// consumeAndCommit reads n messages as the group, commits them and leaves the group.
func consumeAndCommit(t *testing.T, ctx context.Context, e stack.Endpoints, n int) []string {
	t.Helper()
	c, err := kgo.NewClient(
		kgo.SeedBrokers(e.KafkaBrokers),
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DisableAutoCommit(),
	)
	require.NoError(t, err)
	defer c.Close()

	var got []string
	for len(got) < n {
		fs := c.PollFetches(ctx)
		require.NoError(t, ctx.Err())
		fs.EachError(func(_ string, _ int32, err error) { require.NoError(t, err) })
		fs.EachRecord(func(r *kgo.Record) { got = append(got, string(r.Value)) })
	}
	require.NoError(t, c.CommitUncommittedOffsets(ctx))
	return got
}

func minioClient(t *testing.T, e stack.Endpoints, secret string) *minio.Client {
	t.Helper()
	mc, err := minio.New(e.S3Endpoint, &minio.Options{Creds: credentials.NewStaticV4(e.S3AccessKey, secret, "")})
	require.NoError(t, err)
	return mc
}

func getObject(t *testing.T, ctx context.Context, mc *minio.Client, bucket string) []byte {
	t.Helper()
	o, err := mc.GetObject(ctx, bucket, object, minio.GetObjectOptions{})
	require.NoError(t, err)
	defer o.Close()
	b, err := io.ReadAll(o)
	require.NoError(t, err)
	return b
}

func httpGet(t *testing.T, u string) int {
	t.Helper()
	res, err := http.Get(u)
	require.NoError(t, err)
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}
