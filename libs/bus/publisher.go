// Package bus moves events over Kafka with segmentio/kafka-go, avoiding its known traps:
// writers wait for every replica's acknowledgement and flush within milliseconds, topics are
// created explicitly, and consumers commit only what they applied.
package bus

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"dundian.local/libs/events"
	"dundian.local/libs/telemetry"
)

// Partitions of every service topic; the key (town) spreads towns over them.
const Partitions = 6

// ParseBrokers splits the KAFKA_BROKERS value.
func ParseBrokers(s string) []string {
	var out []string
	for _, b := range strings.Split(s, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}

// Publisher writes events to their topics, keyed by town.
type Publisher struct {
	w *kafka.Writer
}

// NewPublisher returns a writer tuned for latency and durability: RequireAll (a bare
// kafka.Writer is fire-and-forget) and a 5 ms batch timeout (the default second is far too slow).
func NewPublisher(brokers []string) *Publisher {
	return &Publisher{w: &kafka.Writer{
		Addr:                   kafka.TCP(brokers...),
		Balancer:               &kafka.Hash{},
		RequiredAcks:           kafka.RequireAll,
		BatchTimeout:           5 * time.Millisecond,
		BatchSize:              500,
		MaxAttempts:            10,
		WriteBackoffMin:        20 * time.Millisecond,
		WriteBackoffMax:        time.Second,
		AllowAutoTopicCreation: false,
		// Its own transport with a short metadata TTL: kafka-go's shared default caches
		// metadata for 6 s, so a topic created meanwhile would look unknown.
		Transport: &kafka.Transport{MetadataTTL: time.Second, DialTimeout: 5 * time.Second},
	}}
}

// Publish writes the events to topic and returns once the broker acknowledged all of them.
func (p *Publisher) Publish(ctx context.Context, topic string, evs ...events.Envelope) error {
	if len(evs) == 0 {
		return nil
	}
	msgs := make([]kafka.Message, 0, len(evs))
	spans := make([]trace.Span, 0, len(evs))
	for _, ev := range evs {
		value, err := ev.Encode()
		if err != nil {
			return err
		}
		sctx, span := telemetry.StartProducerSpan(ctx, topic, string(ev.Town))
		span.SetAttributes(attribute.String("messaging.message.id", ev.ID), attribute.String("dundian.event.type", ev.Type))
		spans = append(spans, span)
		headers := []kafka.Header{
			{Key: events.HeaderType, Value: []byte(ev.Type)},
			{Key: events.HeaderID, Value: []byte(ev.ID)},
			{Key: events.HeaderTown, Value: []byte(ev.Town)},
			{Key: events.HeaderVersion, Value: []byte(strconv.Itoa(ev.Version))},
		}
		msgs = append(msgs, kafka.Message{
			Topic:   topic,
			Key:     []byte(ev.Town),
			Value:   value,
			Headers: telemetry.InjectKafka(sctx, headers),
		})
	}
	err := p.w.WriteMessages(ctx, msgs...)
	for _, s := range spans {
		if err != nil {
			telemetry.RecordError(s, err)
			s.SetStatus(codes.Error, "publish failed")
		}
		s.End()
	}
	if err != nil {
		return fmt.Errorf("publish %d event(s) to %s: %w", len(msgs), topic, err)
	}
	return nil
}

// WriteRaw writes prepared messages (dead letters); same guarantees as Publish.
func (p *Publisher) WriteRaw(ctx context.Context, msgs ...kafka.Message) error {
	return p.w.WriteMessages(ctx, msgs...)
}

// Close flushes and closes the writer.
func (p *Publisher) Close() error { return p.w.Close() }

// keepForever is the retention of the event topics: they are the source a projection is
// rebuilt from, so they keep every event (the brokers' default deletes after 7 days).
var keepForever = []kafka.ConfigEntry{{ConfigName: "retention.ms", ConfigValue: "-1"}, {ConfigName: "retention.bytes", ConfigValue: "-1"}}

// EnsureTopics creates each topic and its dead-letter topic if missing, with the given
// replication factor (1 on a single broker, 3 in production). Auto-creation is never relied
// on: it races and picks broker defaults.
func EnsureTopics(ctx context.Context, brokers []string, replication int, topics ...string) error {
	if replication < 1 {
		replication = 1
	}
	if len(brokers) == 0 {
		return errors.New("no Kafka brokers configured (KAFKA_BROKERS)")
	}
	d := &kafka.Dialer{Timeout: 5 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", brokers[0])
	if err != nil {
		return fmt.Errorf("dial Kafka %s: %w", brokers[0], err)
	}
	defer conn.Close()
	ctrl, err := conn.Controller()
	if err != nil {
		return fmt.Errorf("find Kafka controller: %w", err)
	}
	cc, err := d.DialContext(ctx, "tcp", net.JoinHostPort(ctrl.Host, strconv.Itoa(ctrl.Port)))
	if err != nil {
		return fmt.Errorf("dial Kafka controller: %w", err)
	}
	defer cc.Close()
	var cfgs []kafka.TopicConfig
	for _, t := range topics {
		cfgs = append(cfgs,
			kafka.TopicConfig{Topic: t, NumPartitions: Partitions, ReplicationFactor: replication, ConfigEntries: keepForever},
			kafka.TopicConfig{Topic: events.DeadLetterTopic(t), NumPartitions: 1, ReplicationFactor: replication},
		)
	}
	if err := cc.CreateTopics(cfgs...); err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
		return fmt.Errorf("create topics: %w", err)
	}
	// Creation is asynchronous on a cluster: wait until the metadata shows every topic, so a
	// publish right after start-up does not meet "unknown topic".
	all := make([]string, 0, len(cfgs))
	for _, c := range cfgs {
		all = append(all, c.Topic)
	}
	for {
		parts, err := conn.ReadPartitions(all...)
		if err == nil && len(parts) > 0 && coversAll(parts, all) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("topics not visible after creation: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func coversAll(parts []kafka.Partition, topics []string) bool {
	seen := map[string]bool{}
	for _, p := range parts {
		seen[p.Topic] = true
	}
	for _, t := range topics {
		if !seen[t] {
			return false
		}
	}
	return true
}

// Ping checks that a broker answers (readiness).
func Ping(ctx context.Context, brokers []string) error {
	if len(brokers) == 0 {
		return errors.New("no Kafka brokers configured")
	}
	d := &kafka.Dialer{Timeout: 3 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", brokers[0])
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.Brokers()
	return err
}
