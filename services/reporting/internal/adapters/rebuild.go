package adapters

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/bus"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
	"dundian.local/services/reporting/internal/domain/rebuild"
)

// Rebuilds keeps the rebuild jobs in `county.reporting_rebuilds`, one document per job (a
// handful in the life of a deployment).
type Rebuilds struct{ coll *mongo.Collection }

func NewRebuilds(st store.Service) Rebuilds { return Rebuilds{coll: st.County("rebuilds")} }

// jobDoc is a job with the lease of the process running it.
type jobDoc struct {
	rebuild.Job `bson:",inline"`
	// HeartbeatAt is when the running process last saved progress; a job whose heartbeat
	// stopped (the process died) is taken over by another.
	HeartbeatAt time.Time `bson:"heartbeatAt"`
}

func (r Rebuilds) Queue(ctx context.Context, j rebuild.Job) error {
	cur, err := r.latest(ctx)
	if err == nil && cur.Active() {
		return rebuild.ErrActive
	}
	if err != nil && !errors.Is(err, rebuild.ErrNotFound) {
		return err
	}
	_, err = r.coll.InsertOne(ctx, jobDoc{Job: j})
	return err
}

func (r Rebuilds) Latest(ctx context.Context) (rebuild.Job, error) {
	d, err := r.latest(ctx)
	return d.Job, err
}

// latest is the job with the greatest id (UUIDv7 ids order by time).
func (r Rebuilds) latest(ctx context.Context) (jobDoc, error) {
	var d jobDoc
	err := r.coll.FindOne(ctx, bson.D{}, options.FindOne().SetSort(bson.D{{Key: "_id", Value: -1}})).Decode(&d)
	if store.IsNotFound(err) {
		return jobDoc{}, rebuild.ErrNotFound
	}
	return d, err
}

// claim takes the latest job when it is queued, or running with a heartbeat older than
// stale, and marks it running from now.
func (r Rebuilds) claim(ctx context.Context, now time.Time, stale time.Duration) (rebuild.Job, bool, error) {
	d, err := r.latest(ctx)
	if errors.Is(err, rebuild.ErrNotFound) {
		return rebuild.Job{}, false, nil
	}
	if err != nil || !d.Active() || (d.Status == rebuild.Running && now.Sub(d.HeartbeatAt) < stale) {
		return rebuild.Job{}, false, err
	}
	read := d
	d.Start(now)
	d.HeartbeatAt = now
	res, err := r.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}, {Key: "status", Value: read.Status},
		{Key: "heartbeatAt", Value: read.HeartbeatAt}}, d)
	if err != nil || res.MatchedCount == 0 {
		return rebuild.Job{}, false, err // another process claimed it meanwhile
	}
	return d.Job, true, nil
}

// save stores the job's progress and renews its lease.
func (r Rebuilds) save(ctx context.Context, j rebuild.Job, now time.Time) error {
	_, err := r.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: j.ID}}, jobDoc{Job: j, HeartbeatAt: now})
	return err
}

// Rebuilder runs the queued rebuild jobs as a worker of the process.
type Rebuilder struct {
	Jobs    Rebuilds
	Store   store.Service
	Towns   Towns
	Brokers []string
	Topics  []string
	// Apply is the projections' handler (Projections): it must not notify anyone.
	Apply bus.Handler
	Log   *slog.Logger
	Now   func() time.Time
}

const (
	rebuildPoll  = 2 * time.Second
	rebuildStale = time.Minute // a running job whose process saved nothing for this long is taken over
	rebuildSave  = time.Second // how often progress is saved
	applyTries   = 5
)

