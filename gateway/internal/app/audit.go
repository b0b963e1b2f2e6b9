package app

import (
	"context"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/domain/audit"
	"dundian.local/gateway/internal/domain/job"
)

// Audit appends and reads the audit log. A record about a town goes to that town's log while
// the town exists; everything else — county-level actions, an erased town — to the county's.
type Audit struct {
	d   Deps
	dir *Directory
}

// Record appends one record, giving it its id and time.
func (a *Audit) Record(ctx context.Context, r audit.Record) error {
	r.ID = newID()
	r.At = a.d.Now().UTC().Truncate(time.Millisecond)
	target := r.Town
	if target != "" {
		st, err := a.dir.Lookup(ctx, target)
		if err != nil {
			return err
		}
		if !st.Exists {
			target = ""
		}
	}
	return a.d.Audit.Append(ctx, target, r)
}

// TownPage returns a page of a town's log, newest first: a county administrator reads any
// town's, a town administrator their own.
func (a *Audit) TownPage(ctx context.Context, code tenancy.TownCode, before string, limit int) ([]audit.Record, error) {
	p, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !p.CanAccessTown(code) {
		return nil, auth.ErrTownNotFound
	}
	if !p.Has(auth.CountyAdmin, auth.TownAdmin) {
		return nil, errs.ErrForbidden
	}
	return a.d.Audit.Page(ctx, code, before, limit)
}

// CountyPage returns a page of the county's log; county administrators only.
func (a *Audit) CountyPage(ctx context.Context, before string, limit int) ([]audit.Record, error) {
	if _, err := requireCountyAdmin(ctx); err != nil {
		return nil, err
	}
	return a.d.Audit.Page(ctx, "", before, limit)
}

// JobQueries read jobs.
type JobQueries struct{ d Deps }

// Get returns a job its creator or a county administrator follows.
func (q *JobQueries) Get(ctx context.Context, id string) (job.Job, error) {
	p, err := actor(ctx)
	if err != nil {
		return job.Job{}, err
	}
	j, err := q.d.Jobs.Get(ctx, id)
	if err != nil {
		return job.Job{}, err
	}
	if !j.VisibleTo(p) {
		return job.Job{}, job.ErrNotFound
	}
	return j.Observed(q.d.Now()), nil
}
