package adapters

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
	"dundian.local/libs/tasks"
	"dundian.local/services/reporting/internal/app"
)

const openTasksCollection = "open_tasks"

var errMissingTaskID = errors.New("task event without a task id")

// DueTasks is the read model of every service's tasks (libs/tasks) in a town: one document per
// task, "<service>|<task id>", holding the task as its latest event described it.
type DueTasks struct{ store store.Service }

func NewDueTasks(st store.Service) DueTasks { return DueTasks{store: st} }

type dueTaskDoc struct {
	Service string     `bson:"service"`
	Task    tasks.Task `bson:"task"`
}

// Apply records a task at its revision; older or repeated events change nothing.
func (r DueTasks) Apply(ctx context.Context, service string, t tasks.Task) error {
	coll, err := r.store.Collection(ctx, openTasksCollection)
	if err != nil {
		return err
	}
	_, err = store.ApplyIfNewer(ctx, coll, service+"|"+t.ID, t.Rev, bson.D{{Key: "service", Value: service}, {Key: "task", Value: t}})
	return err
}

// All returns the town's tasks.
func (r DueTasks) All(ctx context.Context) ([]app.ServiceTask, error) {
	coll, err := r.store.Collection(ctx, openTasksCollection)
	if err != nil {
		return nil, err
	}
	docs, err := find[dueTaskDoc](ctx, coll, bson.D{}, bson.D{{Key: "_id", Value: 1}})
	if err != nil {
		return nil, err
	}
	out := make([]app.ServiceTask, 0, len(docs))
	for _, d := range docs {
		out = append(out, app.ServiceTask{Service: d.Service, Task: d.Task})
	}
	return out, nil
}

// taskHandlers keep the read model from every service's task events.
func taskHandlers(r DueTasks) map[string]bus.Handler {
	from := func(service string) bus.Handler {
		return func(ctx context.Context, ev events.Envelope) error {
			var t tasks.Task
			if err := ev.Unmarshal(&t); err != nil {
				return bus.Permanent(err)
			}
			if t.ID == "" {
				return bus.Permanent(errMissingTaskID)
			}
			if t.Rev == 0 {
				t.Rev = ev.Rev
			}
			return r.Apply(ctx, service, t)
		}
	}
	return map[string]bus.Handler{
		events.ActionItemCreated:     from(events.Reporting),
		events.ActionItemChanged:     from(events.Reporting),
		events.TaskCreated:           from(events.Petitions),
		events.TaskChanged:           from(events.Petitions),
		events.AssessmentTaskOpened:  from(events.Assessment),
		events.AssessmentTaskChanged: from(events.Assessment),
	}
}
