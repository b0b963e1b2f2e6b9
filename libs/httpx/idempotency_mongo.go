package httpx

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/errs"
	"dundian.local/libs/store"
)

// IdempotencyTTL is how long a finished request is remembered: a cadre retrying from a
// village the next morning still gets the first answer.
const IdempotencyTTL = 24 * time.Hour

// idempotencyLease is how long a reservation holds without a Finish or Abandon. It only
// matters when a process died mid-request; a handler never runs this long.
const idempotencyLease = 2 * time.Minute

// sweepEvery spaces the removal of expired entries, per collection and process.
const sweepEvery = time.Hour

const (
	stateRunning = "running"
	stateDone    = "done"
)

// MongoIdempotencyStore keeps one document per scoped key, `_id` = the key. It works on the
// embedded FerretDB store as well as MongoDB: a reservation is an insert (a duplicate key
// means the key exists), every hot read and write is by exact `_id` (the only filter FerretDB
// serves from an index), and nothing needs a transaction or a TTL index — entries older than
// IdempotencyTTL count as absent and are swept now and then.
type MongoIdempotencyStore struct {
	coll func(ctx context.Context) (*mongo.Collection, error)
	now  func() time.Time

	mu        sync.Mutex
	lastSweep map[string]time.Time // by database.collection
}

// NewMongoIdempotencyStore stores keys in the collection coll returns for the request's
// context — typically the service's collection in the town's database.
func NewMongoIdempotencyStore(coll func(ctx context.Context) (*mongo.Collection, error)) *MongoIdempotencyStore {
	return &MongoIdempotencyStore{coll: coll, now: time.Now, lastSweep: map[string]time.Time{}}
}

type idempotencyDoc struct {
	ID          string    `bson:"_id"`
	Reservation string    `bson:"reservation"`
	BodyHash    string    `bson:"bodyHash"`
	State       string    `bson:"state"`
	CreatedAt   time.Time `bson:"createdAt"`
	LeaseUntil  time.Time `bson:"leaseUntil"`
	Status      int       `bson:"status,omitempty"`
	ContentType string    `bson:"contentType,omitempty"`
	Location    string    `bson:"location,omitempty"`
	Body        []byte    `bson:"body,omitempty"`
}

// Begin implements IdempotencyStore.
func (s *MongoIdempotencyStore) Begin(ctx context.Context, key, bodyHash string) (*StoredResponse, error) {
	coll, err := s.coll(ctx)
	if err != nil {
		return nil, err
	}
	// A stale entry is removed and the insert tried again; more than a few rounds means
	// other requests keep winning the key, which is in-flight by any other name.
	for range 3 {
		now := s.now().UTC().Truncate(time.Millisecond)
		_, err := coll.InsertOne(ctx, bson.D{
			{Key: "_id", Value: key},
			{Key: "reservation", Value: uuid.Must(uuid.NewV7()).String()},
			{Key: "bodyHash", Value: bodyHash},
			{Key: "state", Value: stateRunning},
			{Key: "createdAt", Value: now},
			{Key: "leaseUntil", Value: now.Add(idempotencyLease)},
		})
		if err == nil {
			s.maybeSweep(ctx, coll, now)
			return nil, nil
		}
		if !store.IsDuplicate(err) {
			return nil, storeError("reserve idempotency key", err)
		}

		var doc idempotencyDoc
		err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&doc)
		if store.IsNotFound(err) {
			continue // released between our insert and this read
		}
		if err != nil {
			return nil, storeError("read idempotency key", err)
		}

		expired := now.Sub(doc.CreatedAt) >= IdempotencyTTL
		lapsed := doc.State == stateRunning && now.After(doc.LeaseUntil)
		if expired || lapsed {
			// Guarded by the reservation id, so two requests that both saw the stale entry
			// cannot delete each other's fresh one.
			if _, err := coll.DeleteOne(ctx, bson.D{
				{Key: "_id", Value: key}, {Key: "reservation", Value: doc.Reservation},
			}); err != nil {
				return nil, storeError("remove stale idempotency key", err)
			}
			continue
		}
		switch {
		case doc.BodyHash != bodyHash:
			return nil, ErrIdempotencyKeyReused
		case doc.State != stateDone:
			return nil, ErrIdempotencyInFlight
		}
		return &StoredResponse{
			Status:      doc.Status,
			ContentType: doc.ContentType,
			Location:    doc.Location,
			Body:        doc.Body,
		}, nil
	}
	return nil, ErrIdempotencyInFlight
}

// Finish implements IdempotencyStore.
func (s *MongoIdempotencyStore) Finish(ctx context.Context, key string, resp StoredResponse) error {
	coll, err := s.coll(ctx)
	if err != nil {
		return err
	}
	res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "state", Value: stateDone},
		{Key: "status", Value: resp.Status},
		{Key: "contentType", Value: resp.ContentType},
		{Key: "location", Value: resp.Location},
		{Key: "body", Value: resp.Body},
	}}})
	if err != nil {
		return storeError("store idempotent response", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("store idempotent response: key %s is no longer reserved", key)
	}
	return nil
}

// Abandon implements IdempotencyStore.
func (s *MongoIdempotencyStore) Abandon(ctx context.Context, key string) error {
	coll, err := s.coll(ctx)
	if err != nil {
		return err
	}
	if _, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}}); err != nil {
		return storeError("release idempotency key", err)
	}
	return nil
}

// maybeSweep removes expired entries of coll at most once per sweepEvery in this process,
// and makes sure real MongoDB has the index that delete needs. Failures only cost space.
func (s *MongoIdempotencyStore) maybeSweep(ctx context.Context, coll *mongo.Collection, now time.Time) {
	ns := coll.Database().Name() + "." + coll.Name()
	s.mu.Lock()
	last, seen := s.lastSweep[ns]
	due := now.Sub(last) >= sweepEvery
	if due {
		s.lastSweep[ns] = now
	}
	s.mu.Unlock()
	if !due {
		return
	}
	if !seen {
		if _, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{
			Keys:    bson.D{{Key: "createdAt", Value: 1}},
			Options: options.Index().SetName("createdAt"),
		}); err != nil {
			slog.WarnContext(ctx, "idempotency index not created", "collection", ns, "error", err)
		}
	}
	if _, err := coll.DeleteMany(ctx, bson.D{{Key: "createdAt", Value: bson.D{
		{Key: "$lt", Value: now.Add(-IdempotencyTTL)},
	}}}); err != nil {
		slog.WarnContext(ctx, "expired idempotency keys not removed", "collection", ns, "error", err)
	}
}

// storeError marks an unreachable store as errs.ErrUnavailable, so the client hears 503 and
// retries rather than 500.
func storeError(what string, err error) error {
	if store.IsUnavailable(err) {
		return fmt.Errorf("%s: %w: %w", what, errs.ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}
