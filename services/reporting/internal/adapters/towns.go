// Package adapters connects reporting to MongoDB and Kafka.
package adapters

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/errs"
	"dundian.local/libs/store"
	"dundian.local/services/reporting/internal/domain/comparison"
)

// Towns keeps the county comparison in `county.reporting_towns`, one document per town
// fetched by _id (the embedded store plans only _id lookups efficiently).
type Towns struct{ coll *mongo.Collection }

func NewTowns(st store.Service) Towns { return Towns{coll: st.County("towns")} }

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
			return err
		}
		res, err := r.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: town}, {Key: "ver", Value: read}}, t)
		if err != nil {
			return err
		}
		if res.MatchedCount == 1 {
			return nil
		}
	}
	return errors.Join(errs.ErrConflict, errors.New("county comparison: too many concurrent updates of town "+town))
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

func (r Towns) All(ctx context.Context) ([]comparison.Town, error) {
	cur, err := r.coll.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var out []comparison.Town
	return out, cur.All(ctx, &out)
}
