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
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
	"dundian.local/libs/telemetry"
	"dundian.local/libs/tenancy"
	"dundian.local/services/reporting/internal/domain/comparison"
	"dundian.local/services/reporting/internal/domain/figures"
)

// BusinessMetricsIntervalVariable sets how often the business gauges are measured.
const BusinessMetricsIntervalVariable = "REPORTING_METRICS_INTERVAL"

// DefaultBusinessMetricsInterval keeps the gauges fresh enough for a dashboard that looks at
// a month, at a few queries per town every few minutes.
const DefaultBusinessMetricsInterval = 5 * time.Minute

// BusinessGroup is the consumer group of the petition cases the gauges count.
const BusinessGroup = "reporting.business"

// petitionCasesCollection keeps each petition case's status by case id, in the town's database.
const petitionCasesCollection = "petition_cases"

// Timeliness values of dundian.business.monthly_reports.
const (
	OnTime = "on_time"
	Late   = "late"
)

// TownBusiness is what one town's programme did in the current Beijing month.
type TownBusiness struct {
	Stays    int // stays at the contact points in the month (one across a month's end counts in both)
	WorkLogs int // work logs dated in the month
	// Monthly reports on the previous month, which fall due in this one, by the timeliness of
	// their first submission.
	ReportsOnTime, ReportsLate int
	OpenPetitionCases          int // cases registered as such (立案) and not yet resolved
}

// BusinessMetrics reports each town's TownBusiness as gauges labelled with the town. The
// figures are measured in the background every interval and /metrics reads the last
// measurement, so a scrape costs no query: a province has 2,365 towns.
type BusinessMetrics struct {
	store store.Service
	towns Towns
	cfg   bus.ConsumerConfig
	log   *slog.Logger
	every time.Duration
	bad   error // an unusable interval setting, reported by Run
	now   func() time.Time

	mu   sync.Mutex
	last map[tenancy.TownCode]TownBusiness
}

// NewBusinessMetrics registers the gauges; Run measures and keeps the petition cases' status.
// The interval is read from REPORTING_METRICS_INTERVAL (a Go duration, default 5m).
func NewBusinessMetrics(st store.Service, brokers []string, log *slog.Logger) *BusinessMetrics {
	m := &BusinessMetrics{store: st, towns: NewTowns(st), log: log, every: DefaultBusinessMetricsInterval, now: time.Now}
	if v := os.Getenv(BusinessMetricsIntervalVariable); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			m.bad = fmt.Errorf("%s: %q is not a positive duration such as 5m", BusinessMetricsIntervalVariable, v)
		} else {
			m.every = d
		}
	}
	m.cfg = bus.ConsumerConfig{
		Brokers: brokers, Group: BusinessGroup, Topics: []string{events.Topic(events.Petitions)}, Log: log,
		Handler: bus.Dispatch(map[string]bus.Handler{events.CaseRegistered: m.applyCase, events.CaseChanged: m.applyCase}),
	}
	// One callback per BusinessMetrics, registered on its own: the SDK keeps only the first
	// callbacks given with an instrument's options.
	meter := otel.Meter("dundian.local/services/reporting/internal/adapters")
	stays, _ := meter.Int64ObservableGauge("dundian.business.stays", metric.WithUnit("{stay}"),
		metric.WithDescription("stays at the contact points in the current Beijing month"))
	logs, _ := meter.Int64ObservableGauge("dundian.business.work_logs", metric.WithUnit("{log}"),
		metric.WithDescription("work logs dated in the current Beijing month"))
	reports, _ := meter.Int64ObservableGauge("dundian.business.monthly_reports", metric.WithUnit("{report}"),
		metric.WithDescription("monthly reports on the previous month, due in the current Beijing month, by the timeliness of their first submission"))
	cases, _ := meter.Int64ObservableGauge("dundian.business.open_petition_cases", metric.WithUnit("{case}"),
		metric.WithDescription("petition cases open or being resolved"))
	_, _ = meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for town, b := range m.Last() {
			t := telemetry.TownAttribute.String(string(town))
			o.ObserveInt64(stays, int64(b.Stays), metric.WithAttributes(t))
			o.ObserveInt64(logs, int64(b.WorkLogs), metric.WithAttributes(t))
			o.ObserveInt64(reports, int64(b.ReportsOnTime), metric.WithAttributes(t, attribute.String("timeliness", OnTime)))
			o.ObserveInt64(reports, int64(b.ReportsLate), metric.WithAttributes(t, attribute.String("timeliness", Late)))
			o.ObserveInt64(cases, int64(b.OpenPetitionCases), metric.WithAttributes(t))
		}
		return nil
	}, stays, logs, reports, cases)
	return m
}

// Last is the latest measurement by town.
func (m *BusinessMetrics) Last() map[tenancy.TownCode]TownBusiness {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.last)
}

