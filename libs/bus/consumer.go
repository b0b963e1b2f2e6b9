package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"

	"dundian.local/libs/events"
	"dundian.local/libs/store"
	"dundian.local/libs/telemetry"
	"dundian.local/libs/tenancy"
)

// Handler applies one event. It must be idempotent: upsert by subject and apply a change
// only when its rev is newer. The context carries the event's town.
type Handler func(ctx context.Context, ev events.Envelope) error

type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

// Permanent marks an error that no retry can cure (bad data): the event goes to the
// dead-letter topic at once.
func Permanent(err error) error { return permanentError{err} }

// ConsumerConfig configures a Consumer; zero values take the defaults in setDefaults.
type ConsumerConfig struct {
	Brokers []string
	Group   string // consumer group, e.g. "reporting"
	Topics  []string
	Handler Handler
	Log     *slog.Logger

	// Lanes is how many events of different towns are applied at once (default 4). The
	// events of one key (one town) always share a lane and are applied in their order; 1
	// applies one event at a time.
	Lanes        int
	MaxAttempts  int           // attempts before an event is dead-lettered (default 5)
	RetryBackoff time.Duration // first backoff, doubling (default 100 ms)
	// Stall is how long the reader may make no progress while the group lags before it is
	// rebuilt (kafka-go readers can stall after broker restarts or rebalances).
	Stall            time.Duration // default 30 s
	LagEvery         time.Duration // how often lag is measured (default 5 s)
	SessionTimeout   time.Duration // default 10 s
	HeartbeatEvery   time.Duration // default 1 s
	RebalanceTimeout time.Duration // default 10 s
}

func (c *ConsumerConfig) setDefaults() {
	if c.Lanes == 0 {
		c.Lanes = 4
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 5
	}
	if c.RetryBackoff == 0 {
		c.RetryBackoff = 100 * time.Millisecond
	}
	if c.Stall == 0 {
		c.Stall = 30 * time.Second
	}
	if c.LagEvery == 0 {
		c.LagEvery = 5 * time.Second
	}
	if c.SessionTimeout == 0 {
		c.SessionTimeout = 10 * time.Second
	}
	if c.HeartbeatEvery == 0 {
		c.HeartbeatEvery = time.Second
	}
	if c.RebalanceTimeout == 0 {
		c.RebalanceTimeout = 10 * time.Second
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
}

// Validate reports a configuration that cannot work.
func (c ConsumerConfig) Validate() error {
	switch {
	case len(c.Brokers) == 0:
		return errors.New("consumer: no brokers")
	case c.Group == "":
		return errors.New("consumer: no group")
	case len(c.Topics) == 0:
		return errors.New("consumer: no topics")
	case c.Handler == nil:
		return errors.New("consumer: no handler")
	case c.Lanes < 0:
		return errors.New("consumer: negative lanes")
	}
	return nil
}

// Consumer runs FetchMessage → apply (with bounded retries) → commit, parks poison events
// on the dead-letter topic, measures lag and rebuilds a stalled reader. It applies the
// events of different towns side by side in lanes (a town's events keep their order in
// its lane) and commits, per partition, only past events that are done.
type Consumer struct {
	cfg  ConsumerConfig
	dlq  *Publisher
	lag  atomic.Int64
	last atomic.Int64 // unix nanos of the last applied or dead-lettered message

	applied  metric.Int64Counter
	dlqCount metric.Int64Counter
	retries  metric.Int64Counter
	age      metric.Float64Histogram
}

// eventAgeBuckets span a healthy pipeline (tens of milliseconds) to a consumer catching up
// after an outage (an hour).
var eventAgeBuckets = []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600}

// NewConsumer validates the configuration and prepares the consumer.
func NewConsumer(cfg ConsumerConfig) (*Consumer, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Consumer{cfg: cfg, dlq: NewPublisher(cfg.Brokers)}
	m := otel.Meter("dundian.local/libs/bus")
	c.applied, _ = m.Int64Counter("dundian.consumer.applied", metric.WithDescription("events applied by a consumer group"))
	c.dlqCount, _ = m.Int64Counter("dundian.consumer.dlq", metric.WithDescription("events moved to a dead-letter topic"))
	c.retries, _ = m.Int64Counter("dundian.consumer.retries", metric.WithDescription("failed attempts to apply an event"))
	c.age, _ = m.Float64Histogram("dundian.consumer.event_age", metric.WithUnit("s"),
		metric.WithDescription("time from the change that produced an event to its apply by a consumer group (end to end: outbox, relay, broker, consumer)"),
		metric.WithExplicitBucketBoundaries(eventAgeBuckets...))
	// Each consumer registers its own callback: the SDK keeps only the first callbacks given
	// with an instrument's options, which would report the first group of a process only.
	lag, _ := m.Int64ObservableGauge("dundian.consumer.lag",
		metric.WithDescription("messages not yet committed by the group, summed over its topics"))
	_, _ = m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		o.ObserveInt64(lag, c.lag.Load(), metric.WithAttributes(attribute.String("group", cfg.Group)))
		return nil
	}, lag)
	return c, nil
}

