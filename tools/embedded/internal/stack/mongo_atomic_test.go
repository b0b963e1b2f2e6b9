package stack

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
)

// These tests talk to FerretDB through the stack's public address, that is through the wire
// proxy. Against FerretDB's own address the first three lose writes.

const atomicDB = "town_990000002"

func TestMongo_ConcurrentUpdatesOfOneDocumentAreAllKept(t *testing.T) {
	t.Parallel()
	coll := mongoCollection(t, startTestMongo(t).uri, "counters")
	for _, tc := range []struct {
		name string
		inc  func(ctx context.Context, id string) error
	}{
		{"updateOne", func(ctx context.Context, id string) error {
			_, err := coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"n": 1}})
			return err
		}},
		{"findOneAndUpdate", func(ctx context.Context, id string) error {
			return coll.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"n": 1}}).Err()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			_, err := coll.InsertOne(ctx, bson.M{"_id": tc.name, "n": 0})
			require.NoError(t, err)

			const workers, each = 16, 50
			errs := make(chan error, workers)
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for range each {
						if err := tc.inc(ctx, tc.name); err != nil {
							errs <- err
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}

			var got struct{ N int }
			require.NoError(t, coll.FindOne(ctx, bson.M{"_id": tc.name}).Decode(&got))
			require.Equal(t, workers*each, got.N)
		})
	}
}

// Sixteen writers read the same revision, then all try to move it on; exactly one may succeed
// each round, and the document names that one as its owner.
func TestMongo_CompareAndSwapOnARevisionHasOneWinnerPerRound(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	coll := mongoCollection(t, startTestMongo(t).uri, "leases")
	_, err := coll.InsertOne(ctx, bson.M{"_id": "lease", "rev": 0, "owner": ""})
	require.NoError(t, err)

	type lease struct {
		Rev   int
		Owner string
	}
	const writers, rounds = 16, 20
	for round := range rounds {
		var read, done sync.WaitGroup
		gate := make(chan struct{})
		won := make([]bool, writers)
		errs := make([]error, writers)
		for w := range writers {
			read.Add(1)
			done.Go(func() {
				var seen lease
				errs[w] = coll.FindOne(ctx, bson.M{"_id": "lease"}).Decode(&seen)
				read.Done()
				<-gate
				if errs[w] != nil {
					return
				}
				res, err := coll.UpdateOne(ctx,
					bson.M{"_id": "lease", "rev": seen.Rev},
					bson.M{"$set": bson.M{"owner": fmt.Sprint("writer-", w)}, "$inc": bson.M{"rev": 1}})
				errs[w], won[w] = err, err == nil && res.ModifiedCount == 1
			})
		}
		read.Wait()
		close(gate)
		done.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}

		winner := slices.Index(won, true)
		require.Equal(t, 1, count(won), "winners in round %d", round)
		var got lease
		require.NoError(t, coll.FindOne(ctx, bson.M{"_id": "lease"}).Decode(&got))
		require.Equal(t, lease{Rev: round + 1, Owner: fmt.Sprint("writer-", winner)}, got)
	}
}

// The outbox's pattern: one side pushes events onto a document while the other pulls what it
// last read. Every pushed element is either pulled or still there.
func TestMongo_PushAndPullAllOnOneDocumentLoseNothing(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	coll := mongoCollection(t, startTestMongo(t).uri, "outbox")
	_, err := coll.InsertOne(ctx, bson.M{"_id": "outbox", "items": bson.A{}})
	require.NoError(t, err)

	const pushes = 500
	pushed := make(chan error, 1)
	go func() {
		for i := range pushes {
			if _, err := coll.UpdateOne(ctx, bson.M{"_id": "outbox"}, bson.M{"$push": bson.M{"items": i}}); err != nil {
				pushed <- err
				return
			}
		}
		pushed <- nil
	}()

	type outbox struct{ Items []int }
	var pulled []int
	for finished := false; !finished; {
		select {
		case err := <-pushed:
			require.NoError(t, err)
			finished = true
		default:
		}
		var seen outbox
		require.NoError(t, coll.FindOne(ctx, bson.M{"_id": "outbox"}).Decode(&seen))
		if len(seen.Items) == 0 {
			continue
		}
		res, err := coll.UpdateOne(ctx, bson.M{"_id": "outbox"}, bson.M{"$pullAll": bson.M{"items": seen.Items}})
		require.NoError(t, err)
		require.EqualValues(t, 1, res.ModifiedCount)
		pulled = append(pulled, seen.Items...)
	}

	var rest outbox
	require.NoError(t, coll.FindOne(ctx, bson.M{"_id": "outbox"}).Decode(&rest))
	require.NotEmpty(t, pulled, "the puller never ran beside the pusher")
	all := append(pulled, rest.Items...)
	require.Len(t, all, pushes, "pulled %d, %d left", len(pulled), len(rest.Items))
	slices.Sort(all)
	want := make([]int, pushes)
	for i := range want {
		want[i] = i
	}
	require.Equal(t, want, all)
}

