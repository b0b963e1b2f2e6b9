package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"syscall"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// projection watches reporting's county comparison document of one town in the store itself,
// by _id (the only lookup the embedded store plans efficiently), and notes when each cadre
// first appears in it.
type projection struct {
	coll *mongo.Collection
	town string

	mu   sync.Mutex
	seen map[string]time.Time
}

func watchProjection(ctx context.Context, uri, town string) (*projection, func(), error) {
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		return nil, nil, err
	}
	p := &projection{coll: client.Database("county").Collection("reporting_towns"), town: town, seen: map[string]time.Time{}}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			p.poll(ctx)
			_ = sleep(ctx, 5*time.Millisecond)
		}
	}()
	return p, func() { cancel(); <-done; _ = client.Disconnect(context.Background()) }, nil
}

func (p *projection) poll(ctx context.Context) {
	var doc struct {
		Cadres map[string]bson.Raw `bson:"cadres"`
	}
	err := p.coll.FindOne(ctx, bson.D{{Key: "_id", Value: p.town}}, options.FindOne().SetProjection(bson.D{{Key: "cadres", Value: 1}})).Decode(&doc)
	if err != nil {
		return
	}
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	for id := range doc.Cadres {
		if _, ok := p.seen[id]; !ok {
			p.seen[id] = now
		}
	}
}

func (p *projection) visible(id string) (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t, ok := p.seen[id]
	return t, ok
}

func (p *projection) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.seen)
}

// write is one cadre added through the gateway.
type write struct {
	id   string
	done time.Time
}

// writer adds cadres to one town through the gateway, each with an Idempotency-Key; every
// tenth is sent twice with the same key, as a village's retry would, so that a duplicated
// effect would show.
type writer struct {
	a    *api
	town string

	mu     sync.Mutex
	writes []write
	n      int
	dups   int // retries that made a second cadre
}

func (w *writer) add(ctx context.Context) error {
	w.mu.Lock()
	w.n++
	n := w.n
	w.mu.Unlock()
	key := fmt.Sprintf("bench-%s-%d", w.town, n)
	body, _ := json.Marshal(map[string]any{"name": fmt.Sprintf("干部%05d", n), "unit": "镇政府", "post": "干部",
		"phone": fmt.Sprintf("139%08d", n), "leadership": false})
	post := func() (string, error) {
		req, err := w.a.request(ctx, http.MethodPost, "/api/v1/towns/"+w.town+"/cadres", "application/json", bytes.NewReader(body))
		if err != nil {
			return "", err
		}
		req.Header.Set("Idempotency-Key", key)
		var out struct {
			ID string `json:"id"`
		}
		return out.ID, w.a.do(req, &out)
	}
	id, err := post()
	if err != nil {
		return err
	}
	done := time.Now()
	if n%10 == 0 {
		again, err := post()
		if err != nil {
			return err
		}
		if again != id {
			w.mu.Lock()
			w.dups++
			w.mu.Unlock()
		}
	}
	w.mu.Lock()
	w.writes = append(w.writes, write{id: id, done: done})
	w.mu.Unlock()
	return nil
}

