package app

import (
	"context"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
	"dundian.local/services/petitions/internal/domain/overview"
)

// Records loads what the views are computed from, in the town of ctx: the cases and their
// tasks, and the opinions received since the instant given or still unanswered.
type Records interface {
	Records(ctx context.Context, since time.Time) (overview.Records, error)
}

// Level says what the rows of a view are.
type Level string

const (
	LevelCounty    Level = "county"    // rows are towns
	LevelTown      Level = "town"      // rows are communities
	LevelCommunity Level = "community" // rows are cadres
)

// View is one table of the petitions overview: the figures of the whole and one row per
// town, community or cadre, for a Beijing year, as they stand at AsOf.
type View struct {
	Level     Level            `json:"level"`
	Year      int              `json:"year"`
	Town      tenancy.TownCode `json:"town,omitempty"`
	TownName  string           `json:"townName,omitempty"`
	Community string           `json:"community,omitempty"`
	// CommunityName is the community's name as the platform announced the town; empty
	// when it has not.
	CommunityName string            `json:"communityName,omitempty"`
	Buckets       []overview.Bucket `json:"buckets"`
	Total         overview.Figures  `json:"total"`
	Rows          []overview.Row    `json:"rows"`
	AsOf          time.Time         `json:"asOf"`
}

var ErrBadYear = errs.Invalid("overview-bad-year",
	"the year is written 2026", "年份格式应为2026").
	WithFields(errs.FieldError{Field: "year", Slug: "bad-year", Message: "a year from 2000 to 9999", Zh: "年份须在2000至9999之间"})

var ErrCommunityNotInTown = errs.Invalid("overview-community-not-in-town",
	"the community is not of this town", "该社区（村）不属于本乡镇").
	WithFields(errs.FieldError{Field: "community", Slug: "not-in-town", Message: "a community of this town", Zh: "须为本乡镇的社区（村）"})

// countyRoles see every town's figures side by side.
var countyRoles = []auth.Role{auth.CountyAdmin, auth.CountyInspector}

type OverviewHandler struct{ d Deps }

// Town is a town's view by community, or, with a community, that community's by cadre. The
// readers of cases read it; year 0 is the current Beijing year.
func (h OverviewHandler) Town(ctx context.Context, year int, community string) (View, error) {
	_, town, err := callerWith(ctx, caseReaders)
	if err != nil {
		return View{}, err
	}
	now := h.d.Now()
	if year, err = h.year(year, now); err != nil {
		return View{}, err
	}
	recs, err := h.d.Records.Records(ctx, calendar.NewDate(year, time.January, 1).Start())
	if err != nil {
		return View{}, err
	}
	known, err := h.d.Towns.Get(ctx, town)
	if err != nil {
		return View{}, err
	}
	v := View{Level: LevelTown, Year: year, Town: town, TownName: known.Name, Buckets: overview.Buckets, AsOf: now.UTC()}
	if community == "" {
		v.Total, v.Rows = overview.Compute(recs, year, now), overview.ByCommunity(recs, year, now)
		for i := range v.Rows {
			v.Rows[i].Name = known.Communities[v.Rows[i].Key]
		}
		return v, nil
	}
	code, err := tenancy.ParseCommunity(community)
	if err != nil || code.Town() != town {
		return View{}, ErrCommunityNotInTown
	}
	recs = recs.Community(string(code))
	v.Level, v.Community, v.CommunityName = LevelCommunity, string(code), known.Communities[string(code)]
	v.Total, v.Rows = overview.Compute(recs, year, now), overview.ByCadre(recs, year, now)
	return v, nil
}

// County is every known town's figures side by side, for the county roles. It reads each
// town's database in turn: a county has tens of towns, each with a few hundred records a year.
func (h OverviewHandler) County(ctx context.Context, year int) (View, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return View{}, errs.ErrUnauthorized
	}
	if !p.Has(countyRoles...) {
		return View{}, errs.ErrForbidden
	}
	now := h.d.Now()
	if year, err = h.year(year, now); err != nil {
		return View{}, err
	}
	towns, err := h.d.Towns.List(ctx)
	if err != nil {
		return View{}, err
	}
	since := calendar.NewDate(year, time.January, 1).Start()
	v := View{Level: LevelCounty, Year: year, Buckets: overview.Buckets, Rows: []overview.Row{}, AsOf: now.UTC()}
	var all overview.Records
	for _, t := range towns {
		recs, err := h.d.Records.Records(tenancy.WithTown(ctx, t.Code), since)
		if err != nil {
			return View{}, err
		}
		v.Rows = append(v.Rows, overview.Row{Key: string(t.Code), Name: t.Name, Figures: overview.Compute(recs, year, now)})
		all.Opinions = append(all.Opinions, recs.Opinions...)
		all.Cases = append(all.Cases, recs.Cases...)
		all.Tasks = append(all.Tasks, recs.Tasks...)
	}
	v.Total = overview.Compute(all, year, now)
	return v, nil
}

func (h OverviewHandler) year(year int, now time.Time) (int, error) {
	if year == 0 {
		return calendar.BeijingDay(now).Year, nil
	}
	if year < 2000 || year > 9999 {
		return 0, ErrBadYear
	}
	return year, nil
}
