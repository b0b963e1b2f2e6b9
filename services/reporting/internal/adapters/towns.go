// Package adapters connects reporting to MongoDB and Kafka.
package adapters

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/errs"
	"dundian.local/libs/store"
	"dundian.local/services/reporting/internal/domain/comparison"
)

// Towns keeps the county comparison in `county.reporting_towns`, one document per town
// fetched by _id (the embedded store plans only _id lookups efficiently).
//
// Each row's version is also kept in `county.reporting_town_versions`, one small document per
// town, so that the comparison learns which rows changed without the embedded store decoding
// every row (it decodes whole documents whatever the projection).
type Towns struct {
	coll     *mongo.Collection
	versions *mongo.Collection
	rows     *rowCache
}

func NewTowns(st store.Service) Towns {
	return Towns{coll: st.County("towns"), versions: st.County("town_versions"), rows: &rowCache{towns: map[string]cachedRows{}}}
}

// stamp records that the town's row reached version ver; a later version already recorded
// stays.
func (r Towns) stamp(ctx context.Context, town string, ver int64) error {
	_, err := r.versions.UpdateOne(ctx, bson.D{{Key: "_id", Value: town}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "ver", Value: ver}}}}, options.UpdateOne().SetUpsert(true))
	return err
}

func (r Towns) Update(ctx context.Context, town string, fn func(*comparison.Town) bool) error {
	for attempt := 0; attempt < 20; attempt++ {
		var t comparison.Town
		err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: town}}).Decode(&t)
		exists := err == nil
		if err != nil && !store.IsNotFound(err) {
			return err
		}
		if !exists {
			t = comparison.Town{Code: town}
		}
		if !fn(&t) {
			return nil
		}
		read := t.Ver
		t.Ver++
		if !exists {
			_, err = r.coll.InsertOne(ctx, t)
			if store.IsDuplicate(err) {
				continue // created meanwhile: read it and apply again
			}
			if err != nil {
				return err
			}
			return r.stamp(ctx, town, t.Ver)
		}
		res, err := r.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: town}, {Key: "ver", Value: read}}, t)
		if err != nil {
			return err
		}
		if res.MatchedCount == 1 {
			return r.stamp(ctx, town, t.Ver)
		}
	}
	return errors.Join(errs.ErrConflict, errors.New("county comparison: too many concurrent updates of town "+town))
}

// UpdatePart applies fn to the town's row as far as the part goes (the part's entry, whether
// the town is erased, its time) and, when fn reports a change, writes that entry alone.
// The write is addressed by _id only, the one filter the embedded store answers from its
// index (a guard on another field would decode every town's row), so instead of a guard it
// takes the entry it replaced back from the same update: had that one a newer revision (a
// rebuild and the live consumer apply the same entity at once), it is written back, until
// the newest revision either side saw is the one stored.
func (r Towns) UpdatePart(ctx context.Context, town string, p comparison.Part, fn func(*comparison.Town) bool) error {
	path, ok := p.Path()
	if !ok {
		return nil
	}
	scope := bson.D{{Key: "erased", Value: 1}, {Key: "updatedAt", Value: 1}, {Key: path, Value: 1}}
	var t comparison.Town
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: town}}, options.FindOne().SetProjection(scope)).Decode(&t)
	if err != nil && !store.IsNotFound(err) {
		return err
	}
	t.Code = town
	if !fn(&t) {
		return nil
	}
	state, rev, ok := t.Entry(p)
	if !ok {
		return fmt.Errorf("county comparison: %s of town %s changed without an entry", path, town)
	}
	at := t.UpdatedAt
	for attempt := 0; attempt < 20; attempt++ {
		// The store returns the whole previous row (findAndModify takes no projection here):
		// it is read in place, not decoded.
		before, err := r.coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: town}}, bson.D{
			{Key: "$set", Value: bson.D{{Key: path, Value: state}}},
			{Key: "$max", Value: bson.D{{Key: "updatedAt", Value: at}}},
			{Key: "$inc", Value: bson.D{{Key: "ver", Value: 1}}},
		}, options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.Before)).Raw()
		if store.IsNotFound(err) {
			return r.stamp(ctx, town, 1) // the row was created by this write
		}
		if isPathNotViable(err) {
			// Rows written whole kept an empty map as null, which can hold no entry: make it
			// a document (only while it is still null) and write again.
			if _, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: town}, {Key: p.Field, Value: nil}},
				bson.D{{Key: "$set", Value: bson.D{{Key: p.Field, Value: bson.D{}}}}}); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		ver, _ := before.Lookup("ver").AsInt64OK()
		if err := r.stamp(ctx, town, ver+1); err != nil {
			return err
		}
		if erased, _ := before.Lookup("erased").BooleanOK(); erased {
			// Erased between the read and the write: late events must leave no trace.
			_, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: town}}, bson.D{{Key: "$unset", Value: bson.D{{Key: path, Value: ""}}}})
			return err
		}
		prev, had := before.Lookup(p.Field, p.Key).DocumentOK()
		if !had {
			return nil
		}
		prevRev, _ := prev.Lookup("rev").AsInt64OK()
		if prevRev <= rev {
			return nil
		}
		state, rev = prev, prevRev
	}
	return errors.Join(errs.ErrConflict, errors.New("county comparison: too many concurrent updates of "+path+" in town "+town))
}