// Run looks for a queued job every few seconds and runs it. A job interrupted by a shutdown
// stays running and is started again from scratch (clearing twice is harmless).
func (b *Rebuilder) Run(ctx context.Context) error {
	t := time.NewTicker(rebuildPoll)
	defer t.Stop()
	for {
		if err := b.next(ctx); err != nil && ctx.Err() == nil {
			b.Log.WarnContext(ctx, "projection rebuild", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (b *Rebuilder) next(ctx context.Context) error {
	j, ok, err := b.Jobs.claim(ctx, b.Now(), rebuildStale)
	if err != nil || !ok {
		return err
	}
	b.Log.InfoContext(ctx, "projection rebuild started", "job", j.ID, "town", j.Town)
	runErr := b.run(ctx, &j)
	if ctx.Err() != nil {
		return nil // stopping: the next start takes the job up again
	}
	j.Finish(runErr, b.Now())
	b.Log.InfoContext(ctx, "projection rebuild finished", "job", j.ID, "status", j.Status, "applied", j.Applied, "err", runErr)
	return b.Jobs.save(context.WithoutCancel(ctx), j, b.Now())
}

// run clears the projections of the job's towns and replays every retained event into them.
// The high-water marks are read after the clearing, so an event the live consumer applied
// just before it is replayed as well.
func (b *Rebuilder) run(ctx context.Context, j *rebuild.Job) error {
	j.Kept = nil // a job taken over starts again from scratch
	clear, skip, err := b.scope(ctx, j.Town)
	if err != nil {
		return err
	}
	// A topic that lost events to retention would rebuild less than the live state holds:
	// find out before clearing anything.
	parts, err := b.partitions(ctx)
	if err != nil {
		return err
	}
	// A town whose creation is not in the topics came from elsewhere (restored from a backup
	// by tools/backup): its history is not here, and clearing its projections would lose
	// what the restore brought back. It is kept as it is.
	announced, err := b.announced(ctx, parts)
	if err != nil {
		return err
	}
	for _, town := range clear {
		if !announced[string(town)] {
			skip[string(town)] = true
			j.Kept = append(j.Kept, string(town))
			continue
		}
		if err := b.clearTown(ctx, town); err != nil {
			return err
		}
	}
	if len(j.Kept) > 0 {
		b.Log.WarnContext(ctx, "projection rebuild keeps towns whose history is not in the topics", "towns", j.Kept)
	}
	if parts, err = b.partitions(ctx); err != nil {
		return err
	}
	for _, p := range parts {
		j.Total += p.last - p.first
	}
	saved := b.Now()
	for _, p := range parts {
		err := b.replay(ctx, p, func(msg kafka.Message) error {
			j.Read++
			if town := string(msg.Key); (j.Town == "" || town == j.Town) && !skip[town] {
				applied, err := b.apply(ctx, msg)
				if err != nil {
					return err
				}
				if applied {
					j.Applied++
				} else {
					j.Skipped++
				}
			}
			// Progress is saved every second, also while other towns' events are read: it
			// renews the lease that keeps other processes from taking the job over.
			if now := b.Now(); now.Sub(saved) >= rebuildSave {
				saved = now
				return b.Jobs.save(ctx, *j, now)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// scope is the towns whose projections are cleared and those whose events are skipped: an
// erased town keeps its erased row, and its old events must not bring its figures back.
func (b *Rebuilder) scope(ctx context.Context, only string) (clear []tenancy.TownCode, skip map[string]bool, err error) {
	towns, err := b.Towns.All(ctx)
	if err != nil {
		return nil, nil, err
	}
	skip = map[string]bool{}
	for _, t := range towns {
		code, perr := tenancy.ParseTown(t.Code)
		switch {
		case t.Erased || perr != nil:
			skip[t.Code] = true
		case only == "" || only == t.Code:
			clear = append(clear, code)
		}
	}
	if only != "" && len(clear) == 0 {
		code, perr := tenancy.ParseTown(only)
		if perr != nil || skip[only] {
			return nil, nil, fmt.Errorf("town %q cannot be rebuilt", only)
		}
		clear = append(clear, code) // known to no projection yet: its events may still be there
	}
	return clear, skip, nil
}

// clearTown empties the town's row of the county comparison and removes its cadres' figures
// and its due tasks.
func (b *Rebuilder) clearTown(ctx context.Context, town tenancy.TownCode) error {
	tctx := tenancy.WithTown(ctx, town)
	for _, name := range []string{figuresCollection, openTasksCollection} {
		coll, err := b.Store.Collection(tctx, name)
		if err != nil {
			return err
		}
		if _, err := coll.DeleteMany(tctx, bson.D{}); err != nil {
			return err
		}
	}
	return b.Towns.clear(ctx, string(town))
}

type partition struct {
	topic       string
	id          int
	first, last int64
}

// partitions lists every partition of the topics with its offsets now. A partition whose
// first offset is not 0 lost events to retention: a replay of it would be incomplete.
func (b *Rebuilder) partitions(ctx context.Context) ([]partition, error) {
	d := &kafka.Dialer{Timeout: 10 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", b.Brokers[0])
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	kps, err := conn.ReadPartitions(b.Topics...)
	if err != nil {
		return nil, err
	}
	var out []partition
	for _, kp := range kps {
		lc, err := d.DialLeader(ctx, "tcp", net.JoinHostPort(kp.Leader.Host, strconv.Itoa(kp.Leader.Port)), kp.Topic, kp.ID)
		if err != nil {
			return nil, err
		}
		first, last, err := lc.ReadOffsets()
		lc.Close()
		if err != nil {
			return nil, fmt.Errorf("offsets of %s/%d: %w", kp.Topic, kp.ID, err)
		}
		if first != 0 {
			return nil, rebuild.ErrIncomplete.WithDetail(
				fmt.Sprintf("%s partition %d starts at offset %d", kp.Topic, kp.ID, first),
				fmt.Sprintf("%s 第%d分区自第%d条起", kp.Topic, kp.ID, first))
		}
		out = append(out, partition{topic: kp.Topic, id: kp.ID, first: first, last: last})
	}
	return out, nil
}

// announced is the towns whose platform.town.created is in the platform topic.
func (b *Rebuilder) announced(ctx context.Context, parts []partition) (map[string]bool, error) {
	out := map[string]bool{}
	for _, p := range parts {
		if p.topic != events.Topic(events.Platform) {
			continue
		}
		err := b.replay(ctx, p, func(msg kafka.Message) error {
			for _, h := range msg.Headers {
				if h.Key == events.HeaderType && string(h.Value) == events.TownCreated {
					out[string(msg.Key)] = true
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// replay reads one partition from its first offset up to the last one seen before.
func (b *Rebuilder) replay(ctx context.Context, p partition, fn func(kafka.Message) error) error {
	if p.last <= p.first {
		return nil
	}
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: b.Brokers, Topic: p.topic, Partition: p.id,
		MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 250 * time.Millisecond,
	})
	defer r.Close()
	if err := r.SetOffset(p.first); err != nil {
		return err
	}
	for {
		msg, err := r.FetchMessage(ctx)
		if err != nil {
			return fmt.Errorf("replay %s/%d: %w", p.topic, p.id, err)
		}
		if err := fn(msg); err != nil {
			return err
		}
		if msg.Offset >= p.last-1 {
			return nil
		}
	}
}

// apply runs the projections on one event like the live consumer: a store that fails or a
// write that lost a race is tried again; an event the handlers refuse (which the live
// consumer dead-lettered) is skipped and counted.
func (b *Rebuilder) apply(ctx context.Context, msg kafka.Message) (applied bool, err error) {
	ev, err := events.Decode(msg.Value)
	if err != nil {
		return false, nil
	}
	if ev.Town != "" {
		ctx = tenancy.WithTown(ctx, ev.Town)
	}
	for attempt := 1; ; attempt++ {
		err = b.Apply(ctx, ev)
		switch {
		case err == nil:
			return true, nil
		case !store.IsUnavailable(err) && !errors.Is(err, errs.ErrConflict):
			b.Log.WarnContext(ctx, "projection rebuild skips an event", "type", ev.Type, "id", ev.ID, "err", err)
			return false, nil
		case attempt == applyTries:
			return false, fmt.Errorf("apply %s %s: %w", ev.Type, ev.ID, err)
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
		}
	}
}
