package adapters

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/services/reporting/internal/domain/monthlyreport"
)

const (
	monthlyReportsCollection = "monthly_reports"
	// reportMonthsCollection holds one document per month ("2026-05") listing the ids of the
	// town's reports on it, so that a month's list is read by _id: the embedded store answers
	// any other filter by decoding every report the town ever wrote.
	reportMonthsCollection = "monthly_report_months"
)

// reportMonth is a month's list of report ids. Complete is set once the list is known to hold
// every report of the month: reports written before the lists existed are found by one scan,
// which then completes it.
type reportMonth struct {
	IDs      []string `bson:"ids"`
	Complete bool     `bson:"complete"`
}

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
	if rep.Rev == 0 {
		// Listed before it is written: a report that exists is always on its month's list
		// (a listed id whose insert failed is skipped by List).
		if err := r.addToMonth(ctx, rep.Month, rep.ID); err != nil {
			return monthlyreport.Report{}, err
		}
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
	months, err := r.store.Collection(ctx, reportMonthsCollection)
	if err != nil {
		return nil, err
	}
	var list reportMonth
	err = months.FindOne(ctx, bson.D{{Key: "_id", Value: m.String()}}).Decode(&list)
	if err != nil && !store.IsNotFound(err) {
		return nil, err
	}
	if !list.Complete {
		return r.scanMonth(ctx, m)
	}
	coll, err := r.coll(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]monthlyreport.Report, 0, len(list.IDs))
	for _, id := range list.IDs {
		var rep monthlyreport.Report
		err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: outbox.Field, Value: 0}})).Decode(&rep)
		if store.IsNotFound(err) {
			continue // listed, but its insert never happened
		}
		if err != nil {
			return nil, fmt.Errorf("list monthly reports: %w", err)
		}
		out = append(out, rep)
	}
	slices.SortFunc(out, func(a, b monthlyreport.Report) int { return strings.Compare(a.Cadre, b.Cadre) })
	return out, nil
}

// scanMonth finds the month's reports by their month, and completes the month's list with
// them.
func (r MonthlyReports) scanMonth(ctx context.Context, m calendar.Month) ([]monthlyreport.Report, error) {
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
	ids := make([]string, 0, len(out))
	for _, rep := range out {
		ids = append(ids, rep.ID)
	}
	months, err := r.store.Collection(ctx, reportMonthsCollection)
	if err != nil {
		return nil, err
	}
	// Reports created meanwhile added themselves before they were written; $addToSet keeps them.
	_, err = months.UpdateOne(ctx, bson.D{{Key: "_id", Value: m.String()}}, bson.D{
		{Key: "$addToSet", Value: bson.D{{Key: "ids", Value: bson.D{{Key: "$each", Value: ids}}}}},
		{Key: "$set", Value: bson.D{{Key: "complete", Value: true}}},
	}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (r MonthlyReports) addToMonth(ctx context.Context, m calendar.Month, id string) error {
	months, err := r.store.Collection(ctx, reportMonthsCollection)
	if err != nil {
		return err
	}
	_, err = months.UpdateOne(ctx, bson.D{{Key: "_id", Value: m.String()}},
		bson.D{{Key: "$addToSet", Value: bson.D{{Key: "ids", Value: id}}}}, options.UpdateOne().SetUpsert(true))
	return err
}