// isPathNotViable tells the server's refusal to create a field inside a value that is not a
// document.
func isPathNotViable(err error) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorCode(28)
}

// clear empties the town's row for a rebuild. The row is emptied rather than deleted so that
// its version keeps growing: a version is only ever held by one content, which the
// comparison's cache relies on (a deleted row would start again at version 1).
func (r Towns) clear(ctx context.Context, town string) error {
	unset := bson.D{}
	for _, f := range []string{"name", "communities", "reports", "cadres", "contactLists", "assignments", "cases", "forwarded"} {
		unset = append(unset, bson.E{Key: f, Value: ""})
	}
	var after struct {
		Ver int64 `bson:"ver"`
	}
	err := r.coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: town}}, bson.D{
		{Key: "$unset", Value: unset},
		{Key: "$set", Value: bson.D{{Key: "erased", Value: false}, {Key: "updatedAt", Value: time.Time{}}}},
		{Key: "$inc", Value: bson.D{{Key: "ver", Value: 1}}},
	}, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&after)
	if store.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return r.stamp(ctx, town, after.Ver)
}

// Get returns the town's row; an empty one when the projection knows nothing of it yet.
func (r Towns) Get(ctx context.Context, town string) (comparison.Town, error) {
	var t comparison.Town
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: town}}).Decode(&t)
	if store.IsNotFound(err) {
		return comparison.Town{Code: town}, nil
	}
	return t, err
}

// Cadres is Get with only the town's cadres: a list of reports names their cadres without
// decoding the town's communities and a year of reports.
func (r Towns) Cadres(ctx context.Context, town string) (comparison.Town, error) {
	var t comparison.Town
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: town}},
		options.FindOne().SetProjection(bson.D{{Key: "cadres", Value: 1}, {Key: "erased", Value: 1}})).Decode(&t)
	if store.IsNotFound(err) {
		return comparison.Town{Code: town}, nil
	}
	return t, err
}

func (r Towns) All(ctx context.Context) ([]comparison.Town, error) {
	cur, err := r.coll.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var out []comparison.Town
	return out, cur.All(ctx, &out)
}

// rowCache keeps the comparison rows computed from each town's row at the version they were
// computed from: a comparison reads the towns' versions (small documents) and decodes again
// only the rows that changed since, instead of every town's communities, cadres and year of
// reports. Every write of a row moves its version and then records it, so a row computed at
// the recorded version is current; another replica's cache is checked the same way. A
// version not recorded (the process stopped between the two writes) is caught up when the
// rows are read again in full: on the first comparison of a process and after maxRowAge.
type rowCache struct {
	mu      sync.Mutex
	towns   map[string]cachedRows
	checked time.Time // when every row was last read in full
}

type cachedRows struct {
	ver    int64
	erased bool
	rows   map[string]comparison.Row // by month
}

const (
	maxCachedMonths = 36 // months kept per town; past it the town's rows start over
	maxRowAge       = 5 * time.Minute
	maxRowsByID     = 32 // changed rows read one by one; more are read in one pass
)

