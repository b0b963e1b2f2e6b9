package app

import (
	"context"

	"dundian.local/libs/calendar"
	"dundian.local/services/reporting/internal/domain/figures"
)

// FiguresStore is the writable per-cadre-month read model.
type FiguresStore interface {
	FiguresSource
	MonthFigures
	Update(ctx context.Context, cadre string, m calendar.Month, fn func(*figures.Month) bool) error
}

// FiguresHandler keeps the monthly report's figures from the other services' events.
type FiguresHandler struct{ store FiguresStore }

// Record applies one source item to a cadre's month; older revisions change nothing.
func (h FiguresHandler) Record(ctx context.Context, cadre string, m calendar.Month, id string, s figures.Source) error {
	return h.store.Update(ctx, cadre, m, func(fm *figures.Month) bool { return fm.Apply(id, s) })
}
