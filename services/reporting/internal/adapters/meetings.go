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
	"dundian.local/services/reporting/internal/domain/meeting"
)

const (
	meetingsCollection = "meetings"
	tasksCollection    = "tasks"
)

// Meetings keeps dispatch meetings and their action items (libs/tasks) in the town's
// database, both written through the outbox.
type Meetings struct {
	store  store.Service
	outbox *outbox.Outbox
}

func NewMeetings(st store.Service, ob *outbox.Outbox) Meetings {
	return Meetings{store: st, outbox: ob}
}

func (r Meetings) get(ctx context.Context, collName, id string, v any) error {
	coll, err := r.store.Collection(ctx, collName)
	if err != nil {
		return err
	}
	return coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: outbox.Field, Value: 0}})).Decode(v)
}

func find[T any](ctx context.Context, coll *mongo.Collection, filter, sort bson.D) ([]T, error) {
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(sort).SetProjection(bson.D{{Key: outbox.Field, Value: 0}}))
	if err != nil {
		return nil, err
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("find: %w", err)
	}
	return out, nil
}

// SaveMeeting stores the meeting read at m.Rev (0: new) and returns it at its new revision.
func (r Meetings) SaveMeeting(ctx context.Context, m meeting.Meeting, evType, actor string) (meeting.Meeting, error) {
	coll, err := r.store.Collection(ctx, meetingsCollection)
	if err != nil {
		return meeting.Meeting{}, err
	}
	saved, err := save(ctx, r.outbox, coll, m.ID, m.Rev, m, func(x *meeting.Meeting) *int64 { return &x.Rev },
		meeting.ErrNotFound, func(x meeting.Meeting) (events.Envelope, error) { return events.New(evType, x.Town, actor, x.ID, x) })
	if err != nil {
		return meeting.Meeting{}, err
	}
	return saved, nil
}

func (r Meetings) Meeting(ctx context.Context, id string) (meeting.Meeting, error) {
	var m meeting.Meeting
	err := r.get(ctx, meetingsCollection, id, &m)
	if store.IsNotFound(err) {
		return meeting.Meeting{}, meeting.ErrNotFound
	}
	return m, err
}

// Meetings lists the town's meetings, latest first.
func (r Meetings) Meetings(ctx context.Context) ([]meeting.Meeting, error) {
	coll, err := r.store.Collection(ctx, meetingsCollection)
	if err != nil {
		return nil, err
	}
	return find[meeting.Meeting](ctx, coll, bson.D{}, bson.D{{Key: "scheduledAt", Value: -1}})
}

// SaveTask stores a task; t.Rev is already the new revision (libs/tasks counts it), so the
// stored one is t.Rev-1 (0: new).
func (r Meetings) SaveTask(ctx context.Context, t tasks.Task, evType, actor string) error {
	coll, err := r.store.Collection(ctx, tasksCollection)
	if err != nil {
		return err
	}
	_, err = save(ctx, r.outbox, coll, t.ID, t.Rev-1, t, func(x *tasks.Task) *int64 { return &x.Rev },
		meeting.ErrActionItemNotFound, func(x tasks.Task) (events.Envelope, error) { return events.New(evType, x.Town, actor, x.ID, x) })
	return err
}

func (r Meetings) Task(ctx context.Context, id string) (tasks.Task, error) {
	var t tasks.Task
	err := r.get(ctx, tasksCollection, id, &t)
	if store.IsNotFound(err) {
		return tasks.Task{}, meeting.ErrActionItemNotFound
	}
	return t, err
}

// TasksOf lists the tasks a source entity holds (a meeting's action items), oldest first.
func (r Meetings) TasksOf(ctx context.Context, entity, id string) ([]tasks.Task, error) {
	coll, err := r.store.Collection(ctx, tasksCollection)
	if err != nil {
		return nil, err
	}
	return find[tasks.Task](ctx, coll, bson.D{{Key: "source.entity", Value: entity}, {Key: "source.id", Value: id}}, bson.D{{Key: "_id", Value: 1}})
}
