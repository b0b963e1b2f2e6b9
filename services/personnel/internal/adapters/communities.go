// Package adapters connects personnel to MongoDB (through the outbox) and to Kafka.
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
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/domain/community"
)

const communitiesCollection = "communities"

// Collections and indexes personnel keeps in every town's database.
var (
	Collections = []string{communitiesCollection, cadresCollection, assignmentsCollection, contactListsCollection, revealsCollection}
	Indexes     = []store.Index{
		{Collection: communitiesCollection, Keys: bson.D{{Key: "archived", Value: 1}, {Key: "_id", Value: 1}}},
		{Collection: assignmentsCollection, Keys: bson.D{{Key: "year", Value: 1}, {Key: "_id", Value: 1}}},
		{Collection: assignmentsCollection, Keys: bson.D{{Key: "community", Value: 1}, {Key: "year", Value: 1}}},
		{Collection: contactListsCollection, Keys: bson.D{{Key: "year", Value: 1}, {Key: "_id", Value: 1}}},
	}
)

// Communities is the MongoDB repository of communities.
type Communities struct {
	store  store.Service
	outbox *outbox.Outbox
}

func NewCommunities(st store.Service, ob *outbox.Outbox) Communities {
	return Communities{store: st, outbox: ob}
}

func (r Communities) coll(ctx context.Context) (*mongo.Collection, error) {
	return r.store.Collection(ctx, communitiesCollection)
}

func (r Communities) Add(ctx context.Context, c community.Community, actor string) error {
	coll, err := r.coll(ctx)
	if err != nil {
		return err
	}
	c.Rev = 1
	ev, err := events.New(events.CommunityAdded, c.Town, actor, string(c.Code), c)
	if err != nil {
		return err
	}
	doc, err := outbox.Fields(c)
	if err != nil {
		return err
	}
	err = r.outbox.Insert(ctx, coll, string(c.Code), doc, ev)
	if store.IsDuplicate(err) {
		return community.ErrExists
	}
	return err
}

// Update changes the community through fn; a field fn cleared is removed from the document.
func (r Communities) Update(ctx context.Context, code tenancy.CommunityCode, actor string, fn func(*community.Community) error) (community.Community, error) {
	coll, err := r.coll(ctx)
	if err != nil {
		return community.Community{}, err
	}
	return outbox.Change(ctx, r.outbox, coll, string(code), community.ErrNotFound,
		func(c *community.Community) *int64 { return &c.Rev }, fn,
		func(c community.Community) (events.Envelope, error) {
			return events.New(events.CommunityChanged, c.Town, actor, string(c.Code), c)
		})
}

func (r Communities) Get(ctx context.Context, code tenancy.CommunityCode) (community.Community, error) {
	coll, err := r.coll(ctx)
	if err != nil {
		return community.Community{}, err
	}
	var c community.Community
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: string(code)}}).Decode(&c)
	if store.IsNotFound(err) {
		return community.Community{}, community.ErrNotFound
	}
	return c, err
}

func (r Communities) List(ctx context.Context, after tenancy.CommunityCode, limit int) ([]community.Community, error) {
	coll, err := r.coll(ctx)
	if err != nil {
		return nil, err
	}
	filter := bson.D{}
	if after != "" {
		filter = bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: string(after)}}}}
	}
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)).
		SetProjection(bson.D{{Key: outbox.Field, Value: 0}}))
	if err != nil {
		return nil, err
	}
	out := []community.Community{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("list communities: %w", err)
	}
	return out, nil
}
