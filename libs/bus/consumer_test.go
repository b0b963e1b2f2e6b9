package bus_test

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

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func newTopic(t *testing.T) string {
	t.Helper()
	topic := events.Topic("bustest" + uuid.NewString()[:8])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, bus.EnsureTopics(ctx, testkit.Brokers(t), 1, topic))
	return topic
}

func publishN(t *testing.T, pub *bus.Publisher, topic string, town tenancy.TownCode, n int) []events.Envelope {
	t.Helper()
	evs := make([]events.Envelope, n)
	for i := range evs {
		evs[i] = events.MustNew("bustest.thing.added", town, "test", fmt.Sprintf("thing-%03d", i), map[string]int{"n": i})
		evs[i].Rev = 1
	}
	require.NoError(t, pub.Publish(context.Background(), topic, evs...))
	return evs
}

func startConsumer(t *testing.T, cfg bus.ConsumerConfig) (stop func()) {
	t.Helper()
	cfg.Brokers = testkit.Brokers(t)
	cfg.Log = slog.New(slog.DiscardHandler)
	cfg.RetryBackoff = 10 * time.Millisecond
	cfg.SessionTimeout = 6 * time.Second
	cfg.RebalanceTimeout = 6 * time.Second
	c, err := bus.NewConsumer(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = c.Run(ctx); close(done) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

func TestConsumer_StoppedMidBatchAndRestarted_AppliesEveryEventOnceInEffect(t *testing.T) {
	t.Parallel()
	topic := newTopic(t)
	town := testkit.NewTown(t)
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	const n = 200
	publishN(t, pub, topic, town, n)

	model := store.Wrap(testkit.Mongo(t)).Service("bustest").County("model_" + uuid.NewString()[:8])
	var deliveries, effective atomic.Int64
	group := "group-" + uuid.NewString()[:8]
	handler := func(ctx context.Context, ev events.Envelope) error {
		got, err := tenancy.TownFrom(ctx)
		if err != nil || got != town {
			return bus.Permanent(errors.New("the event's town is not in the context"))
		}
		deliveries.Add(1)
		ok, err := store.ApplyIfNewer(ctx, model, ev.Subject, ev.Rev, bson.D{{Key: "id", Value: ev.ID}})
		if ok {
			effective.Add(1)
		}
		return err
	}

	stopFirst := startConsumer(t, bus.ConsumerConfig{Group: group, Topics: []string{topic}, Handler: handler})
	testkit.Eventually(t, 60*time.Second, func() bool { return deliveries.Load() >= n/4 })
	stopFirst() // mid-batch: the rest is still on the topic
	require.Less(t, deliveries.Load(), int64(n), "the first consumer was stopped before it finished")

	startConsumer(t, bus.ConsumerConfig{Group: group, Topics: []string{topic}, Handler: handler})
	testkit.Eventually(t, 90*time.Second, func() bool { return effective.Load() == n }, "every event applied")
	count, err := model.CountDocuments(context.Background(), bson.D{})
	require.NoError(t, err)
	require.EqualValues(t, n, count)
	time.Sleep(500 * time.Millisecond)
	require.EqualValues(t, n, effective.Load(), "none applied twice in effect")
}

func TestConsumer_PoisonEventGoesToDLQAndDoesNotBlockThePartition(t *testing.T) {
	t.Parallel()
	topic := newTopic(t)
	town := testkit.NewTown(t)
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()

	good1 := publishN(t, pub, topic, town, 1)[0]
	// Not an envelope at all: can never be applied.
	require.NoError(t, pub.WriteRaw(context.Background(), kafka.Message{Topic: topic, Key: []byte(town), Value: []byte("{not json")}))
	// A well-formed event the handler always fails on.
	bad := events.MustNew("bustest.thing.refused", town, "test", "refused", nil)
	require.NoError(t, pub.Publish(context.Background(), topic, bad))
	good2 := events.MustNew("bustest.thing.added", town, "test", "thing-last", nil)
	require.NoError(t, pub.Publish(context.Background(), topic, good2))

	var applied sync.Map
	startConsumer(t, bus.ConsumerConfig{
		Group:       "group-" + uuid.NewString()[:8],
		Topics:      []string{topic},
		MaxAttempts: 3,
		Handler: func(ctx context.Context, ev events.Envelope) error {
			if ev.Type == "bustest.thing.refused" {
				return errors.New("this event breaks a rule")
			}
			applied.Store(ev.ID, true)
			return nil
		},
	})
	testkit.Eventually(t, 60*time.Second, func() bool {
		_, a := applied.Load(good1.ID)
		_, b := applied.Load(good2.ID)
		return a && b
	}, "events after the poison ones were applied")

	r := kafka.NewReader(kafka.ReaderConfig{Brokers: testkit.Brokers(t), Topic: events.DeadLetterTopic(topic), Partition: 0, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var reasons []string
	for len(reasons) < 2 {
		m, err := r.ReadMessage(ctx)
		require.NoError(t, err)
		for _, h := range m.Headers {
			if h.Key == events.HeaderError {
				reasons = append(reasons, string(h.Value))
			}
		}
	}
	require.Contains(t, reasons[0], "bad event envelope")
	require.Contains(t, reasons[1], "this event breaks a rule")
}

func TestGroupLag_CountsUncommittedMessages(t *testing.T) {
	t.Parallel()
	topic := newTopic(t)
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	publishN(t, pub, topic, testkit.NewTown(t), 7)
	// A fresh transport, as GroupLag's callers use: the shared one may not know the topic yet.
	client := &kafka.Client{Addr: kafka.TCP(testkit.Brokers(t)...), Timeout: 5 * time.Second,
		Transport: &kafka.Transport{MetadataTTL: time.Second}}
	lag, err := bus.GroupLag(context.Background(), client, "nobody-"+uuid.NewString()[:8], []string{topic})
	require.NoError(t, err)
	require.EqualValues(t, 7, lag)
}

func TestConsumer_ManyTowns_EachTownsEventsApplyInOrder(t *testing.T) {
	t.Parallel()
	topic := newTopic(t)
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	const towns, perTown = 6, 40
	codes := make([]tenancy.TownCode, towns)
	for i := range codes {
		codes[i] = testkit.NewTown(t)
	}
	var evs []events.Envelope
	for i := range perTown {
		for _, town := range codes {
			ev := events.MustNew("bustest.thing.added", town, "test", fmt.Sprintf("thing-%03d", i), nil)
			ev.Rev = int64(i + 1)
			evs = append(evs, ev)
		}
	}
	require.NoError(t, pub.Publish(context.Background(), topic, evs...))

	var mu sync.Mutex
	seen := map[tenancy.TownCode][]int64{}
	startConsumer(t, bus.ConsumerConfig{
		Group: "group-" + uuid.NewString()[:8], Topics: []string{topic}, Lanes: 3,
		Handler: func(ctx context.Context, ev events.Envelope) error {
			mu.Lock()
			defer mu.Unlock()
			seen[ev.Town] = append(seen[ev.Town], ev.Rev)
			return nil
		},
	})
	testkit.Eventually(t, 60*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, revs := range seen {
			n += len(revs)
		}
		return n >= towns*perTown
	}, "every event applied")
	mu.Lock()
	defer mu.Unlock()
	for _, town := range codes {
		require.Len(t, seen[town], perTown, town)
		require.IsIncreasing(t, seen[town], "town %s applied out of order", town)
	}
}
