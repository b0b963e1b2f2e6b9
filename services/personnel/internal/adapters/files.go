package adapters

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/store"
	"dundian.local/services/personnel/internal/domain/personalfile"
)

// Files keeps the personal files in `county.personnel_files`, one document per cadre id with
// the entries in an array. Entries are only ever added with $addToSet, so filing the same
// entry twice (a redelivered event) leaves one, and nothing ever changes or removes one.
type Files struct{ coll *mongo.Collection }

func NewFiles(st store.Service) Files { return Files{coll: st.County("files")} }

func (r Files) Append(ctx context.Context, cadre string, e personalfile.Entry) error {
	_, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: cadre}},
		bson.D{{Key: "$addToSet", Value: bson.D{{Key: "entries", Value: e}}}}, options.UpdateOne().SetUpsert(true))
	return err
}

// Get returns the cadre's file, oldest entry first; a cadre with nothing filed has an empty one.
func (r Files) Get(ctx context.Context, cadre string) (personalfile.File, error) {
	var doc struct {
		Entries []personalfile.Entry `bson:"entries"`
	}
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: cadre}}).Decode(&doc)
	if err != nil && !store.IsNotFound(err) {
		return personalfile.File{}, err
	}
	f := personalfile.File{Cadre: cadre, Entries: doc.Entries}
	if f.Entries == nil {
		f.Entries = []personalfile.Entry{}
	}
	personalfile.Sort(f.Entries)
	return f, nil
}
