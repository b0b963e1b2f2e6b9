package adapters

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
	"dundian.local/services/assessment/internal/app"
)

// resultsCollection is county-wide: one document per finalised assessment, so that the
// county's comparison reads one collection instead of every town's database.
const resultsCollection = "results"

// Results is the county read model of finalised assessments, filled from this service's own
// assessment.assessment.finalised events.
type Results struct{ store store.Service }

func NewResults(st store.Service) Results { return Results{st} }

type resultDoc struct {
	Town  string  `bson:"town"`
	Year  int     `bson:"year"`
	Cadre string  `bson:"cadre"`
	Grade string  `bson:"grade"`
	Score float64 `bson:"score"`
}

// EventHandler applies the finalised assessments; a redelivered event changes nothing.
func (r Results) EventHandler() bus.Handler {
	return bus.Dispatch(map[string]bus.Handler{
		events.AssessmentFinalised: func(ctx context.Context, ev events.Envelope) error {
			var d events.AssessmentFinalisedData
			if err := ev.Unmarshal(&d); err != nil {
				return bus.Permanent(err)
			}
			_, err := store.ApplyIfNewer(ctx, r.store.County(resultsCollection), string(ev.Town)+"|"+ev.Subject, ev.Rev, bson.D{
				{Key: "town", Value: string(ev.Town)}, {Key: "year", Value: d.Year}, {Key: "cadre", Value: d.Cadre},
				{Key: "grade", Value: d.Grade}, {Key: "score", Value: d.Score},
			})
			return err
		},
	})
}

// Year returns the finalised results of a programme year in every town.
func (r Results) Year(ctx context.Context, year int) ([]app.Result, error) {
	cur, err := r.store.County(resultsCollection).Find(ctx, bson.D{{Key: "year", Value: year}})
	if err != nil {
		return nil, err
	}
	var docs []resultDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	out := make([]app.Result, len(docs))
	for i, d := range docs {
		out[i] = app.Result{Town: d.Town, Cadre: d.Cadre, Grade: d.Grade, Score: d.Score}
	}
	return out, nil
}