// Lag is the last measured number of messages the group has not committed.
func (c *Consumer) Lag() int64 { return c.lag.Load() }

func (c *Consumer) newReader() *kafka.Reader {
	return kafka.NewReader(kafka.ReaderConfig{
		Brokers:           c.cfg.Brokers,
		GroupID:           c.cfg.Group,
		GroupTopics:       c.cfg.Topics,
		MinBytes:          1,
		MaxBytes:          10 << 20,
		MaxWait:           250 * time.Millisecond,
		ReadBatchTimeout:  250 * time.Millisecond,
		StartOffset:       kafka.FirstOffset,
		SessionTimeout:    c.cfg.SessionTimeout,
		HeartbeatInterval: c.cfg.HeartbeatEvery,
		RebalanceTimeout:  c.cfg.RebalanceTimeout,
		CommitInterval:    0, // synchronous commits, after the apply
		ReadBackoffMin:    50 * time.Millisecond,
		ReadBackoffMax:    time.Second,
	})
}

// Run consumes until ctx ends. The events being applied when ctx ends are finished and
// committed first, so a SIGTERM loses nothing. An event is committed only when every
// earlier one of its partition is done, so one applied behind an event that was still
// queued is applied again after a restart, which an idempotent handler absorbs.
func (c *Consumer) Run(ctx context.Context) error {
	defer c.dlq.Close()
	c.last.Store(time.Now().UnixNano())
	go c.watchLag(ctx)
	for ctx.Err() == nil {
		if err := c.runReader(ctx); err != nil && ctx.Err() == nil {
			c.cfg.Log.WarnContext(ctx, "consumer reader restarting", "group", c.cfg.Group, "err", err)
			sleep(ctx, time.Second)
		}
	}
	return nil
}

var errStalled = errors.New("reader made no progress while the group lags")

func (c *Consumer) runReader(ctx context.Context) error {
	r := c.newReader()
	defer r.Close()
	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go c.watchdog(rctx, cancel)

	track := newInflight()
	lanes := make([]chan *delivery, c.cfg.Lanes)
	var workers sync.WaitGroup
	for i := range lanes {
		lanes[i] = make(chan *delivery, laneDepth)
		workers.Go(func() { c.runLane(ctx, rctx, lanes[i], track) })
	}
	stop := make(chan struct{})
	committed := make(chan error, 1)
	go func() { committed <- c.commitLoop(ctx, r, track, stop, cancel) }()

	err := c.fetch(ctx, rctx, r, track, lanes)
	for _, l := range lanes {
		close(l)
	}
	workers.Wait() // the events being applied are finished first
	close(stop)
	if cerr := <-committed; cerr != nil {
		return cerr
	}
	return err
}

// laneDepth is how many fetched events may wait in one lane; a full lane holds the fetch
// back, which bounds what is fetched but not applied.
const laneDepth = 32

// watchdog rebuilds the reader (cancels rctx with errStalled) when nothing was applied for
// cfg.Stall while the group lags.
func (c *Consumer) watchdog(rctx context.Context, cancel context.CancelCauseFunc) {
	t := time.NewTicker(c.cfg.Stall / 3)
	defer t.Stop()
	for {
		select {
		case <-rctx.Done():
			return
		case <-t.C:
			idle := time.Since(time.Unix(0, c.last.Load()))
			if c.lag.Load() > 0 && idle > c.cfg.Stall {
				cancel(errStalled)
				return
			}
		}
	}
}

