package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/errs"
	"dundian.local/libs/objects"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
)

// RestoreOptions tune Restore.
type RestoreOptions struct {
	// Replace erases what the deployment holds of the town before restoring it; without it a
	// town that exists in any form (registry record, database, objects, accounts) is refused.
	Replace bool
}

var (
	// ErrTownExists refuses to restore over a town without RestoreOptions.Replace.
	ErrTownExists = errors.New("the town exists in this deployment")
	// ErrAccountConflict refuses an archive whose account would take a username or id that
	// an account outside the town holds in this deployment.
	ErrAccountConflict = errors.New("an archived account collides with an account of this deployment")
)

// insertBatch bounds the documents of one insertMany.
const insertBatch = 500

// Restore checks the archive completely, refuses it when it is damaged, when the town exists
// (unless opt.Replace) or when one of its accounts collides with another's, and only then
// writes it: the town's database with its collections and indexes, its county rows, its
// objects, its accounts, its registry record and last the outbox markers of its unpublished
// events. The town's own read models are documents of its database and come back with it.
func Restore(ctx context.Context, d Deployment, archive string, opt RestoreOptions, p *Progress) (Manifest, error) {
	p.Step("checking %s", archive)
	accountsPath := collectionPath(scopePlatform, "accounts", false)
	m, kept, err := verifyKeeping(archive, map[string]bool{accountsPath: true})
	if err != nil {
		return Manifest{}, err
	}
	town := m.Town
	found, err := townPresence(ctx, d, town)
	if err != nil {
		return Manifest{}, err
	}
	if len(found) > 0 && !opt.Replace {
		return Manifest{}, fmt.Errorf("%w: %s (%s); restore with -replace to overwrite it",
			ErrTownExists, town, strings.Join(found, ", "))
	}
	if err := checkAccounts(ctx, d, kept[accountsPath], m.Town); err != nil {
		return Manifest{}, err
	}
	if err := d.Objects.EnsureBucket(ctx); err != nil {
		return Manifest{}, err
	}
	if len(found) > 0 {
		p.Step("erasing what this deployment holds of %s (%s)", town, strings.Join(found, ", "))
		if err := erase(ctx, d, town); err != nil {
			return Manifest{}, fmt.Errorf("erase before replacing: %w", err)
		}
	}

	byPath := make(map[string]Entry, len(m.Entries))
	for _, e := range m.Entries {
		byPath[e.Path] = e
	}
	p.ObjectsTotal(m.Totals.Objects)
	r := restorer{ctx: ctx, d: d, town: town, p: p}
	_, err = walkArchive(archive, func(name string, body io.Reader) error {
		e, ok := byPath[name]
		if !ok {
			return fmt.Errorf("%w: %s changed since it was checked", ErrCorrupt, name)
		}
		hr := newHashingReader(body)
		var err error
		if e.Collection != nil {
			err = r.collection(*e.Collection, hr)
		} else {
			err = r.object(*e.Object, e.Size, hr)
		}
		if err != nil {
			return fmt.Errorf("restore %s: %w", name, err)
		}
		if _, err := io.Copy(io.Discard, hr); err != nil {
			return err
		}
		if !hr.matches(e) {
			return fmt.Errorf("%w: %s changed while it was being restored", ErrCorrupt, name)
		}
		return nil
	})
	if err != nil {
		return Manifest{}, err
	}
	p.Done()
	return m, nil
}

// townPresence names what the deployment holds of the town already.
func townPresence(ctx context.Context, d Deployment, town tenancy.TownCode) ([]string, error) {
	var found []string
	err := d.Mongo.Platform("towns").FindOne(ctx, bson.D{{Key: "_id", Value: town.String()}}).Err()
	switch {
	case err == nil:
		found = append(found, "registry record")
	case !store.IsNotFound(err):
		return nil, err
	}
	names, err := collectionNames(ctx, d.Mongo.Mongo().Database(town.Database()))
	if err != nil {
		return nil, err
	}
	if len(names) > 0 {
		found = append(found, "database "+town.Database())
	}
	err = d.Mongo.Platform("accounts").FindOne(ctx, platformFilters(town)["accounts"]).Err()
	switch {
	case err == nil:
		found = append(found, "accounts")
	case !store.IsNotFound(err):
		return nil, err
	}
	for _, err := range d.Objects.ListTown(ctx, town) {
		if err != nil {
			return nil, err
		}
		found = append(found, "objects")
		break
	}
	return found, nil
}

