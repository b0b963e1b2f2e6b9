package app

import (
	"context"
	"errors"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/services/personnel/internal/domain/assignment"
	"dundian.local/services/personnel/internal/domain/cadre"
)

// CardData is what a contact card (连心卡, S3) prints: the cadre and the community they link
// in the current programme year. The phone is printed whole: the card exists to give it to
// the community's people, as the board does.
type CardData struct {
	Cadre      cadre.Cadre
	Assignment assignment.Assignment
}

var ErrNoCard = errs.Conflict("card-not-linked",
	"a contact card needs an active cadre who links a community this year",
	"只有在岗且本年度已联系社区的干部才能打印连心卡")

type cards struct {
	cadres      Cadres
	assignments Assignments
	now         func() time.Time
}

// CardHandler gives one cadre's card; a cadre account gets only its own.
type CardHandler struct{ cards }

func (h CardHandler) Handle(ctx context.Context, id string) (CardData, error) {
	p, err := principal(ctx)
	if err != nil {
		return CardData{}, err
	}
	if p.Role == auth.Cadre && p.CadreID != id {
		return CardData{}, cadre.ErrNotYours
	}
	c, err := h.cadres.Get(ctx, id)
	if err != nil {
		return CardData{}, err
	}
	d, ok, err := h.card(ctx, c)
	if err != nil {
		return CardData{}, err
	}
	if !ok {
		return CardData{}, ErrNoCard
	}
	return d, nil
}

// TownCardsHandler gives every card of the town for batch printing (town office).
type TownCardsHandler struct{ cards }

func (h TownCardsHandler) Handle(ctx context.Context) ([]CardData, error) {
	if _, err := office(ctx); err != nil {
		return nil, err
	}
	list, err := h.cadres.List(ctx, "", 0)
	if err != nil {
		return nil, err
	}
	out := []CardData{}
	for _, c := range list {
		d, ok, err := h.card(ctx, c)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, d)
		}
	}
	return out, nil
}

func (h cards) card(ctx context.Context, c cadre.Cadre) (CardData, bool, error) {
	if c.Status != cadre.Active {
		return CardData{}, false, nil
	}
	a, err := h.assignments.Get(ctx, assignment.ID(c.ID, calendar.BeijingDay(h.now()).Year))
	if errors.Is(err, assignment.ErrNotFound) || (err == nil && a.Community == "") {
		return CardData{}, false, nil
	}
	if err != nil {
		return CardData{}, false, err
	}
	return CardData{Cadre: c, Assignment: a}, true, nil
}
