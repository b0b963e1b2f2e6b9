package adapters

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/store"
	"dundian.local/services/reporting/internal/domain/figures"
)

const figuresCollection = "figures"

// Figures keeps the per-cadre-month read model that pre-fills monthly reports, one document
// per cadre and month fetched by its composite _id.
type Figures struct{ store store.Service }

func NewFigures(st store.Service) Figures { return Figures{store: st} }

// Get returns the cadre's month; an empty one when nothing was recorded yet.
func (r Figures) Get(ctx context.Context, cadre string, m calendar.Month) (figures.Month, error) {
	coll, err := r.store.Collection(ctx, figuresCollection)
	if err != nil {
		return figures.Month{}, err
	}
	id := figures.ID(cadre, m)
	var out figures.Month
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&out)
	if store.IsNotFound(err) {
		return figures.Month{ID: id, Cadre: cadre, Month: m.String()}, nil
	}
	return out, err
}

// Update reads the cadre's month (an empty one when absent), lets fn change it and stores it
// when fn reports a change, retrying on concurrent writes.
func (r Figures) Update(ctx context.Context, cadre string, m calendar.Month, fn func(*figures.Month) bool) error {
	coll, err := r.store.Collection(ctx, figuresCollection)
	if err != nil {
		return err
	}
	id := figures.ID(cadre, m)
	for attempt := 0; attempt < 20; attempt++ {
		var fm figures.Month
		err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&fm)
		exists := err == nil
		if err != nil && !store.IsNotFound(err) {
			return err
		}
		if !exists {
			fm = figures.Month{ID: id, Cadre: cadre, Month: m.String()}
		}
		if !fn(&fm) {
			return nil
		}
		read := fm.Ver
		fm.Ver++
		if !exists {
			_, err = coll.InsertOne(ctx, fm)
			if store.IsDuplicate(err) {
				continue // created meanwhile: read it and apply again
			}
			return err
		}
		res, err := coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "ver", Value: read}}, fm)
		if err != nil {
			return err
		}
		if res.MatchedCount == 1 {
			return nil
		}
	}
	return errors.Join(errs.ErrConflict, errors.New("figures: too many concurrent updates of "+id))
}
