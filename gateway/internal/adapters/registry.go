package adapters

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/events"
	"dundian.local/libs/outbox"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/app"
	"dundian.local/gateway/internal/domain/account"
	"dundian.local/gateway/internal/domain/town"
)

// Towns is the tenant registry in platform.towns, keyed by town code.
type Towns struct {
	coll *mongo.Collection
	ob   *outbox.Outbox
}

func NewTowns(c *store.Client, ob *outbox.Outbox) *Towns {
	return &Towns{coll: c.Platform(CollTowns), ob: ob}
}

func (r *Towns) Get(ctx context.Context, code tenancy.TownCode) (town.Town, error) {
	var t town.Town
	err := findOne(ctx, r.coll, string(code), &t, town.ErrNotFound)
	return t, err
}

// fieldCommunityCount is stored beside a town's communities and written with them, so that
// a list of every town reads no community (the embedded store decodes whatever it returns).
const fieldCommunityCount = "communityCount"

// listProjection leaves the communities and the pending events out of a list.
var listProjection = bson.D{{Key: outbox.Field, Value: 0}, {Key: "communities", Value: 0}}

// storedSummary is a town document as the list reads it. CommunityCount is nil on a town
// written before the count was stored.
type storedSummary struct {
	Code           tenancy.TownCode   `bson:"_id"`
	Name           string             `bson:"name"`
	County         tenancy.CountyCode `bson:"county"`
	CountyName     string             `bson:"countyName"`
	Status         town.Status        `bson:"status"`
	CreatedAt      time.Time          `bson:"createdAt"`
	ArchivedAt     *time.Time         `bson:"archivedAt,omitempty"`
	CommunityCount *int               `bson:"communityCount"`
}

// List returns every town with its communities counted. A town stored without its count is
// read whole once and given the count, guarded by its revision so that a newer write wins.
func (r *Towns) List(ctx context.Context) ([]town.Summary, error) {
	cur, err := r.coll.Find(ctx, bson.D{}, options.Find().SetProjection(listProjection))
	if err != nil {
		return nil, storeErr(err)
	}
	var rows []storedSummary
	if err := cur.All(ctx, &rows); err != nil {
		return nil, storeErr(err)
	}
	out := make([]town.Summary, 0, len(rows))
	for _, row := range rows {
		if row.CommunityCount == nil {
			t, err := r.backfillCount(ctx, row.Code)
			if errors.Is(err, town.ErrNotFound) {
				continue // deleted since the list was read
			}
			if err != nil {
				return nil, err
			}
			out = append(out, t.Summary())
			continue
		}
		out = append(out, town.Summary{Code: row.Code, Name: row.Name, County: row.County, CountyName: row.CountyName,
			Status: row.Status, Communities: *row.CommunityCount, CreatedAt: row.CreatedAt, ArchivedAt: row.ArchivedAt})
	}
	return out, nil
}

func (r *Towns) backfillCount(ctx context.Context, code tenancy.TownCode) (town.Town, error) {
	t, err := r.Get(ctx, code)
	if err != nil {
		return town.Town{}, err
	}
	_, err = r.coll.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: string(code)}, {Key: outbox.Rev, Value: t.Rev}},
		bson.D{{Key: "$set", Value: bson.D{{Key: fieldCommunityCount, Value: len(t.Communities)}}}})
	return t, storeErr(err)
}

// townFields is the stored document of t without its id, revision and pending events.
func townFields(t town.Town) (bson.D, error) {
	doc, err := outbox.Fields(t)
	if err != nil {
		return nil, err
	}
	return append(doc, bson.E{Key: fieldCommunityCount, Value: len(t.Communities)}), nil
}

func (r *Towns) Create(ctx context.Context, t town.Town, ev events.Envelope) error {
	doc, err := townFields(t)
	if err != nil {
		return err
	}
	return conflictOr(r.ob.Insert(ctx, r.coll, string(t.Code), doc, ev), town.ErrExists)
}

func (r *Towns) Update(ctx context.Context, t town.Town, ev events.Envelope) (town.Town, error) {
	doc, err := townFields(t)
	if err != nil {
		return town.Town{}, err
	}
	rev, err := r.ob.Update(ctx, r.coll, string(t.Code), t.Rev, bson.D{{Key: "$set", Value: doc}}, ev)
	if err != nil {
		return town.Town{}, conflictOr(err, town.ErrExists)
	}
	t.Rev = rev
	return t, nil
}

func (r *Towns) Delete(ctx context.Context, code tenancy.TownCode) error {
	_, err := r.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: string(code)}})
	return storeErr(err)
}

// Accounts are the logins in platform.accounts; usernames are unique by index.
type Accounts struct {
	coll *mongo.Collection
	ob   *outbox.Outbox
}

func NewAccounts(c *store.Client, ob *outbox.Outbox) *Accounts {
	return &Accounts{coll: c.Platform(CollAccounts), ob: ob}
}

func (r *Accounts) Get(ctx context.Context, id string) (account.Account, error) {
	var a account.Account
	err := findOne(ctx, r.coll, id, &a, account.ErrNotFound)
	return a, err
}

// ByUsername finds the account by its unique username. On the embedded store this reads the
// whole collection (only _id lookups are indexed there); a county has a few thousand
// accounts at most, and the password hash that follows costs far more.
func (r *Accounts) ByUsername(ctx context.Context, username string) (account.Account, error) {
	var a account.Account
	err := r.coll.FindOne(ctx, bson.D{{Key: "username", Value: username}},
		options.FindOne().SetProjection(withoutOutboxFields)).Decode(&a)
	if store.IsNotFound(err) {
		return account.Account{}, account.ErrNotFound
	}
	return a, storeErr(err)
}

