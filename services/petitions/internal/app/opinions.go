package app

import (
	"context"
	"time"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/petitions/internal/domain/opinion"
)

// RecordOpinion is an opinion a cadre (or the community's branch secretary, or the town
// office) heard during a visit, an activity or joint work.
type RecordOpinion struct {
	Community   tenancy.CommunityCode
	Source      opinion.Source
	Kind        opinion.Kind
	Category    opinion.Category
	Text        string
	Phone       string
	Responsible *opinion.Cadre
}

type RecordOpinionHandler struct{ d Deps }

func (h RecordOpinionHandler) Handle(ctx context.Context, cmd RecordOpinion) (opinion.Opinion, error) {
	p, town, err := caller(ctx)
	if err != nil {
		return opinion.Opinion{}, err
	}
	switch {
	case p.Has(auth.Cadre):
		// a cadre answers for what they recorded unless the town office assigns it on
		cmd.Responsible = &opinion.Cadre{ID: p.CadreID, Name: p.Name}
	case p.Has(auth.BranchSecretary):
		if cmd.Community != p.Community {
			return opinion.Opinion{}, errs.ErrForbidden
		}
	case !p.Has(auth.TownAdmin):
		return opinion.Opinion{}, errs.ErrForbidden
	}
	id, err := uuid.NewV7()
	if err != nil {
		return opinion.Opinion{}, err
	}
	days, err := h.d.responseDueDays(ctx, town)
	if err != nil {
		return opinion.Opinion{}, err
	}
	o, err := opinion.New(opinion.Draft{
		ID: id.String(), Town: town, Community: cmd.Community, Source: cmd.Source, Kind: cmd.Kind,
		Category: cmd.Category, Text: cmd.Text, Phone: cmd.Phone, RecordedBy: p.AccountID,
		Responsible: cmd.Responsible, TrackingCode: newTrackingCode(), // to hand to the person who raised it
	}, h.d.Now().UTC(), days)
	if err != nil {
		return opinion.Opinion{}, err
	}
	if err := h.d.Opinions.Add(ctx, o, p.AccountID); err != nil {
		return opinion.Opinion{}, err
	}
	return o, nil
}

// AssignOpinion hands an opinion to a responsible cadre (town office).
type AssignOpinion struct {
	ID     string
	Cadre  opinion.Cadre
	Reason string
}

type AssignOpinionHandler struct{ d Deps }

func (h AssignOpinionHandler) Handle(ctx context.Context, cmd AssignOpinion) (opinion.Opinion, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return opinion.Opinion{}, err
	}
	if !p.Has(auth.TownAdmin, auth.TownLeader) {
		return opinion.Opinion{}, errs.ErrForbidden
	}
	return h.d.Opinions.Update(ctx, cmd.ID, p.AccountID, func(o *opinion.Opinion) (string, error) {
		return events.OpinionAssigned, o.Assign(cmd.Cadre, p.AccountID, cmd.Reason, h.d.Now().UTC())
	})
}

// RespondOpinion records the response (the responsible cadre or the town office).
type RespondOpinion struct {
	ID       string
	Response string
}

type RespondOpinionHandler struct{ d Deps }

func (h RespondOpinionHandler) Handle(ctx context.Context, cmd RespondOpinion) (opinion.Opinion, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return opinion.Opinion{}, err
	}
	if !p.Has(auth.TownAdmin, auth.TownLeader, auth.Cadre) {
		return opinion.Opinion{}, errs.ErrForbidden
	}
	return h.d.Opinions.Update(ctx, cmd.ID, p.AccountID, func(o *opinion.Opinion) (string, error) {
		if p.Has(auth.Cadre) && (o.Responsible == nil || o.Responsible.ID != p.CadreID) {
			return "", errs.ErrForbidden
		}
		return events.OpinionResponded, o.Respond(cmd.Response, p.AccountID, h.d.Now().UTC())
	})
}

// CloseOpinion ends an opinion's workflow (town office).
type CloseOpinion struct {
	ID     string
	Reason string
}

type CloseOpinionHandler struct{ d Deps }

func (h CloseOpinionHandler) Handle(ctx context.Context, cmd CloseOpinion) (opinion.Opinion, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return opinion.Opinion{}, err
	}
	if !p.Has(auth.TownAdmin, auth.TownLeader) {
		return opinion.Opinion{}, errs.ErrForbidden
	}
	return h.d.Opinions.Update(ctx, cmd.ID, p.AccountID, func(o *opinion.Opinion) (string, error) {
		return events.OpinionClosed, o.Close(p.AccountID, cmd.Reason, h.d.Now().UTC())
	})
}

// OpinionView is an opinion as the console shows it, with its overdue flag at the time asked.
type OpinionView struct {
	opinion.Opinion
	Overdue bool `json:"overdue"`
}

func viewOf(o opinion.Opinion, now time.Time) OpinionView {
	return OpinionView{Opinion: o, Overdue: o.Overdue(now)}
}

// OpinionsQuery lists a town's opinions; Overdue keeps only those escalated to the town office.
type OpinionsQuery struct {
	Status    opinion.Status
	Community string
	Overdue   bool
	Before    string
	Limit     int
}

type OpinionsHandler struct{ d Deps }

// Handle lists what the caller may see: a cadre their own, a branch secretary their
// community's, the town office and county roles all of the town.
func (h OpinionsHandler) Handle(ctx context.Context, q OpinionsQuery) ([]OpinionView, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	now := h.d.Now()
	f := ListFilter{Status: q.Status, Community: q.Community}
	if q.Overdue {
		f.OverdueAt = now
	}
	switch {
	case p.Has(auth.Cadre):
		f.Responsible, f.RecordedBy = p.CadreID, p.AccountID
	case p.Has(auth.BranchSecretary):
		if q.Community != "" && q.Community != string(p.Community) {
			return []OpinionView{}, nil
		}
		f.Community = string(p.Community)
	}
	items, err := h.d.Opinions.List(ctx, f, q.Before, q.Limit)
	if err != nil {
		return nil, err
	}
	out := make([]OpinionView, len(items))
	for i, o := range items {
		out[i] = viewOf(o, now)
	}
	return out, nil
}

type OpinionHandler struct{ d Deps }

func (h OpinionHandler) Handle(ctx context.Context, id string) (OpinionView, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return OpinionView{}, err
	}
	o, err := h.d.Opinions.Get(ctx, id)
	if err != nil {
		return OpinionView{}, err
	}
	if !visible(p, o) {
		return OpinionView{}, opinion.ErrNotFound
	}
	return viewOf(o, h.d.Now()), nil
}

func visible(p auth.Principal, o opinion.Opinion) bool {
	switch {
	case p.Has(auth.Cadre):
		return o.RecordedBy == p.AccountID || (o.Responsible != nil && o.Responsible.ID == p.CadreID)
	case p.Has(auth.BranchSecretary):
		return o.Community == p.Community
	}
	return true
}

// responseDueDays is the town's period for an opinion's response.
func (d Deps) responseDueDays(ctx context.Context, town tenancy.TownCode) (int, error) {
	s, err := d.Settings.Settings(ctx, town)
	return s.ResponseDueDays, err
}

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
