package adapters

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/libs/tasks"
	"dundian.local/libs/tenancy"
	"dundian.local/services/fieldwork/internal/app"
	"dundian.local/services/fieldwork/internal/domain/activity"
	"dundian.local/services/fieldwork/internal/domain/attachment"
	"dundian.local/services/fieldwork/internal/domain/entry"
	"dundian.local/services/fieldwork/internal/domain/report"
	"dundian.local/services/fieldwork/internal/domain/sheet"
	"dundian.local/services/fieldwork/internal/domain/station"
	"dundian.local/services/fieldwork/internal/domain/stay"
)

// Repos are fieldwork's repositories.
type Repos struct {
	Stays                 Repo[stay.Stay]
	AttendanceSheets      Repo[sheet.Sheet]
	WorkLogs              Repo[entry.Entry]
	Diaries               Repo[entry.Entry]
	Attachments           Repo[attachment.Attachment]
	ResearchReports       Repo[report.Report]
	ServiceStations       Repo[station.Station]
	FieldActivities       Repo[activity.Activity]
	RectificationMeasures Repo[tasks.Task]
	CadreMonths           CadreMonths
}

// NewRepos builds the repositories over a service's store and outbox.
func NewRepos(st store.Service, ob *outbox.Outbox) Repos {
	entries := func(coll string) Repo[entry.Entry] {
		return Repo[entry.Entry]{store: st, outbox: ob, coll: coll, notFound: entry.ErrNotFound,
			id: func(e entry.Entry) string { return e.ID }, rev: func(e *entry.Entry) *int64 { return &e.Rev }}
	}
	return Repos{
		Stays: Repo[stay.Stay]{store: st, outbox: ob, coll: staysCollection, notFound: stay.ErrNotFound,
			id: func(s stay.Stay) string { return s.ID }, rev: func(s *stay.Stay) *int64 { return &s.Rev }},
		AttendanceSheets: Repo[sheet.Sheet]{store: st, outbox: ob, coll: sheetsCollection, notFound: sheet.ErrNotFound,
			id: func(s sheet.Sheet) string { return s.ID }, rev: func(s *sheet.Sheet) *int64 { return &s.Rev }},
		WorkLogs: entries(workLogsCollection),
		Diaries:  entries(diariesCollection),
		Attachments: Repo[attachment.Attachment]{store: st, outbox: ob, coll: attachmentsCollection, notFound: attachment.ErrNotFound,
			id: func(a attachment.Attachment) string { return a.ID }, rev: func(a *attachment.Attachment) *int64 { return &a.Rev }},
		ResearchReports: Repo[report.Report]{store: st, outbox: ob, coll: reportsCollection, notFound: report.ErrNotFound,
			id: func(r report.Report) string { return r.ID }, rev: func(r *report.Report) *int64 { return &r.Rev }},
		ServiceStations: Repo[station.Station]{store: st, outbox: ob, coll: stationsCollection, notFound: station.ErrNotFound,
			id: func(s station.Station) string { return string(s.Community) }, rev: func(s *station.Station) *int64 { return &s.Rev }},
		FieldActivities: Repo[activity.Activity]{store: st, outbox: ob, coll: activitiesCollection, notFound: activity.ErrNotFound,
			id: func(a activity.Activity) string { return a.ID }, rev: func(a *activity.Activity) *int64 { return &a.Rev }},
		RectificationMeasures: Repo[tasks.Task]{store: st, outbox: ob, coll: tasksCollection, notFound: app.ErrMeasureNotFound,
			id: func(t tasks.Task) string { return t.ID }, rev: func(t *tasks.Task) *int64 { return &t.Rev }},
		CadreMonths: CadreMonths{store: st},
	}
}

// StaysOfCadre are the cadre's stays that may touch the window [from, to).
func (r Repos) StaysOfCadre(ctx context.Context, cadre string, from, to time.Time) ([]stay.Stay, error) {
	return r.Stays.Find(ctx, bson.D{{Key: "cadre", Value: cadre},
		{Key: "start", Value: bson.D{{Key: "$gte", Value: from.Add(-stay.MaxLength)}, {Key: "$lt", Value: to}}}},
		bson.D{{Key: "start", Value: 1}}, 0)
}

