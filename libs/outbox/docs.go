package outbox

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
)

// changeAttempts bounds how often Change reads again after losing a race.
const changeAttempts = 3

// Fields are the stored fields of an entity: its bson document without _id, rev and the
// outbox, which Insert and Update write themselves.
func Fields(v any) (bson.D, error) {
	raw, err := bson.Marshal(v)
	if err != nil {
		return nil, err
	}
	var all bson.D
	if err := bson.Unmarshal(raw, &all); err != nil {
		return nil, err
	}
	out := bson.D{}
	for _, e := range all {
		if e.Key != "_id" && e.Key != Rev && e.Key != Field {
			out = append(out, e)
		}
	}
	return out, nil
}

// Change reads the document id of coll into a T, lets fn change it, advances its revision
// (rev points at the entity's revision field) and writes it back with the event that event
// builds from the changed entity, guarded by the revision it read. A write that lost a race
// is read and applied again; after a few losses it gives errs.ErrConflict. A missing
// document gives notFound, an error of fn is returned as it is and nothing is written.
//
// The write sets the entity's fields and unsets those it had when read but no longer has
// (a field tagged omitempty that fn cleared), so the stored document matches the entity.
func Change[T any](ctx context.Context, ob *Outbox, coll *mongo.Collection, id string, notFound error,
	rev func(*T) *int64, fn func(*T) error, event func(T) (events.Envelope, error)) (T, error) {
	var zero T
	for range changeAttempts {
		var v T
		err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}},
			options.FindOne().SetProjection(bson.D{{Key: Field, Value: 0}})).Decode(&v)
		if store.IsNotFound(err) {
			return zero, notFound
		}
		if err != nil {
			return zero, err
		}
		before, err := Fields(v)
		if err != nil {
			return zero, err
		}
		read := *rev(&v)
		if err := fn(&v); err != nil {
			return zero, err
		}
		*rev(&v) = read + 1
		ev, err := event(v)
		if err != nil {
			return zero, err
		}
		after, err := Fields(v)
		if err != nil {
			return zero, err
		}
		_, err = ob.Update(ctx, coll, id, read, changes(before, after), ev)
		if err == nil {
			return v, nil
		}
		if !errors.Is(err, errs.ErrConflict) {
			return zero, err
		}
	}
	return zero, errs.ErrConflict
}

// changes is the update that turns a document holding the fields before into one holding
// the fields after: $set alone would keep a field that after leaves out.
func changes(before, after bson.D) bson.D {
	kept := make(map[string]bool, len(after))
	for _, e := range after {
		kept[e.Key] = true
	}
	var unset bson.D
	for _, e := range before {
		if !kept[e.Key] {
			unset = append(unset, bson.E{Key: e.Key, Value: ""})
		}
	}
	var update bson.D
	if len(after) > 0 {
		update = append(update, bson.E{Key: "$set", Value: after})
	}
	if len(unset) > 0 {
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	return update
}
