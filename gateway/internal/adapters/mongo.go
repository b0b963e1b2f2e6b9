// Package adapters implements the gateway's ports on MongoDB (the control plane in database
// `platform`, each town's settings and audit log in its own database), the object store and
// a slow password hash. Control-plane writes go through libs/outbox, so each change and its
// platform.* event are one single-document write.
package adapters

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/errs"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
)

// Collections of the control plane (database platform).
const (
	CollTowns     = "towns"
	CollAccounts  = "accounts"
	CollThrottle  = "login_throttle"
	CollRevoked   = "revoked_tokens"
	CollCalendars = "calendars"
	CollHolidays  = "holidays"
	CollJobs      = "jobs"
	CollAudit     = "audit"
	CollErasures  = "erasures"
)

// Collections of the gateway in each town's database (prefix "gateway").
const (
	Prefix           = "gateway"
	TownCollSettings = "settings"
	TownCollAudit    = "audit"
)

// withoutOutboxFields is the projection that leaves the pending events out of a read.
var withoutOutboxFields = bson.D{{Key: outbox.Field, Value: 0}}

// EnsureIndexes creates the indexes real MongoDB needs (the embedded store keeps them too,
// though it uses only the _id index for lookups). Usernames are unique. One index per
// command: the embedded store breaks the connection on a createIndexes with several
// indexes when they exist already.
func EnsureIndexes(ctx context.Context, c *store.Client) error {
	for _, ix := range []struct {
		coll  string
		model mongo.IndexModel
	}{
		{CollAccounts, mongo.IndexModel{Keys: bson.D{{Key: "username", Value: 1}}, Options: options.Index().SetUnique(true).SetName("username_unique")}},
		{CollAccounts, mongo.IndexModel{Keys: bson.D{{Key: "town", Value: 1}}, Options: options.Index().SetName("town")}},
		{CollRevoked, mongo.IndexModel{Keys: bson.D{{Key: "expiresAt", Value: 1}}, Options: options.Index().SetName("expiresAt")}},
	} {
		if _, err := c.Platform(ix.coll).Indexes().CreateOne(ctx, ix.model); err != nil {
			return fmt.Errorf("index of platform.%s: %w", ix.coll, storeErr(err))
		}
	}
	return nil
}

// storeErr makes an unreachable store errs.ErrUnavailable (503, retry); other errors stay
// internal.
func storeErr(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errs.As(err); ok {
		return err
	}
	if store.IsUnavailable(err) {
		return fmt.Errorf("%w: %v", errs.ErrUnavailable, err)
	}
	return err
}

// findOne decodes the document with the id into v; notFound is returned when there is none.
func findOne(ctx context.Context, coll *mongo.Collection, id any, v any, notFound error) error {
	err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(withoutOutboxFields)).Decode(v)
	if store.IsNotFound(err) {
		return notFound
	}
	return storeErr(err)
}

// findAll decodes every document matching filter into out.
func findAll[T any](ctx context.Context, coll *mongo.Collection, filter bson.D, opts ...options.Lister[options.FindOptions]) ([]T, error) {
	opts = append(opts, options.Find().SetProjection(withoutOutboxFields))
	cur, err := coll.Find(ctx, filter, opts...)
	if err != nil {
		return nil, storeErr(err)
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, storeErr(err)
	}
	return out, nil
}

// conflictOr maps a duplicate key to dup.
func conflictOr(err, dup error) error {
	if store.IsDuplicate(err) {
		return dup
	}
	if errors.Is(err, errs.ErrConflict) {
		return err
	}
	return storeErr(err)
}
