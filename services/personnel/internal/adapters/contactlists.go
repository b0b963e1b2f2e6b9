package adapters

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/app"
	"dundian.local/services/personnel/internal/domain/contactlist"
)

const (
	contactListsCollection = "contact_lists"
	revealsCollection      = "contact_reveals"
	forwardsCollection     = "contact_list_forwards" // county level
)

// ContactLists is the MongoDB repository of one-links-five lists, one per cadre and year.
type ContactLists struct{ docs docs[contactlist.List] }

func NewContactLists(st store.Service, ob *outbox.Outbox) ContactLists {
	return ContactLists{docs[contactlist.List]{store: st, outbox: ob, coll: contactListsCollection,
		notFound: contactlist.ErrNotFound, rev: func(l *contactlist.List) *int64 { return &l.Rev }}}
}

func (r ContactLists) event(typ, actor string) func(contactlist.List) (events.Envelope, error) {
	return func(l contactlist.List) (events.Envelope, error) {
		return events.New(typ, l.Town, actor, l.ID, l.Event())
	}
}

// Change applies fn to the list with the id, or to start when there is none yet.
func (r ContactLists) Change(ctx context.Context, start contactlist.List, typ, actor string, fn func(*contactlist.List) error) (contactlist.List, error) {
	for attempt := 0; attempt < 3; attempt++ {
		_, err := r.docs.get(ctx, start.ID)
		if err == nil {
			return r.Update(ctx, start.ID, typ, actor, fn)
		}
		if !errors.Is(err, contactlist.ErrNotFound) {
			return contactlist.List{}, err
		}
		l := start
		if err := fn(&l); err != nil {
			return contactlist.List{}, err
		}
		l.Rev = 1
		ev, err := r.event(typ, actor)(l)
		if err != nil {
			return contactlist.List{}, err
		}
		if err = r.docs.insert(ctx, l.ID, l, ev); err == nil {
			return l, nil
		}
		if !store.IsDuplicate(err) {
			return contactlist.List{}, err
		}
	}
	return contactlist.List{}, errs.ErrConflict
}

func (r ContactLists) Update(ctx context.Context, id, typ, actor string, fn func(*contactlist.List) error) (contactlist.List, error) {
	return r.docs.update(ctx, id, fn, r.event(typ, actor))
}

func (r ContactLists) Get(ctx context.Context, id string) (contactlist.List, error) {
	return r.docs.get(ctx, id)
}

func (r ContactLists) Year(ctx context.Context, year int) ([]contactlist.List, error) {
	return r.docs.find(ctx, bson.D{{Key: "year", Value: year}}, "", 0)
}

// Reveals records every read of full contact numbers in the town: append-only, never shown
// to the readers themselves.
type Reveals struct{ store store.Service }

func NewReveals(st store.Service) Reveals { return Reveals{st} }

func (r Reveals) Record(ctx context.Context, rv app.Reveal) error {
	coll, err := r.store.Collection(ctx, revealsCollection)
	if err != nil {
		return err
	}
	_, err = coll.InsertOne(ctx, bson.D{
		{Key: "_id", Value: uuid.NewString()},
		{Key: "account", Value: rv.Account},
		{Key: "role", Value: string(rv.Role)},
		{Key: "list", Value: rv.List},
		{Key: "kinds", Value: rv.Kinds},
		{Key: "what", Value: rv.What},
		{Key: "at", Value: rv.At},
	})
	return err
}

// Forwards keeps, at county level, when each town forwarded its lists of a year.
type Forwards struct {
	store  store.Service
	outbox *outbox.Outbox
}

func NewForwards(st store.Service, ob *outbox.Outbox) Forwards { return Forwards{st, ob} }

type forwardDoc struct {
	ID          string           `bson:"_id"`
	Town        tenancy.TownCode `bson:"town"`
	Year        int              `bson:"year"`
	Lists       int              `bson:"lists"`
	Late        int              `bson:"late"`
	ForwardedAt time.Time        `bson:"forwardedAt"`
	ForwardedBy string           `bson:"forwardedBy"`
	Rev         int64            `bson:"rev"`
}

// Save records the town's forwarding; forwarding again replaces the record.
func (r Forwards) Save(ctx context.Context, f app.Forward) error {
	coll := r.store.County(forwardsCollection)
	id := string(f.Town) + "|" + strconv.Itoa(f.Year)
	ev, err := events.New(events.ContactListForwarded, f.Town, f.By, id, events.ContactListsForwardedData{
		Town: string(f.Town), Year: f.Year, Lists: f.Lists, Late: f.Late, ForwardedAt: f.At})
	if err != nil {
		return err
	}
	set := bson.D{{Key: "town", Value: string(f.Town)}, {Key: "year", Value: f.Year}, {Key: "lists", Value: f.Lists},
		{Key: "late", Value: f.Late}, {Key: "forwardedAt", Value: f.At}, {Key: "forwardedBy", Value: f.By}}
	for attempt := 0; attempt < 3; attempt++ {
		var cur forwardDoc
		err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&cur)
		if store.IsNotFound(err) {
			err = r.outbox.Insert(ctx, coll, id, set, ev)
			if !store.IsDuplicate(err) {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		_, err = r.outbox.Update(ctx, coll, id, cur.Rev, bson.D{{Key: "$set", Value: set}}, ev)
		if !errors.Is(err, errs.ErrConflict) {
			return err
		}
	}
	return errs.ErrConflict
}

// Year returns every town's forwarding of a year, by town.
func (r Forwards) Year(ctx context.Context, year int) ([]app.Forward, error) {
	cur, err := r.store.County(forwardsCollection).Find(ctx, bson.D{{Key: "year", Value: year}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []forwardDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := []app.Forward{}
	for _, d := range docs {
		out = append(out, app.Forward{Town: d.Town, Year: d.Year, Lists: d.Lists, Late: d.Late, At: d.ForwardedAt, By: d.ForwardedBy})
	}
	return out, nil
}
