package app

import (
	"context"
	"time"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
	"dundian.local/services/reporting/internal/domain/rebuild"
)

// Rebuilds keeps the rebuild jobs; a worker runs the queued one.
type Rebuilds interface {
	// Queue stores a queued job unless one is active (rebuild.ErrActive).
	Queue(ctx context.Context, j rebuild.Job) error
	// Latest is the most recently requested job (rebuild.ErrNotFound before any).
	Latest(ctx context.Context) (rebuild.Job, error)
}

// RebuildView is a job with how far it got.
type RebuildView struct {
	rebuild.Job
	Percent int `json:"percent"`
}

// RebuildHandler starts a rebuild of the projections and reports its progress; only the
// county administrator may, since it clears what every county role reads.
type RebuildHandler struct {
	jobs  Rebuilds
	towns Towns
	now   func() time.Time
}

// Start queues a rebuild of one town's projections, or of every town's when town is empty.
func (h RebuildHandler) Start(ctx context.Context, town string) (RebuildView, error) {
	p, err := h.admin(ctx)
	if err != nil {
		return RebuildView{}, err
	}
	if town != "" {
		code, err := tenancy.ParseTown(town)
		if err != nil {
			return RebuildView{}, errs.ErrInvalidInput.WithFields(errs.FieldError{Field: "town", Slug: "town-invalid", Message: "a 9-digit town code", Zh: "镇代码应为9位数字"})
		}
		t, err := h.towns.Get(ctx, string(code))
		if err != nil {
			return RebuildView{}, err
		}
		if t.Erased {
			return RebuildView{}, errs.ErrNotFound // an erased town's data is gone for good
		}
	}
	j := rebuild.New(uuid.Must(uuid.NewV7()).String(), town, p.AccountID, h.now())
	if err := h.jobs.Queue(ctx, j); err != nil {
		return RebuildView{}, err
	}
	return RebuildView{Job: j, Percent: j.Percent()}, nil
}

// Latest is the most recent rebuild with its progress.
func (h RebuildHandler) Latest(ctx context.Context) (RebuildView, error) {
	if _, err := h.admin(ctx); err != nil {
		return RebuildView{}, err
	}
	j, err := h.jobs.Latest(ctx)
	if err != nil {
		return RebuildView{}, err
	}
	return RebuildView{Job: j, Percent: j.Percent()}, nil
}

func (h RebuildHandler) admin(ctx context.Context) (auth.Principal, error) { return countyAdmin(ctx) }

// countyAdmin is the caller when they are the county administrator.
func countyAdmin(ctx context.Context) (auth.Principal, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return auth.Principal{}, errs.ErrUnauthorized
	}
	if !p.Has(auth.CountyAdmin) {
		return auth.Principal{}, errs.ErrForbidden
	}
	return p, nil
}
