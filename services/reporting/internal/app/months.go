package app

import (
	"context"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
	"dundian.local/services/reporting/internal/domain/comparison"
	"dundian.local/services/reporting/internal/domain/rollup"
)

// maxTrendMonths bounds a trend: a programme year and the one before it.
const maxTrendMonths = 24

// ErrTrendTooLong is a trend asked over too many months.
var ErrTrendTooLong = errs.Invalid("trend-too-long",
	"a trend covers at most 24 months, from a month not after its end: narrow the range",
	"趋势最多显示24个月，且起始月不能晚于结束月，请缩小范围")

// MonthsHandler answers the month's figures per cadre, community, town and county (D4): the
// town office and leaders see their town's, county roles every town's and the county's.
type MonthsHandler struct {
	towns     Towns
	figures   MonthFigures
	calendars Calendars
}

// Town is the town's month down to its communities and cadres.
func (h MonthsHandler) Town(ctx context.Context, m calendar.Month) (rollup.TownMonth, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return rollup.TownMonth{}, errs.ErrUnauthorized
	}
	if !p.Has(auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader) {
		return rollup.TownMonth{}, errs.ErrForbidden
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return rollup.TownMonth{}, err
	}
	t, err := h.towns.Get(ctx, string(town))
	if err != nil {
		return rollup.TownMonth{}, err
	}
	if t.Erased {
		return rollup.TownMonth{}, errs.ErrNotFound
	}
	return h.town(ctx, t, m)
}

// County is the county's month with every town's figures.
func (h MonthsHandler) County(ctx context.Context, m calendar.Month) (rollup.CountyMonth, error) {
	towns, err := h.countyTowns(ctx)
	if err != nil {
		return rollup.CountyMonth{}, err
	}
	return h.county(ctx, towns, m)
}

// Trend is the county's months from one month to another, each with every town's figures.
func (h MonthsHandler) Trend(ctx context.Context, from, to calendar.Month) ([]rollup.CountyMonth, error) {
	n := (to.Year-from.Year)*12 + int(to.Month) - int(from.Month) + 1
	if n < 1 || n > maxTrendMonths {
		return nil, ErrTrendTooLong
	}
	towns, err := h.countyTowns(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]rollup.CountyMonth, 0, n)
	for m := from; !to.First().Before(m.First()); m = m.Next() {
		cm, err := h.county(ctx, towns, m)
		if err != nil {
			return nil, err
		}
		out = append(out, cm)
	}
	return out, nil
}

func (h MonthsHandler) countyTowns(ctx context.Context) ([]comparison.Town, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return nil, errs.ErrUnauthorized
	}
	if !p.Role.CountyWide() {
		return nil, errs.ErrForbidden
	}
	return h.towns.All(ctx)
}

func (h MonthsHandler) county(ctx context.Context, towns []comparison.Town, m calendar.Month) (rollup.CountyMonth, error) {
	rows := make([]rollup.TownMonth, 0, len(towns))
	for _, t := range towns {
		code, err := tenancy.ParseTown(t.Code)
		if t.Erased || err != nil {
			continue
		}
		tm, err := h.town(tenancy.WithTown(ctx, code), t, m)
		if err != nil {
			return rollup.CountyMonth{}, err
		}
		rows = append(rows, tm)
	}
	return rollup.County(m, rows), nil
}

// town adds up one town's month; ctx carries the town.
func (h MonthsHandler) town(ctx context.Context, t comparison.Town, m calendar.Month) (rollup.TownMonth, error) {
	code, err := tenancy.TownFrom(ctx)
	if err != nil {
		return rollup.TownMonth{}, err
	}
	c, err := h.calendars.CalendarOfMonth(ctx, code, m)
	if err != nil {
		return rollup.TownMonth{}, err
	}
	figs, err := h.figures.Month(ctx, m)
	if err != nil {
		return rollup.TownMonth{}, err
	}
	return rollup.Town(t, m, figs, c.Programme.MinStationingDaysPerMonth, c.Programme.StationingDayMinHours), nil
}