// fetch hands each fetched message to the lane of its town until the reader ends. It
// returns nil when ctx ended and the reason otherwise.
func (c *Consumer) fetch(ctx, rctx context.Context, r *kafka.Reader, track *inflight, lanes []chan *delivery) error {
	ended := func(err error) error {
		if cause := context.Cause(rctx); cause != nil && ctx.Err() == nil {
			return cause
		}
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	for {
		msg, err := r.FetchMessage(rctx)
		if err != nil {
			return ended(err)
		}
		d := track.add(msg)
		select {
		case lanes[lane(msg.Key, len(lanes))] <- d:
		case <-rctx.Done():
			return ended(rctx.Err())
		}
	}
}

// runLane applies its events one after another. Once the reader is going away the events
// still queued are left alone: they are not committed, so they are fetched again.
func (c *Consumer) runLane(ctx, rctx context.Context, lane <-chan *delivery, track *inflight) {
	for d := range lane {
		if rctx.Err() != nil {
			continue
		}
		// The apply outlives a shutdown signal: finish what was started.
		actx, acancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		done := c.process(ctx, actx, d.msg)
		acancel()
		if done {
			track.finish(d)
		}
	}
}

// commitLoop commits what the lanes finished, batched: the commit of one event overlaps the
// apply of the next. After stop it commits what is left, also when shutting down. A failed
// commit ends the reader (fail), and the uncommitted events are fetched again.
func (c *Consumer) commitLoop(ctx context.Context, r *kafka.Reader, track *inflight, stop <-chan struct{}, fail context.CancelCauseFunc) error {
	flush := func() error {
		msgs := track.take()
		if len(msgs) == 0 {
			return nil
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := c.commit(cctx, r, msgs...); err != nil {
			return err
		}
		c.last.Store(time.Now().UnixNano())
		return nil
	}
	for {
		select {
		case <-track.signal:
			if err := flush(); err != nil {
				fail(err)
				<-stop
				return err
			}
		case <-stop:
			return flush()
		}
	}
}

func (c *Consumer) commit(ctx context.Context, r *kafka.Reader, msgs ...kafka.Message) error {
	var err error
	for attempt := 0; attempt < 10; attempt++ {
		if err = r.CommitMessages(ctx, msgs...); err == nil {
			return nil
		}
		sleep(ctx, c.cfg.RetryBackoff<<min(attempt, 5))
	}
	first := msgs[0]
	return fmt.Errorf("commit %s/%d@%d (and %d more): %w", first.Topic, first.Partition, first.Offset, len(msgs)-1, err)
}

// process applies one message and reports whether it is done with (applied or
// dead-lettered). Retries stop when run ends; the message is then left uncommitted.
func (c *Consumer) process(run, ctx context.Context, msg kafka.Message) bool {
	ctx = telemetry.ExtractKafka(ctx, msg.Headers)
	ctx, span := telemetry.StartConsumerSpan(ctx, msg, c.cfg.Group)
	defer span.End()

	ev, err := events.Decode(msg.Value)
	if err != nil {
		return c.deadLetter(ctx, msg, err)
	}
	if ev.Town != "" {
		ctx = tenancy.WithTown(ctx, ev.Town)
	}
	attrs := metric.WithAttributes(attribute.String("group", c.cfg.Group), attribute.String("type", ev.Type))
	backoff := c.cfg.RetryBackoff
	for attempt := 1; ; attempt++ {
		err = c.apply(ctx, ev)
		if err == nil {
			c.applied.Add(ctx, 1, attrs)
			c.recordAge(ctx, ev)
			return true
		}
		c.retries.Add(ctx, 1, attrs)
		var perm permanentError
		// A store that is down is not the event's fault: wait for it, however long, rather
		// than dead-letter good events.
		transient := store.IsUnavailable(err)
		if errors.As(err, &perm) || (!transient && attempt >= c.cfg.MaxAttempts) {
			telemetry.RecordError(span, err)
			span.SetStatus(codes.Error, "dead-lettered")
			return c.deadLetter(ctx, msg, err)
		}
		c.cfg.Log.WarnContext(ctx, "event apply failed, retrying", "group", c.cfg.Group, "type", ev.Type, "id", ev.ID, "attempt", attempt, "err", err)
		if run.Err() != nil || !sleep(run, backoff) {
			return false
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// recordAge observes how old the event is at its apply. The clocks of the producer and the
// consumer differ a little; a negative age is counted as zero rather than dropped.
func (c *Consumer) recordAge(ctx context.Context, ev events.Envelope) {
	if ev.OccurredAt.IsZero() {
		return
	}
	age := max(time.Since(ev.OccurredAt).Seconds(), 0)
	c.age.Record(ctx, age, metric.WithAttributes(attribute.String("group", c.cfg.Group)))
}

func (c *Consumer) apply(ctx context.Context, ev events.Envelope) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = Permanent(fmt.Errorf("handler panicked: %v", r))
		}
	}()
	return c.cfg.Handler(ctx, ev)
}

// deadLetter parks the message on <topic>.dlq with the error; it retries until the broker
// takes it, since committing past an event that is neither applied nor parked would lose it.
func (c *Consumer) deadLetter(ctx context.Context, msg kafka.Message, cause error) bool {
	headers := append(append([]kafka.Header(nil), msg.Headers...),
		kafka.Header{Key: events.HeaderError, Value: []byte(cause.Error())},
		kafka.Header{Key: "dundian-dlq-group", Value: []byte(c.cfg.Group)},
		kafka.Header{Key: "dundian-dlq-origin", Value: fmt.Appendf(nil, "%s/%d@%d", msg.Topic, msg.Partition, msg.Offset)},
	)
	dl := kafka.Message{Topic: events.DeadLetterTopic(msg.Topic), Key: msg.Key, Value: msg.Value, Headers: headers}
	for backoff := c.cfg.RetryBackoff; ; backoff = min(backoff*2, 5*time.Second) {
		err := c.dlq.WriteRaw(ctx, dl)
		if err == nil {
			break
		}
		c.cfg.Log.ErrorContext(ctx, "dead-letter write failed, retrying", "group", c.cfg.Group, "err", err)
		if !sleep(ctx, backoff) {
			return false
		}
	}
	c.dlqCount.Add(ctx, 1, metric.WithAttributes(attribute.String("group", c.cfg.Group), attribute.String("topic", msg.Topic)))
	c.cfg.Log.ErrorContext(ctx, "event dead-lettered", "group", c.cfg.Group, "topic", msg.Topic, "partition", msg.Partition, "offset", msg.Offset, "err", cause)
	return true
}

// watchLag measures the group's lag: end offsets minus committed offsets.
func (c *Consumer) watchLag(ctx context.Context) {
	// Its own transport: kafka-go's shared default caches metadata for 6 s, and a topic
	// it has not seen yet would count no lag (and keep the stall watchdog asleep).
	transport := &kafka.Transport{MetadataTTL: time.Second}
	defer transport.CloseIdleConnections()
	client := &kafka.Client{Addr: kafka.TCP(c.cfg.Brokers...), Timeout: 5 * time.Second, Transport: transport}
	t := time.NewTicker(c.cfg.LagEvery)
	defer t.Stop()
	for {
		if lag, err := GroupLag(ctx, client, c.cfg.Group, c.cfg.Topics); err == nil {
			c.lag.Store(lag)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// GroupLag sums, over the topics' partitions, the end offset minus the group's committed
// offset (a partition the group never committed counts from its first offset). Give client
// a Transport of its own: with kafka-go's shared default a new topic counts nothing for 6 s.
func GroupLag(ctx context.Context, client *kafka.Client, group string, topics []string) (int64, error) {
	meta, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: topics})
	if err != nil {
		return 0, err
	}
	list := map[string][]kafka.OffsetRequest{}
	fetch := map[string][]int{}
	for _, t := range meta.Topics {
		for _, p := range t.Partitions {
			list[t.Name] = append(list[t.Name], kafka.FirstOffsetOf(p.ID), kafka.LastOffsetOf(p.ID))
			fetch[t.Name] = append(fetch[t.Name], p.ID)
		}
	}
	offs, err := client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: list})
	if err != nil {
		return 0, err
	}
	committed, err := client.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: fetch})
	if err != nil {
		return 0, err
	}
	done := map[string]map[int]int64{}
	for topic, parts := range committed.Topics {
		done[topic] = map[int]int64{}
		for _, p := range parts {
			done[topic][p.Partition] = p.CommittedOffset
		}
	}
	var lag int64
	for topic, parts := range offs.Topics {
		for _, p := range parts {
			start := p.FirstOffset
			if c, ok := done[topic][p.Partition]; ok && c >= 0 {
				start = c
			}
			if p.LastOffset > start {
				lag += p.LastOffset - start
			}
		}
	}
	return lag, nil
}

// sleep waits d or until ctx ends; it reports whether the full time passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
