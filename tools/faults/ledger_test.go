package faults

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/tenancy"
)

// ledger is the test's own account of what it wrote, compared at the end with what the
// writer stored (fieldwork's work logs) and what the consumer applied (reporting's monthly
// figures, whose documents count their effective changes in `ver`).
type ledger struct {
	mu      sync.Mutex
	towns   map[tenancy.TownCode]bool
	results []writeResult
}

func newLedger() *ledger { return &ledger{towns: map[tenancy.TownCode]bool{}} }

func (l *ledger) record(res writeResult) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.towns[res.town] = true
	l.results = append(l.results, res)
}

func (l *ledger) snapshot() ([]writeResult, []tenancy.TownCode) {
	l.mu.Lock()
	defer l.mu.Unlock()
	towns := slices.Sorted(maps.Keys(l.towns))
	return slices.Clone(l.results), towns
}

// tally is the comparison. Lost and duplicate effects must be zero after every fault.
type tally struct {
	Written  int // requests sent
	Accepted int // answered 201
	Refused  int // answered 503: nothing saved, retry later
	Stored   int // work logs in fieldwork's collection
	Applied  int // work logs reporting's figures count
	Pending  int // stored work logs whose event is still in their outbox
	// Lost: accepted or stored, but never applied.
	Lost int
	// Duplicates: effects beyond one per event (figure changes beyond one per applied log)
	// plus writes stored more than once.
	Duplicates int
	// Unanswered: stored although the client heard no 201 (the answer was lost at the
	// moment of the fault). Whole, not half-written: the event still reached the consumer.
	Unanswered int
	// Phantom: applied by the consumer but stored nowhere.
	Phantom int
	// Broken: answered "nothing was saved" (store-unavailable), yet stored.
	Broken int
}

func (t tally) String() string {
	return fmt.Sprintf("written=%d accepted=%d refused=%d stored=%d applied=%d pending=%d lost=%d duplicate-effects=%d unanswered=%d phantom=%d broken-promises=%d",
		t.Written, t.Accepted, t.Refused, t.Stored, t.Applied, t.Pending, t.Lost, t.Duplicates, t.Unanswered, t.Phantom, t.Broken)
}

type storedLog struct {
	ID     string     `bson:"_id"`
	Text   string     `bson:"text"`
	Outbox []bson.Raw `bson:"outbox"`
}

type figuresDoc struct {
	ID      string                  `bson:"_id"`
	Ver     int64                   `bson:"ver"`
	Sources map[string]figureSource `bson:"sources"`
}

type figureSource struct {
	Kind    string `bson:"kind"`
	Deleted bool   `bson:"deleted"`
}

// count reads both stores and compares them with the results.
func (l *ledger) count(ctx context.Context, r *rig) (tally, error) {
	results, towns := l.snapshot()
	var (
		logs []storedLog
		figs []figuresDoc
	)
	for _, town := range towns {
		db := r.mongo.Database(town.Database())
		cur, err := db.Collection("fieldwork_work_logs").Find(ctx, bson.D{},
			options.Find().SetProjection(bson.D{{Key: "text", Value: 1}, {Key: "outbox", Value: 1}}))
		if err != nil {
			return tally{}, err
		}
		var some []storedLog
		if err := cur.All(ctx, &some); err != nil {
			return tally{}, err
		}
		logs = append(logs, some...)
		cur, err = db.Collection("reporting_figures").Find(ctx, bson.D{})
		if err != nil {
			return tally{}, err
		}
		var more []figuresDoc
		if err := cur.All(ctx, &more); err != nil {
			return tally{}, err
		}
		figs = append(figs, more...)
	}
	return compare(results, logs, figs), nil
}

// compare is the ledger's arithmetic: what the client heard, what the writer stored and
// what the consumer applied.
func compare(results []writeResult, logs []storedLog, figs []figuresDoc) tally {
	var t tally
	accepted := map[string]bool{}
	for _, res := range results {
		t.Written++
		switch res.status {
		case 201:
			t.Accepted++
			accepted[res.id] = true
		case 503:
			t.Refused++
		}
	}
	stored := map[string]bool{}
	copies := map[string]int{}
	for _, lg := range logs {
		stored[lg.ID] = true
		copies[lg.Text]++
		if len(lg.Outbox) > 0 {
			t.Pending++
		}
	}
	applied := map[string]bool{}
	var effects int64
	for _, f := range figs {
		effects += f.Ver
		for id, s := range f.Sources {
			if s.Kind == "log" && !s.Deleted {
				applied[id] = true
			}
		}
	}
	t.Stored, t.Applied = len(stored), len(applied)
	for id := range accepted {
		if !applied[id] {
			t.Lost++
		}
	}
	for id := range stored {
		if !applied[id] && !accepted[id] {
			t.Lost++
		}
		if !accepted[id] {
			t.Unanswered++
		}
	}
	for id := range applied {
		if !stored[id] {
			t.Phantom++
		}
	}
	// Every applied work log is one change of its figures document; more changes than
	// that means an event took effect twice.
	t.Duplicates = int(effects) - len(applied)
	for _, n := range copies {
		t.Duplicates += n - 1
	}
	for _, res := range results {
		if res.code == "store-unavailable" && copies[logText(res.token)] > 0 {
			t.Broken++
		}
	}
	return t
}

// settle waits until the consumer has caught up with everything stored (or timeout), logs
// the ledger and requires that nothing was lost, applied twice, left pending or invented.
func (l *ledger) settle(r *rig, scenario string, timeout time.Duration) tally {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout+15*time.Second)
	defer cancel()
	start := time.Now()
	deadline := start.Add(timeout)
	var (
		t   tally
		err error
	)
	for {
		t, err = l.count(ctx, r)
		if err == nil && t.Lost == 0 && t.Pending == 0 && t.Applied == t.Stored {
			break
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	require.NoError(r.t, err, "reading the ledger's stores")
	r.t.Logf("ledger %s (settled in %s): %s", scenario, time.Since(start).Round(100*time.Millisecond), t)
	require.Zero(r.t, t.Lost, "lost")
	require.Zero(r.t, t.Duplicates, "duplicate effects")
	require.Zero(r.t, t.Pending, "events left in an outbox")
	require.Zero(r.t, t.Phantom, "applied but never stored")
	require.Zero(r.t, t.Broken, "stored although the answer said nothing was saved")
	return t
}

// logText is the text of the work log a token writes.
func logText(token string) string { return "台账 " + token }

// token names one write of a scenario.
func token(scenario string, n int) string {
	return strings.ReplaceAll(scenario, " ", "-") + "#" + fmt.Sprint(n)
}
