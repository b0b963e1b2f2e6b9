package adapters

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
)

// Towns records, in `county.personnel_towns`, every town personnel has seen created: the
// towns a new programme year carries over in.
type Towns struct{ coll *mongo.Collection }

func NewTowns(st store.Service) Towns { return Towns{coll: st.County("towns")} }

func (r Towns) Add(ctx context.Context, town tenancy.TownCode) error {
	_, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: string(town)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "town", Value: string(town)}}}}, options.UpdateOne().SetUpsert(true))
	return err
}

func (r Towns) All(ctx context.Context) ([]tenancy.TownCode, error) {
	cur, err := r.coll.Find(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]tenancy.TownCode, 0, len(docs))
	for _, d := range docs {
		out = append(out, tenancy.TownCode(d.ID))
	}
	return out, nil
}
