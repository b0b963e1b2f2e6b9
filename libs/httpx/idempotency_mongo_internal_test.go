package httpx

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"dundian.local/libs/testkit"
)

// clockStore is a store on its own collection in a fresh town, with a clock the test moves.
func clockStore(t *testing.T) (*MongoIdempotencyStore, *mongo.Collection, func(time.Duration)) {
	t.Helper()
	coll := testkit.Mongo(t).Database(testkit.NewTown(t).Database()).Collection("test_idempotency")
	s := NewMongoIdempotencyStore(func(context.Context) (*mongo.Collection, error) { return coll, nil })
	var mu sync.Mutex
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	s.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	return s, coll, func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
}

func TestMongoIdempotencyStore_Lifecycle(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, _, _ := clockStore(t)

	stored, err := s.Begin(ctx, "k", "h1")
	require.NoError(t, err)
	require.Nil(t, stored, "the first Begin reserves")

	_, err = s.Begin(ctx, "k", "h1")
	require.ErrorIs(t, err, ErrIdempotencyInFlight)
	_, err = s.Begin(ctx, "k", "h2")
	require.ErrorIs(t, err, ErrIdempotencyKeyReused)

	resp := StoredResponse{Status: 201, ContentType: "application/json", Location: "/x/1", Body: []byte(`{"id":1}`)}
	require.NoError(t, s.Finish(ctx, "k", resp))
	stored, err = s.Begin(ctx, "k", "h1")
	require.NoError(t, err)
	require.Equal(t, &resp, stored)
	_, err = s.Begin(ctx, "k", "h2")
	require.ErrorIs(t, err, ErrIdempotencyKeyReused)
}

func TestMongoIdempotencyStore_AbandonLetsTheKeyRunAgain(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, _, _ := clockStore(t)
	_, err := s.Begin(ctx, "k", "h1")
	require.NoError(t, err)
	require.NoError(t, s.Abandon(ctx, "k"))
	stored, err := s.Begin(ctx, "k", "h2")
	require.NoError(t, err)
	require.Nil(t, stored)
}

func TestMongoIdempotencyStore_FinishedEntryExpiresAfter24h(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, _, advance := clockStore(t)
	_, err := s.Begin(ctx, "k", "h1")
	require.NoError(t, err)
	require.NoError(t, s.Finish(ctx, "k", StoredResponse{Status: 201, Body: []byte("{}")}))

	advance(IdempotencyTTL - time.Minute)
	stored, err := s.Begin(ctx, "k", "h1")
	require.NoError(t, err)
	require.NotNil(t, stored, "still remembered just before a day has passed")

	advance(time.Minute)
	stored, err = s.Begin(ctx, "k", "h2")
	require.NoError(t, err)
	require.Nil(t, stored, "after a day the key is fresh, whatever the body")
}

func TestMongoIdempotencyStore_ReservationOfADeadProcessLapses(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, _, advance := clockStore(t)
	_, err := s.Begin(ctx, "k", "h1")
	require.NoError(t, err)

	advance(idempotencyLease - time.Second)
	_, err = s.Begin(ctx, "k", "h1")
	require.ErrorIs(t, err, ErrIdempotencyInFlight)

	advance(2 * time.Second)
	stored, err := s.Begin(ctx, "k", "h1")
	require.NoError(t, err)
	require.Nil(t, stored, "the retry takes the lapsed reservation over")
	_, err = s.Begin(ctx, "k", "h1")
	require.ErrorIs(t, err, ErrIdempotencyInFlight, "and holds it")
}

func TestMongoIdempotencyStore_SweepRemovesExpiredEntries(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, coll, advance := clockStore(t)
	for _, k := range []string{"old-1", "old-2"} {
		_, err := s.Begin(ctx, k, "h")
		require.NoError(t, err)
	}
	advance(IdempotencyTTL + sweepEvery)
	_, err := s.Begin(ctx, "new", "h")
	require.NoError(t, err)

	n, err := coll.CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "only the fresh key is left")
}

func TestMongoIdempotencyStore_FinishWithoutReservationFails(t *testing.T) {
	t.Parallel()
	s, _, _ := clockStore(t)
	require.Error(t, s.Finish(t.Context(), "never-begun", StoredResponse{Status: 200}))
}
