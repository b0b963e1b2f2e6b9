package adapters

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/services/petitions/internal/domain/opinion"
	"dundian.local/services/petitions/internal/domain/overview"
)

// Records reads a town's records for the overview. A town keeps a few hundred cases, tasks
// and opinions a year, so the views read them whole rather than keep counters that would
// have to follow every change.
type Records struct{ store store.Service }

func NewRecords(st store.Service) Records { return Records{store: st} }

// bounds keep one view's reads finite whatever a town holds.
const maxRecords = 20000

func (r Records) Records(ctx context.Context, since time.Time) (overview.Records, error) {
	var out overview.Records
	opinions := bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "receivedAt", Value: bson.D{{Key: "$gte", Value: since}}}},
		bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{string(opinion.Received), string(opinion.Assigned)}}}}},
	}}}
	for _, q := range []struct {
		coll   string
		filter bson.D
		into   any
	}{
		{opinionsCollection, opinions, &out.Opinions},
		{casesCollection, bson.D{}, &out.Cases},
		{tasksCollection, bson.D{}, &out.Tasks},
	} {
		coll, err := r.store.Collection(ctx, q.coll)
		if err != nil {
			return overview.Records{}, err
		}
		cur, err := coll.Find(ctx, q.filter, options.Find().SetLimit(maxRecords).
			SetProjection(bson.D{{Key: outbox.Field, Value: 0}}))
		if err != nil {
			return overview.Records{}, err
		}
		if err := cur.All(ctx, q.into); err != nil {
			return overview.Records{}, fmt.Errorf("read %s for the overview: %w", q.coll, err)
		}
	}
	return out, nil
}
