package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

// A town whose event cannot be applied yet holds back only its own lane: other towns'
// events go on, but no commit passes the waiting event, so a consumer that stops before it
// is applied leaves it to the next one.
func TestConsumer_SlowTown_OtherTownsGoOnAndNoCommitPassesIt(t *testing.T) {
	t.Parallel()
	const lanes = 4
	brokers := testkit.Brokers(t)
	topic := events.Topic("bustest" + uuid.NewString()[:8])
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// One partition, so that both towns' events share it (EnsureTopics makes six).
	admin := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 5 * time.Second,
		Transport: &kafka.Transport{MetadataTTL: time.Second}}
	created, err := admin.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{
		{Topic: topic, NumPartitions: 1, ReplicationFactor: 1}}})
	require.NoError(t, err)
	require.NoError(t, created.Errors[topic])

	slow := testkit.NewTown(t)
	fast := testkit.NewTown(t)
	for lane([]byte(fast), lanes) == lane([]byte(slow), lanes) {
		fast = testkit.NewTown(t)
	}
	pub := NewPublisher(brokers)
	defer pub.Close()
	event := func(town tenancy.TownCode, subject string) events.Envelope {
		ev := events.MustNew("bustest.thing.added", town, "test", subject, nil)
		ev.Rev = 1
		return ev
	}
	// Offsets 0-2 fast, 3 slow, 4-6 fast.
	var evs []events.Envelope
	for i := range 3 {
		evs = append(evs, event(fast, fmt.Sprintf("before-%d", i)))
	}
	evs = append(evs, event(slow, "slow"))
	for i := range 3 {
		evs = append(evs, event(fast, fmt.Sprintf("after-%d", i)))
	}
	require.NoError(t, pub.Publish(ctx, topic, evs...))

	group := "group-" + uuid.NewString()[:8]
	var mu sync.Mutex
	applied := map[string]int{}
	release := make(chan struct{})
	run := func(handler Handler) (stop func()) {
		c, err := NewConsumer(ConsumerConfig{
			Brokers: brokers, Group: group, Topics: []string{topic}, Handler: handler, Lanes: lanes,
			Log: slog.New(slog.DiscardHandler), RetryBackoff: 10 * time.Millisecond,
			SessionTimeout: 6 * time.Second, RebalanceTimeout: 6 * time.Second,
		})
		require.NoError(t, err)
		rctx, rcancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { _ = c.Run(rctx); close(done) }()
		return func() { rcancel(); <-done }
	}
	record := func(ev events.Envelope) {
		mu.Lock()
		defer mu.Unlock()
		applied[ev.Subject]++
	}
	appliedCount := func(subject string) int {
		mu.Lock()
		defer mu.Unlock()
		return applied[subject]
	}

	stopFirst := run(func(ctx context.Context, ev events.Envelope) error {
		if ev.Subject == "slow" {
			<-release
			return errors.New("the store is not ready for this town yet")
		}
		record(ev)
		return nil
	})
	testkit.Eventually(t, 30*time.Second, func() bool {
		return appliedCount("before-2") == 1 && appliedCount("after-2") == 1
	}, "the fast town's events after the slow one applied while it waits")

	lagIs := func(want int64) bool {
		lag, err := GroupLag(ctx, admin, group, []string{topic})
		return err == nil && lag == want
	}
	testkit.Eventually(t, 30*time.Second, func() bool { return lagIs(4) }, "committed up to the slow event")
	time.Sleep(500 * time.Millisecond) // give a wrong commit past it the time to land
	require.True(t, lagIs(4), "a commit passed the event that was not applied")

	// Stopping while it waits leaves it uncommitted; the next consumer applies it.
	go func() { time.Sleep(200 * time.Millisecond); close(release) }()
	stopFirst()
	require.Zero(t, appliedCount("slow"))
	stopSecond := run(func(ctx context.Context, ev events.Envelope) error {
		record(ev)
		return nil
	})
	defer stopSecond()
	testkit.Eventually(t, 60*time.Second, func() bool { return appliedCount("slow") == 1 }, "the slow event applied after the restart")
	testkit.Eventually(t, 30*time.Second, func() bool { return lagIs(0) }, "everything committed")
}
