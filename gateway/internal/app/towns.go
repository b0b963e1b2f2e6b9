package app

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/domain/job"
	"dundian.local/gateway/internal/domain/town"
)

// Registry is the tenant registry: creating, listing, archiving, importing, exporting and
// erasing towns.
type Registry struct {
	d      Deps
	runner *Runner
	dir    *Directory
}

// TownView is a town in a list: its communities are counted, not listed.
type TownView struct {
	Code        tenancy.TownCode   `json:"code"`
	Name        string             `json:"name"`
	County      tenancy.CountyCode `json:"county"`
	CountyName  string             `json:"countyName"`
	Status      town.Status        `json:"status"`
	Communities int                `json:"communities"`
	CreatedAt   time.Time          `json:"createdAt"`
	ArchivedAt  *time.Time         `json:"archivedAt,omitempty"`
}

func viewOf(t town.Summary) TownView {
	return TownView{Code: t.Code, Name: t.Name, County: t.County, CountyName: t.CountyName, Status: t.Status,
		Communities: t.Communities, CreatedAt: t.CreatedAt, ArchivedAt: t.ArchivedAt}
}

// TownStatusData is the data of platform.town.archived.
type TownStatusData struct {
	Code   tenancy.TownCode `json:"code"`
	Name   string           `json:"name"`
	Status town.Status      `json:"status"`
	At     time.Time        `json:"at"`
}

// TownErasedData is the data of platform.town.erased.
type TownErasedData struct {
	Code     tenancy.TownCode `json:"code"`
	ExportID string           `json:"exportId"`
	At       time.Time        `json:"at"`
}

func townData(t town.Town) events.TownCreatedData {
	d := events.TownCreatedData{
		Code: string(t.Code), Name: t.Name, County: string(t.County), CountyName: t.CountyName,
		Communities: make([]events.CommunityName, 0, len(t.Communities)),
	}
	for _, c := range t.Communities {
		d.Communities = append(d.Communities, events.CommunityName{Code: string(c.Code), Name: c.Name})
	}
	return d
}

func requireCountyAdmin(ctx context.Context) (auth.Principal, error) {
	p, err := actor(ctx)
	if err != nil {
		return p, err
	}
	if p.Role != auth.CountyAdmin {
		return p, errs.ErrForbidden
	}
	return p, nil
}

// CreateTown is a county administrator's new town.
type CreateTown struct {
	Code        tenancy.TownCode
	Name        string
	CountyName  string
	Communities []town.Community
}

// Create registers a town and announces it with its communities (platform.town.created).
func (r *Registry) Create(ctx context.Context, cmd CreateTown) (town.Town, error) {
	p, err := requireCountyAdmin(ctx)
	if err != nil {
		return town.Town{}, err
	}
	t, err := town.New(cmd.Code, cmd.Name, cmd.CountyName, cmd.Communities, r.d.Now())
	if err != nil {
		return town.Town{}, err
	}
	ev, err := events.New(events.TownCreated, t.Code, p.AccountID, string(t.Code), townData(t))
	if err != nil {
		return town.Town{}, err
	}
	if err := r.d.Towns.Create(ctx, t, ev); err != nil {
		return town.Town{}, err
	}
	r.dir.Forget(t.Code)
	t.Rev = 1
	return t, nil
}

// List returns the towns the caller may see: every town for county roles, their own for the
// others.
func (r *Registry) List(ctx context.Context) ([]TownView, error) {
	p, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !p.Role.CountyWide() {
		t, err := r.d.Towns.Get(ctx, p.Town)
		if errors.Is(err, town.ErrNotFound) {
			return []TownView{}, nil
		}
		if err != nil {
			return nil, err
		}
		return []TownView{viewOf(t.Summary())}, nil
	}
	all, err := r.d.Towns.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TownView, 0, len(all))
	for _, t := range all {
		out = append(out, viewOf(t))
	}
	slices.SortFunc(out, func(a, b TownView) int { return strings.Compare(string(a.Code), string(b.Code)) })
	return out, nil
}

