package testkit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/tenancy"
)

// Where NewTown records the codes it has handed out. The prefix 99 is no province's
// (real codes start 11–82), so a test town can never be a real one such as Fuping's 1306….
const (
	townsDatabase   = "testkit"
	townsCollection = "towns"
	testTownPrefix  = "99"
)

var (
	townsOnce   sync.Once
	townsClient *mongo.Client
	townsErr    error
)

// NewTown returns a town code no other test has had: not in this binary, not in another test
// binary of the same run, not in an earlier run against the same stack. Each code is reserved
// by inserting it as an _id into testkit.towns, so uniqueness rests on the store's unique _id,
// not on luck.
func NewTown(t testing.TB) tenancy.TownCode {
	t.Helper()
	c := towns(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	coll := c.Database(townsDatabase).Collection(townsCollection)
	for range 100 {
		code := fmt.Sprintf("%s%07d", testTownPrefix, rand.IntN(10_000_000))
		_, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: code}, {Key: "test", Value: t.Name()}})
		if mongo.IsDuplicateKeyError(err) {
			continue
		}
		if err != nil {
			t.Fatalf("testkit: reserving a town code: %v", err)
		}
		town, err := tenancy.ParseTown(code)
		if err != nil {
			t.Fatalf("testkit: %v", err)
		}
		return town
	}
	t.Fatalf("testkit: no free town code after 100 tries; drop database %q", townsDatabase)
	return ""
}

// towns returns one client shared by every NewTown call of the binary, so that asking for a
// town does not open a connection pool per test.
func towns(t testing.TB) *mongo.Client {
	t.Helper()
	uri := Stack(t).MongoURI
	townsOnce.Do(func() {
		townsClient, townsErr = mongo.Connect(options.Client().ApplyURI(uri))
	})
	if townsErr != nil {
		t.Fatalf("testkit: mongo: %v", townsErr)
	}
	return townsClient
}
