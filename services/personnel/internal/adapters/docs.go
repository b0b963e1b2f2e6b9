package adapters

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
)

// docs stores one kind of entity in a town collection through the outbox. The entity's
// struct tags give its document; the outbox writes _id and rev.
type docs[T any] struct {
	store    store.Service
	outbox   *outbox.Outbox
	coll     string
	notFound error
	rev      func(*T) *int64
}

func (r docs[T]) insert(ctx context.Context, id string, v T, ev events.Envelope) error {
	coll, err := r.store.Collection(ctx, r.coll)
	if err != nil {
		return err
	}
	doc, err := outbox.Fields(v)
	if err != nil {
		return err
	}
	return r.outbox.Insert(ctx, coll, id, doc, ev)
}

func (r docs[T]) get(ctx context.Context, id string) (T, error) {
	var v T
	coll, err := r.store.Collection(ctx, r.coll)
	if err != nil {
		return v, err
	}
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}},
		options.FindOne().SetProjection(bson.D{{Key: outbox.Field, Value: 0}})).Decode(&v)
	if store.IsNotFound(err) {
		return v, r.notFound
	}
	return v, err
}

// update reads the entity, lets fn change it and stores it with the event ev builds,
// guarded by the revision it read; a concurrent change makes it read and apply again.
func (r docs[T]) update(ctx context.Context, id string, fn func(*T) error, ev func(T) (events.Envelope, error)) (T, error) {
	coll, err := r.store.Collection(ctx, r.coll)
	if err != nil {
		var zero T
		return zero, err
	}
	return outbox.Change(ctx, r.outbox, coll, id, r.notFound, r.rev, fn, ev)
}

// find returns the entities matching filter in _id order after the given id.
func (r docs[T]) find(ctx context.Context, filter bson.D, after string, limit int) ([]T, error) {
	coll, err := r.store.Collection(ctx, r.coll)
	if err != nil {
		return nil, err
	}
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetProjection(bson.D{{Key: outbox.Field, Value: 0}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	cur, err := coll.Find(ctx, filter, opts)
	if err != nil {
		return nil, err
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("list %s: %w", r.coll, err)
	}
	return out, nil
}
