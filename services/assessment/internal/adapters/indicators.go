package adapters

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/errs"
	"dundian.local/libs/store"
	"dundian.local/services/assessment/internal/app"
	"dundian.local/services/assessment/internal/domain/indicators"
	"dundian.local/services/assessment/internal/domain/yearend"
)

// Indicators keeps the per cadre-year read model of the indicator inputs in every town's
// database: one document per cadre and year (`<year>|<cadre>`, the assessment's own id), one
// per community and year for its petition cases (`<year>|<community>`), and for every source
// record the document it is in, so a record that moves (an opinion handed to another cadre, a
// log re-dated into another year) leaves the one it was in. All are read by _id.
type Indicators struct{ store store.Service }

func NewIndicators(st store.Service) Indicators { return Indicators{st} }

type ownerDoc struct {
	ID     string `bson:"_id"` // the source's key
	Record string `bson:"record"`
	Rev    int64  `bson:"rev"`
}

func (x Indicators) collections(ctx context.Context, community bool) (records, owners *mongo.Collection, err error) {
	name := indicatorsCollection
	if community {
		name = caseRecordsCollection
	}
	if records, err = x.store.Collection(ctx, name); err != nil {
		return nil, nil, err
	}
	owners, err = x.store.Collection(ctx, sourceOwnersCollection)
	return records, owners, err
}

// Apply records a source in the record ref names, first taking it out of the record it was in
// when it moved. Every step is guarded by the source's revision, so a retry after a crash
// between the steps repeats them harmlessly.
func (x Indicators) Apply(ctx context.Context, ref app.SourceRef, src indicators.Source) error {
	records, owners, err := x.collections(ctx, ref.Community)
	if err != nil {
		return err
	}
	id := yearend.ID(ref.Year, ref.Owner)
	ownerKey := ref.Key
	if ref.Community {
		ownerKey = "community|" + ref.Key
	}
	var was ownerDoc
	err = owners.FindOne(ctx, bson.D{{Key: "_id", Value: ownerKey}}).Decode(&was)
	if err != nil && !store.IsNotFound(err) {
		return err
	}
	if err == nil && was.Rev >= src.Rev {
		return nil // an older or redelivered event
	}
	if was.Record != "" && was.Record != id {
		gone := src
		gone.Deleted = true
		if err := update(ctx, records, was.Record, ref.Owner, ref.Year, func(r *indicators.Record) bool { return r.Apply(ref.Key, gone) }); err != nil {
			return err
		}
	}
	if err := update(ctx, records, id, ref.Owner, ref.Year, func(r *indicators.Record) bool { return r.Apply(ref.Key, src) }); err != nil {
		return err
	}
	_, err = owners.ReplaceOne(ctx, bson.D{{Key: "_id", Value: ownerKey}}, ownerDoc{ID: ownerKey, Record: id, Rev: src.Rev},
		options.Replace().SetUpsert(true))
	return err
}

// update reads a record (an empty one when absent), lets fn change it and stores it when fn
// reports a change, guarded by the document's version and retried on concurrent writes.
func update(ctx context.Context, coll *mongo.Collection, id, owner string, year int, fn func(*indicators.Record) bool) error {
	for range 20 {
		var r indicators.Record
		err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r)
		exists := err == nil
		if err != nil && !store.IsNotFound(err) {
			return err
		}
		if !exists {
			r = indicators.Record{ID: id, Owner: owner, Year: year}
		}
		if !fn(&r) {
			return nil
		}
		read := r.Ver
		r.Ver++
		if !exists {
			_, err = coll.InsertOne(ctx, r)
			if store.IsDuplicate(err) {
				continue // created meanwhile: read it and apply again
			}
			return err
		}
		res, err := coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "ver", Value: read}}, r)
		if err != nil {
			return err
		}
		if res.MatchedCount == 1 {
			return nil
		}
	}
	return errors.Join(errs.ErrConflict, errors.New("indicators: too many concurrent updates of "+id))
}

// Get returns the cadre's record of the year; found is false when nothing was recorded.
func (x Indicators) Get(ctx context.Context, cadre string, year int) (indicators.Record, bool, error) {
	return x.get(ctx, false, yearend.ID(year, cadre))
}

// Cases returns the record of a community's petition cases of the year.
func (x Indicators) Cases(ctx context.Context, community string, year int) (indicators.Record, error) {
	r, _, err := x.get(ctx, true, yearend.ID(year, community))
	return r, err
}

func (x Indicators) get(ctx context.Context, community bool, id string) (indicators.Record, bool, error) {
	coll, _, err := x.collections(ctx, community)
	if err != nil {
		return indicators.Record{}, false, err
	}
	var r indicators.Record
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r)
	if store.IsNotFound(err) {
		return indicators.Record{ID: id}, false, nil
	}
	return r, err == nil, err
}

// List returns the town's cadre records of a year, in _id order after the given one.
func (x Indicators) List(ctx context.Context, year int, after string, limit int) ([]indicators.Record, error) {
	coll, _, err := x.collections(ctx, false)
	if err != nil {
		return nil, err
	}
	filter := bson.D{{Key: "year", Value: year}}
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	out := []indicators.Record{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("list indicators: %w", err)
	}
	return out, nil
}

// cadreDoc is a cadre's name as personnel last announced it, for the cases raised by a trigger.
type cadreDoc struct {
	Name string `bson:"name"`
}

// SetCadreName keeps the cadre's name at the event's revision.
func (x Indicators) SetCadreName(ctx context.Context, cadre string, rev int64, name string) error {
	coll, err := x.store.Collection(ctx, cadresCollection)
	if err != nil {
		return err
	}
	_, err = store.ApplyIfNewer(ctx, coll, cadre, rev, bson.D{{Key: "name", Value: name}})
	return err
}

// CadreName returns the cadre's name; "" when personnel has not announced the cadre.
func (x Indicators) CadreName(ctx context.Context, cadre string) (string, error) {
	coll, err := x.store.Collection(ctx, cadresCollection)
	if err != nil {
		return "", err
	}
	var d cadreDoc
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: cadre}}).Decode(&d)
	if store.IsNotFound(err) {
		return "", nil
	}
	return d.Name, err
}