// Get returns a town the caller may see, with its communities.
func (r *Registry) Get(ctx context.Context, code tenancy.TownCode) (town.Town, error) {
	p, err := actor(ctx)
	if err != nil {
		return town.Town{}, err
	}
	if !p.CanAccessTown(code) {
		return town.Town{}, auth.ErrTownNotFound
	}
	return r.d.Towns.Get(ctx, code)
}

// Archive makes a town read-only (platform.town.archived).
func (r *Registry) Archive(ctx context.Context, code tenancy.TownCode) (town.Town, error) {
	p, err := requireCountyAdmin(ctx)
	if err != nil {
		return town.Town{}, err
	}
	out, err := retryConflict(func() (town.Town, error) {
		t, err := r.d.Towns.Get(ctx, code)
		if err != nil {
			return town.Town{}, err
		}
		archived, err := t.Archive(r.d.Now())
		if err != nil {
			return town.Town{}, err
		}
		ev, err := events.New(events.TownArchived, t.Code, p.AccountID, string(t.Code),
			TownStatusData{Code: t.Code, Name: t.Name, Status: archived.Status, At: *archived.ArchivedAt})
		if err != nil {
			return town.Town{}, err
		}
		return r.d.Towns.Update(ctx, archived, ev)
	})
	r.dir.Forget(code)
	return out, err
}

// Export starts a job that writes an archive of all the town's data to the export store.
// The job's id is the export id that Erase asks for.
func (r *Registry) Export(ctx context.Context, code tenancy.TownCode) (job.Job, error) {
	p, err := requireCountyAdmin(ctx)
	if err != nil {
		return job.Job{}, err
	}
	t, err := r.d.Towns.Get(ctx, code)
	if err != nil {
		return job.Job{}, err
	}
	accounts, err := r.d.Accounts.List(ctx, code)
	if err != nil {
		return job.Job{}, err
	}
	overrides, err := r.townOverrides(ctx, code)
	if err != nil {
		return job.Job{}, err
	}
	st, err := r.d.Settings.Get(ctx, code)
	if err != nil {
		return job.Job{}, err
	}
	now := r.d.Now()
	j := job.Start(newID(), job.ExportTown, code, p.AccountID, 0, now)
	if err := r.d.Jobs.Create(ctx, j); err != nil {
		return job.Job{}, err
	}
	req := ExportRequest{ID: j.ID, Town: code, By: p.AccountID, At: now.UTC(), Platform: map[string]any{
		"town.json":      t,
		"accounts.json":  accounts, // password hashes are never serialised
		"overrides.json": overrides,
		"settings.json":  st,
	}}
	if !r.runner.Start(ctx, "export "+string(code), func(ctx context.Context) { r.runExport(ctx, j, req) }) {
		return job.Job{}, errs.ErrUnavailable
	}
	return j, nil
}

func (r *Registry) runExport(ctx context.Context, j job.Job, req ExportRequest) {
	var (
		mu   sync.Mutex
		last time.Time
	)
	res, err := r.d.TownData.Export(ctx, req, func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		j.Done, j.Total = done, total
		if now := r.d.Now(); now.Sub(last) >= time.Second {
			last = now
			_ = r.d.Jobs.Progress(ctx, j.ID, done, total, now)
		}
	})
	mu.Lock()
	defer mu.Unlock()
	r.finish(ctx, j, res, err)
}

// finish records a job's outcome, even after the job's context ended.
func (r *Registry) finish(ctx context.Context, j job.Job, res job.Result, err error) {
	now := r.d.Now().UTC().Truncate(time.Millisecond)
	j.Result, j.FinishedAt, j.Heartbeat = res, &now, now
	j.Status = job.Succeeded
	if err != nil {
		r.d.Log.ErrorContext(ctx, "job failed", "job", j.ID, "kind", j.Kind, "err", err)
		j.Status = job.Failed
		j.Errors = append(j.Errors, jobError(err))
	}
	j.Done = max(j.Done, j.Total)
	if ferr := r.d.Jobs.Finish(context.WithoutCancel(ctx), j); ferr != nil {
		r.d.Log.ErrorContext(ctx, "recording a job's outcome failed", "job", j.ID, "err", ferr)
	}
}

