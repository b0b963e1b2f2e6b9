package adapters

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/libs/tasks"
	"dundian.local/services/petitions/internal/app"
	"dundian.local/services/petitions/internal/domain/petition"
)

// Cases is the MongoDB repository of petition cases.
type Cases struct {
	store  store.Service
	outbox *outbox.Outbox
}

func NewCases(st store.Service, ob *outbox.Outbox) Cases { return Cases{store: st, outbox: ob} }

func (r Cases) coll(ctx context.Context) (*mongo.Collection, error) {
	return r.store.Collection(ctx, casesCollection)
}

func (r Cases) Add(ctx context.Context, c petition.Case, actor string) error {
	coll, err := r.coll(ctx)
	if err != nil {
		return err
	}
	c.Rev = 1
	ev, err := events.New(events.CaseRegistered, c.Town, actor, c.ID, c)
	if err != nil {
		return err
	}
	doc, err := outbox.Fields(c)
	if err != nil {
		return err
	}
	return r.outbox.Insert(ctx, coll, c.ID, doc, ev)
}

func (r Cases) Update(ctx context.Context, id, actor string, fn func(*petition.Case) error) (petition.Case, error) {
	coll, err := r.coll(ctx)
	if err != nil {
		return petition.Case{}, err
	}
	return outbox.Change(ctx, r.outbox, coll, id, petition.ErrNotFound,
		func(c *petition.Case) *int64 { return &c.Rev }, fn,
		func(c petition.Case) (events.Envelope, error) {
			return events.New(events.CaseChanged, c.Town, actor, c.ID, c)
		})
}

func (r Cases) Get(ctx context.Context, id string) (petition.Case, error) {
	coll, err := r.coll(ctx)
	if err != nil {
		return petition.Case{}, err
	}
	var c petition.Case
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: outbox.Field, Value: 0}})).Decode(&c)
	if store.IsNotFound(err) {
		return petition.Case{}, petition.ErrNotFound
	}
	return c, err
}

func (r Cases) List(ctx context.Context, status petition.Status, backlog bool, before string, limit int) ([]petition.Case, error) {
	coll, err := r.coll(ctx)
	if err != nil {
		return nil, err
	}
	filter := bson.D{}
	if before != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: before}}})
	}
	if status != "" {
		filter = append(filter, bson.E{Key: "status", Value: string(status)})
	}
	if backlog {
		filter = append(filter, bson.E{Key: "backlog", Value: true})
	}
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(limit)).
		SetProjection(bson.D{{Key: outbox.Field, Value: 0}}))
	if err != nil {
		return nil, err
	}
	out := []petition.Case{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	return out, nil
}

// Tasks is the MongoDB repository of the cases' follow-up tasks.
type Tasks struct {
	store  store.Service
	outbox *outbox.Outbox
}

func NewTasks(st store.Service, ob *outbox.Outbox) Tasks { return Tasks{store: st, outbox: ob} }

func (r Tasks) Add(ctx context.Context, t tasks.Task, actor string) error {
	coll, err := r.store.Collection(ctx, tasksCollection)
	if err != nil {
		return err
	}
	ev, err := events.New(events.TaskCreated, t.Town, actor, t.ID, t)
	if err != nil {
		return err
	}
	doc, err := outbox.Fields(t)
	if err != nil {
		return err
	}
	return r.outbox.Insert(ctx, coll, t.ID, doc, ev)
}

// Update changes a task through fn and stores it with its petitions.task.changed event.
func (r Tasks) Update(ctx context.Context, id, actor string, fn func(*tasks.Task) error) (tasks.Task, error) {
	coll, err := r.store.Collection(ctx, tasksCollection)
	if err != nil {
		return tasks.Task{}, err
	}
	return outbox.Change(ctx, r.outbox, coll, id, app.ErrTaskNotFound,
		func(t *tasks.Task) *int64 { return &t.Rev }, fn,
		func(t tasks.Task) (events.Envelope, error) {
			return events.New(events.TaskChanged, t.Town, actor, t.ID, t)
		})
}

func (r Tasks) ForCase(ctx context.Context, caseID string) ([]tasks.Task, error) {
	coll, err := r.store.Collection(ctx, tasksCollection)
	if err != nil {
		return nil, err
	}
	cur, err := coll.Find(ctx, bson.D{{Key: "source.id", Value: caseID}}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).
		SetLimit(500).SetProjection(bson.D{{Key: outbox.Field, Value: 0}}))
	if err != nil {
		return nil, err
	}
	out := []tasks.Task{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("list case tasks: %w", err)
	}
	return out, nil
}
