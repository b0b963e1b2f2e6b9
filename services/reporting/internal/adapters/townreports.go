package adapters

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/services/reporting/internal/domain/figures"
	"dundian.local/services/reporting/internal/domain/townreport"
)

const townReportsCollection = "town_reports"

// TownReports keeps the town's reports (L4), one document per kind and period, written
// through the outbox.
type TownReports struct {
	store  store.Service
	outbox *outbox.Outbox
}

func NewTownReports(st store.Service, ob *outbox.Outbox) TownReports {
	return TownReports{store: st, outbox: ob}
}

func (r TownReports) Get(ctx context.Context, id string) (townreport.Report, error) {
	coll, err := r.store.Collection(ctx, townReportsCollection)
	if err != nil {
		return townreport.Report{}, err
	}
	var rep townreport.Report
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&rep)
	if store.IsNotFound(err) {
		return townreport.Report{}, townreport.ErrNotFound
	}
	return rep, err
}

// Save stores the report read at rep.Rev (0: new) and returns it at its new revision.
func (r TownReports) Save(ctx context.Context, rep townreport.Report, evType, actor string) (townreport.Report, error) {
	coll, err := r.store.Collection(ctx, townReportsCollection)
	if err != nil {
		return townreport.Report{}, err
	}
	saved, err := save(ctx, r.outbox, coll, rep.ID, rep.Rev, rep, func(x *townreport.Report) *int64 { return &x.Rev },
		townreport.ErrNotFound, func(x townreport.Report) (events.Envelope, error) { return events.New(evType, x.Town, actor, x.ID, x) })
	if store.IsDuplicate(err) {
		return townreport.Report{}, townreport.ErrState
	}
	if err != nil {
		return townreport.Report{}, err
	}
	return saved, nil
}

// List returns the town's reports, by kind and period.
func (r TownReports) List(ctx context.Context) ([]townreport.Report, error) {
	coll, err := r.store.Collection(ctx, townReportsCollection)
	if err != nil {
		return nil, err
	}
	return find[townreport.Report](ctx, coll, bson.D{}, bson.D{{Key: "_id", Value: 1}})
}

// Month returns every cadre's figures of one month in the town.
func (r Figures) Month(ctx context.Context, m calendar.Month) ([]figures.Month, error) {
	coll, err := r.store.Collection(ctx, figuresCollection)
	if err != nil {
		return nil, err
	}
	return find[figures.Month](ctx, coll, bson.D{{Key: "month", Value: m.String()}}, bson.D{{Key: "_id", Value: 1}})
}