// eventPipeline (part 2): a write through the gateway (a cadre added to personnel) until
// reporting's projection shows it, at a fixed rate; then the drain rate of a backlog built
// while reporting was paused.
func eventPipeline(ctx context.Context, b *bench) []row {
	const part = "2 pipeline"
	town := b.towns[1]
	proj, stop, err := watchProjection(ctx, b.sys.stack.Env.MongoURI, town)
	if err != nil {
		return []row{notMeasured(part, "pipeline", "", err)}
	}
	defer stop()
	w := &writer{a: b.admin, town: town}
	const rate = 100
	d, backlog := 5*time.Second, 200
	if b.o.quick {
		d, backlog = 3*time.Second, 150
	}

	res := openLoop(ctx, d, rate, w.add)
	var lat sample
	// waitAll waits until every write shows in the projection, or until it stops progressing
	// for half a minute (five minutes at most); what never shows is lost.
	waitAll := func(ws []write) (lost int) {
		last, progress := time.Now(), -1
		_ = waitUntil(ctx, 5*time.Minute, 20*time.Millisecond, func() (bool, error) {
			missing := 0
			for _, x := range ws {
				if _, ok := proj.visible(x.id); !ok {
					missing++
				}
			}
			if missing != progress {
				progress, last = missing, time.Now()
			}
			return missing == 0 || time.Since(last) > 30*time.Second, nil
		})
		for _, x := range ws {
			if _, ok := proj.visible(x.id); !ok {
				lost++
			}
		}
		return lost
	}
	w.mu.Lock()
	steady := append([]write(nil), w.writes...)
	w.writes = nil
	w.mu.Unlock()
	lost := waitAll(steady)
	for _, x := range steady {
		if t, ok := proj.visible(x.id); ok {
			lat = append(lat, max(t.Sub(x.done), 0))
		}
	}
	rows := []row{
		figure(part, fmt.Sprintf("writes at %d/s for %s (each tenth retried with its Idempotency-Key)", rate, d), fmt.Sprintf("%d ok, %d failed", res.OK, res.Failed), errNote(res.FirstErr)),
		figure(part, "write → projection p50", ms(lat.percentile(50)), "the projection is polled by _id every 5 ms"),
		check(part, "write → projection p99", ms(lat.percentile(99)), "≤ 250 ms", len(lat) > 0 && lat.percentile(99) <= 250*time.Millisecond,
			"reporting writes one entry per event, but the embedded store rewrites the town's whole comparison row for each update, in the county database whose writes it serialises with every service's outbox markers; see Findings"),
	}

	// The backlog: reporting paused (SIGSTOP) while the writes go in as fast as they can.
	rep := b.sys.services["reporting"]
	if err := rep.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		return append(rows, notMeasured(part, "backlog drain rate", "", err))
	}
	burst := 0
	for burst < backlog && ctx.Err() == nil {
		r := closedLoop(ctx, time.Second, 8, w.add)
		burst += r.OK
		if r.Failed > 0 {
			_ = rep.cmd.Process.Signal(syscall.SIGCONT)
			return append(rows, notMeasured(part, "backlog drain rate", "", r.FirstErr))
		}
	}
	w.mu.Lock()
	queued := append([]write(nil), w.writes...)
	w.mu.Unlock()
	resumed := time.Now()
	if err := rep.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		return append(rows, notMeasured(part, "backlog drain rate", "", err))
	}
	backlogLost := waitAll(queued)
	drained := time.Since(resumed)
	var last time.Time
	for _, x := range queued {
		if t, ok := proj.visible(x.id); ok && t.After(last) {
			last = t
		}
	}
	if !last.IsZero() {
		drained = last.Sub(resumed)
	}
	total := lost + backlogLost
	// The town is the bench's own: every cadre its projection holds came from a write here,
	// so more cadres than distinct writes, or a retry answered with a new cadre, is a
	// duplicated effect.
	w.mu.Lock()
	dups := w.dups + max(proj.count()-len(steady)-len(queued), 0)
	w.mu.Unlock()
	rows = append(rows,
		figure(part, "backlog drain rate", fmt.Sprintf("%.0f events/s", float64(len(queued)-backlogLost)/drained.Seconds()),
			fmt.Sprintf("%d cadres added while reporting was paused, drained in %s", len(queued), drained.Round(time.Millisecond))),
		check(part, "lost (written, never projected)", fmt.Sprint(total), "0", total == 0, "writes not in the projection after it stopped progressing for 30 s"),
		check(part, "duplicated effects", fmt.Sprint(dups), "0", dups == 0,
			"a retried write made a second cadre, or the projection holds cadres no write made"),
	)
	return rows
}

func errNote(err error) string {
	if err == nil {
		return ""
	}
	return "first error: " + err.Error()
}
