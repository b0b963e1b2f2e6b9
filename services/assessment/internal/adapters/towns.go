package adapters

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/events"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
)

// townsCollection is county-wide: the towns the platform announced, for the periodic check
// of the recall triggers; an erased town leaves it.
const townsCollection = "towns"

// Towns is the list of the county's towns, from platform.town.created and .erased.
type Towns struct{ store store.Service }

// NewTowns is the list over a service's store.
func NewTowns(st store.Service) Towns { return Towns{st} }

// Apply keeps the list; a repeated event changes nothing.
func (t Towns) Apply(ctx context.Context, ev events.Envelope) error {
	coll := t.store.County(townsCollection)
	if ev.Type == events.TownErased {
		_, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: string(ev.Town)}})
		return err
	}
	_, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: string(ev.Town)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "town", Value: string(ev.Town)}}}}, options.UpdateOne().SetUpsert(true))
	return err
}

// All lists the towns in code order.
func (t Towns) All(ctx context.Context) ([]tenancy.TownCode, error) {
	cur, err := t.store.County(townsCollection).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
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
		if code, err := tenancy.ParseTown(d.ID); err == nil {
			out = append(out, code)
		}
	}
	return out, nil
}
