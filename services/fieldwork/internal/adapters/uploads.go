package adapters

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
	"dundian.local/services/fieldwork/internal/app"
)

// Uploads is the county-wide list of uploads not yet attached to a record. It stays small
// (uploads of the last day or two), so the sweep's scan of it is cheap on any store.
type Uploads struct{ store store.Service }

// NewUploads is the list over a service's store.
func NewUploads(st store.Service) Uploads { return Uploads{store: st} }

type pendingUpload struct {
	ID      string           `bson:"_id"` // <town>|<attachment>
	Town    tenancy.TownCode `bson:"town"`
	Upload  string           `bson:"upload"`
	Started time.Time        `bson:"started"`
}

func (u Uploads) Begin(ctx context.Context, p app.PendingUpload) error {
	doc := pendingUpload{ID: string(p.Town) + "|" + p.ID, Town: p.Town, Upload: p.ID, Started: p.Started}
	_, err := u.store.County(pendingUploadsCollection).ReplaceOne(ctx, bson.D{{Key: "_id", Value: doc.ID}}, doc,
		options.Replace().SetUpsert(true))
	return err
}

func (u Uploads) Done(ctx context.Context, town tenancy.TownCode, id string) error {
	_, err := u.store.County(pendingUploadsCollection).DeleteOne(ctx, bson.D{{Key: "_id", Value: string(town) + "|" + id}})
	return err
}

func (u Uploads) StartedBefore(ctx context.Context, before time.Time, limit int) ([]app.PendingUpload, error) {
	cur, err := u.store.County(pendingUploadsCollection).Find(ctx, bson.D{{Key: "started", Value: bson.D{{Key: "$lt", Value: before}}}},
		options.Find().SetSort(bson.D{{Key: "started", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	var docs []pendingUpload
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]app.PendingUpload, 0, len(docs))
	for _, d := range docs {
		out = append(out, app.PendingUpload{Town: d.Town, ID: d.Upload, Started: d.Started})
	}
	return out, nil
}
