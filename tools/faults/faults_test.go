package faults

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
)

// settleTimeout bounds how long a scenario waits for the consumer to catch up after its
// fault; a killed group member is forgotten only after its session timeout (10 s).
const settleTimeout = 60 * time.Second

func TestFault_ConsumerKilledMidBatch_LosesAndRepeatsNothing(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	fw := r.startService("fieldwork")
	led := newLedger()
	const backlog = 200
	r.writeBatch(fw, led, "kill", towns(3), backlog)

	// The consumer starts on the backlog and dies (SIGKILL: no commit, no goodbye) part way.
	rp := r.startService("reporting")
	var at tally
	require.Eventually(t, func() bool {
		var err error
		at, err = led.count(context.Background(), r)
		return err == nil && at.Applied >= backlog/5
	}, 30*time.Second, 10*time.Millisecond)
	rp.kill()
	at, err := led.count(context.Background(), r)
	require.NoError(t, err)
	t.Logf("reporting killed with %d of %d applied", at.Applied, backlog)
	require.Less(t, at.Applied, backlog, "the kill must land mid-batch")

	r.startService("reporting")
	led.settle(r, "consumer killed mid-batch", settleTimeout)
}

func TestFault_BrokerRestartedOnItsDataDir_LosesAndRepeatsNothing(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	fw := r.startService("fieldwork")
	r.startService("reporting")
	led := newLedger()

	// Writes need only the database: they go on through the outage, their events wait in
	// the outbox and the consumer waits for the broker.
	l := r.startLoad(fw, led, "broker", towns(3), loadOpts{workers: 2, pause: 20 * time.Millisecond})
	time.Sleep(time.Second)
	stopping := time.Now()
	r.broker.stop()
	stopped := time.Now()
	time.Sleep(3 * time.Second)
	r.broker.restart()
	t.Logf("broker stopped in %s, down %s", stopped.Sub(stopping).Round(100*time.Millisecond), time.Since(stopped).Round(100*time.Millisecond))
	time.Sleep(2 * time.Second)
	l.halt()

	results, _ := led.snapshot()
	for _, res := range results {
		require.NoError(t, res.err, res.token)
		require.Equal(t, 201, res.status, "%s: %s", res.token, res.detail)
	}
	led.settle(r, "broker restarted", settleTimeout)
}

func TestFault_DatabaseStopped15s_WritesAnswer503AndRecover(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	fw := r.startService("fieldwork")
	r.startService("reporting")
	led := newLedger()

	l := r.startLoad(fw, led, "db", towns(3), loadOpts{workers: 3, pause: 50 * time.Millisecond, keyEvery: 2})
	time.Sleep(time.Second)
	stopped := time.Now()
	r.data.stop()
	time.Sleep(time.Until(stopped.Add(15 * time.Second)))
	r.data.restart()
	restarted := time.Now()

	// Recovery is automatic: no service is restarted, the next writes are accepted.
	var recovered time.Time
	require.Eventually(t, func() bool {
		results, _ := led.snapshot()
		for _, res := range results {
			if res.status == 201 && res.at.After(restarted) && (recovered.IsZero() || res.at.Before(recovered)) {
				recovered = res.at
			}
		}
		return !recovered.IsZero()
	}, 30*time.Second, 50*time.Millisecond, "no write accepted after the database came back")
	time.Sleep(time.Second)
	l.halt()
	t.Logf("database down %s; first write accepted %s after it came back",
		restarted.Sub(stopped).Round(100*time.Millisecond), recovered.Sub(restarted).Round(100*time.Millisecond))

	results, _ := led.snapshot()
	refused := 0
	for _, res := range results {
		require.NoError(t, res.err, res.token)
		if res.status == 201 {
			continue
		}
		refused++
		require.Equal(t, 503, res.status, "%s: %s %s", res.token, res.code, res.detail)
		// store-unavailable promises nothing was saved (the ledger holds it to that);
		// store-interrupted says the change may have landed when the stop cut it off.
		require.Contains(t, []string{"store-unavailable", "store-interrupted"}, res.code, res.token)
		require.NotEmpty(t, res.detail, "%s: a 503 says what happened", res.token)
		require.NotEmpty(t, res.retry, "%s: a 503 says when to retry", res.token)
	}
	require.NotZero(t, refused, "writes during the outage are refused")
	led.settle(r, "database stopped 15 s", settleTimeout)
}

