package outbox_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/tenancy"
)

// thing is an entity as the services store them: _id and rev in its struct, and a field
// that is left out of the document when empty.
type thing struct {
	ID        string `bson:"_id"`
	Name      string `bson:"name"`
	Secretary string `bson:"secretary,omitempty"`
	Rev       int64  `bson:"rev"`
}

func thingRev(t *thing) *int64 { return &t.Rev }

var errNoThing = errors.New("no such thing")

func TestFields_LeaveOutWhatTheOutboxWrites(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		v    any
		want bson.D
	}{
		{"entity", thing{ID: "t1", Name: "a", Secretary: "s", Rev: 4},
			bson.D{{Key: "name", Value: "a"}, {Key: "secretary", Value: "s"}}},
		{"empty omitempty field is absent", thing{ID: "t1", Name: "a", Rev: 4},
			bson.D{{Key: "name", Value: "a"}}},
		{"document with outbox", bson.D{{Key: "_id", Value: "x"}, {Key: "n", Value: int32(1)}, {Key: "outbox", Value: bson.A{}}, {Key: "rev", Value: int64(2)}},
			bson.D{{Key: "n", Value: int32(1)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := outbox.Fields(tc.v)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// changeFixture is a stored thing and what Change needs to write it.
type changeFixture struct {
	fixture
	ctx  context.Context
	ob   *outbox.Outbox
	coll *mongo.Collection
}

func newChangeFixture(t *testing.T, stored thing) changeFixture {
	t.Helper()
	f := newFixture(t)
	ctx := tenancy.WithTown(context.Background(), f.town)
	c := changeFixture{fixture: f, ctx: ctx, ob: f.outbox(f.pub, 0), coll: f.coll(ctx)}
	doc, err := outbox.Fields(stored)
	require.NoError(t, err)
	require.NoError(t, c.ob.Insert(ctx, c.coll, stored.ID, doc, c.event("added")(stored)))
	return c
}

func (c changeFixture) event(what string) func(thing) events.Envelope {
	return func(v thing) events.Envelope {
		return events.MustNew(c.prefix+".thing."+what, c.town, "test", v.ID, v)
	}
}

func (c changeFixture) change(id string, fn func(*thing) error) (thing, error) {
	return outbox.Change(c.ctx, c.ob, c.coll, id, errNoThing, thingRev, fn,
		func(v thing) (events.Envelope, error) { return c.event("changed")(v), nil })
}

// stored is the raw document, pending events and all.
func (c changeFixture) stored(id string) bson.M {
	var m bson.M
	require.NoError(c.t, c.coll.FindOne(c.ctx, bson.D{{Key: "_id", Value: id}}).Decode(&m))
	return m
}

func TestChange_WritesTheChangeWithItsEventAtTheNextRevision(t *testing.T) {
	t.Parallel()
	c := newChangeFixture(t, thing{ID: "t1", Name: "old", Secretary: "Wang"})

	got, err := c.change("t1", func(v *thing) error { v.Name = "new"; return nil })
	require.NoError(t, err)
	require.Equal(t, thing{ID: "t1", Name: "new", Secretary: "Wang", Rev: 2}, got)

	doc := c.stored("t1")
	require.Equal(t, "new", doc["name"])
	require.Equal(t, "Wang", doc["secretary"])
	require.EqualValues(t, 2, doc["rev"])
	pending := doc["outbox"].(bson.A)
	require.Len(t, pending, 2, "the insert's and the change's events wait for the relay")
	last := pending[1].(bson.D)
	ev, err := bson.Marshal(last)
	require.NoError(t, err)
	var env events.Envelope
	require.NoError(t, bson.Unmarshal(ev, &env))
	require.Equal(t, c.prefix+".thing.changed", env.Type)
	require.EqualValues(t, 2, env.Rev)
	var payload thing
	require.NoError(t, env.Unmarshal(&payload))
	require.Equal(t, got, payload, "the event carries the entity at its new revision")
}

func TestChange_ClearedOmitemptyFieldIsRemovedFromTheDocument(t *testing.T) {
	t.Parallel()
	c := newChangeFixture(t, thing{ID: "t1", Name: "a", Secretary: "Wang"})

	_, err := c.change("t1", func(v *thing) error { v.Secretary = ""; return nil })
	require.NoError(t, err)

	doc := c.stored("t1")
	require.NotContains(t, doc, "secretary", "$set alone would have kept the old secretary")
	var back thing
	require.NoError(t, c.coll.FindOne(c.ctx, bson.D{{Key: "_id", Value: "t1"}}).Decode(&back))
	require.Equal(t, thing{ID: "t1", Name: "a", Rev: 2}, back)

	_, err = c.change("t1", func(v *thing) error { v.Secretary = "Li"; return nil })
	require.NoError(t, err)
	require.Equal(t, "Li", c.stored("t1")["secretary"], "the field can be set again")
}

func TestChange_RefusalsWriteNothing(t *testing.T) {
	t.Parallel()
	c := newChangeFixture(t, thing{ID: "t1", Name: "a"})
	refused := errors.New("not allowed")
	for _, tc := range []struct {
		name string
		id   string
		fn   func(*thing) error
		want error
	}{
		{"missing document", "nobody", func(*thing) error { return nil }, errNoThing},
		{"fn refuses", "t1", func(v *thing) error { v.Name = "b"; return refused }, refused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.change(tc.id, tc.fn)
			require.ErrorIs(t, err, tc.want)
		})
	}
	doc := c.stored("t1")
	require.Equal(t, "a", doc["name"])
	require.EqualValues(t, 1, doc["rev"])
}

func TestChange_LostRaceIsReadAndAppliedAgain(t *testing.T) {
	t.Parallel()
	c := newChangeFixture(t, thing{ID: "t1", Name: "a"})
	calls := 0
	got, err := c.change("t1", func(v *thing) error {
		calls++
		if calls == 1 {
			// Another writer moves the document on between this read and its write.
			_, err := c.ob.Update(c.ctx, c.coll, "t1", v.Rev,
				bson.D{{Key: "$set", Value: bson.D{{Key: "secretary", Value: "Wang"}}}}, c.event("changed")(*v))
			require.NoError(t, err)
		}
		v.Name = v.Name + "+"
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 2, calls)
	require.Equal(t, thing{ID: "t1", Name: "a+", Secretary: "Wang", Rev: 3}, got, "the other writer's change is kept")

	_, err = c.change("t1", func(v *thing) error {
		_, err := c.ob.Update(c.ctx, c.coll, "t1", v.Rev, bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "x"}}}}, c.event("changed")(*v))
		require.NoError(t, err)
		return nil
	})
	require.ErrorIs(t, err, errs.ErrConflict, "a writer that always loses gives up")
}