// Run keeps the petition cases' status and measures every town shortly after the start, then
// every interval, until ctx ends. A measurement that fails is logged and tried again at the
// next interval; the gauges keep the last good figures meanwhile.
func (m *BusinessMetrics) Run(ctx context.Context) error {
	if m.bad != nil {
		return m.bad
	}
	c, err := bus.NewConsumer(m.cfg)
	if err != nil {
		return err
	}
	consumed := make(chan error, 1)
	go func() { consumed <- c.Run(ctx) }()
	// Not at once: the process has just started and its consumers are catching up.
	t := time.NewTimer(min(m.every, 10*time.Second))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return <-consumed
		case <-t.C:
		}
		if err := m.Refresh(ctx); err != nil && ctx.Err() == nil {
			m.log.WarnContext(ctx, "measuring the business gauges", "err", err)
		}
		t.Reset(m.every)
	}
}

// Refresh measures every town the county comparison knows and is not erased.
func (m *BusinessMetrics) Refresh(ctx context.Context) error {
	month := calendar.MonthOf(m.now())
	towns, err := m.towns.All(ctx)
	if err != nil {
		return err
	}
	prev := m.Last()
	next := make(map[tenancy.TownCode]TownBusiness, len(towns))
	var failed []error
	for _, t := range towns {
		code, err := tenancy.ParseTown(t.Code)
		if err != nil || t.Erased {
			continue
		}
		b, err := m.measure(tenancy.WithTown(ctx, code), t, month)
		if err != nil {
			failed = append(failed, fmt.Errorf("town %s: %w", code, err))
			if old, ok := prev[code]; ok {
				next[code] = old
			}
			continue
		}
		next[code] = b
	}
	m.mu.Lock()
	m.last = next
	m.mu.Unlock()
	return errors.Join(failed...)
}

// measure reads one town: its cadres' figures of the month (one query on the month index) and
// its open petition cases (one count); the reports come from the comparison row already read.
func (m *BusinessMetrics) measure(ctx context.Context, t comparison.Town, month calendar.Month) (TownBusiness, error) {
	figs, err := m.store.Collection(ctx, figuresCollection)
	if err != nil {
		return TownBusiness{}, err
	}
	cur, err := figs.Find(ctx, bson.D{{Key: "month", Value: month.String()}}, options.Find().SetProjection(bson.D{{Key: "sources", Value: 1}}))
	if err != nil {
		return TownBusiness{}, err
	}
	var months []figures.Month
	if err := cur.All(ctx, &months); err != nil {
		return TownBusiness{}, err
	}
	cases, err := m.store.Collection(ctx, petitionCasesCollection)
	if err != nil {
		return TownBusiness{}, err
	}
	open, err := cases.CountDocuments(ctx, bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: openCaseStatuses}}}})
	if err != nil {
		return TownBusiness{}, err
	}
	b := CountRecords(months)
	b.ReportsOnTime, b.ReportsLate = CountReports(t, month.Prev())
	b.OpenPetitionCases = int(open)
	return b, nil
}

// openCaseStatuses are petitions' case states between 立案 and 已化解: an early sign (苗头)
// is not a case yet, and a resolved one is no longer open.
var openCaseStatuses = bson.A{"open", "resolving"}

// CountRecords counts the stays and work logs the cadres' figures of one month hold; an item
// that moved to another month is not counted.
func CountRecords(months []figures.Month) TownBusiness {
	var b TownBusiness
	for _, fm := range months {
		for _, s := range fm.Sources {
			if s.Deleted {
				continue
			}
			switch s.Kind {
			case figures.Stay:
				b.Stays++
			case figures.WorkLog:
				b.WorkLogs++
			}
		}
	}
	return b
}

// CountReports counts the town's monthly reports on month that were submitted, by whether the
// first submission met the deadline.
func CountReports(t comparison.Town, month calendar.Month) (onTime, late int) {
	for _, r := range t.Reports {
		if r.Month != month.String() || !r.Reported {
			continue
		}
		if r.OnTime {
			onTime++
		} else {
			late++
		}
	}
	return onTime, late
}

// applyCase keeps a petition case's status at its revision, so redelivered or older events
// change nothing.
func (m *BusinessMetrics) applyCase(ctx context.Context, ev events.Envelope) error {
	var d struct {
		Status string `json:"status"`
	}
	if err := ev.Unmarshal(&d); err != nil {
		return bus.Permanent(err)
	}
	coll, err := m.store.Collection(ctx, petitionCasesCollection)
	if err != nil {
		return bus.Permanent(err) // an event without a town
	}
	_, err = store.ApplyIfNewer(ctx, coll, ev.Subject, ev.Rev, bson.D{{Key: "status", Value: d.Status}})
	return err
}
