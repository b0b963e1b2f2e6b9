package adapters

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"

	"dundian.local/libs/objects"
	"dundian.local/libs/store"
	"dundian.local/libs/telemetry"
	"dundian.local/libs/tenancy"
)

// StorageMetricsIntervalVariable sets how often the storage gauges are measured.
const StorageMetricsIntervalVariable = "GATEWAY_STORAGE_METRICS_INTERVAL"

// DefaultStorageMetricsInterval: listing every object of every town is the costly part, and
// storage grows slowly.
const DefaultStorageMetricsInterval = 15 * time.Minute

// TownStorage is one town's share of the database and the object store.
type TownStorage struct {
	DatabaseBytes int64 // the town's database with its indexes, as the server reports it
	Objects       int64 // objects under <town>/
	ObjectBytes   int64
}

// StorageMetrics reports each registered town's TownStorage as gauges labelled with the town.
// The sizes are measured in the background, one town after another, and /metrics reads the
// last measurement: a scrape never waits for a database or an object listing.
type StorageMetrics struct {
	towns   *Towns
	store   *store.Client
	objects *objects.Store
	every   time.Duration
	log     *slog.Logger

	mu   sync.Mutex
	last map[tenancy.TownCode]TownStorage
}

// NewStorageMetrics reads the interval from GATEWAY_STORAGE_METRICS_INTERVAL (a Go duration,
// default 15m) and registers the gauges; Run measures.
func NewStorageMetrics(towns *Towns, st *store.Client, obj *objects.Store, log *slog.Logger) (*StorageMetrics, error) {
	m := &StorageMetrics{towns: towns, store: st, objects: obj, every: DefaultStorageMetricsInterval, log: log}
	if v := os.Getenv(StorageMetricsIntervalVariable); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("%s: %q is not a positive duration such as 15m", StorageMetricsIntervalVariable, v)
		}
		m.every = d
	}
	// One callback per StorageMetrics, registered on its own: the SDK keeps only the first
	// callbacks given with an instrument's options, and a test builds a second StorageMetrics.
	meter := otel.Meter("dundian.local/gateway/internal/adapters")
	dbSize, err1 := meter.Int64ObservableGauge("dundian.storage.database_size", metric.WithUnit("By"),
		metric.WithDescription("size of the town's database with its indexes"))
	objs, err2 := meter.Int64ObservableGauge("dundian.storage.objects", metric.WithUnit("{object}"),
		metric.WithDescription("objects stored under the town's prefix"))
	objBytes, err3 := meter.Int64ObservableGauge("dundian.storage.objects_size", metric.WithUnit("By"),
		metric.WithDescription("bytes of the objects stored under the town's prefix"))
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, err
	}
	_, err := meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for town, s := range m.Last() {
			attrs := metric.WithAttributes(telemetry.TownAttribute.String(string(town)))
			o.ObserveInt64(dbSize, s.DatabaseBytes, attrs)
			o.ObserveInt64(objs, s.Objects, attrs)
			o.ObserveInt64(objBytes, s.ObjectBytes, attrs)
		}
		return nil
	}, dbSize, objs, objBytes)
	return m, err
}

// Last is the latest measurement by town.
func (m *StorageMetrics) Last() map[tenancy.TownCode]TownStorage {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.last)
}

// Run measures every town shortly after the start, then every interval, until ctx ends. A
// town that cannot be measured is logged and keeps its last figures until the next round.
func (m *StorageMetrics) Run(ctx context.Context) error {
	// Not at once: the first minute of a process belongs to its start-up.
	t := time.NewTimer(min(m.every, 30*time.Second))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := m.Refresh(ctx); err != nil && ctx.Err() == nil {
			m.log.WarnContext(ctx, "measuring the storage gauges", "err", err)
		}
		t.Reset(m.every)
	}
}

// Refresh measures every town of the registry once.
func (m *StorageMetrics) Refresh(ctx context.Context) error {
	towns, err := m.towns.List(ctx)
	if err != nil {
		return err
	}
	prev := m.Last()
	next := make(map[tenancy.TownCode]TownStorage, len(towns))
	var failed []error
	for _, t := range towns {
		s, err := m.measure(ctx, t.Code)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			failed = append(failed, fmt.Errorf("town %s: %w", t.Code, err))
			if old, ok := prev[t.Code]; ok {
				next[t.Code] = old
			}
			continue
		}
		next[t.Code] = s
	}
	m.mu.Lock()
	m.last = next
	m.mu.Unlock()
	return errors.Join(failed...)
}

// dbStats is what MongoDB and FerretDB both answer to dbStats. totalSize (storage and
// indexes) is missing from servers older than MongoDB 4.4, which report the two parts.
type dbStats struct {
	TotalSize   float64 `bson:"totalSize"`
	StorageSize float64 `bson:"storageSize"`
	IndexSize   float64 `bson:"indexSize"`
}

func (m *StorageMetrics) measure(ctx context.Context, town tenancy.TownCode) (TownStorage, error) {
	var st dbStats
	// A town whose database was never written to reports zeros; dbStats does not create it.
	err := m.store.Mongo().Database(town.Database()).RunCommand(ctx, bson.D{{Key: "dbStats", Value: 1}}).Decode(&st)
	if err != nil {
		return TownStorage{}, fmt.Errorf("dbStats: %w", err)
	}
	s := TownStorage{DatabaseBytes: int64(st.TotalSize)}
	if s.DatabaseBytes == 0 {
		s.DatabaseBytes = int64(st.StorageSize + st.IndexSize)
	}
	for info, err := range m.objects.ListTown(ctx, town) {
		if err != nil {
			return TownStorage{}, err
		}
		s.Objects++
		s.ObjectBytes += info.Size
	}
	return s, nil
}
