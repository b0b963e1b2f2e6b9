package telemetry

import (
	"testing"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/baggage"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

func TestKafkaHeaders_InjectThenExtract_GivesSameTrace(t *testing.T) {
	t.Parallel()
	member, err := baggage.NewMember("dundian.request", "r-1")
	require.NoError(t, err)
	bag, err := baggage.New(member)
	require.NoError(t, err)
	ctx, span := otel.Tracer("test").Start(baggage.ContextWithBaggage(t.Context(), bag), "publish")
	defer span.End()

	in := []kafka.Header{{Key: "dundian-event-type", Value: []byte("petitions.petition.filed")}}
	headers := InjectKafka(ctx, in)

	require.Len(t, in, 1, "the caller's headers are not modified")
	require.Equal(t, in[0], headers[0], "the caller's headers are kept")
	got := ExtractKafka(t.Context(), headers)
	sc := trace.SpanContextFromContext(got)
	require.True(t, sc.IsRemote())
	require.Equal(t, span.SpanContext().TraceID(), sc.TraceID())
	require.Equal(t, span.SpanContext().SpanID(), sc.SpanID())
	require.Equal(t, "r-1", baggage.FromContext(got).Member("dundian.request").Value())
}

func TestInjectKafka_ForwardedMessage_CarriesOneTraceparent(t *testing.T) {
	t.Parallel()
	ctx1, first := otel.Tracer("test").Start(t.Context(), "first")
	defer first.End()
	ctx2, second := otel.Tracer("test").Start(t.Context(), "second")
	defer second.End()

	headers := InjectKafka(ctx2, InjectKafka(ctx1, nil))

	n := 0
	for _, h := range headers {
		if h.Key == "traceparent" {
			n++
		}
	}
	require.Equal(t, 1, n)
	require.Equal(t, second.SpanContext().TraceID(), trace.SpanContextFromContext(ExtractKafka(t.Context(), headers)).TraceID())
}

func TestExtractKafka_HeaderNames_AnyCase(t *testing.T) {
	t.Parallel()
	headers := []kafka.Header{{Key: "Traceparent", Value: []byte("00-" + remoteTrace + "-" + remoteSpan + "-01")}}
	sc := trace.SpanContextFromContext(ExtractKafka(t.Context(), headers))
	require.Equal(t, remoteTrace, sc.TraceID().String())
}

func TestExtractKafka_NoHeaders_KeepsContext(t *testing.T) {
	t.Parallel()
	ctx, span := otel.Tracer("test").Start(t.Context(), "consumer loop")
	defer span.End()
	require.Equal(t, span.SpanContext(), trace.SpanContextFromContext(ExtractKafka(ctx, nil)))
}

func TestKafkaSpans_ConsumerIsChildOfProducer(t *testing.T) {
	t.Parallel()
	pctx, producer := StartProducerSpan(t.Context(), "petitions.events", "130624100")
	msg := kafka.Message{
		Topic: "petitions.events", Partition: 2, Offset: 41, Key: []byte("130624100"),
		Value: []byte(`{"type":"petitions.petition.filed"}`), Headers: InjectKafka(pctx, nil),
	}
	producer.End()
	_, consumer := StartConsumerSpan(t.Context(), msg, "reporting")
	consumer.End()

	// The global provider is an SDK one (TestMain), whose spans can be read back.
	p, c := producer.(sdktrace.ReadOnlySpan), consumer.(sdktrace.ReadOnlySpan)
	require.Equal(t, "send petitions.events", p.Name())
	require.Equal(t, trace.SpanKindProducer, p.SpanKind())
	require.Equal(t, map[string]any{
		"messaging.system": "kafka", "messaging.destination.name": "petitions.events",
		"messaging.operation.type": "send", "messaging.operation.name": "send",
		"messaging.kafka.message.key": "130624100",
	}, attrs(p.Attributes()))

	require.Equal(t, "process petitions.events", c.Name())
	require.Equal(t, trace.SpanKindConsumer, c.SpanKind())
	require.Equal(t, p.SpanContext().TraceID(), c.SpanContext().TraceID())
	require.Equal(t, p.SpanContext().SpanID(), c.Parent().SpanID())
	require.Equal(t, map[string]any{
		"messaging.system": "kafka", "messaging.destination.name": "petitions.events",
		"messaging.operation.type": "process", "messaging.operation.name": "process",
		"messaging.consumer.group.name": "reporting", "messaging.destination.partition.id": "2",
		"messaging.kafka.offset": int64(41), "messaging.message.body.size": int64(len(msg.Value)),
		"messaging.kafka.message.key": "130624100",
	}, attrs(c.Attributes()))
}
