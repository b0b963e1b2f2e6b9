// Package app holds assessment's use cases. Handlers call them; they enforce the rules and
// the caller's rights (not only the route's roles: a cadre sees only their own cases), and
// reach storage through the ports below.
package app

import (
	"context"
	"time"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/tasks"
	"dundian.local/libs/tenancy"
	"dundian.local/services/assessment/internal/domain/demonstration"
	"dundian.local/services/assessment/internal/domain/inspection"
	"dundian.local/services/assessment/internal/domain/recall"
	"dundian.local/services/assessment/internal/domain/scoring"
	"dundian.local/services/assessment/internal/domain/yearend"
)

// Repository stores one kind of entity of the town in ctx, each write with its event.
type Repository[T any] interface {
	// Add stores a new entity at revision 1 with its event of type typ.
	Add(ctx context.Context, id string, v *T, typ, actor string) error
	// Update reads the entity, lets fn change it and name its event, and stores it guarded
	// by the revision it read.
	Update(ctx context.Context, id, actor string, fn func(*T) (string, error)) (T, error)
	Get(ctx context.Context, id string) (T, error)
	// List returns the entities whose fields equal where, in id order after the given id.
	List(ctx context.Context, where map[string]any, after string, limit int) ([]T, error)
}

// Weights are the county's indicator weights per programme year.
type Weights interface {
	// Get returns the year's weights; ok is false when the county has set none.
	Get(ctx context.Context, year int) (w scoring.Weights, ok bool, err error)
	Put(ctx context.Context, year int, w scoring.Weights, actor string) error
}

// Stores are the repositories the use cases need.
type Stores struct {
	Inspections    Repository[inspection.Inspection]
	Findings       Repository[inspection.Finding]
	Tasks          Repository[tasks.Task]
	Recalls        Repository[recall.Case]
	Assessments    Repository[yearend.Assessment]
	Demonstrations Repository[demonstration.Point]
	Weights        Weights
	Results        ResultsReader
	Indicators     IndicatorStore
	Thresholds     ThresholdStore
	Calendars      Calendars
	Rankings       RankingSettings
	Towns          TownList
}

// Application is assessment's use cases.
type Application struct {
	Inspections    Inspections
	Recalls        Recalls
	Assessments    Assessments
	Demonstrations Demonstrations
	Projection     Projection
}

// New wires the use cases over the stores; now is the clock.
func New(s Stores, now func() time.Time) Application {
	return Application{
		Inspections:    Inspections{s, now},
		Recalls:        Recalls{s, now},
		Assessments:    Assessments{s, s.Results, now},
		Demonstrations: Demonstrations{s, now},
		Projection:     Projection{s, now},
	}
}

// caller returns the verified principal and the town of the request.
func caller(ctx context.Context) (auth.Principal, tenancy.TownCode, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return auth.Principal{}, "", errs.ErrUnauthorized
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return auth.Principal{}, "", err
	}
	return p, town, nil
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }
