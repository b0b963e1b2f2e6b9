package adapters

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
)

// Repo stores one kind of fieldwork entity in a town's collection, each write with its event
// in the same document update (libs/outbox). T's bson has "_id" and "rev".
type Repo[T any] struct {
	store    store.Service
	outbox   *outbox.Outbox
	coll     string
	notFound error
	id       func(T) string
	rev      func(*T) *int64
}

func (r Repo[T]) collection(ctx context.Context) (*mongo.Collection, error) {
	return r.store.Collection(ctx, r.coll)
}

// Insert stores a new entity with its event; a duplicate id is errs.ErrConflict.
func (r Repo[T]) Insert(ctx context.Context, v T, evType, actor string) (T, error) {
	coll, err := r.collection(ctx)
	if err != nil {
		return v, err
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return v, err
	}
	*r.rev(&v) = 1
	doc, err := outbox.Fields(v)
	if err != nil {
		return v, err
	}
	ev, err := events.New(evType, town, actor, r.id(v), v)
	if err != nil {
		return v, err
	}
	if err := r.outbox.Insert(ctx, coll, r.id(v), doc, ev); err != nil {
		if store.IsDuplicate(err) {
			return v, errs.ErrConflict
		}
		return v, err
	}
	return v, nil
}

// Update reads the entity, lets fn change it and name the event, and writes it guarded by the
// revision it read; a concurrent change makes it read and apply again.
func (r Repo[T]) Update(ctx context.Context, id, actor string, fn func(*T) (string, error)) (T, error) {
	var zero T
	coll, err := r.collection(ctx)
	if err != nil {
		return zero, err
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return zero, err
	}
	var evType string
	return outbox.Change(ctx, r.outbox, coll, id, r.notFound, r.rev,
		func(v *T) (err error) { evType, err = fn(v); return err },
		func(v T) (events.Envelope, error) { return events.New(evType, town, actor, id, v) })
}

// Get reads one entity by id.
func (r Repo[T]) Get(ctx context.Context, id string) (T, error) {
	var v T
	coll, err := r.collection(ctx)
	if err != nil {
		return v, err
	}
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(noOutbox)).Decode(&v)
	if store.IsNotFound(err) {
		return v, r.notFound
	}
	return v, err
}

// Find lists entities matching filter in sort order, at most limit (0: all).
func (r Repo[T]) Find(ctx context.Context, filter, sort bson.D, limit int) ([]T, error) {
	coll, err := r.collection(ctx)
	if err != nil {
		return nil, err
	}
	opts := options.Find().SetProjection(noOutbox)
	if sort != nil {
		opts.SetSort(sort)
	}
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	cur, err := coll.Find(ctx, filter, opts)
	if err != nil {
		return nil, err
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("find in %s: %w", r.coll, err)
	}
	return out, nil
}

var noOutbox = bson.D{{Key: outbox.Field, Value: 0}}