func (r *Accounts) List(ctx context.Context, t tenancy.TownCode) ([]account.Account, error) {
	filter := bson.D{}
	if t != "" {
		filter = bson.D{{Key: "town", Value: string(t)}}
	}
	return findAll[account.Account](ctx, r.coll, filter)
}

func (r *Accounts) Create(ctx context.Context, a account.Account, ev events.Envelope) error {
	doc, err := outbox.Fields(a)
	if err != nil {
		return err
	}
	return conflictOr(r.ob.Insert(ctx, r.coll, a.ID, doc, ev), account.ErrUsernameTaken)
}

func (r *Accounts) Update(ctx context.Context, a account.Account, ev events.Envelope) (account.Account, error) {
	doc, err := outbox.Fields(a)
	if err != nil {
		return account.Account{}, err
	}
	// Unset the scope fields the account no longer has (omitempty leaves them out of $set).
	var unset bson.D
	for _, f := range []string{"town", "cadreId", "community"} {
		if !hasKey(doc, f) {
			unset = append(unset, bson.E{Key: f, Value: ""})
		}
	}
	update := bson.D{{Key: "$set", Value: doc}}
	if len(unset) > 0 {
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	rev, err := r.ob.Update(ctx, r.coll, a.ID, a.Rev, update, ev)
	if err != nil {
		return account.Account{}, conflictOr(err, account.ErrUsernameTaken)
	}
	a.Rev = rev
	return a, nil
}

func hasKey(d bson.D, k string) bool {
	for _, e := range d {
		if e.Key == k {
			return true
		}
	}
	return false
}

func (r *Accounts) Any(ctx context.Context) (bool, error) {
	err := r.coll.FindOne(ctx, bson.D{}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if store.IsNotFound(err) {
		return false, nil
	}
	return err == nil, storeErr(err)
}

func (r *Accounts) DeleteTown(ctx context.Context, t tenancy.TownCode) (int, error) {
	res, err := r.coll.DeleteMany(ctx, bson.D{{Key: "town", Value: string(t)}})
	if err != nil {
		return 0, storeErr(err)
	}
	return int(res.DeletedCount), nil
}

// Throttles keep failed logins per username in platform.login_throttle.
type Throttles struct{ coll *mongo.Collection }

func NewThrottles(c *store.Client) *Throttles { return &Throttles{coll: c.Platform(CollThrottle)} }

func (r *Throttles) Get(ctx context.Context, username string) (account.Throttle, error) {
	var t account.Throttle
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: username}}).Decode(&t)
	if store.IsNotFound(err) {
		return account.Throttle{Username: username}, nil
	}
	return t, storeErr(err)
}

func (r *Throttles) Fail(ctx context.Context, username string, now time.Time) (account.Throttle, error) {
	now = now.UTC()
	// Failures older than the lock window no longer count.
	if _, err := r.coll.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: username}, {Key: "lastFailure", Value: bson.D{{Key: "$lt", Value: now.Add(-account.LockFor)}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "failures", Value: 0}}}}); err != nil {
		return account.Throttle{}, storeErr(err)
	}
	var t account.Throttle
	err := r.coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: username}},
		bson.D{
			{Key: "$inc", Value: bson.D{{Key: "failures", Value: 1}}},
			{Key: "$set", Value: bson.D{{Key: "lastFailure", Value: now}}},
		},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&t)
	return t, storeErr(err)
}

func (r *Throttles) Lock(ctx context.Context, username string, until time.Time) error {
	_, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: username}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "lockedUntil", Value: until.UTC()}, {Key: "failures", Value: 0}}}},
		options.UpdateOne().SetUpsert(true))
	return storeErr(err)
}

func (r *Throttles) Clear(ctx context.Context, username string) error {
	_, err := r.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: username}})
	return storeErr(err)
}

// Revocations is the deny-list of logged-out access tokens, by token id, in
// platform.revoked_tokens. Entries go once the token would have expired.
type Revocations struct{ coll *mongo.Collection }

func NewRevocations(c *store.Client) *Revocations { return &Revocations{coll: c.Platform(CollRevoked)} }

func (r *Revocations) Revoke(ctx context.Context, id string, expires time.Time) error {
	_, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "expiresAt", Value: expires.UTC()}}}},
		options.UpdateOne().SetUpsert(true))
	return storeErr(err)
}

func (r *Revocations) Revoked(ctx context.Context, id string) (bool, error) {
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err()
	if store.IsNotFound(err) {
		return false, nil
	}
	return err == nil, storeErr(err)
}

func (r *Revocations) Purge(ctx context.Context, now time.Time) (int, error) {
	res, err := r.coll.DeleteMany(ctx, bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now.UTC()}}}})
	if err != nil {
		return 0, storeErr(err)
	}
	return int(res.DeletedCount), nil
}

// Erasures record erased towns in platform.erasures, each with its platform.town.erased event.
type Erasures struct {
	coll *mongo.Collection
	ob   *outbox.Outbox
}

func NewErasures(c *store.Client, ob *outbox.Outbox) *Erasures {
	return &Erasures{coll: c.Platform(CollErasures), ob: ob}
}

func (r *Erasures) Record(ctx context.Context, e app.Erasure, ev events.Envelope) error {
	doc, err := outbox.Fields(e)
	if err != nil {
		return err
	}
	return storeErr(r.ob.Insert(ctx, r.coll, e.ID, doc, ev))
}