func TestFault_PoisonEvents_GoToTheDeadLetterTopicAndTheRestFlows(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	fw := r.startService("fieldwork")
	rp := r.startService("reporting")
	led := newLedger()
	one := towns(1)
	r.writeBatch(fw, led, "poison-before", one, 10)

	// Two poisons on the town's partition, between good events: one that is no envelope at
	// all, one whose data cannot be a work log.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	topic := events.Topic(events.Fieldwork)
	bad := events.MustNew(events.WorkLogWritten, one[0], "acc-c0", "poison-log", "not a work log")
	bad.Rev = 1
	badValue, err := bad.Encode()
	require.NoError(t, err)
	poisons := [][]byte{[]byte(`{"id": "broken`), badValue}
	for _, p := range poisons {
		r.publish(ctx, kafka.Message{Topic: topic, Key: []byte(one[0]), Value: p,
			Headers: []kafka.Header{{Key: events.HeaderType, Value: []byte(events.WorkLogWritten)}}})
	}
	r.writeBatch(fw, led, "poison-after", one, 10)
	led.settle(r, "poison events", settleTimeout)

	var dead []kafka.Message
	require.Eventually(t, func() bool {
		dead = r.readTopic(ctx, events.DeadLetterTopic(topic))
		return len(dead) >= len(poisons)
	}, 30*time.Second, 100*time.Millisecond)
	require.Len(t, dead, len(poisons), "exactly the poisons are dead-lettered")
	for i, m := range dead {
		require.Equal(t, poisons[i], m.Value, "the dead letter keeps the message as it was")
		h := headers(m)
		require.NotEmpty(t, h[events.HeaderError], "the dead letter says why")
		require.Equal(t, "reporting", h["dundian-dlq-group"])
		require.Contains(t, h["dundian-dlq-origin"], topic+"/")
	}
	t.Logf("dead letters: %q, %q", headers(dead[0])[events.HeaderError], headers(dead[1])[events.HeaderError])
	require.Equal(t, 2.0, metric(t, rp, "dundian_consumer_dlq_total", `group="reporting"`), "dead letters are counted")
}

func TestFault_ThousandDuplicateDeliveries_ChangeNothing(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	fw := r.startService("fieldwork")
	r.startService("reporting")
	led := newLedger()
	one := towns(1)
	const logs, rounds = 20, 50
	r.writeBatch(fw, led, "dup-original", one, logs)
	before := led.settle(r, "before the duplicates", settleTimeout)

	// Deliver every event of the town again, 50 times over: 1,000 redeliveries, as a
	// relay that keeps crashing after publishing would.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	topic := events.Topic(events.Fieldwork)
	var originals []kafka.Message
	for _, m := range r.readTopic(ctx, topic) {
		if string(m.Key) == string(one[0]) {
			originals = append(originals, kafka.Message{Topic: topic, Key: m.Key, Value: m.Value, Headers: m.Headers})
		}
	}
	require.Len(t, originals, logs)
	var dups []kafka.Message
	for range rounds {
		dups = append(dups, originals...)
	}
	require.Len(t, dups, 1000)
	r.publish(ctx, dups...)

	// One more real write lands behind the duplicates on the town's partition: once it is
	// applied, every duplicate has been consumed.
	r.writeBatch(fw, led, "dup-sentinel", one, 1)
	after := led.settle(r, "1,000 duplicate deliveries", settleTimeout)
	require.Equal(t, before.Applied+1, after.Applied, "only the new write changed the figures")
	require.Zero(t, groupLag(t, r, "reporting", topic), "the duplicates were consumed and committed")
}

