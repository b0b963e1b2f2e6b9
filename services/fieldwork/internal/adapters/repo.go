package adapters

import (
	"context"
	"errors"
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
	setRev   func(*T, int64)
	rev      func(T) int64
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
	r.setRev(&v, 1)
	doc, err := fieldsOf(v)
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
	for attempt := 0; attempt < 3; attempt++ {
		v, err := r.Get(ctx, id)
		if err != nil {
			return zero, err
		}
		read := r.rev(v)
		evType, err := fn(&v)
		if err != nil {
			return zero, err
		}
		r.setRev(&v, read+1)
		doc, err := fieldsOf(v)
		if err != nil {
			return zero, err
		}
		ev, err := events.New(evType, town, actor, id, v)
		if err != nil {
			return zero, err
		}
		_, err = r.outbox.Update(ctx, coll, id, read, bson.D{{Key: "$set", Value: doc}}, ev)
		if err == nil {
			return v, nil
		}
		if !errors.Is(err, errs.ErrConflict) {
			return zero, err
		}
	}
	return zero, errs.ErrConflict
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

// fieldsOf is the stored document of v without _id and rev, which the outbox writes itself.
func fieldsOf(v any) (bson.D, error) {
	raw, err := bson.Marshal(v)
	if err != nil {
		return nil, err
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	out := d[:0]
	for _, e := range d {
		if e.Key != "_id" && e.Key != outbox.Rev {
			out = append(out, e)
		}
	}
	return out, nil
}
