package adapters

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/store"
	"dundian.local/services/assessment/internal/domain/recall"
)

// thresholdsCollection is county-wide: one document, the county's recall triggers.
const (
	thresholdsCollection = "recall_thresholds"
	thresholdsID         = "county"
)

// Thresholds keeps the county's thresholds of the automatic recall triggers.
type Thresholds struct{ store store.Service }

type thresholdsDoc struct {
	ID         string            `bson:"_id"`
	Thresholds recall.Thresholds `bson:"thresholds"`
	SetBy      string            `bson:"setBy"`
	SetAt      time.Time         `bson:"setAt"`
}

// Get returns the county's thresholds, or the defaults until it set them.
func (t Thresholds) Get(ctx context.Context) (recall.Thresholds, error) {
	var d thresholdsDoc
	err := t.store.County(thresholdsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: thresholdsID}}).Decode(&d)
	if store.IsNotFound(err) {
		return recall.DefaultThresholds(), nil
	}
	if err != nil {
		return recall.Thresholds{}, err
	}
	return d.Thresholds, nil
}

func (t Thresholds) Put(ctx context.Context, th recall.Thresholds, actor string) error {
	_, err := t.store.County(thresholdsCollection).ReplaceOne(ctx, bson.D{{Key: "_id", Value: thresholdsID}},
		thresholdsDoc{ID: thresholdsID, Thresholds: th, SetBy: actor, SetAt: time.Now().UTC()}, options.Replace().SetUpsert(true))
	return err
}
