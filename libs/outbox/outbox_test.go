package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"dundian.local/libs/bus"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// fixture is one test's own prefix, topic and town.
type fixture struct {
	t      *testing.T
	client *store.Client
	prefix string
	topic  string
	town   tenancy.TownCode
	pub    *bus.Publisher
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	prefix := "obtest" + uuid.NewString()[:8]
	f := fixture{
		t:      t,
		client: store.Wrap(testkit.Mongo(t)),
		prefix: prefix,
		topic:  events.Topic(prefix),
		town:   testkit.NewTown(t),
		pub:    bus.NewPublisher(testkit.Brokers(t)),
	}
	t.Cleanup(func() { _ = f.pub.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, bus.EnsureTopics(ctx, testkit.Brokers(t), 1, f.topic))
	return f
}

func (f fixture) outbox(pub outbox.Publisher, grace time.Duration) *outbox.Outbox {
	ob, err := outbox.New(outbox.Config{Client: f.client, Prefix: f.prefix, Publisher: pub, Topic: f.topic,
		Log: slog.New(slog.DiscardHandler), Sweep: 200 * time.Millisecond, Grace: grace})
	require.NoError(f.t, err)
	return ob
}

func (f fixture) coll(ctx context.Context) *mongo.Collection {
	c, err := f.client.Service(f.prefix).Collection(tenancy.WithTown(ctx, f.town), "things")
	require.NoError(f.t, err)
	return c
}

func run(t *testing.T, ob *outbox.Outbox) context.CancelFunc {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = ob.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return cancel
}

// readAll reads the topic from the start until it has want distinct event ids or times out;
// it returns how often each id was seen.
func readAll(t *testing.T, topic string, want int) map[string]int {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: testkit.Brokers(t), GroupID: "reader-" + uuid.NewString(), GroupTopics: []string{topic},
		StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	seen := map[string]int{}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for len(seen) < want {
		m, err := r.ReadMessage(ctx)
		require.NoError(t, err, "read %d of %d events", len(seen), want)
		ev, err := events.Decode(m.Value)
		require.NoError(t, err)
		seen[ev.ID]++
	}
	// Anything published twice arrives right behind; give it a moment.
	tctx, tcancel := context.WithTimeout(context.Background(), time.Second)
	defer tcancel()
	for {
		m, err := r.ReadMessage(tctx)
		if err != nil {
			return seen
		}
		ev, err := events.Decode(m.Value)
		require.NoError(t, err)
		seen[ev.ID]++
	}
}

func TestOutbox_ThousandWritesThousandEvents(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ob := f.outbox(f.pub, 0)
	run(t, ob)
	ctx := tenancy.WithTown(context.Background(), f.town)
	coll := f.coll(ctx)

	const n = 1000
	var wg sync.WaitGroup
	ids := make(chan int, n)
	for i := range n {
		ids <- i
	}
	close(ids)
	var failed atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ids {
				id := fmt.Sprintf("thing-%04d", i)
				ev := events.MustNew(f.prefix+".thing.added", f.town, "test", id, map[string]int{"n": i})
				if err := ob.Insert(ctx, coll, id, bson.D{{Key: "n", Value: i}}, ev); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	require.Zero(t, failed.Load())

	seen := readAll(t, f.topic, n)
	require.Len(t, seen, n, "every write reached the topic: 0 lost")
	testkit.Eventually(t, 30*time.Second, func() bool {
		cur, err := coll.Find(ctx, bson.D{})
		if err != nil {
			return false
		}
		var docs []struct {
			Outbox []bson.Raw `bson:"outbox"`
		}
		if cur.All(ctx, &docs) != nil || len(docs) != n {
			return false
		}
		for _, d := range docs {
			if len(d.Outbox) > 0 {
				return false
			}
		}
		return true
	}, "every pending event was removed after publishing")
	testkit.Eventually(t, 30*time.Second, func() bool {
		n, err := f.client.Service(f.prefix).County("outbox").CountDocuments(ctx, bson.D{})
		return err == nil && n == 0
	}, "no marker is left once everything is published")
}

// crashingPublisher publishes, then fails as if the process died before removing the events.
type crashingPublisher struct {
	inner   outbox.Publisher
	crashes atomic.Int64
}

func (c *crashingPublisher) Publish(ctx context.Context, topic string, evs ...events.Envelope) error {
	if err := c.inner.Publish(ctx, topic, evs...); err != nil {
		return err
	}
	c.crashes.Add(1)
	return errors.New("process died after publish, before removal")
}

func TestOutbox_RelayDiesBetweenPublishAndRemoval_EventIsRepublishedAndAppliedOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := tenancy.WithTown(context.Background(), f.town)
	coll := f.coll(ctx)

	crashing := &crashingPublisher{inner: f.pub}
	first := f.outbox(crashing, 0)
	stopFirst := run(t, first)
	ev := events.MustNew(f.prefix+".thing.added", f.town, "test", "thing-1", map[string]string{"v": "a"})
	require.NoError(t, first.Insert(ctx, coll, "thing-1", bson.D{{Key: "v", Value: "a"}}, ev))
	testkit.Eventually(t, 20*time.Second, func() bool { return crashing.crashes.Load() > 0 })
	stopFirst()

	// A new relay (the restarted process) finds the leftover through its marker.
	second := f.outbox(f.pub, 0)
	run(t, second)
	seen := readAll(t, f.topic, 1)
	require.GreaterOrEqual(t, seen[ev.ID], 2, "the event was published again after the crash")

	// Consumers apply it once in effect: the read model takes a rev only once.
	model := f.client.Service(f.prefix).County("model")
	applied := 0
	for range seen[ev.ID] {
		ok, err := store.ApplyIfNewer(ctx, model, "thing-1", 1, bson.D{{Key: "v", Value: "a"}})
		require.NoError(t, err)
		if ok {
			applied++
		}
	}
	require.Equal(t, 1, applied)
	testkit.Eventually(t, 20*time.Second, func() bool {
		var doc struct {
			Outbox []bson.Raw `bson:"outbox"`
		}
		err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "thing-1"}}).Decode(&doc)
		return err == nil && len(doc.Outbox) == 0
	})
}

