// Package app holds reporting's use cases.
package app

import (
	"context"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/services/reporting/internal/domain/comparison"
)

// Towns is the repository of the county comparison projection.
type Towns interface {
	// Update reads the town's row (a new one when absent), lets fn change it and stores it if
	// fn reports a change, retrying on concurrent writes.
	Update(ctx context.Context, town string, fn func(*comparison.Town) bool) error
	All(ctx context.Context) ([]comparison.Town, error)
}

// Application is reporting's use cases.
type Application struct {
	Commands Commands
	Queries  Queries
}

type Commands struct{ Projection ProjectionHandler }

type Queries struct{ Comparison ComparisonHandler }

func New(towns Towns) Application {
	return Application{
		Commands: Commands{Projection: ProjectionHandler{towns}},
		Queries:  Queries{Comparison: ComparisonHandler{towns}},
	}
}

// ProjectionHandler keeps the county projection up to date from events.
type ProjectionHandler struct{ towns Towns }

// TownNamed records a town's name (created or changed).
func (h ProjectionHandler) TownNamed(ctx context.Context, town, name string, at time.Time) error {
	return h.towns.Update(ctx, town, func(t *comparison.Town) bool {
		if t.Name == name && !t.Erased {
			return false
		}
		t.Name, t.Erased, t.UpdatedAt = name, false, at
		return true
	})
}

// TownErased hides an erased town and ignores late events about it.
func (h ProjectionHandler) TownErased(ctx context.Context, town string, at time.Time) error {
	return h.towns.Update(ctx, town, func(t *comparison.Town) bool {
		if t.Erased {
			return false
		}
		*t = comparison.Town{Code: t.Code, Name: t.Name, Erased: true, UpdatedAt: at, Ver: t.Ver}
		return true
	})
}

// CommunityChanged records a community's state at its revision.
func (h ProjectionHandler) CommunityChanged(ctx context.Context, town, code string, rev int64, archived bool, at time.Time) error {
	return h.towns.Update(ctx, town, func(t *comparison.Town) bool {
		return t.ApplyCommunity(code, rev, archived, at)
	})
}

// ComparisonHandler answers the county comparison.
type ComparisonHandler struct{ towns Towns }

// Handle returns every town's row, ordered by code; only county roles may compare towns.
func (h ComparisonHandler) Handle(ctx context.Context) ([]comparison.Row, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return nil, errs.ErrUnauthorized
	}
	if !p.Role.CountyWide() {
		return nil, errs.ErrForbidden
	}
	towns, err := h.towns.All(ctx)
	if err != nil {
		return nil, err
	}
	rows := make([]comparison.Row, 0, len(towns))
	for _, t := range towns {
		if !t.Erased {
			rows = append(rows, t.Row())
		}
	}
	return rows, nil
}