// checkAccounts refuses accounts whose username or id an account outside the town holds:
// usernames are unique across the deployment, and overwriting another town's login would
// hand it to the wrong people.
func checkAccounts(ctx context.Context, d Deployment, archived []byte, town tenancy.TownCode) error {
	type account struct {
		ID       string `bson:"_id"`
		Username string `bson:"username"`
		Town     string `bson:"town"`
	}
	var accounts []account
	_, err := readDocuments(bytes.NewReader(archived), func(doc bson.Raw) error {
		var a account
		if err := bson.Unmarshal(doc, &a); err != nil {
			return fmt.Errorf("%w: account: %v", ErrCorrupt, err)
		}
		accounts = append(accounts, a)
		return nil
	})
	if err != nil || len(accounts) == 0 {
		return err
	}
	cur, err := d.Mongo.Platform("accounts").Find(ctx, bson.D{},
		options.Find().SetProjection(bson.D{{Key: "username", Value: 1}, {Key: "town", Value: 1}}))
	if err != nil {
		return err
	}
	var existing []account
	if err := cur.All(ctx, &existing); err != nil {
		return err
	}
	byUsername := make(map[string]account, len(existing))
	byID := make(map[string]account, len(existing))
	for _, a := range existing {
		byUsername[a.Username], byID[a.ID] = a, a
	}
	for _, a := range accounts {
		if a.Town != town.String() {
			return fmt.Errorf("%w: account %s is not scoped to %s", ErrCorrupt, a.ID, town)
		}
		// An account of the town itself is erased first (-replace), whatever its id.
		if o, ok := byUsername[a.Username]; ok && o.Town != a.Town {
			return fmt.Errorf("%w: username %q belongs to account %s (town %q)", ErrAccountConflict, a.Username, o.ID, o.Town)
		}
		if o, ok := byID[a.ID]; ok && o.Town != a.Town {
			return fmt.Errorf("%w: account id %s belongs to town %q", ErrAccountConflict, a.ID, o.Town)
		}
	}
	return nil
}

// erase removes what the deployment holds of the town, by the same rules as the export
// selects it, except shared documents: restore only adds to those.
func erase(ctx context.Context, d Deployment, town tenancy.TownCode) error {
	if err := d.Mongo.DropTown(ctx, town); err != nil {
		return err
	}
	if _, err := d.Objects.DeleteTown(ctx, town); err != nil {
		return err
	}
	removed := map[string]bool{}
	for name, filter := range platformFilters(town) {
		coll := d.Mongo.Platform(name)
		if err := deleteMatching(ctx, coll, filter, nil, removed); err != nil {
			return err
		}
	}
	county := d.Mongo.Mongo().Database(tenancy.CountyDatabase)
	names, err := collectionNames(ctx, county)
	if err != nil {
		return err
	}
	for _, name := range names {
		if !holdsTownRows(name) {
			continue
		}
		own := func(doc bson.Raw) bool { return countyRelation(doc, town) == owned }
		if err := deleteMatching(ctx, county.Collection(name), bson.D{}, own, removed); err != nil {
			return err
		}
	}
	for _, name := range names {
		if !isMarkerCollection(name) {
			continue
		}
		ours := func(doc bson.Raw) bool { return markerBelongs(doc, town, removed) }
		if err := deleteMatching(ctx, county.Collection(name), bson.D{}, ours, nil); err != nil {
			return err
		}
	}
	return nil
}

// deleteMatching deletes the documents of coll that match filter and keep, by _id, and
// records their marker keys in removed.
func deleteMatching(ctx context.Context, coll *mongo.Collection, filter bson.D, keep func(bson.Raw) bool, removed map[string]bool) error {
	cur, err := coll.Find(ctx, filter)
	if err != nil {
		return err
	}
	defer cur.Close(ctx)
	var ids bson.A
	for cur.Next(ctx) {
		if keep != nil && !keep(cur.Current) {
			continue
		}
		ids = append(ids, cur.Current.Lookup("_id"))
		if k, ok := docKey(coll.Database().Name(), coll.Name(), cur.Current); ok && removed != nil {
			removed[k] = true
		}
	}
	if err := cur.Err(); err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	_, err = coll.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	return err
}

type restorer struct {
	ctx  context.Context
	d    Deployment
	town tenancy.TownCode
	p    *Progress
}

func (r restorer) database(scope string) *mongo.Database {
	switch scope {
	case scopeTown:
		return r.d.Mongo.Mongo().Database(r.town.Database())
	case scopePlatform:
		return r.d.Mongo.Mongo().Database(tenancy.PlatformDatabase)
	}
	return r.d.Mongo.Mongo().Database(tenancy.CountyDatabase)
}

