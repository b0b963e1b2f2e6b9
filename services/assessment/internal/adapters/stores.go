package adapters

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/outbox"
	"dundian.local/libs/platformcopy"
	"dundian.local/libs/store"
	"dundian.local/libs/tasks"
	"dundian.local/services/assessment/internal/app"
	"dundian.local/services/assessment/internal/domain/demonstration"
	"dundian.local/services/assessment/internal/domain/inspection"
	"dundian.local/services/assessment/internal/domain/recall"
	"dundian.local/services/assessment/internal/domain/scoring"
	"dundian.local/services/assessment/internal/domain/yearend"
)

// NewStores returns the MongoDB repositories of the use cases; platform is the service's
// copy of the programme calendar and the towns' settings.
func NewStores(st store.Service, ob *outbox.Outbox, platform platformcopy.Copy) app.Stores {
	return app.Stores{
		Inspections: repo[inspection.Inspection]{store: st, outbox: ob, coll: inspectionsCollection,
			rev: func(v *inspection.Inspection) *int64 { return &v.Rev }, notFound: inspection.ErrNotFound},
		Findings: repo[inspection.Finding]{store: st, outbox: ob, coll: findingsCollection,
			rev: func(v *inspection.Finding) *int64 { return &v.Rev }, notFound: app.ErrFindingNotFound},
		Tasks: repo[tasks.Task]{store: st, outbox: ob, coll: tasksCollection,
			rev: func(v *tasks.Task) *int64 { return &v.Rev }, notFound: app.ErrNoRectification, exists: app.ErrRectificationExists},
		Recalls: repo[recall.Case]{store: st, outbox: ob, coll: recallsCollection,
			rev: func(v *recall.Case) *int64 { return &v.Rev }, notFound: recall.ErrNotFound, exists: recall.ErrExists},
		Assessments: repo[yearend.Assessment]{store: st, outbox: ob, coll: assessmentsCollection,
			rev: func(v *yearend.Assessment) *int64 { return &v.Rev }, notFound: yearend.ErrNotFound, exists: app.ErrAssessmentExists},
		Demonstrations: repo[demonstration.Point]{store: st, outbox: ob, coll: demonstrationsCollection,
			rev: func(v *demonstration.Point) *int64 { return &v.Rev }, notFound: demonstration.ErrNotFound, exists: demonstration.ErrExists},
		Weights:    Weights{st},
		Results:    NewResults(st),
		Indicators: NewIndicators(st),
		Thresholds: Thresholds{st},
		Calendars:  platform,
		Rankings:   Rankings{platform},
		Towns:      Towns{st},
	}
}

// Weights keeps the county's weights per year in one county-wide collection, by _id = year.
type Weights struct{ store store.Service }

type weightsDoc struct {
	Year    int             `bson:"_id"`
	Weights scoring.Weights `bson:"weights"`
	SetBy   string          `bson:"setBy"`
	SetAt   time.Time       `bson:"setAt"`
}

func (w Weights) Get(ctx context.Context, year int) (scoring.Weights, bool, error) {
	var d weightsDoc
	err := w.store.County(weightsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: year}}).Decode(&d)
	if store.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return d.Weights, true, nil
}

func (w Weights) Put(ctx context.Context, year int, ws scoring.Weights, actor string) error {
	_, err := w.store.County(weightsCollection).ReplaceOne(ctx, bson.D{{Key: "_id", Value: year}},
		weightsDoc{Year: year, Weights: ws, SetBy: actor, SetAt: time.Now().UTC()}, options.Replace().SetUpsert(true))
	return err
}
