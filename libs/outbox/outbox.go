// Package outbox publishes events without a dual write and without multi-document
// transactions (the embedded store has none): the event is pushed onto the changed
// document's `outbox` array in the same single-document update as the change; a relay
// publishes it with acks from every replica, then removes exactly that element.
//
// To find leftovers after a crash without visiting every town's database, every write first
// adds its event's id to a small marker document in one county-wide collection
// (`county.<prefix>_outbox`), then makes the change. The relay publishes what the document
// holds, removes those events from it and their ids from the marker, and deletes the marker
// only when no id is left in it (the delete is guarded by the empty list, so a write that
// marked meanwhile keeps it). An id whose event is in neither place belongs to a write still
// on its way — or to one that failed (the writer takes its id back) or crashed between the
// two steps (the id, a UUIDv7, tells its age; it is dropped after a grace period). A sweep at
// start-up and every few seconds reads only the markers, so its cost follows what is in
// flight, not the number of towns.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
)

// Field is the array of pending events on every outboxed document; Rev its revision.
const (
	Field = "outbox"
	Rev   = "rev"
)

// DefaultGrace is how long a marker whose write never landed is kept; longer than any write
// can take (the driver gives up after 15 s).
const DefaultGrace = time.Minute

// Publisher is what the relay needs of the bus.
type Publisher interface {
	Publish(ctx context.Context, topic string, evs ...events.Envelope) error
}

// Outbox writes documents with their events and relays the events to one topic.
type Outbox struct {
	client  *store.Client
	markers *mongo.Collection
	pub     Publisher
	topic   string
	log     *slog.Logger
	sweep   time.Duration
	grace   time.Duration
	workers int

	kick     chan ref
	mu       sync.Mutex
	inFlight map[ref]bool // ref → dirty (notified again while being flushed)

	pending   atomic.Int64
	oldestAge atomic.Int64 // milliseconds
	published metric.Int64Counter
}

// Config configures an Outbox.
type Config struct {
	Client    *store.Client
	Prefix    string // the owning service's collection prefix, e.g. "personnel"
	Publisher Publisher
	Topic     string
	Log       *slog.Logger
	Sweep     time.Duration // default 3 s
	Workers   int           // concurrent flushes, default 4
	Grace     time.Duration // default DefaultGrace
}

