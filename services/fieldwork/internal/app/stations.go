package app

import (
	"context"
	"errors"
	"slices"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/services/fieldwork/internal/domain/station"
	"dundian.local/services/fieldwork/internal/domain/stay"
)

// ErrNotStationedThere refuses a cadre changing the station of a community it has no stay in.
var ErrNotStationedThere = errs.Forbidden("not-stationed-in-community",
	"only the town office or a cadre stationed in this community in the past year may record its service station",
	"只有镇活动办或近一年在该社区（村）蹲点的干部可以登记其便民服务站")

// RecordStation records the state of a community's convenience service station (T5).
type RecordStation struct {
	Community string
	State     station.State
}

type RecordStationHandler struct{ d *Deps }

// Handle returns the station and whether it was recorded for the first time.
func (h RecordStationHandler) Handle(ctx context.Context, cmd RecordStation) (station.Station, bool, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return station.Station{}, false, err
	}
	community, err := c.community(cmd.Community)
	if err != nil {
		return station.Station{}, false, err
	}
	now := h.d.Now()
	switch {
	case c.Has(auth.CountyAdmin, auth.TownAdmin):
	case c.Role == auth.Cadre && c.CadreID != "":
		stays, err := h.d.Lists.StaysOfCadre(ctx, c.CadreID, now.AddDate(-1, 0, 0), now.Add(time.Hour))
		if err != nil {
			return station.Station{}, false, err
		}
		if !slices.ContainsFunc(stays, func(s stay.Stay) bool { return s.Community == community }) {
			return station.Station{}, false, ErrNotStationedThere
		}
	default:
		return station.Station{}, false, errs.ErrForbidden
	}
	st, err := h.d.Stations.Update(ctx, string(community), c.AccountID, func(st *station.Station) (string, error) {
		return events.ServiceStationChanged, st.Record(cmd.State, c.AccountID, now)
	})
	if !errors.Is(err, station.ErrNotFound) {
		return st, false, err
	}
	fresh, err := station.New(c.town, community, cmd.State, c.AccountID, now)
	if err != nil {
		return station.Station{}, false, err
	}
	st, err = h.d.Stations.Insert(ctx, fresh, events.ServiceStationChanged, c.AccountID)
	if errors.Is(err, errs.ErrConflict) {
		// Recorded by someone else meanwhile: apply ours on top.
		st, err = h.d.Stations.Update(ctx, string(community), c.AccountID, func(st *station.Station) (string, error) {
			return events.ServiceStationChanged, st.Record(cmd.State, c.AccountID, now)
		})
		return st, false, err
	}
	return st, err == nil, err
}

type StationHandler struct{ d *Deps }

// Handle returns a community's station; every role of the town may read it.
func (h StationHandler) Handle(ctx context.Context, community string) (station.Station, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return station.Station{}, err
	}
	cc, err := c.community(community)
	if err != nil {
		return station.Station{}, station.ErrNotFound
	}
	return h.d.Stations.Get(ctx, string(cc))
}

type StationsHandler struct{ d *Deps }

// Handle lists the town's stations by community code.
func (h StationsHandler) Handle(ctx context.Context) ([]station.Station, error) {
	if _, err := callerOf(ctx); err != nil {
		return nil, err
	}
	return h.d.Lists.Stations(ctx)
}