func TestOutbox_UpdateIsGuardedByRevision(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ob := f.outbox(f.pub, 0)
	run(t, ob)
	ctx := tenancy.WithTown(context.Background(), f.town)
	coll := f.coll(ctx)
	mk := func(v string) events.Envelope {
		return events.MustNew(f.prefix+".thing.changed", f.town, "test", "thing-1", map[string]string{"v": v})
	}
	require.NoError(t, ob.Insert(ctx, coll, "thing-1", bson.D{{Key: "v", Value: "a"}}, mk("a")))
	rev, err := ob.Update(ctx, coll, "thing-1", 1, bson.D{{Key: "$set", Value: bson.D{{Key: "v", Value: "b"}}}}, mk("b"))
	require.NoError(t, err)
	require.Equal(t, int64(2), rev)
	_, err = ob.Update(ctx, coll, "thing-1", 1, bson.D{{Key: "$set", Value: bson.D{{Key: "v", Value: "stale"}}}}, mk("stale"))
	require.ErrorIs(t, err, errs.ErrConflict, "a write based on an old revision is refused")
	err = ob.Insert(ctx, coll, "thing-1", bson.D{}, mk("dup"))
	require.True(t, store.IsDuplicate(err))

	seen := readAll(t, f.topic, 2)
	require.Len(t, seen, 2, "only the two successful writes produced events")
	testkit.Eventually(t, 20*time.Second, func() bool {
		n, err := f.client.Service(f.prefix).County("outbox").CountDocuments(ctx, bson.D{})
		return err == nil && n == 0
	}, "failed writes settle their marker")
}

func TestOutbox_MarkerOfAWriteThatNeverLandedIsClearedAfterTheGrace(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := tenancy.WithTown(context.Background(), f.town)
	coll := f.coll(ctx)
	markers := f.client.Service(f.prefix).County("outbox")
	// A process marked a write and died before writing.
	ghost := events.MustNew(f.prefix+".thing.added", f.town, "test", "ghost", nil)
	key := coll.Database().Name() + "/" + coll.Name() + "/ghost"
	_, err := markers.InsertOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "db", Value: coll.Database().Name()},
		{Key: "coll", Value: coll.Name()}, {Key: "doc", Value: "ghost"}, {Key: "ids", Value: bson.A{ghost.ID}},
		{Key: "at", Value: time.Now()}})
	require.NoError(t, err)

	patient := f.outbox(f.pub, time.Hour)
	require.NoError(t, patient.Flush(ctx, coll.Database().Name(), coll.Name(), "ghost"))
	n, err := markers.CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "within the grace the write may still land: the marker stays")

	hasty := f.outbox(f.pub, time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	require.NoError(t, hasty.Flush(ctx, coll.Database().Name(), coll.Name(), "ghost"))
	n, err = markers.CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	require.Zero(t, n, "after the grace the marker goes")
}

// TestOutbox_RepeatedWritesToOneDocument_NoneStranded writes the same document again and
// again while the relay runs, so that markers are deleted and made anew around each write.
func TestOutbox_RepeatedWritesToOneDocument_NoneStranded(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ob := f.outbox(f.pub, 0)
	run(t, ob)
	ctx := tenancy.WithTown(context.Background(), f.town)
	coll := f.coll(ctx)
	mk := func(i int) events.Envelope {
		return events.MustNew(f.prefix+".thing.changed", f.town, "test", "thing-1", map[string]int{"v": i})
	}
	require.NoError(t, ob.Insert(ctx, coll, "thing-1", bson.D{{Key: "v", Value: 0}}, mk(0)))
	const n = 200
	rev := int64(1)
	for i := 1; i < n; i++ {
		next, err := ob.Update(ctx, coll, "thing-1", rev, bson.D{{Key: "$set", Value: bson.D{{Key: "v", Value: i}}}}, mk(i))
		require.NoError(t, err)
		rev = next
	}
	seen := readAll(t, f.topic, n)
	require.Len(t, seen, n, "every one of the writes reached the topic")
	testkit.Eventually(t, 20*time.Second, func() bool {
		c, err := f.client.Service(f.prefix).County("outbox").CountDocuments(ctx, bson.D{})
		return err == nil && c == 0
	}, "no marker is left")
}
