package adapters

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
	"dundian.local/services/petitions/internal/app"
	"dundian.local/services/petitions/internal/domain/rating"
)

// Ratings stores ratings (through the outbox), their monthly claims and the per-cadre
// monthly aggregates (read model keyed "<cadre>|<yyyy-mm>").
type Ratings struct {
	store  store.Service
	outbox *outbox.Outbox
}

func NewRatings(st store.Service, ob *outbox.Outbox) Ratings { return Ratings{store: st, outbox: ob} }

func (r Ratings) Claim(ctx context.Context, keys []string) error {
	coll, err := r.store.Collection(ctx, ratingClaimsCollection)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	for i, k := range keys {
		_, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: k}, {Key: "at", Value: now}})
		if err == nil {
			continue
		}
		// give back what this rating claimed, so a refused one leaves no trace
		for _, done := range keys[:i] {
			if _, derr := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: done}}); derr != nil {
				return derr
			}
		}
		if store.IsDuplicate(err) {
			return rating.ErrAlreadyRated
		}
		return err
	}
	return nil
}

func (r Ratings) CommentSeen(ctx context.Context, fingerprint string) (bool, error) {
	coll, err := r.store.Collection(ctx, textsCollection)
	if err != nil {
		return false, err
	}
	_, err = coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "comment|" + fingerprint}, {Key: "at", Value: time.Now().UTC()}})
	if store.IsDuplicate(err) {
		return true, nil
	}
	return false, err
}

func (r Ratings) Add(ctx context.Context, rt rating.Rating) error {
	coll, err := r.store.Collection(ctx, ratingsCollection)
	if err != nil {
		return err
	}
	ev, err := events.New(events.RatingReceived, rt.Town, "public", rt.ID, rt)
	if err != nil {
		return err
	}
	doc, err := outbox.Fields(rt)
	if err != nil {
		return err
	}
	if err := r.outbox.Insert(ctx, coll, rt.ID, doc, ev); err != nil {
		return err
	}
	agg, err := r.store.Collection(ctx, ratingMonthsCollection)
	if err != nil {
		return err
	}
	flagged := 0
	if len(rt.Flags) > 0 {
		flagged = 1
	}
	// the rating is stored; the aggregate follows it (a crash in between loses one count,
	// which a rebuild from the ratings of the month restores)
	_, err = agg.UpdateOne(ctx, bson.D{{Key: "_id", Value: rt.Cadre + "|" + rt.Month}},
		bson.D{
			{Key: "$setOnInsert", Value: bson.D{{Key: "cadre", Value: rt.Cadre}, {Key: "month", Value: rt.Month}}},
			{Key: "$inc", Value: bson.D{
				{Key: "count", Value: 1}, {Key: "sum", Value: rt.Score}, {Key: "flagged", Value: flagged},
				{Key: fmt.Sprintf("scores.%d", rt.Score-1), Value: 1},
			}},
		}, options.UpdateOne().SetUpsert(true))
	return err
}

