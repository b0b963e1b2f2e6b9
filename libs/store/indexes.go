package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

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

// The schema marker: one document per service in each town's database, naming the schema
// (collections and indexes) the service last prepared there. It lives in the town's own
// database rather than in county, so that erasing a town takes it along (a town created
// again under the same code is prepared again) and a restored backup carries it with the
// indexes it describes; its write also stays out of county's single write lane.
const (
	SchemaCollection = "schema" // the service's "<prefix>_schema" collection
	schemaID         = "prepared"
)

// PrepareTown creates the service's collections and indexes in the town in ctx. It is
// idempotent and cheap to repeat: when the town's schema marker already names this schema
// it costs one read by _id; otherwise it lists what exists and creates only what is
// missing (the embedded store serialises a database's writes, and each createIndexes is
// one of them), then records the marker.
func (s Service) PrepareTown(ctx context.Context, collections []string, indexes []Index) error {
	marker, err := s.Collection(ctx, SchemaCollection)
	if err != nil {
		return err
	}
	want := schemaFingerprint(collections, indexes)
	var got struct {
		Fingerprint string `bson:"fingerprint"`
	}
	err = marker.FindOne(ctx, bson.D{{Key: "_id", Value: schemaID}}).Decode(&got)
	switch {
	case err == nil && got.Fingerprint == want:
		return nil
	case err != nil && !IsNotFound(err):
		return fmt.Errorf("read %s: %w", marker.Name(), err)
	}
	if err := s.createMissing(ctx, marker.Database(), collections, indexes); err != nil {
		return err
	}
	// Written last: a crash before this line leaves the town to be prepared again.
	_, err = marker.UpdateOne(ctx, bson.D{{Key: "_id", Value: schemaID}},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "fingerprint", Value: want},
			{Key: "preparedAt", Value: time.Now().UTC()},
		}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("write %s: %w", marker.Name(), err)
	}
	return nil
}

// createMissing lists the database's collections once and each existing collection's
// indexes once, and creates only what is not there yet. A collection that did not exist has
// no indexes to list.
func (s Service) createMissing(ctx context.Context, db *mongo.Database, collections []string, indexes []Index) error {
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("list collections of %s: %w", db.Name(), err)
	}
	exists := make(map[string]bool, len(names))
	for _, n := range names {
		exists[n] = true
	}
	indexed := map[string]bool{}
	for _, ix := range indexes {
		indexed[s.prefix+"_"+ix.Collection] = true
	}
	for _, name := range collections {
		full := s.prefix + "_" + name
		// createIndexes creates a missing collection itself; one write fewer per town.
		if exists[full] || indexed[full] {
			continue
		}
		err := db.CreateCollection(ctx, full)
		if err != nil && !isNamespaceExists(err) {
			return fmt.Errorf("create %s: %w", full, err)
		}
	}
	present := map[string]map[string]bool{} // collection → index signatures
	for _, ix := range indexes {
		c := db.Collection(s.prefix + "_" + ix.Collection)
		have, listed := present[c.Name()]
		if !listed {
			have = map[string]bool{}
			if exists[c.Name()] {
				if have, err = indexSignatures(ctx, c); err != nil {
					return err
				}
			}
			present[c.Name()] = have
		}
		sig := indexSignature(ix.Keys, ix.Unique)
		if have[sig] {
			continue
		}
		// One index per command: the embedded store breaks the connection on a
		// createIndexes that names several existing ones.
		model := mongo.IndexModel{Keys: ix.Keys, Options: options.Index().SetUnique(ix.Unique)}
		if _, err := c.Indexes().CreateOne(ctx, model); err != nil {
			return fmt.Errorf("index on %s: %w", c.Name(), err)
		}
		have[sig] = true
	}
	return nil
}

// indexSignatures lists a collection's indexes as signatures comparable with Index's.
func indexSignatures(ctx context.Context, c *mongo.Collection) (map[string]bool, error) {
	specs, err := c.Indexes().ListSpecifications(ctx)
	if err != nil {
		return nil, fmt.Errorf("list indexes of %s: %w", c.Name(), err)
	}
	have := make(map[string]bool, len(specs))
	for _, spec := range specs {
		var keys bson.D
		if err := bson.Unmarshal(spec.KeysDocument, &keys); err != nil {
			return nil, fmt.Errorf("index %s of %s: %w", spec.Name, c.Name(), err)
		}
		have[indexSignature(keys, spec.Unique != nil && *spec.Unique)] = true
	}
	return have, nil
}

// indexSignature names an index by its ordered keys and uniqueness. Values are printed, so
// the 1 a service declares and the int32 1 the server lists compare equal.
func indexSignature(keys bson.D, unique bool) string {
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s:%v,", k.Key, k.Value)
	}
	fmt.Fprintf(&b, "unique:%t", unique)
	return b.String()
}

// schemaFingerprint identifies a service's schema: a release that adds a collection or an
// index gets a new fingerprint, so the next prepare of each town creates what it adds.
func schemaFingerprint(collections []string, indexes []Index) string {
	h := sha256.New()
	for _, c := range collections {
		fmt.Fprintf(h, "collection %s\n", c)
	}
	for _, ix := range indexes {
		fmt.Fprintf(h, "index %s %s\n", ix.Collection, indexSignature(ix.Keys, ix.Unique))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
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
