package adapters

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/domain/assignment"
	"dundian.local/services/personnel/internal/domain/cadre"
)

const (
	cadresCollection      = "cadres"
	assignmentsCollection = "assignments"
)

// Cadres is the MongoDB repository of cadres.
type Cadres struct{ docs docs[cadre.Cadre] }

func NewCadres(st store.Service, ob *outbox.Outbox) Cadres {
	return Cadres{docs[cadre.Cadre]{store: st, outbox: ob, coll: cadresCollection, notFound: cadre.ErrNotFound,
		rev: func(c *cadre.Cadre) *int64 { return &c.Rev }}}
}

func (r Cadres) Add(ctx context.Context, c cadre.Cadre, actor string) error {
	c.Rev = 1
	ev, err := events.New(events.CadreAdded, c.Town, actor, c.ID, c.Event())
	if err != nil {
		return err
	}
	err = r.docs.insert(ctx, c.ID, c, ev)
	if store.IsDuplicate(err) {
		return cadre.ErrExists
	}
	return err
}

func (r Cadres) Update(ctx context.Context, id, actor string, fn func(*cadre.Cadre) error) (cadre.Cadre, error) {
	return r.docs.update(ctx, id, fn, func(c cadre.Cadre) (events.Envelope, error) {
		return events.New(events.CadreChanged, c.Town, actor, c.ID, c.Event())
	})
}

func (r Cadres) Get(ctx context.Context, id string) (cadre.Cadre, error) { return r.docs.get(ctx, id) }

func (r Cadres) List(ctx context.Context, after string, limit int) ([]cadre.Cadre, error) {
	return r.docs.find(ctx, bson.D{}, after, limit)
}

// Assignments is the MongoDB repository of assignments, one document per cadre and year.
type Assignments struct{ docs docs[assignment.Assignment] }

func NewAssignments(st store.Service, ob *outbox.Outbox) Assignments {
	return Assignments{docs[assignment.Assignment]{store: st, outbox: ob, coll: assignmentsCollection,
		notFound: assignment.ErrNotFound, rev: func(a *assignment.Assignment) *int64 { return &a.Rev }}}
}

// Change applies fn to the assignment with the id (a zero one when the cadre has none that
// year yet) and stores it with an event of type typ.
func (r Assignments) Change(ctx context.Context, id, typ, actor string, fn func(*assignment.Assignment) error) (assignment.Assignment, error) {
	event := func(a assignment.Assignment) (events.Envelope, error) {
		return events.New(typ, a.Town, actor, a.ID, a.Event())
	}
	for attempt := 0; attempt < 3; attempt++ {
		_, err := r.docs.get(ctx, id)
		if err == nil {
			return r.docs.update(ctx, id, fn, event)
		}
		if !errors.Is(err, assignment.ErrNotFound) {
			return assignment.Assignment{}, err
		}
		var a assignment.Assignment
		if err := fn(&a); err != nil {
			return assignment.Assignment{}, err
		}
		a.Rev = 1
		ev, err := event(a)
		if err != nil {
			return assignment.Assignment{}, err
		}
		err = r.docs.insert(ctx, id, a, ev)
		if err == nil {
			return a, nil
		}
		if !store.IsDuplicate(err) {
			return assignment.Assignment{}, err
		}
		// created meanwhile: apply the change to what is stored now
	}
	return assignment.Assignment{}, assignment.ErrAlreadyLinked
}

func (r Assignments) Get(ctx context.Context, id string) (assignment.Assignment, error) {
	return r.docs.get(ctx, id)
}

// List returns the town's assignments of a year.
func (r Assignments) List(ctx context.Context, year int, after string, limit int) ([]assignment.Assignment, error) {
	return r.docs.find(ctx, bson.D{{Key: "year", Value: year}}, after, limit)
}

// Hosting returns the current links to a community in a year.
func (r Assignments) Hosting(ctx context.Context, code tenancy.CommunityCode, year int) ([]assignment.Assignment, error) {
	return r.docs.find(ctx, bson.D{{Key: "community", Value: string(code)}, {Key: "year", Value: year}}, "", 0)
}
