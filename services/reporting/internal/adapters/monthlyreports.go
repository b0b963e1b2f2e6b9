package adapters

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/services/reporting/internal/domain/monthlyreport"
)

const monthlyReportsCollection = "monthly_reports"

// MonthlyReports is the MongoDB repository of monthly reports, one document per cadre and
// month under the composite _id, written through the outbox.
type MonthlyReports struct {
	store  store.Service
	outbox *outbox.Outbox
}

func NewMonthlyReports(st store.Service, ob *outbox.Outbox) MonthlyReports {
	return MonthlyReports{store: st, outbox: ob}
}

func (r MonthlyReports) coll(ctx context.Context) (*mongo.Collection, error) {
	return r.store.Collection(ctx, monthlyReportsCollection)
}

func (r MonthlyReports) Get(ctx context.Context, id string) (monthlyreport.Report, error) {
	coll, err := r.coll(ctx)
	if err != nil {
		return monthlyreport.Report{}, err
	}
	var rep monthlyreport.Report
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: outbox.Field, Value: 0}})).Decode(&rep)
	if store.IsNotFound(err) {
		return monthlyreport.Report{}, monthlyreport.ErrNotFound
	}
	return rep, err
}

// Save stores the report as the event type says it changed: the first save inserts it, later
// ones update it at the revision it was read (errs.ErrConflict when someone wrote meanwhile).
func (r MonthlyReports) Save(ctx context.Context, rep monthlyreport.Report, evType, actor string) (monthlyreport.Report, error) {
	coll, err := r.coll(ctx)
	if err != nil {
		return monthlyreport.Report{}, err
	}
	saved, err := save(ctx, r.outbox, coll, rep.ID, rep.Rev, rep, func(x *monthlyreport.Report) *int64 { return &x.Rev },
		monthlyreport.ErrNotFound, func(x monthlyreport.Report) (events.Envelope, error) {
			return events.New(evType, x.Town, actor, x.ID, x)
		})
	if store.IsDuplicate(err) {
		return monthlyreport.Report{}, monthlyreport.ErrNotEditable.WithDetail(
			"the report was created meanwhile: reload it", "月报已被他人创建，请刷新后重试")
	}
	if err != nil {
		return monthlyreport.Report{}, err
	}
	return saved, nil
}

// List returns the town's reports on a month, by cadre.
func (r MonthlyReports) List(ctx context.Context, m calendar.Month) ([]monthlyreport.Report, error) {
	coll, err := r.coll(ctx)
	if err != nil {
		return nil, err
	}
	filter := bson.D{{Key: "month.year", Value: m.Year}, {Key: "month.month", Value: int(m.Month)}}
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "cadre", Value: 1}}).
		SetProjection(bson.D{{Key: outbox.Field, Value: 0}}))
	if err != nil {
		return nil, err
	}
	out := []monthlyreport.Report{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("list monthly reports: %w", err)
	}
	return out, nil
}
