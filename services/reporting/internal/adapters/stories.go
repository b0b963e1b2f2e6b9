package adapters

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/services/reporting/internal/domain/story"
)

const storiesCollection = "stories"

// Stories keeps the town's exemplary stories, written through the outbox.
type Stories struct {
	store  store.Service
	outbox *outbox.Outbox
}

func NewStories(st store.Service, ob *outbox.Outbox) Stories { return Stories{store: st, outbox: ob} }

func (r Stories) Get(ctx context.Context, id string) (story.Story, error) {
	coll, err := r.store.Collection(ctx, storiesCollection)
	if err != nil {
		return story.Story{}, err
	}
	var s story.Story
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&s)
	if store.IsNotFound(err) {
		return story.Story{}, story.ErrNotFound
	}
	return s, err
}

// Save stores the story read at s.Rev (0: new) and returns it at its new revision.
func (r Stories) Save(ctx context.Context, s story.Story, evType, actor string) (story.Story, error) {
	coll, err := r.store.Collection(ctx, storiesCollection)
	if err != nil {
		return story.Story{}, err
	}
	saved, err := save(ctx, r.outbox, coll, s.ID, s.Rev, s, func(x *story.Story) *int64 { return &x.Rev },
		story.ErrNotFound, func(x story.Story) (events.Envelope, error) { return events.New(evType, x.Town, actor, x.ID, x) })
	if err != nil {
		return story.Story{}, err
	}
	return saved, nil
}

// List returns the town's stories, or only those with the status when it is set.
func (r Stories) List(ctx context.Context, status story.Status) ([]story.Story, error) {
	coll, err := r.store.Collection(ctx, storiesCollection)
	if err != nil {
		return nil, err
	}
	filter := bson.D{}
	if status != "" {
		filter = bson.D{{Key: "status", Value: string(status)}}
	}
	return find[story.Story](ctx, coll, filter, bson.D{{Key: "_id", Value: -1}})
}
