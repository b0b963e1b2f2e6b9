package adapters

import (
	"context"
	"errors"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/app"
	"dundian.local/gateway/internal/domain/audit"
	"dundian.local/gateway/internal/domain/job"
	"dundian.local/gateway/internal/domain/settings"
)

// settingsID is the one document of a town's gateway_settings.
const settingsID = "settings"

// Settings keep each town's settings in town_<code>.gateway_settings.
type Settings struct {
	svc store.Service
	ob  *outbox.Outbox
}

func NewSettings(c *store.Client, ob *outbox.Outbox) *Settings {
	return &Settings{svc: c.Service(Prefix), ob: ob}
}

func (r *Settings) coll(ctx context.Context, t tenancy.TownCode) (*mongo.Collection, error) {
	return r.svc.Collection(tenancy.WithTown(ctx, t), TownCollSettings)
}

func (r *Settings) Get(ctx context.Context, t tenancy.TownCode) (settings.Settings, error) {
	coll, err := r.coll(ctx, t)
	if err != nil {
		return settings.Settings{}, err
	}
	s := settings.Default()
	err = findOne(ctx, coll, settingsID, &s, errs.ErrNotFound)
	if errors.Is(err, errs.ErrNotFound) {
		return settings.Default(), nil
	}
	return s, err
}

func (r *Settings) Put(ctx context.Context, t tenancy.TownCode, s settings.Settings, ev events.Envelope) (settings.Settings, error) {
	coll, err := r.coll(ctx, t)
	if err != nil {
		return settings.Settings{}, err
	}
	doc, err := outbox.Fields(s)
	if err != nil {
		return settings.Settings{}, err
	}
	if s.Rev == 0 {
		if err := r.ob.Insert(ctx, coll, settingsID, doc, ev); err != nil {
			return settings.Settings{}, conflictOr(err, errs.ErrConflict)
		}
		s.Rev = 1
		return s, nil
	}
	rev, err := r.ob.Update(ctx, coll, settingsID, s.Rev, bson.D{{Key: "$set", Value: doc}}, ev)
	if err != nil {
		return settings.Settings{}, storeErr(err)
	}
	s.Rev = rev
	return s, nil
}

// Calendars keep programme years (platform.calendars) and holiday years (platform.holidays),
// each keyed by the year.
type Calendars struct {
	years    *mongo.Collection
	holidays *mongo.Collection
	ob       *outbox.Outbox
}

func NewCalendars(c *store.Client, ob *outbox.Outbox) *Calendars {
	return &Calendars{years: c.Platform(CollCalendars), holidays: c.Platform(CollHolidays), ob: ob}
}

func yearID(y int) string { return strconv.Itoa(y) }

func (r *Calendars) Years(ctx context.Context) ([]app.ProgrammeYear, error) {
	return findAll[app.ProgrammeYear](ctx, r.years, bson.D{})
}

func (r *Calendars) Year(ctx context.Context, year int) (app.ProgrammeYear, error) {
	var y app.ProgrammeYear
	err := findOne(ctx, r.years, yearID(year), &y, app.ErrProgrammeYearNotFound)
	return y, err
}

func (r *Calendars) CreateYear(ctx context.Context, y app.ProgrammeYear, ev events.Envelope) error {
	doc, err := outbox.Fields(y)
	if err != nil {
		return err
	}
	return conflictOr(r.ob.Insert(ctx, r.years, yearID(y.Year), doc, ev), errs.ErrConflict)
}

func (r *Calendars) UpdateYear(ctx context.Context, y app.ProgrammeYear, ev events.Envelope) (app.ProgrammeYear, error) {
	doc, err := outbox.Fields(y)
	if err != nil {
		return app.ProgrammeYear{}, err
	}
	rev, err := r.ob.Update(ctx, r.years, yearID(y.Year), y.Rev, bson.D{{Key: "$set", Value: doc}}, ev)
	if err != nil {
		return app.ProgrammeYear{}, storeErr(err)
	}
	y.Rev = rev
	return y, nil
}

func (r *Calendars) Holidays(ctx context.Context) ([]app.HolidayYear, error) {
	return findAll[app.HolidayYear](ctx, r.holidays, bson.D{})
}

func (r *Calendars) HolidayYear(ctx context.Context, year int) (app.HolidayYear, error) {
	var h app.HolidayYear
	err := findOne(ctx, r.holidays, yearID(year), &h, errs.ErrNotFound)
	return h, err
}

func (r *Calendars) CreateHolidays(ctx context.Context, h app.HolidayYear, ev events.Envelope) error {
	doc, err := outbox.Fields(h)
	if err != nil {
		return err
	}
	return conflictOr(r.ob.Insert(ctx, r.holidays, yearID(h.Year), doc, ev), errs.ErrConflict)
}

func (r *Calendars) UpdateHolidays(ctx context.Context, h app.HolidayYear, ev events.Envelope) (app.HolidayYear, error) {
	doc, err := outbox.Fields(h)
	if err != nil {
		return app.HolidayYear{}, err
	}
	rev, err := r.ob.Update(ctx, r.holidays, yearID(h.Year), h.Rev, bson.D{{Key: "$set", Value: doc}}, ev)
	if err != nil {
		return app.HolidayYear{}, storeErr(err)
	}
	h.Rev = rev
	return h, nil
}

// Jobs keep long work's progress in platform.jobs.
type Jobs struct{ coll *mongo.Collection }

func NewJobs(c *store.Client) *Jobs { return &Jobs{coll: c.Platform(CollJobs)} }

func (r *Jobs) Create(ctx context.Context, j job.Job) error {
	_, err := r.coll.InsertOne(ctx, j)
	return storeErr(err)
}

func (r *Jobs) Get(ctx context.Context, id string) (job.Job, error) {
	var j job.Job
	err := findOne(ctx, r.coll, id, &j, job.ErrNotFound)
	return j, err
}

func (r *Jobs) Progress(ctx context.Context, id string, done, total int, now time.Time) error {
	_, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "done", Value: done}, {Key: "total", Value: total}, {Key: "heartbeat", Value: now.UTC()}}}})
	return storeErr(err)
}

func (r *Jobs) Finish(ctx context.Context, j job.Job) error {
	_, err := r.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: j.ID}}, j)
	return storeErr(err)
}

// AuditLog appends records to town_<code>.gateway_audit, or platform.audit for the county.
// It has no way to change or remove a record.
type AuditLog struct {
	county *mongo.Collection
	svc    store.Service
}

func NewAuditLog(c *store.Client) *AuditLog {
	return &AuditLog{county: c.Platform(CollAudit), svc: c.Service(Prefix)}
}

func (r *AuditLog) coll(ctx context.Context, t tenancy.TownCode) (*mongo.Collection, error) {
	if t == "" {
		return r.county, nil
	}
	return r.svc.Collection(tenancy.WithTown(ctx, t), TownCollAudit)
}

func (r *AuditLog) Append(ctx context.Context, t tenancy.TownCode, rec audit.Record) error {
	coll, err := r.coll(ctx, t)
	if err != nil {
		return err
	}
	_, err = coll.InsertOne(ctx, rec)
	return storeErr(err)
}

func (r *AuditLog) Page(ctx context.Context, t tenancy.TownCode, before string, limit int) ([]audit.Record, error) {
	coll, err := r.coll(ctx, t)
	if err != nil {
		return nil, err
	}
	filter := bson.D{}
	if before != "" {
		filter = bson.D{{Key: "_id", Value: bson.D{{Key: "$lt", Value: before}}}}
	}
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, storeErr(err)
	}
	out := []audit.Record{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, storeErr(err)
	}
	return out, nil
}
