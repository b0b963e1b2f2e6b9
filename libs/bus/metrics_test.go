package bus_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/testkit"
)

// meterReader reads what the package's instruments record. Consumers take their meter from
// the global provider, as in every process, so the tests share one.
var meterReader = sync.OnceValue(func() *sdkmetric.ManualReader {
	r := sdkmetric.NewManualReader()
	otel.SetMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(r)))
	return r
})

func collect(t *testing.T) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, meterReader().Collect(context.Background(), &rm))
	return rm
}

func TestConsumer_AppliedEvent_RecordsItsAgeSinceTheChange(t *testing.T) {
	t.Parallel()
	meterReader()

	topic := newTopic(t)
	town := testkit.NewTown(t)
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	ev := events.MustNew("bustest.thing.added", town, "test", "thing-old", nil)
	ev.OccurredAt = time.Now().Add(-3 * time.Second) // the change happened before the publish
	require.NoError(t, pub.Publish(context.Background(), topic, ev))

	group := "group-" + uuid.NewString()[:8]
	var applied atomic.Bool
	startConsumer(t, bus.ConsumerConfig{Group: group, Topics: []string{topic},
		Handler: func(context.Context, events.Envelope) error { applied.Store(true); return nil }})
	testkit.Eventually(t, 60*time.Second, applied.Load, "the event was applied")

	var point metricdata.HistogramDataPoint[float64]
	testkit.Eventually(t, 10*time.Second, func() bool {
		var ok bool
		point, ok = eventAge(collect(t), group)
		return ok
	}, "the group's event age was recorded")
	require.EqualValues(t, 1, point.Count)
	require.GreaterOrEqual(t, point.Sum, 3.0, "the age counts from the change, not from the publish")
	require.Less(t, point.Sum, 60.0)
}

// eventAge finds the group's point of dundian.consumer.event_age.
func eventAge(rm metricdata.ResourceMetrics, group string) (metricdata.HistogramDataPoint[float64], bool) {
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			h, ok := m.Data.(metricdata.Histogram[float64])
			if m.Name != "dundian.consumer.event_age" || !ok {
				continue
			}
			for _, p := range h.DataPoints {
				if v, ok := p.Attributes.Value(attribute.Key("group")); ok && v.AsString() == group {
					return p, true
				}
			}
		}
	}
	return metricdata.HistogramDataPoint[float64]{}, false
}

func TestConsumerLag_IsReportedForEveryGroupOfAProcess(t *testing.T) {
	t.Parallel()
	meterReader()
	topic := newTopic(t)
	groups := []string{"group-" + uuid.NewString()[:8], "group-" + uuid.NewString()[:8]}
	for _, g := range groups {
		_, err := bus.NewConsumer(bus.ConsumerConfig{Brokers: testkit.Brokers(t), Group: g, Topics: []string{topic},
			Handler: func(context.Context, events.Envelope) error { return nil }})
		require.NoError(t, err)
	}
	seen := map[string]bool{}
	for _, sm := range collect(t).ScopeMetrics {
		for _, m := range sm.Metrics {
			if g, ok := m.Data.(metricdata.Gauge[int64]); ok && m.Name == "dundian.consumer.lag" {
				for _, p := range g.DataPoints {
					v, _ := p.Attributes.Value(attribute.Key("group"))
					seen[v.AsString()] = true
				}
			}
		}
	}
	for _, g := range groups {
		require.True(t, seen[g], "no lag reported for %s", g)
	}
}