// Reads take no lock: while one insert command writes thousands of documents, a count on the
// same collection sees it half done.
func TestMongo_ReadsRunWhileAWriteBatchIsInProgress(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	coll := mongoCollection(t, startTestMongo(t).uri, "visits")

	const n = 20000
	docs := make([]bson.M, n)
	for i := range docs {
		docs[i] = bson.M{"_id": i, "note": "stayed the night in the village"}
	}
	inserted := make(chan error, 1)
	go func() {
		_, err := coll.InsertMany(ctx, docs)
		inserted <- err
	}()

	var seen []int64
	for {
		select {
		case err := <-inserted:
			require.NoError(t, err)
			t.Fatalf("the batch finished before a read saw it in progress; counts seen: %v", seen)
		default:
		}
		c, err := coll.EstimatedDocumentCount(ctx)
		require.NoError(t, err)
		seen = append(seen, c)
		if c > 0 && c < n {
			break
		}
	}
	require.NoError(t, <-inserted)
}

func TestMongo_CursorsWorkThroughTheProxyWhileWritesGoOn(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	coll := mongoCollection(t, startTestMongo(t).uri, "communities")
	var docs []bson.M
	for i := range 10 {
		docs = append(docs, bson.M{"_id": i, "visits": 0})
	}
	_, err := coll.InsertMany(ctx, docs)
	require.NoError(t, err)

	cur, err := coll.Find(ctx, bson.M{}, options.Find().SetBatchSize(2).SetSort(bson.M{"_id": 1}))
	require.NoError(t, err)
	defer cur.Close(ctx)
	var ids []int
	for cur.Next(ctx) {
		var d struct {
			ID int `bson:"_id"`
		}
		require.NoError(t, cur.Decode(&d))
		ids = append(ids, d.ID)
		// A write between two getMores on the same collection.
		_, err := coll.UpdateOne(ctx, bson.M{"_id": d.ID}, bson.M{"$inc": bson.M{"visits": 1}})
		require.NoError(t, err)
	}
	require.NoError(t, cur.Err())
	require.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, ids)

	visited, err := coll.CountDocuments(ctx, bson.M{"visits": 1})
	require.NoError(t, err)
	require.EqualValues(t, 10, visited)
}

// FerretDB answers even the writes that ask for no answer (w: 0); the proxy must drop that
// answer, or the next command on the connection would read it as its own.
func TestMongo_UnacknowledgedWritesLandAndLeaveTheConnectionUsable(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	// One pooled connection, so the find below follows the writes on the same connection.
	client, err := mongo.Connect(options.Client().ApplyURI(startTestMongo(t).uri).SetMaxPoolSize(1))
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	db := client.Database(atomicDB)
	fireAndForget := db.Collection("signals", options.Collection().SetWriteConcern(writeconcern.Unacknowledged()))

	for i := range 5 {
		_, err := fireAndForget.InsertOne(ctx, bson.M{"_id": i})
		require.NoError(t, err)
	}
	var got []bson.M
	cur, err := db.Collection("signals").Find(ctx, bson.M{})
	require.NoError(t, err)
	require.NoError(t, cur.All(ctx, &got))
	require.Len(t, got, 5)
}

// BenchmarkMongo_SingleClient compares one client's round trips through the proxy with the same
// against FerretDB directly:
//
//	GOWORK=off go test ./internal/stack -run '^$' -bench SingleClient -benchtime 2000x
func BenchmarkMongo_SingleClient(b *testing.B) {
	m, err := startMongo(b.TempDir(), DefaultAddr, slog.New(slog.DiscardHandler))
	require.NoError(b, err)
	b.Cleanup(func() { _ = m.close() })

	for _, target := range []struct{ name, uri string }{{"proxy", m.uri}, {"direct", m.directURI}} {
		coll := mongoCollection(b, target.uri, "bench_"+target.name)
		_, err := coll.InsertOne(b.Context(), bson.M{"_id": "known", "town": "990000002"})
		require.NoError(b, err)
		b.Run(target.name+"/insertOne", func(b *testing.B) {
			for b.Loop() {
				_, err := coll.InsertOne(b.Context(), bson.M{"_id": bson.NewObjectID(), "town": "990000002"})
				require.NoError(b, err)
			}
		})
		b.Run(target.name+"/findOne", func(b *testing.B) {
			for b.Loop() {
				require.NoError(b, coll.FindOne(b.Context(), bson.M{"_id": "known"}).Err())
			}
		})
	}
}

func startTestMongo(t *testing.T) *mongoServer {
	t.Helper()
	m, err := startMongo(t.TempDir(), DefaultAddr, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, m.close()) })
	return m
}

func mongoCollection(tb testing.TB, uri, name string) *mongo.Collection {
	tb.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(uri).SetTimeout(time.Minute))
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c.Database(atomicDB).Collection(name)
}

func count(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}
