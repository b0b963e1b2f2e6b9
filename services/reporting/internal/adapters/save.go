package adapters

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
)

// save stores v, which the use case read at revision read (0: new), with the event
// event builds from it at its new revision; rev points at v's revision field.
//
// An existing document is written through outbox.Change, which sets v's fields and unsets
// those the stored document has and v no longer has: a field tagged omitempty that the use
// case cleared (a story's community) would otherwise keep its old value under a bare $set.
// The document must still be at read, or the use case decided on a stale copy
// (errs.ErrConflict: it reads again and decides again).
func save[T any](ctx context.Context, ob *outbox.Outbox, coll *mongo.Collection, id string, read int64, v T,
	rev func(*T) *int64, notFound error, event func(T) (events.Envelope, error)) (T, error) {
	if read == 0 {
		*rev(&v) = 1
		ev, err := event(v)
		if err != nil {
			return v, err
		}
		doc, err := outbox.Fields(v)
		if err != nil {
			return v, err
		}
		return v, ob.Insert(ctx, coll, id, doc, ev)
	}
	return outbox.Change(ctx, ob, coll, id, notFound, rev, func(stored *T) error {
		if *rev(stored) != read {
			return errs.ErrConflict
		}
		*stored = v
		*rev(stored) = read // Change counts the new revision from the stored one
		return nil
	}, event)
}
