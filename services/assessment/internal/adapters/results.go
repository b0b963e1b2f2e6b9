package adapters

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/platformcopy"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
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
	Name  string  `bson:"name"`
	Year  int     `bson:"year"`
	Cadre string  `bson:"cadre"`
	Grade string  `bson:"grade"`
	Score float64 `bson:"score"`
}

// apply keeps a finalised assessment; a redelivered event changes nothing.
func (r Results) apply(ctx context.Context, ev events.Envelope) error {
	var d events.AssessmentFinalisedData
	if err := ev.Unmarshal(&d); err != nil {
		return bus.Permanent(err)
	}
	// the name as personnel last announced it, for the towns that list their cadres
	name, err := NewIndicators(r.store).CadreName(ctx, d.Cadre)
	if err != nil {
		return err
	}
	_, err = store.ApplyIfNewer(ctx, r.store.County(resultsCollection), string(ev.Town)+"|"+ev.Subject, ev.Rev, bson.D{
		{Key: "town", Value: string(ev.Town)}, {Key: "year", Value: d.Year}, {Key: "cadre", Value: d.Cadre}, {Key: "name", Value: name},
		{Key: "grade", Value: d.Grade}, {Key: "score", Value: d.Score},
	})
	return err
}

// Rankings reads the towns' "rankings shown" setting from the service's copy of the
// platform's settings.
type Rankings struct{ Copy platformcopy.Copy }

func (r Rankings) RankingsShown(ctx context.Context, town tenancy.TownCode) (bool, error) {
	s, err := r.Copy.Settings(ctx, town)
	return s.RankingsShown, err
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
		out[i] = app.Result{Town: d.Town, Cadre: d.Cadre, Name: d.Name, Grade: d.Grade, Score: d.Score}
	}
	return out, nil
}
