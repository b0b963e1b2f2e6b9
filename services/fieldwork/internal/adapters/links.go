package adapters

import (
	"context"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
)

// Links is fieldwork's copy of personnel's assignments (O1): which community each cadre links
// in a programme year, keyed like personnel's assignment "<cadre>|<year>".
type Links struct{ store store.Service }

// NewLinks is the read model over a service's store.
func NewLinks(st store.Service) Links { return Links{store: st} }

// Handlers apply personnel's assignment events; a redelivered or older event changes nothing.
func (l Links) Handlers() map[string]bus.Handler {
	apply := func(ctx context.Context, ev events.Envelope) error {
		var data events.AssignmentData
		if err := ev.Unmarshal(&data); err != nil {
			return bus.Permanent(err)
		}
		coll, err := l.store.Collection(tenancy.WithTown(ctx, ev.Town), linksCollection)
		if err != nil {
			return err
		}
		_, err = store.ApplyIfNewer(ctx, coll, data.ID, ev.Rev, bson.D{
			{Key: "cadre", Value: data.Cadre}, {Key: "year", Value: data.Year}, {Key: "community", Value: data.Community}})
		return err
	}
	return map[string]bus.Handler{events.AssignmentLinked: apply, events.AssignmentEnded: apply}
}

// LinkedCommunity is the community the cadre links in the programme year; known is false when
// personnel has not told fieldwork of a link, and community is empty once the link ended.
func (l Links) LinkedCommunity(ctx context.Context, cadre string, year int) (community string, known bool, err error) {
	coll, err := l.store.Collection(ctx, linksCollection)
	if err != nil {
		return "", false, err
	}
	var doc struct {
		Community string `bson:"community"`
	}
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: cadre + "|" + strconv.Itoa(year)}}).Decode(&doc)
	if store.IsNotFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return doc.Community, true, nil
}