// New prepares an outbox; call Run to relay.
func New(cfg Config) (*Outbox, error) {
	if cfg.Client == nil || cfg.Publisher == nil || cfg.Prefix == "" || cfg.Topic == "" {
		return nil, errors.New("outbox: client, publisher, prefix and topic are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Sweep == 0 {
		cfg.Sweep = 3 * time.Second
	}
	if cfg.Workers == 0 {
		cfg.Workers = 4
	}
	if cfg.Grace == 0 {
		cfg.Grace = DefaultGrace
	}
	o := &Outbox{
		client:   cfg.Client,
		markers:  cfg.Client.Service(cfg.Prefix).County("outbox"),
		pub:      cfg.Publisher,
		topic:    cfg.Topic,
		log:      cfg.Log,
		sweep:    cfg.Sweep,
		grace:    cfg.Grace,
		workers:  cfg.Workers,
		kick:     make(chan ref, 4096),
		inFlight: map[ref]bool{},
	}
	m := otel.Meter("dundian.local/libs/outbox")
	o.published, _ = m.Int64Counter("dundian.events.published", metric.WithDescription("events published by the outbox relay"))
	attrs := metric.WithAttributes(attribute.String("topic", cfg.Topic))
	_, _ = m.Int64ObservableGauge("dundian.outbox.pending", metric.WithDescription("documents with events not yet published"),
		metric.WithInt64Callback(func(_ context.Context, ob metric.Int64Observer) error {
			ob.Observe(o.pending.Load(), attrs)
			return nil
		}))
	_, _ = m.Float64ObservableGauge("dundian.outbox.oldest_pending_age", metric.WithUnit("s"),
		metric.WithDescription("age of the oldest unpublished change"),
		metric.WithFloat64Callback(func(_ context.Context, ob metric.Float64Observer) error {
			ob.Observe(float64(o.oldestAge.Load())/1000, attrs)
			return nil
		}))
	return o, nil
}

type ref struct{ DB, Coll, ID string }

func (r ref) key() string { return r.DB + "/" + r.Coll + "/" + r.ID }

func refOf(coll *mongo.Collection, id string) ref {
	return ref{DB: coll.Database().Name(), Coll: coll.Name(), ID: id}
}

type marker struct {
	ID   string    `bson:"_id"`
	DB   string    `bson:"db"`
	Coll string    `bson:"coll"`
	Doc  string    `bson:"doc"`
	IDs  []string  `bson:"ids"` // events written or about to be written, not yet published
	At   time.Time `bson:"at"`  // first unpublished change
}

// mark records that the document is about to get the event. It is written before the
// change, so a crash in between leaves an id that the sweep finds (and drops once the grace
// has passed), never a pending event without a marker.
func (o *Outbox) mark(ctx context.Context, r ref, eventID string) error {
	_, err := o.markers.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: r.key()}},
		bson.D{
			{Key: "$push", Value: bson.D{{Key: "ids", Value: eventID}}},
			{Key: "$setOnInsert", Value: bson.D{{Key: "db", Value: r.DB}, {Key: "coll", Value: r.Coll}, {Key: "doc", Value: r.ID}, {Key: "at", Value: time.Now().UTC()}}},
		},
		options.UpdateOne().SetUpsert(true))
	if err != nil {
		return unavailable(fmt.Errorf("outbox mark %s: %w", r.key(), err))
	}
	return nil
}

// ErrInterrupted answers a write whose change was sent but never acknowledged (the connection
// broke or timed out): the server may have applied it, so the client must not hear that
// nothing was saved.
var ErrInterrupted = errs.Unavailable("store-interrupted",
	"the system was interrupted while saving; the change may have been saved: check before entering it again",
	"保存时系统中断，本次修改可能已经保存；请先查看，再决定是否重新填写")

// unavailable makes an unreachable store errs.ErrUnavailable (503, retry), for failures
// before the change was sent: nothing was saved.
func unavailable(err error) error {
	if store.IsUnavailable(err) {
		return fmt.Errorf("%w: %w", errs.ErrUnavailable, err)
	}
	return err
}

// unacknowledged classifies a failed change: never sent when no server could be selected,
// else possibly applied.
func unacknowledged(err error) error {
	switch {
	case !store.IsUnavailable(err):
		return err
	case strings.Contains(err.Error(), "server selection error"):
		return fmt.Errorf("%w: %w", errs.ErrUnavailable, err)
	default:
		return fmt.Errorf("%w: %w", ErrInterrupted, err)
	}
}

// unmark takes back the id of a write that changed nothing.
func (o *Outbox) unmark(ctx context.Context, r ref, eventID string) {
	_, _ = o.markers.UpdateOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: r.key()}},
		bson.D{{Key: "$pullAll", Value: bson.D{{Key: "ids", Value: bson.A{eventID}}}}})
	o.notify(r)
}

// Insert creates a document at revision 1 with its creation event pending. doc must not
// carry _id, rev or outbox; id becomes the _id. A second insert of the same id fails with
// store.IsDuplicate.
func (o *Outbox) Insert(ctx context.Context, coll *mongo.Collection, id string, doc bson.D, ev events.Envelope) error {
	r := refOf(coll, id)
	if err := o.mark(ctx, r, ev.ID); err != nil {
		return err
	}
	ev.Rev = 1
	ev.Subject = nonEmpty(ev.Subject, id)
	full := append(bson.D{{Key: "_id", Value: id}}, doc...)
	full = append(full, bson.E{Key: Rev, Value: int64(1)}, bson.E{Key: Field, Value: bson.A{ev}})
	if _, err := coll.InsertOne(ctx, full); err != nil {
		if store.IsDuplicate(err) {
			o.unmark(ctx, r, ev.ID)
		}
		return unacknowledged(err)
	}
	o.notify(r)
	return nil
}