// Rows is the comparison of every town that is not erased with the reports on month
// ("2026-05"), ordered by code.
func (r Towns) Rows(ctx context.Context, month string) ([]comparison.Row, error) {
	r.rows.mu.Lock()
	full := time.Since(r.rows.checked) > maxRowAge
	r.rows.mu.Unlock()
	if full {
		return r.allRows(ctx, month)
	}
	type version struct {
		Code string `bson:"_id"`
		Ver  int64  `bson:"ver"`
	}
	cur, err := r.versions.Find(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	var versions []version
	if err := cur.All(ctx, &versions); err != nil {
		return nil, err
	}
	rows := make([]comparison.Row, 0, len(versions))
	var stale []string
	r.rows.mu.Lock()
	for _, v := range versions {
		c, ok := r.rows.towns[v.Code]
		if !ok || c.ver != v.Ver {
			stale = append(stale, v.Code)
			continue
		}
		if c.erased {
			continue
		}
		if row, ok := c.rows[month]; ok {
			rows = append(rows, row)
			continue
		}
		stale = append(stale, v.Code)
	}
	r.rows.mu.Unlock()
	// Any filter but one _id makes the embedded store decode every row, so a few changed
	// rows are read one by one and many in one pass.
	filters := []bson.D{{{Key: "_id", Value: bson.D{{Key: "$in", Value: stale}}}}}
	if len(stale) <= maxRowsByID {
		filters = filters[:0]
		for _, code := range stale {
			filters = append(filters, bson.D{{Key: "_id", Value: code}})
		}
	}
	for _, f := range filters {
		fresh, err := r.computeRows(ctx, f, month)
		if err != nil {
			return nil, err
		}
		rows = append(rows, fresh...)
	}
	slices.SortFunc(rows, func(a, b comparison.Row) int { return strings.Compare(a.Town, b.Town) })
	return rows, nil
}

// allRows reads every town's row, records each version (a version a stopped process did not
// record is caught up) and starts the cache over from them.
func (r Towns) allRows(ctx context.Context, month string) ([]comparison.Row, error) {
	began := time.Now()
	r.rows.mu.Lock()
	r.rows.towns = map[string]cachedRows{}
	r.rows.mu.Unlock()
	rows, err := r.computeRows(ctx, bson.D{}, month)
	if err != nil {
		return nil, err
	}
	r.rows.mu.Lock()
	stamps := make([]mongo.WriteModel, 0, len(r.rows.towns))
	for code, c := range r.rows.towns {
		stamps = append(stamps, mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: code}}).
			SetUpdate(bson.D{{Key: "$max", Value: bson.D{{Key: "ver", Value: c.ver}}}}).SetUpsert(true))
	}
	r.rows.mu.Unlock()
	if len(stamps) > 0 {
		if _, err := r.versions.BulkWrite(ctx, stamps, options.BulkWrite().SetOrdered(false)); err != nil {
			return nil, err
		}
	}
	r.rows.mu.Lock()
	r.rows.checked = began
	r.rows.mu.Unlock()
	slices.SortFunc(rows, func(a, b comparison.Row) int { return strings.Compare(a.Town, b.Town) })
	return rows, nil
}

// computeRows reads the rows filter selects and computes their comparison on month, keeping
// each in the cache at the version it was read.
func (r Towns) computeRows(ctx context.Context, filter bson.D, month string) ([]comparison.Row, error) {
	// A row needs neither the assignments nor the cases.
	cur, err := r.coll.Find(ctx, filter,
		options.Find().SetProjection(bson.D{{Key: "assignments", Value: 0}, {Key: "cases", Value: 0}}))
	if err != nil {
		return nil, err
	}
	var towns []comparison.Town
	if err := cur.All(ctx, &towns); err != nil {
		return nil, err
	}
	out := make([]comparison.Row, 0, len(towns))
	r.rows.mu.Lock()
	defer r.rows.mu.Unlock()
	for _, t := range towns {
		c, ok := r.rows.towns[t.Code]
		if !ok || c.ver != t.Ver || c.erased != t.Erased || len(c.rows) >= maxCachedMonths {
			c = cachedRows{ver: t.Ver, erased: t.Erased, rows: map[string]comparison.Row{}}
		}
		if !t.Erased {
			row := t.Row(month)
			out = append(out, row)
			c.rows[month] = row
		}
		r.rows.towns[t.Code] = c
	}
	return out, nil
}
