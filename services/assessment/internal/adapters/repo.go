package adapters

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
)

// repo stores one kind of entity of a town through the outbox: every write carries its event
// in the same single-document update. The entity's own bson tags give the stored fields.
type repo[T any] struct {
	store    store.Service
	outbox   *outbox.Outbox
	coll     string
	rev      func(*T) *int64
	notFound error
	exists   error
}

func (r repo[T]) collection(ctx context.Context) (*mongo.Collection, error) {
	return r.store.Collection(ctx, r.coll)
}

// Add stores a new entity at revision 1 with its event.
func (r repo[T]) Add(ctx context.Context, id string, v *T, typ, actor string) error {
	coll, err := r.collection(ctx)
	if err != nil {
		return err
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return err
	}
	*r.rev(v) = 1
	doc, err := outbox.Fields(v)
	if err != nil {
		return err
	}
	ev, err := events.New(typ, town, actor, id, v)
	if err != nil {
		return err
	}
	err = r.outbox.Insert(ctx, coll, id, doc, ev)
	if store.IsDuplicate(err) && r.exists != nil {
		return r.exists
	}
	return err
}

// Update reads the entity, lets fn change it and name the event, and stores it guarded by
// the revision it read; a write that lost a race is retried from a fresh read.
func (r repo[T]) Update(ctx context.Context, id, actor string, fn func(*T) (string, error)) (T, error) {
	var zero T
	coll, err := r.collection(ctx)
	if err != nil {
		return zero, err
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return zero, err
	}
	var typ string
	return outbox.Change(ctx, r.outbox, coll, id, r.notFound, r.rev,
		func(v *T) (err error) { typ, err = fn(v); return err },
		func(v T) (events.Envelope, error) { return events.New(typ, town, actor, id, v) })
}

func (r repo[T]) Get(ctx context.Context, id string) (T, error) {
	var v T
	coll, err := r.collection(ctx)
	if err != nil {
		return v, err
	}
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: outbox.Field, Value: 0}})).Decode(&v)
	if store.IsNotFound(err) {
		return v, r.notFound
	}
	return v, err
}

// List returns the entities whose fields equal where, with _id after the given one, in _id
// order.
func (r repo[T]) List(ctx context.Context, where map[string]any, after string, limit int) ([]T, error) {
	coll, err := r.collection(ctx)
	if err != nil {
		return nil, err
	}
	filter := bson.D{}
	for _, k := range slices.Sorted(maps.Keys(where)) {
		filter = append(filter, bson.E{Key: k, Value: where[k]})
	}
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)).
		SetProjection(bson.D{{Key: outbox.Field, Value: 0}}))
	if err != nil {
		return nil, err
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("list %s: %w", r.coll, err)
	}
	return out, nil
}
