package app

import (
	"context"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/domain/cadre"
)

// principal returns the caller, or errs.ErrUnauthorized.
func principal(ctx context.Context) (auth.Principal, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return auth.Principal{}, errs.ErrUnauthorized
	}
	return p, nil
}

// office returns the caller when it is the town office (a town or county administrator).
func office(ctx context.Context) (auth.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return p, err
	}
	if !p.Has(auth.CountyAdmin, auth.TownAdmin) {
		return p, errs.ErrForbidden
	}
	return p, nil
}

// AddCadre adds a cadre to the caller's town (town office).
type AddCadre struct {
	Name, Unit, Post, Phone string
	Leadership              bool
}

type AddCadreHandler struct{ repo Cadres }

func (h AddCadreHandler) Handle(ctx context.Context, cmd AddCadre) (cadre.Cadre, error) {
	p, err := office(ctx)
	if err != nil {
		return cadre.Cadre{}, err
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return cadre.Cadre{}, err
	}
	c, err := cadre.New(town, uuid.NewString(), cmd.Name, cmd.Unit, cmd.Post, cmd.Phone, cmd.Leadership)
	if err != nil {
		return cadre.Cadre{}, err
	}
	if err := h.repo.Add(ctx, c, p.AccountID); err != nil {
		return cadre.Cadre{}, err
	}
	c.Rev = 1
	return c, nil
}

// UpdateCadre edits a cadre or changes their status (town office).
type UpdateCadre struct {
	ID      string
	Changes cadre.Changes
}

type UpdateCadreHandler struct{ repo Cadres }

func (h UpdateCadreHandler) Handle(ctx context.Context, cmd UpdateCadre) (cadre.Cadre, error) {
	p, err := office(ctx)
	if err != nil {
		return cadre.Cadre{}, err
	}
	return h.repo.Update(ctx, cmd.ID, p.AccountID, func(c *cadre.Cadre) error { return c.Apply(cmd.Changes) })
}

type CadresHandler struct{ repo Cadres }

// Handle lists the town's cadres, phones masked for readers who may not see them whole. A
// cadre or branch secretary account reads single profiles, not the list.
func (h CadresHandler) Handle(ctx context.Context, after string, limit int) ([]cadre.Cadre, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if p.Has(auth.Cadre, auth.BranchSecretary) {
		return nil, errs.ErrForbidden
	}
	list, err := h.repo.List(ctx, after, limit)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i] = list[i].SeenBy(p)
	}
	return list, nil
}

type CadreHandler struct{ repo Cadres }

// Handle returns one cadre as the caller may see them; a cadre account reads only its own
// profile.
func (h CadreHandler) Handle(ctx context.Context, id string) (cadre.Cadre, error) {
	p, err := principal(ctx)
	if err != nil {
		return cadre.Cadre{}, err
	}
	if p.Role == auth.Cadre && p.CadreID != id {
		return cadre.Cadre{}, cadre.ErrNotYours
	}
	c, err := h.repo.Get(ctx, id)
	if err != nil {
		return cadre.Cadre{}, err
	}
	return c.SeenBy(p), nil
}