// collection creates the collection and its indexes, then writes its documents: inserted in
// the town's database and the control plane (emptied before), replaced by _id in the county
// database, merged when shared.
func (r restorer) collection(c CollectionEntry, body io.Reader) error {
	db := r.database(c.Scope)
	if err := db.CreateCollection(r.ctx, c.Name); err != nil && !isNamespaceExists(err) {
		return err
	}
	for _, spec := range c.Indexes {
		var ix bson.D
		if err := bson.UnmarshalExtJSON(spec, true, &ix); err != nil {
			return fmt.Errorf("%w: index of %s: %v", ErrCorrupt, c.Name, err)
		}
		// One index per command: the embedded store breaks the connection on a
		// createIndexes of several indexes that exist already.
		cmd := bson.D{{Key: "createIndexes", Value: c.Name}, {Key: "indexes", Value: bson.A{ix}}}
		if err := db.RunCommand(r.ctx, cmd).Err(); err != nil {
			return fmt.Errorf("index of %s: %w", c.Name, err)
		}
	}
	coll := db.Collection(c.Name)
	var write func(bson.Raw) error
	var flush func() error
	switch {
	case c.Scope == scopeCounty && c.Shared:
		write = func(doc bson.Raw) error { return mergeShared(r.ctx, coll, doc) }
	case c.Scope == scopeCounty:
		write = func(doc bson.Raw) error {
			_, err := coll.ReplaceOne(r.ctx, bson.D{{Key: "_id", Value: doc.Lookup("_id")}}, doc, options.Replace().SetUpsert(true))
			return err
		}
	default:
		var batch []any
		flush = func() error {
			if len(batch) == 0 {
				return nil
			}
			_, err := coll.InsertMany(r.ctx, batch)
			batch = batch[:0]
			return err
		}
		write = func(doc bson.Raw) error {
			if batch = append(batch, doc); len(batch) == insertBatch {
				return flush()
			}
			return nil
		}
	}
	n, err := readDocuments(body, func(doc bson.Raw) error {
		r.p.Documents(1)
		return write(doc)
	})
	if err == nil && flush != nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	if n != c.Documents {
		return fmt.Errorf("%w: %d documents, the manifest says %d", ErrCorrupt, n, c.Documents)
	}
	return nil
}

// mergeShared inserts a shared document, or adds its array elements to the one that exists
// (kept once each) and leaves that one's other fields as they are.
func mergeShared(ctx context.Context, coll *mongo.Collection, doc bson.Raw) error {
	_, err := coll.InsertOne(ctx, doc)
	if !store.IsDuplicate(err) {
		return err
	}
	elems, err := doc.Elements()
	if err != nil {
		return err
	}
	var add bson.D
	for _, e := range elems {
		if _, ok := e.Value().ArrayOK(); ok {
			add = append(add, bson.E{Key: e.Key(), Value: bson.D{{Key: "$each", Value: e.Value()}}})
		}
	}
	if len(add) == 0 {
		return nil
	}
	_, err = coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: doc.Lookup("_id")}}, bson.D{{Key: "$addToSet", Value: add}})
	return err
}

// object writes one object back under its key, with its content type and metadata. The body
// is staged in a temporary file first, so that a write the store or the network cut short
// can be sent again on a new connection: a long restore should not fail for one dropped
// connection. (Seen with the Versity S3 gateway over plain HTTP: after a zero-length
// streaming-signed PUT it sends an unrequested 400 and closes the connection, and the next
// write on that connection fails.)
func (r restorer) object(o ObjectEntry, size int64, body io.Reader) error {
	parts := strings.Split(o.Key, "/")
	if len(parts) != 4 {
		return fmt.Errorf("%w: object key %q", ErrCorrupt, o.Key)
	}
	key := objects.Key{Town: tenancy.TownCode(parts[0]), Service: parts[1], Entity: parts[2], ID: parts[3]}
	if err := key.Validate(); err != nil || key.Town != r.town {
		return fmt.Errorf("%w: object key %q", ErrCorrupt, o.Key)
	}
	f, err := os.CreateTemp("", "dundian-restore-*")
	if err != nil {
		return err
	}
	defer func() { _ = f.Close(); _ = os.Remove(f.Name()) }()
	if _, err := io.Copy(f, body); err != nil {
		return err
	}
	ctx := tenancy.WithTown(r.ctx, r.town)
	for attempt := 1; ; attempt++ {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		_, err := r.d.Objects.Put(ctx, key, f, size, o.ContentType, max(size, 1), o.Meta)
		if err == nil {
			break
		}
		if _, domain := errs.As(err); (domain && !errors.Is(err, errs.ErrUnavailable)) || attempt == putAttempts {
			return err // refused for what it is (too large, bad metadata), or tried enough
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt) * time.Second):
		}
	}
	r.p.Object(size)
	return nil
}

// putAttempts bounds how often one object is sent before the restore gives up.
const putAttempts = 3

func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && (ce.Code == 48 || ce.Name == "NamespaceExists")
}