func (r Ratings) Month(ctx context.Context, month string) ([]rating.Aggregate, error) {
	coll, err := r.store.Collection(ctx, ratingMonthsCollection)
	if err != nil {
		return nil, err
	}
	cur, err := coll.Find(ctx, bson.D{{Key: "month", Value: month}}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(1000))
	if err != nil {
		return nil, err
	}
	var docs []struct {
		ID          string         `bson:"_id"`
		Cadre       string         `bson:"cadre"`
		Month       string         `bson:"month"`
		Count       int            `bson:"count"`
		Sum         int            `bson:"sum"`
		Flagged     int            `bson:"flagged"`
		Accepted    int            `bson:"accepted"`
		AcceptedSum int            `bson:"acceptedSum"`
		Scores      map[string]int `bson:"scores"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("rating months: %w", err)
	}
	out := make([]rating.Aggregate, len(docs))
	for i, d := range docs {
		a := rating.Aggregate{ID: d.ID, Cadre: d.Cadre, Month: d.Month, Count: d.Count, Sum: d.Sum, Flagged: d.Flagged,
			Accepted: d.Accepted, AcceptedSum: d.AcceptedSum}
		for s := range a.Scores {
			a.Scores[s] = d.Scores[fmt.Sprint(s)]
		}
		out[i] = a
	}
	return out, nil
}

// Stationed keeps which cadres are stationed in which community, and their names.
type Stationed struct{ store store.Service }

func NewStationed(st store.Service) Stationed { return Stationed{store: st} }

func (s Stationed) Cadres(ctx context.Context, community tenancy.CommunityCode) ([]app.StationedCadre, error) {
	links, err := s.store.Collection(ctx, stationedCollection)
	if err != nil {
		return nil, err
	}
	cur, err := links.Find(ctx, bson.D{{Key: "community", Value: string(community)}}, options.Find().SetLimit(50))
	if err != nil {
		return nil, err
	}
	var docs []struct {
		Cadre string `bson:"cadre"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	names, err := s.store.Collection(ctx, cadresCollection)
	if err != nil {
		return nil, err
	}
	out := []app.StationedCadre{}
	seen := map[string]bool{}
	for _, d := range docs {
		if seen[d.Cadre] {
			continue
		}
		seen[d.Cadre] = true
		var n struct {
			Name string `bson:"name"`
		}
		if err := names.FindOne(ctx, bson.D{{Key: "_id", Value: d.Cadre}}).Decode(&n); err != nil && !store.IsNotFound(err) {
			return nil, err
		}
		out = append(out, app.StationedCadre{ID: d.Cadre, Name: n.Name})
	}
	return out, nil
}

func (s Stationed) Link(ctx context.Context, assignment, cadre, community string, rev int64) error {
	coll, err := s.store.Collection(ctx, stationedCollection)
	if err != nil {
		return err
	}
	_, err = store.ApplyIfNewer(ctx, coll, assignment, rev, bson.D{{Key: "cadre", Value: cadre}, {Key: "community", Value: community}})
	return err
}

func (s Stationed) Name(ctx context.Context, cadre, name string, rev int64) error {
	coll, err := s.store.Collection(ctx, cadresCollection)
	if err != nil {
		return err
	}
	_, err = store.ApplyIfNewer(ctx, coll, cadre, rev, bson.D{{Key: "name", Value: name}})
	return err
}

func (r Ratings) Get(ctx context.Context, id string) (rating.Rating, error) {
	coll, err := r.store.Collection(ctx, ratingsCollection)
	if err != nil {
		return rating.Rating{}, err
	}
	var rt rating.Rating
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: outbox.Field, Value: 0}})).Decode(&rt)
	if store.IsNotFound(err) {
		return rating.Rating{}, rating.ErrNotFound
	}
	return rt, err
}

func (r Ratings) Review(ctx context.Context, id, actor string, fn func(*rating.Rating) error) (rating.Rating, error) {
	coll, err := r.store.Collection(ctx, ratingsCollection)
	if err != nil {
		return rating.Rating{}, err
	}
	rt, err := r.Get(ctx, id)
	if err != nil {
		return rating.Rating{}, err
	}
	read := rt.Rev
	if err := fn(&rt); err != nil {
		return rating.Rating{}, err
	}
	rt.Rev = read + 1
	ev, err := events.New(events.RatingReviewed, rt.Town, actor, rt.ID, rt)
	if err != nil {
		return rating.Rating{}, err
	}
	set := bson.D{{Key: "review", Value: string(rt.Review)}, {Key: "reviewedBy", Value: rt.ReviewedBy}, {Key: "reviewedAt", Value: rt.ReviewedAt}}
	// a decision is final, so a concurrent second review loses on the revision guard
	if _, err := r.outbox.Update(ctx, coll, id, read, bson.D{{Key: "$set", Value: set}}, ev); err != nil {
		return rating.Rating{}, err
	}
	if rt.Review != rating.Accepted {
		return rt, nil
	}
	agg, err := r.store.Collection(ctx, ratingMonthsCollection)
	if err != nil {
		return rating.Rating{}, err
	}
	_, err = agg.UpdateOne(ctx, bson.D{{Key: "_id", Value: rt.Cadre + "|" + rt.Month}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "accepted", Value: 1}, {Key: "acceptedSum", Value: rt.Score}}}})
	return rt, err
}

func (r Ratings) List(ctx context.Context, month string, review rating.Review, before string, limit int) ([]rating.Rating, error) {
	coll, err := r.store.Collection(ctx, ratingsCollection)
	if err != nil {
		return nil, err
	}
	filter := bson.D{{Key: "month", Value: month}}
	if review != "" {
		filter = append(filter, bson.E{Key: "review", Value: string(review)})
	}
	if before != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: before}}})
	}
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(limit)).
		SetProjection(bson.D{{Key: outbox.Field, Value: 0}}))
	if err != nil {
		return nil, err
	}
	out := []rating.Rating{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("list ratings: %w", err)
	}
	return out, nil
}