// StaysOfCommunity are the community's stays that may touch the window [from, to).
func (r Repos) StaysOfCommunity(ctx context.Context, c tenancy.CommunityCode, from, to time.Time) ([]stay.Stay, error) {
	return r.Stays.Find(ctx, bson.D{{Key: "community", Value: string(c)},
		{Key: "start", Value: bson.D{{Key: "$gte", Value: from.Add(-stay.MaxLength)}, {Key: "$lt", Value: to}}}},
		bson.D{{Key: "start", Value: 1}}, 0)
}

// CadreMonths is the read model of each cadre's stationing per month, keyed "<cadre>|<yyyy-mm>"
// so the embedded store reads it by _id. It is recounted from the stays after every change,
// never incremented.
type CadreMonths struct{ store store.Service }

// Put replaces the cadre's month.
func (c CadreMonths) Put(ctx context.Context, m stay.CadreMonth) error {
	coll, err := c.store.Collection(ctx, cadreMonthsCollection)
	if err != nil {
		return err
	}
	id := m.Cadre + "|" + m.Month.String()
	_, err = coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, m, options.Replace().SetUpsert(true))
	return err
}

// Get returns the stored month; found is false when nothing was recorded.
func (c CadreMonths) Get(ctx context.Context, cadre, month string) (m stay.CadreMonth, found bool, err error) {
	coll, err := c.store.Collection(ctx, cadreMonthsCollection)
	if err != nil {
		return m, false, err
	}
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: cadre + "|" + month}}).Decode(&m)
	if store.IsNotFound(err) {
		return m, false, nil
	}
	return m, err == nil, err
}

// Entries lists work logs or diaries newest first (ids are time-ordered UUIDv7).
func (r Repos) Entries(ctx context.Context, kind entry.Kind, f app.EntryFilter, limit int) ([]entry.Entry, error) {
	filter := bson.D{}
	if f.Cadre != "" {
		filter = append(filter, bson.E{Key: "cadre", Value: f.Cadre})
	}
	if f.Community != "" {
		filter = append(filter, bson.E{Key: "community", Value: string(f.Community)})
	}
	if f.Before != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: f.Before}}})
	}
	repo := r.WorkLogs
	if kind == entry.Diary {
		repo = r.Diaries
	}
	return repo.Find(ctx, filter, bson.D{{Key: "_id", Value: -1}}, limit)
}

// Sheets lists a community's attendance sheets.
func (r Repos) Sheets(ctx context.Context, c tenancy.CommunityCode) ([]sheet.Sheet, error) {
	return r.AttendanceSheets.Find(ctx, bson.D{{Key: "community", Value: string(c)}}, bson.D{{Key: "_id", Value: -1}}, 0)
}

// Reports lists research reports newest first (ids are time-ordered UUIDv7).
func (r Repos) Reports(ctx context.Context, cadre, before string, limit int) ([]report.Report, error) {
	filter := bson.D{}
	if cadre != "" {
		filter = append(filter, bson.E{Key: "cadre", Value: cadre})
	}
	if before != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: before}}})
	}
	return r.ResearchReports.Find(ctx, filter, bson.D{{Key: "_id", Value: -1}}, limit)
}

// Stations lists the town's service stations by community code; a town has a few dozen.
func (r Repos) Stations(ctx context.Context) ([]station.Station, error) {
	return r.ServiceStations.Find(ctx, bson.D{}, bson.D{{Key: "_id", Value: 1}}, 0)
}

// Activities lists activities newest first (ids are time-ordered UUIDv7).
func (r Repos) Activities(ctx context.Context, f app.ActivityFilter, limit int) ([]activity.Activity, error) {
	filter := bson.D{}
	if f.Cadre != "" {
		filter = append(filter, bson.E{Key: "cadre", Value: f.Cadre})
	}
	if f.Community != "" {
		filter = append(filter, bson.E{Key: "community", Value: string(f.Community)})
	}
	if f.Task != "" {
		filter = append(filter, bson.E{Key: "task", Value: f.Task})
	}
	if f.Before != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: f.Before}}})
	}
	return r.FieldActivities.Find(ctx, filter, bson.D{{Key: "_id", Value: -1}}, limit)
}

// Measures lists the rectification measures of an activity, oldest first.
func (r Repos) Measures(ctx context.Context, activityID string) ([]tasks.Task, error) {
	return r.RectificationMeasures.Find(ctx, bson.D{{Key: "source.id", Value: activityID}}, bson.D{{Key: "_id", Value: 1}}, 0)
}