// Update applies update to the document at revision rev, increments the revision and adds
// the event, all in one single-document update. It returns the new revision; a document that
// moved on (or does not exist) gives errs.ErrConflict. update holds operators such as $set;
// it must not touch rev or outbox.
func (o *Outbox) Update(ctx context.Context, coll *mongo.Collection, id string, rev int64, update bson.D, ev events.Envelope) (int64, error) {
	for _, op := range update {
		if op.Key == "$inc" || op.Key == "$push" {
			return 0, fmt.Errorf("outbox update of %s: %s is reserved for the outbox", id, op.Key)
		}
	}
	r := refOf(coll, id)
	if err := o.mark(ctx, r, ev.ID); err != nil {
		return 0, err
	}
	ev.Rev = rev + 1
	ev.Subject = nonEmpty(ev.Subject, id)
	full := append(bson.D(nil), update...)
	full = append(full,
		bson.E{Key: "$inc", Value: bson.D{{Key: Rev, Value: int64(1)}}},
		bson.E{Key: "$push", Value: bson.D{{Key: Field, Value: ev}}},
	)
	res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: Rev, Value: rev}}, full)
	if err != nil || res.MatchedCount == 0 {
		// A failed write may still have been applied (a timeout): unmarking is safe only
		// when the server said no, so after an error the id ages out instead.
		if err == nil {
			o.unmark(ctx, r, ev.ID)
		}
		if err != nil {
			return 0, unacknowledged(err)
		}
		return 0, errs.ErrConflict
	}
	o.notify(r)
	return rev + 1, nil
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (o *Outbox) notify(r ref) {
	select {
	case o.kick <- r:
	default: // the sweep picks it up
	}
}

// Run relays until ctx ends: at once for what this process wrote, and by sweeping the
// markers for what was left by a crash or another replica.
func (o *Outbox) Run(ctx context.Context) error {
	work := make(chan ref)
	var wg sync.WaitGroup
	for i := 0; i < o.workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range work {
				o.flushRef(ctx, r)
			}
		}()
	}
	defer func() { close(work); wg.Wait() }()

	t := time.NewTicker(o.sweep)
	defer t.Stop()
	dispatch := func(r ref) bool {
		if o.claim(r) {
			select {
			case work <- r:
			case <-ctx.Done():
				return false
			}
		}
		return true
	}
	o.sweepAll(ctx, dispatch)
	for {
		select {
		case <-ctx.Done():
			return nil
		case r := <-o.kick:
			if !dispatch(r) {
				return nil
			}
		case <-t.C:
			o.sweepAll(ctx, dispatch)
		}
	}
}

// claim marks r in flight; a ref already in flight is marked dirty and flushed again after.
func (o *Outbox) claim(r ref) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, busy := o.inFlight[r]; busy {
		o.inFlight[r] = true
		return false
	}
	o.inFlight[r] = false
	return true
}

func (o *Outbox) release(r ref) (again bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	again = o.inFlight[r]
	if again {
		o.inFlight[r] = false
	} else {
		delete(o.inFlight, r)
	}
	return again
}

func (o *Outbox) flushRef(ctx context.Context, r ref) {
	for {
		if err := o.Flush(ctx, r.DB, r.Coll, r.ID); err != nil && ctx.Err() == nil {
			o.log.WarnContext(ctx, "outbox flush failed; the sweep retries", "doc", r.key(), "err", err)
		}
		if !o.release(r) {
			return
		}
	}
}