func TestFault_SlowConsumer_LagStaysBoundedWithoutRebalances(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	fw := r.startService("fieldwork")
	// Two replicas of reporting whose every database request is held 20 ms.
	u, err := url.Parse(r.data.env.MongoURI)
	require.NoError(t, err)
	slow := startSlowProxy(t, u.Host, 20*time.Millisecond)
	r.startService("reporting", withMongo("mongodb://"+slow.addr()+"/"))
	r.startService("reporting", withMongo("mongodb://"+slow.addr()+"/"))
	var initial []string
	require.Eventually(t, func() bool {
		state, members := groupMembers(r, "reporting")
		initial = members
		return state == "Stable" && len(members) == 2
	}, 60*time.Second, 100*time.Millisecond, "both replicas joined the group")

	// Watch the lag and the membership while the load runs and drains.
	topic := events.Topic(events.Fieldwork)
	var (
		maxLag  int64
		seen    = map[string]bool{}
		samples int
	)
	stop, watched := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(watched)
		client := r.kafka
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if lag, err := bus.GroupLag(ctx, client, "reporting", []string{topic}); err == nil {
				maxLag = max(maxLag, lag)
			}
			cancel()
			_, members := groupMembers(r, "reporting")
			for _, m := range members {
				seen[m] = true
			}
			samples++
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()

	led := newLedger()
	const n = 180
	r.writeBatch(fw, led, "slow", towns(6), n)
	written := time.Now()
	led.settle(r, "slow consumer", 90*time.Second)
	drained := time.Since(written)
	require.Zero(t, groupLag(t, r, "reporting", topic))
	close(stop)
	<-watched

	t.Logf("slow consumer: max lag %d of %d events, drained %s after the last write; %d samples, members %v",
		maxLag, n, drained.Round(100*time.Millisecond), samples, slices.Sorted(maps.Keys(seen)))
	require.Positive(t, maxLag, "the consumer was behind at some point (else nothing was tested)")
	require.LessOrEqual(t, maxLag, int64(n), "lag is bounded by what was written: nothing is read twice from a reset")
	require.ElementsMatch(t, initial, slices.Sorted(maps.Keys(seen)), "no member left or rejoined: no rebalance")
}

func TestFault_SIGTERMUnderLoad_FailsNoInFlightRequest(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	fw := r.startService("fieldwork")
	r.startService("reporting")
	led := newLedger()

	// Cadres' apps send an Idempotency-Key with every write, so a request that meets a
	// connection the server is closing is retried by the client without risk.
	l := r.startLoad(fw, led, "sigterm", towns(3), loadOpts{workers: 6, keyEvery: 1,
		until: func(res writeResult) bool { return res.err != nil }})
	time.Sleep(1500 * time.Millisecond)
	require.NoError(t, fw.terminate(), "fieldwork exits 0 after SIGTERM")
	l.halt()

	results, _ := led.snapshot()
	var accepted, refused int
	var failed []string
	for _, res := range results {
		switch {
		case res.err == nil && res.status == 201:
			accepted++
		case isRefused(res.err):
			refused++ // the listener was closed: never in flight
		default:
			failed = append(failed, fmt.Sprintf("%s: status %d %s %v", res.token, res.status, res.code, res.err))
		}
	}
	t.Logf("SIGTERM under load: %d accepted, %d refused after the listener closed, %d failed in flight", accepted, refused, len(failed))
	require.Empty(t, failed, "requests the server had taken must all be answered")
	require.Positive(t, accepted)

	// The events of the last writes may still be in their outbox: the next fieldwork
	// process's relay publishes them.
	fw.start()
	led.settle(r, "SIGTERM under load", settleTimeout)
}
