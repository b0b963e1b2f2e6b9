package adapters

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
)

// Towns keeps the county's town codes (county database, "petitions_towns") for the
// periodic overdue check.
type Towns struct{ store store.Service }

func NewTowns(st store.Service) Towns { return Towns{store: st} }

func (t Towns) Remember(ctx context.Context, town tenancy.TownCode) error {
	_, err := t.store.County("towns").UpdateOne(ctx, bson.D{{Key: "_id", Value: string(town)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "town", Value: string(town)}}}}, options.UpdateOne().SetUpsert(true))
	return err
}

func (t Towns) All(ctx context.Context) ([]tenancy.TownCode, error) {
	cur, err := t.store.County("towns").Find(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("towns: %w", err)
	}
	out := make([]tenancy.TownCode, 0, len(docs))
	for _, d := range docs {
		if code, err := tenancy.ParseTown(d.ID); err == nil {
			out = append(out, code)
		}
	}
	return out, nil
}
