package adapters

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
	"dundian.local/services/petitions/internal/app"
)

// Towns keeps the county's towns (county database, "petitions_towns") for the periodic
// overdue check and the county's views, with the names those show.
type Towns struct{ store store.Service }

func NewTowns(st store.Service) Towns { return Towns{store: st} }

type townDoc struct {
	ID          string            `bson:"_id"`
	Name        string            `bson:"name,omitempty"`
	Communities map[string]string `bson:"communities,omitempty"`
}

// Remember sets each community's name on its own, so a .changed event naming only the
// communities a re-import added keeps the others.
func (t Towns) Remember(ctx context.Context, town app.KnownTown) error {
	set := bson.D{{Key: "town", Value: string(town.Code)}}
	if town.Name != "" {
		set = append(set, bson.E{Key: "name", Value: town.Name})
	}
	for code, name := range town.Communities {
		set = append(set, bson.E{Key: "communities." + code, Value: name})
	}
	_, err := t.store.County("towns").UpdateOne(ctx, bson.D{{Key: "_id", Value: string(town.Code)}},
		bson.D{{Key: "$set", Value: set}}, options.UpdateOne().SetUpsert(true))
	return err
}

func (t Towns) Forget(ctx context.Context, town tenancy.TownCode) error {
	_, err := t.store.County("towns").DeleteOne(ctx, bson.D{{Key: "_id", Value: string(town)}})
	return err
}

func (t Towns) All(ctx context.Context) ([]tenancy.TownCode, error) {
	known, err := t.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]tenancy.TownCode, len(known))
	for i, k := range known {
		out[i] = k.Code
	}
	return out, nil
}

func (t Towns) Get(ctx context.Context, town tenancy.TownCode) (app.KnownTown, error) {
	var d townDoc
	err := t.store.County("towns").FindOne(ctx, bson.D{{Key: "_id", Value: string(town)}}).Decode(&d)
	if store.IsNotFound(err) {
		return app.KnownTown{Code: town, Communities: map[string]string{}}, nil
	}
	if err != nil {
		return app.KnownTown{}, err
	}
	return d.known(), nil
}

func (t Towns) List(ctx context.Context) ([]app.KnownTown, error) {
	cur, err := t.store.County("towns").Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []townDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("towns: %w", err)
	}
	out := make([]app.KnownTown, 0, len(docs))
	for _, d := range docs {
		if _, err := tenancy.ParseTown(d.ID); err == nil {
			out = append(out, d.known())
		}
	}
	return out, nil
}

func (d townDoc) known() app.KnownTown {
	k := app.KnownTown{Code: tenancy.TownCode(d.ID), Name: d.Name, Communities: d.Communities}
	if k.Communities == nil {
		k.Communities = map[string]string{}
	}
	return k
}
