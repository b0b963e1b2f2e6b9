package telemetry

import (
	"context"
	"strconv"
	"strings"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// InjectKafka returns headers plus the trace context and baggage of ctx (traceparent,
// tracestate, baggage). Headers of those names already present are replaced, so a message
// that is forwarded (e.g. to a dead-letter topic) carries the forwarder's context only once.
// The given slice is not modified.
func InjectKafka(ctx context.Context, headers []kafka.Header) []kafka.Header {
	carrier := kafkaCarrier{headers: append([]kafka.Header(nil), headers...)}
	propagator.Inject(ctx, &carrier)
	return carrier.headers
}

// ExtractKafka returns ctx carrying the trace context and baggage found in headers. With no
// trace headers, ctx is returned as it is.
func ExtractKafka(ctx context.Context, headers []kafka.Header) context.Context {
	return propagator.Extract(ctx, &kafkaCarrier{headers: headers})
}

// kafkaCarrier adapts Kafka message headers to the propagation API. Header names are matched
// without regard to case, as other clients may write Traceparent.
type kafkaCarrier struct {
	headers []kafka.Header
}

var _ propagation.TextMapCarrier = (*kafkaCarrier)(nil)

func (k *kafkaCarrier) Get(key string) string {
	// The last header of a name wins, as it is the one added last.
	for i := len(k.headers) - 1; i >= 0; i-- {
		if strings.EqualFold(k.headers[i].Key, key) {
			return string(k.headers[i].Value)
		}
	}
	return ""
}

func (k *kafkaCarrier) Set(key, value string) {
	kept := k.headers[:0]
	for _, h := range k.headers {
		if !strings.EqualFold(h.Key, key) {
			kept = append(kept, h)
		}
	}
	k.headers = append(kept, kafka.Header{Key: key, Value: []byte(value)})
}

func (k *kafkaCarrier) Keys() []string {
	keys := make([]string, len(k.headers))
	for i, h := range k.headers {
		keys[i] = h.Key
	}
	return keys
}

// StartProducerSpan starts the span of sending one message to topic; inject the returned
// context into the message with [InjectKafka] and end the span once the write returns.
func StartProducerSpan(ctx context.Context, topic string, key string) (context.Context, trace.Span) {
	attrs := []attribute.KeyValue{
		semconv.MessagingSystemKafka,
		semconv.MessagingDestinationName(topic),
		semconv.MessagingOperationTypeSend,
		semconv.MessagingOperationName("send"),
	}
	if key != "" {
		attrs = append(attrs, semconv.MessagingKafkaMessageKey(key))
	}
	return otel.Tracer(scope).Start(ctx, "send "+topic,
		trace.WithSpanKind(trace.SpanKindProducer), trace.WithAttributes(attrs...))
}

// StartConsumerSpan starts the span of processing msg in a consumer group. Its parent is the
// producer's span, read from the message headers, so one trace runs from the request that
// caused an event to every service that applies it. End the span when the message is done.
func StartConsumerSpan(ctx context.Context, msg kafka.Message, group string) (context.Context, trace.Span) {
	ctx = ExtractKafka(ctx, msg.Headers)
	attrs := []attribute.KeyValue{
		semconv.MessagingSystemKafka,
		semconv.MessagingDestinationName(msg.Topic),
		semconv.MessagingOperationTypeProcess,
		semconv.MessagingOperationName("process"),
		semconv.MessagingConsumerGroupName(group),
		semconv.MessagingDestinationPartitionID(strconv.Itoa(msg.Partition)),
		semconv.MessagingKafkaOffset(int(msg.Offset)),
		semconv.MessagingMessageBodySize(len(msg.Value)),
	}
	if len(msg.Key) > 0 {
		attrs = append(attrs, semconv.MessagingKafkaMessageKey(string(msg.Key)))
	}
	return otel.Tracer(scope).Start(ctx, "process "+msg.Topic,
		trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(attrs...))
}
