package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Index describes one index a service wants on one of its town collections. Real MongoDB
// uses them; the embedded store accepts them (and enforces unique ones) even though it
// plans queries only by _id.
type Index struct {
	Collection string // without the service prefix
	Keys       bson.D
	Unique     bool
}

// PrepareTown creates the service's collections and indexes in the town in ctx. It is
// idempotent: services run it on every platform.town.created they see.
func (s Service) PrepareTown(ctx context.Context, collections []string, indexes []Index) error {
	db := func(name string) (*mongo.Collection, error) { return s.Collection(ctx, name) }
	for _, name := range collections {
		c, err := db(name)
		if err != nil {
			return err
		}
		err = c.Database().CreateCollection(ctx, c.Name())
		if err != nil && !isNamespaceExists(err) {
			return fmt.Errorf("create %s: %w", c.Name(), err)
		}
	}
	for _, ix := range indexes {
		c, err := db(ix.Collection)
		if err != nil {
			return err
		}
		model := mongo.IndexModel{Keys: ix.Keys, Options: options.Index().SetUnique(ix.Unique)}
		if _, err := c.Indexes().CreateOne(ctx, model); err != nil {
			return fmt.Errorf("index on %s: %w", c.Name(), err)
		}
	}
	return nil
}

func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	if ok := asCommandError(err, &ce); ok {
		return ce.Code == 48 || ce.Name == "NamespaceExists"
	}
	return false
}

func asCommandError(err error, target *mongo.CommandError) bool {
	for e := err; e != nil; {
		if ce, ok := e.(mongo.CommandError); ok {
			*target = ce
			return true
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = u.Unwrap()
	}
	return false
}