func (o *Outbox) sweepAll(ctx context.Context, dispatch func(ref) bool) {
	cur, err := o.markers.Find(ctx, bson.D{})
	if err != nil {
		if ctx.Err() == nil {
			o.log.WarnContext(ctx, "outbox sweep failed", "err", err)
		}
		return
	}
	var ms []marker
	if err := cur.All(ctx, &ms); err != nil {
		return
	}
	o.pending.Store(int64(len(ms)))
	var oldest time.Duration
	for _, m := range ms {
		oldest = max(oldest, time.Since(m.At))
	}
	o.oldestAge.Store(oldest.Milliseconds())
	for _, m := range ms {
		if !dispatch(ref{DB: m.DB, Coll: m.Coll, ID: m.Doc}) {
			return
		}
	}
}

type pendingDoc struct {
	Outbox []bson.Raw `bson:"outbox"`
}

// Flush publishes the pending events of one document, removes them and their ids, and
// deletes its marker when nothing else is in flight. Safe to run concurrently with writers
// and other relays: at worst an event is published twice, which consumers absorb.
func (o *Outbox) Flush(ctx context.Context, db, collName, id string) error {
	r := ref{DB: db, Coll: collName, ID: id}
	coll := o.client.Mongo().Database(db).Collection(collName)
	for {
		var m marker
		err := o.markers.FindOne(ctx, bson.D{{Key: "_id", Value: r.key()}}).Decode(&m)
		if store.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		var doc pendingDoc
		err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}},
			options.FindOne().SetProjection(bson.D{{Key: Field, Value: 1}})).Decode(&doc)
		if err != nil && !store.IsNotFound(err) {
			return err
		}
		done := map[string]bool{}
		if len(doc.Outbox) > 0 {
			evs := make([]events.Envelope, len(doc.Outbox))
			for i, raw := range doc.Outbox {
				if err := bson.Unmarshal(raw, &evs[i]); err != nil {
					return fmt.Errorf("outbox %s: decode pending event: %w", r.key(), err)
				}
				done[evs[i].ID] = true
			}
			if err := o.pub.Publish(ctx, o.topic, evs...); err != nil {
				return err
			}
			o.published.Add(ctx, int64(len(evs)), metric.WithAttributes(attribute.String("topic", o.topic)))
			// Remove exactly the published elements; later pushes stay.
			pull := make(bson.A, len(doc.Outbox))
			for i, raw := range doc.Outbox {
				pull[i] = raw
			}
			if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
				bson.D{{Key: "$pullAll", Value: bson.D{{Key: Field, Value: pull}}}}); err != nil {
				return err
			}
		}
		inFlight := 0
		for _, eid := range m.IDs {
			if done[eid] {
				continue
			}
			if o.expired(eid) {
				done[eid] = true // its write crashed before landing, long ago
				continue
			}
			inFlight++
		}
		if len(done) > 0 {
			ids := make(bson.A, 0, len(done))
			for eid := range done {
				ids = append(ids, eid)
			}
			if _, err := o.markers.UpdateOne(ctx, bson.D{{Key: "_id", Value: r.key()}},
				bson.D{{Key: "$pullAll", Value: bson.D{{Key: "ids", Value: ids}}}}); err != nil {
				return err
			}
		}
		if inFlight > 0 {
			return nil // a write that marked has not landed yet; it notifies, and the sweep comes back
		}
		res, err := o.markers.DeleteOne(ctx, bson.D{{Key: "_id", Value: r.key()}, {Key: "ids", Value: bson.A{}}})
		if err != nil {
			return err
		}
		if res.DeletedCount == 1 {
			return nil
		}
		// A write marked while we flushed: go round again.
	}
}

// expired reports whether an event id (a UUIDv7, which carries its creation time) is older
// than the grace: its write can no longer land.
func (o *Outbox) expired(eventID string) bool {
	u, err := uuid.Parse(eventID)
	if err != nil || u.Version() != 7 {
		return true
	}
	sec, nsec := u.Time().UnixTime()
	return time.Since(time.Unix(sec, nsec)) > o.grace
}