// jobError words an error for the job record; internal details stay in the log.
func jobError(err error) job.Error {
	if e, ok := errs.As(err); ok && e.Category != errs.CategoryInternal {
		return job.Error{Code: e.Slug, Message: e.Message, Zh: e.Zh}
	}
	return job.Error{Code: "internal", Message: "the job failed; see the gateway's log", Zh: "任务失败，请联系系统管理员查看日志"}
}

// ExportArchive opens a finished export of the town for download.
func (r *Registry) ExportArchive(ctx context.Context, code tenancy.TownCode, exportID string) (io.ReadCloser, int64, error) {
	if _, err := requireCountyAdmin(ctx); err != nil {
		return nil, 0, err
	}
	if _, err := r.finishedExport(ctx, code, exportID); err != nil {
		return nil, 0, err
	}
	return r.d.TownData.Archive(ctx, code, exportID)
}

var (
	ErrExportNotFound = errs.NotFound("export-not-found",
		"no finished export of this town with that id", "找不到该乡镇已完成的导出")
	ErrExportRequired = errs.Invalid("export-required",
		"export the town first and give the export's id", "删除前须先导出该乡镇的数据，并填写导出编号")
)

func (r *Registry) finishedExport(ctx context.Context, code tenancy.TownCode, exportID string) (job.Job, error) {
	if exportID == "" {
		return job.Job{}, ErrExportRequired
	}
	j, err := r.d.Jobs.Get(ctx, exportID)
	if errors.Is(err, job.ErrNotFound) {
		return job.Job{}, ErrExportNotFound
	}
	if err != nil {
		return job.Job{}, err
	}
	if j.Kind != job.ExportTown || j.Town != code || j.Status != job.Succeeded {
		return job.Job{}, ErrExportNotFound
	}
	return j, nil
}

// EraseTown is the county administrator's confirmed request to erase a town.
type EraseTown struct {
	Code     tenancy.TownCode
	Confirm  string // the town's name, typed
	ExportID string // a finished export of the town
}

// Erase removes everything of a town: its database, its objects, its accounts, its calendar
// extensions and its registry record, then records the erasure (platform.town.erased). Each
// step can run again, so an erasure cut short is finished by asking again.
func (r *Registry) Erase(ctx context.Context, cmd EraseTown) (Erasure, error) {
	p, err := requireCountyAdmin(ctx)
	if err != nil {
		return Erasure{}, err
	}
	t, err := r.d.Towns.Get(ctx, cmd.Code)
	if err != nil {
		return Erasure{}, err
	}
	if err := t.ConfirmErase(cmd.Confirm); err != nil {
		return Erasure{}, err
	}
	if _, err := r.finishedExport(ctx, cmd.Code, cmd.ExportID); err != nil {
		return Erasure{}, err
	}
	if err := r.d.TownData.DropDatabase(ctx, t.Code); err != nil {
		return Erasure{}, err
	}
	objects, err := r.d.TownData.DeleteObjects(ctx, t.Code)
	if err != nil {
		return Erasure{}, err
	}
	accounts, err := r.d.Accounts.DeleteTown(ctx, t.Code)
	if err != nil {
		return Erasure{}, err
	}
	if err := r.dropOverrides(ctx, p, t.Code); err != nil {
		return Erasure{}, err
	}
	now := r.d.Now().UTC().Truncate(time.Millisecond)
	e := Erasure{ID: newID(), Town: t.Code, Name: t.Name, ExportID: cmd.ExportID, By: p.AccountID, At: now,
		Accounts: accounts, Objects: objects}
	ev, err := events.New(events.TownErased, t.Code, p.AccountID, string(t.Code),
		TownErasedData{Code: t.Code, ExportID: cmd.ExportID, At: now})
	if err != nil {
		return Erasure{}, err
	}
	if err := r.d.Erasures.Record(ctx, e, ev); err != nil {
		return Erasure{}, err
	}
	if err := r.d.Towns.Delete(ctx, t.Code); err != nil {
		return Erasure{}, err
	}
	r.dir.Forget(t.Code)
	return e, nil
}
