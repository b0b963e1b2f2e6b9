package app

import (
	"context"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
)

// ComparisonSettings are the county's choice about league tables (D4). National rules
// discourage ranking townships, so by default the towns stand in code order and no table
// sorts them by a figure; the figures are the same either way.
type ComparisonSettings struct {
	RankingsShown bool       `json:"rankingsShown" bson:"rankingsShown"`
	UpdatedBy     string     `json:"updatedBy,omitempty" bson:"updatedBy,omitempty"`
	UpdatedAt     *time.Time `json:"updatedAt,omitempty" bson:"updatedAt,omitempty"`
}

// ComparisonSettingsStore keeps the county's comparison settings (the zero value until set).
type ComparisonSettingsStore interface {
	Comparison(ctx context.Context) (ComparisonSettings, error)
	SaveComparison(ctx context.Context, s ComparisonSettings) error
}

// ComparisonSettingsHandler reads (county roles) and sets (the county administrator) whether
// the comparison may rank the towns.
type ComparisonSettingsHandler struct {
	store ComparisonSettingsStore
	now   func() time.Time
}

func (h ComparisonSettingsHandler) Get(ctx context.Context) (ComparisonSettings, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return ComparisonSettings{}, errs.ErrUnauthorized
	}
	if !p.Role.CountyWide() {
		return ComparisonSettings{}, errs.ErrForbidden
	}
	return h.store.Comparison(ctx)
}

func (h ComparisonSettingsHandler) Set(ctx context.Context, rankingsShown bool) (ComparisonSettings, error) {
	p, err := countyAdmin(ctx)
	if err != nil {
		return ComparisonSettings{}, err
	}
	at := h.now().UTC().Truncate(time.Millisecond)
	s := ComparisonSettings{RankingsShown: rankingsShown, UpdatedBy: p.AccountID, UpdatedAt: &at}
	return s, h.store.SaveComparison(ctx, s)
}
