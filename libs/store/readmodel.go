package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// ApplyIfNewer writes a read-model document keyed by id only when rev is newer than the one
// it holds; it reports whether it wrote. Consumers use it so that a redelivered or
// out-of-order event changes nothing (no blind increments). set must not contain "rev".
func ApplyIfNewer(ctx context.Context, coll *mongo.Collection, id string, rev int64, set bson.D) (bool, error) {
	filter := bson.D{{Key: "_id", Value: id}, {Key: "rev", Value: bson.D{{Key: "$lt", Value: rev}}}}
	update := bson.D{{Key: "$set", Value: append(append(bson.D(nil), set...), bson.E{Key: "rev", Value: rev})}}
	res, err := coll.UpdateOne(ctx, filter, update, options.UpdateOne().SetUpsert(true))
	if IsDuplicate(err) {
		return false, nil // the document exists with this rev or a newer one
	}
	if err != nil {
		return false, err
	}
	return res.ModifiedCount > 0 || res.UpsertedCount > 0, nil
}
