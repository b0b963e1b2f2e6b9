package adapters

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/services/petitions/internal/app"
	"dundian.local/services/petitions/internal/domain/guard"
	"dundian.local/services/petitions/internal/domain/opinion"
)

// Opinions is the MongoDB repository of opinions.
type Opinions struct {
	store  store.Service
	outbox *outbox.Outbox
}

func NewOpinions(st store.Service, ob *outbox.Outbox) Opinions {
	return Opinions{store: st, outbox: ob}
}

func (r Opinions) coll(ctx context.Context) (*mongo.Collection, error) {
	return r.store.Collection(ctx, opinionsCollection)
}

func (r Opinions) Add(ctx context.Context, o opinion.Opinion, actor string) error {
	coll, err := r.coll(ctx)
	if err != nil {
		return err
	}
	o.Rev = 1
	ev, err := events.New(events.OpinionReceived, o.Town, actor, o.ID, o)
	if err != nil {
		return err
	}
	doc, err := outbox.Fields(o)
	if err != nil {
		return err
	}
	return r.outbox.Insert(ctx, coll, o.ID, doc, ev)
}

func (r Opinions) Update(ctx context.Context, id, actor string, fn func(*opinion.Opinion) (string, error)) (opinion.Opinion, error) {
	coll, err := r.coll(ctx)
	if err != nil {
		return opinion.Opinion{}, err
	}
	var typ string
	return outbox.Change(ctx, r.outbox, coll, id, opinion.ErrNotFound,
		func(o *opinion.Opinion) *int64 { return &o.Rev },
		func(o *opinion.Opinion) (err error) { typ, err = fn(o); return err },
		func(o opinion.Opinion) (events.Envelope, error) { return events.New(typ, o.Town, actor, o.ID, o) })
}

func (r Opinions) Get(ctx context.Context, id string) (opinion.Opinion, error) {
	return r.findOne(ctx, bson.D{{Key: "_id", Value: id}})
}

func (r Opinions) ByTrackingCode(ctx context.Context, code string) (opinion.Opinion, error) {
	return r.findOne(ctx, bson.D{{Key: "trackingCode", Value: code}})
}

func (r Opinions) findOne(ctx context.Context, filter bson.D) (opinion.Opinion, error) {
	coll, err := r.coll(ctx)
	if err != nil {
		return opinion.Opinion{}, err
	}
	var o opinion.Opinion
	err = coll.FindOne(ctx, filter, options.FindOne().SetProjection(bson.D{{Key: outbox.Field, Value: 0}})).Decode(&o)
	if store.IsNotFound(err) {
		return opinion.Opinion{}, opinion.ErrNotFound
	}
	return o, err
}

func (r Opinions) List(ctx context.Context, f app.ListFilter, before string, limit int) ([]opinion.Opinion, error) {
	coll, err := r.coll(ctx)
	if err != nil {
		return nil, err
	}
	filter := bson.D{}
	if before != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: before}}})
	}
	if f.Status != "" {
		filter = append(filter, bson.E{Key: "status", Value: string(f.Status)})
	}
	if f.Community != "" {
		filter = append(filter, bson.E{Key: "community", Value: f.Community})
	}
	if !f.OverdueAt.IsZero() {
		filter = append(filter,
			bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{string(opinion.Received), string(opinion.Assigned)}}}},
			bson.E{Key: "due", Value: bson.D{{Key: "$lt", Value: f.OverdueAt}}})
	}
	if f.Responsible != "" || f.RecordedBy != "" {
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "responsible.id", Value: f.Responsible}},
			bson.D{{Key: "recordedBy", Value: f.RecordedBy}},
		}})
	}
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(limit)).
		SetProjection(bson.D{{Key: outbox.Field, Value: 0}}))
	if err != nil {
		return nil, err
	}
	out := []opinion.Opinion{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("list opinions: %w", err)
	}
	return out, nil
}

// Guards remembers used challenges and recent texts in the town's database, so every
// replica refuses a replay or a duplicate.
type Guards struct{ store store.Service }

func NewGuards(st store.Service) Guards { return Guards{store: st} }

func (g Guards) UseChallenge(ctx context.Context, challenge string, expires time.Time) error {
	coll, err := g.store.Collection(ctx, challengesCollection)
	if err != nil {
		return err
	}
	_, err = coll.InsertOne(ctx, bson.D{{Key: "_id", Value: challenge}, {Key: "expires", Value: expires}})
	if store.IsDuplicate(err) {
		return guard.ErrChallengeUsed
	}
	if err != nil {
		return err
	}
	// forget the challenges nobody can present any more; the collection holds only the
	// last few minutes' submissions of one town
	_, err = coll.DeleteMany(ctx, bson.D{{Key: "expires", Value: bson.D{{Key: "$lt", Value: time.Now().Add(-time.Minute)}}}})
	return err
}

func (g Guards) SeenText(ctx context.Context, fingerprint string, now time.Time, window time.Duration) (bool, error) {
	coll, err := g.store.Collection(ctx, textsCollection)
	if err != nil {
		return false, err
	}
	// claim the fingerprint unless a claim within the window holds it: the filter matches
	// only an old claim, so a fresh one makes the upsert collide on _id
	filter := bson.D{{Key: "_id", Value: fingerprint}, {Key: "at", Value: bson.D{{Key: "$lt", Value: now.Add(-window)}}}}
	_, err = coll.UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: now}}}}, options.UpdateOne().SetUpsert(true))
	if store.IsDuplicate(err) {
		return true, nil
	}
	return false, err
}
