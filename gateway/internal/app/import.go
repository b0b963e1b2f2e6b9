package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"

	"dundian.local/gateway/internal/domain/division"
	"dundian.local/gateway/internal/domain/job"
	"dundian.local/gateway/internal/domain/town"
)

// importWorkers write towns concurrently: each write is a few round trips (the outbox marker,
// the document), so a handful in flight keeps a province-sized file to seconds.
const importWorkers = 8

// Import checks a whole division-code file and, only when every row is good, starts a job
// that creates the towns that are new and adds the new communities to the towns that exist.
// Importing the same file again creates nothing. A bad file is refused with every bad row
// named by its line, and nothing is written.
func (r *Registry) Import(ctx context.Context, file io.Reader) (job.Job, error) {
	p, err := requireCountyAdmin(ctx)
	if err != nil {
		return job.Job{}, err
	}
	list, err := division.Parse(file)
	if err != nil {
		return job.Job{}, err
	}
	j := job.Start(newID(), job.ImportTowns, "", p.AccountID, len(list.Towns), r.d.Now())
	if err := r.d.Jobs.Create(ctx, j); err != nil {
		return job.Job{}, err
	}
	if !r.runner.Start(ctx, "import towns", func(ctx context.Context) { r.runImport(ctx, p, j, list) }) {
		return job.Job{}, errs.ErrUnavailable
	}
	return j, nil
}

type importOutcome int

const (
	townCreated importOutcome = iota
	townChanged
	townUnchanged
)

func (r *Registry) runImport(ctx context.Context, p auth.Principal, j job.Job, list division.List) {
	var (
		mu       sync.Mutex
		res      job.Result
		done     int
		problems []job.Error
		failure  error
	)
	work := make(chan division.Town)
	var wg sync.WaitGroup
	for range importWorkers {
		wg.Go(func() {
			for dt := range work {
				outcome, added, err := r.importTown(ctx, p, dt)
				mu.Lock()
				done++
				switch {
				case err != nil:
					if failure == nil {
						failure = err
					}
					problems = append(problems, townError(dt, err))
				case outcome == townCreated:
					res.TownsCreated++
					res.CommunitiesAdded += added
				case outcome == townChanged:
					res.TownsChanged++
					res.CommunitiesAdded += added
				default:
					res.TownsUnchanged++
				}
				mu.Unlock()
			}
		})
	}
	stop := make(chan struct{})
	var progress sync.WaitGroup
	progress.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				mu.Lock()
				n := done
				mu.Unlock()
				if err := r.d.Jobs.Progress(ctx, j.ID, n, j.Total, r.d.Now()); err != nil && ctx.Err() == nil {
					r.d.Log.WarnContext(ctx, "recording import progress failed", "job", j.ID, "err", err)
				}
			}
		}
	})
feed:
	for _, dt := range list.Towns {
		select {
		case work <- dt:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	close(stop)
	progress.Wait()
	for _, dt := range list.Towns {
		r.dir.Forget(dt.Code)
	}
	if failure == nil && ctx.Err() != nil {
		failure = ctx.Err()
	}
	j.Done = done
	j.Errors = append(j.Errors, problems...)
	r.finish(ctx, j, res, failure)
}

func townError(dt division.Town, err error) job.Error {
	e := jobError(err)
	e.Line = dt.Line
	e.Message = fmt.Sprintf("town %s: %s", dt.Code, e.Message)
	e.Zh = fmt.Sprintf("乡镇 %s：%s", dt.Code, e.Zh)
	return e
}

// importTown creates the town or adds its new communities; it reports what it did and how
// many communities it added.
func (r *Registry) importTown(ctx context.Context, p auth.Principal, dt division.Town) (importOutcome, int, error) {
	if err := ctx.Err(); err != nil {
		return townUnchanged, 0, err
	}
	_, err := r.d.Towns.Get(ctx, dt.Code)
	if errors.Is(err, town.ErrNotFound) {
		t, err := town.New(dt.Code, dt.Name, dt.CountyName, dt.Communities, r.d.Now())
		if err != nil {
			return townUnchanged, 0, err
		}
		ev, err := events.New(events.TownCreated, t.Code, p.AccountID, string(t.Code), townData(t))
		if err != nil {
			return townUnchanged, 0, err
		}
		err = r.d.Towns.Create(ctx, t, ev)
		if err == nil {
			return townCreated, len(t.Communities), nil
		}
		if !errors.Is(err, town.ErrExists) {
			return townUnchanged, 0, err
		}
		// Created meanwhile by another import: add to it like to any existing town.
	} else if err != nil {
		return townUnchanged, 0, err
	}
	var added []town.Community
	_, err = retryConflict(func() (town.Town, error) {
		cur, err := r.d.Towns.Get(ctx, dt.Code)
		if err != nil {
			return town.Town{}, err
		}
		if !cur.Active() {
			added = nil
			return cur, nil // an archived town takes no new communities
		}
		var next town.Town
		next, added = cur.AddCommunities(dt.Communities)
		if len(added) == 0 {
			return cur, nil
		}
		ev, err := events.New(events.TownChanged, next.Code, p.AccountID, string(next.Code), townData(next))
		if err != nil {
			return town.Town{}, err
		}
		return r.d.Towns.Update(ctx, next, ev)
	})
	if err != nil {
		return townUnchanged, 0, err
	}
	if len(added) == 0 {
		return townUnchanged, 0, nil
	}
	return townChanged, len(added), nil
}
