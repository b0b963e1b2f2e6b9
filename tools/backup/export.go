package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"dundian.local/libs/objects"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
)

// Deployment is where a town is exported from or restored into.
type Deployment struct {
	Mongo   *store.Client
	Objects *objects.Store
}

// ErrUnknownTown refuses to export a town the registry does not hold.
var ErrUnknownTown = errors.New("the town is not in the registry (platform.towns)")

// Export writes one town's archive to w: every collection of its database, its control-plane
// records, its rows in the county database, the outbox markers of all of those, and its
// objects, then the manifest. Entries are staged in temporary files first, because a tar
// header needs the size and the manifest the checksum. The order of the entries is the
// order restore applies them in: the registry record and the markers come last, so that a
// half-restored town is not yet visible and its pending events are relayed only once the
// documents holding them exist.
func Export(ctx context.Context, d Deployment, town tenancy.TownCode, w io.Writer, p *Progress) (Manifest, error) {
	reg := d.Mongo.Platform("towns")
	if err := reg.FindOne(ctx, bson.D{{Key: "_id", Value: town.String()}}).Err(); err != nil {
		if store.IsNotFound(err) {
			return Manifest{}, fmt.Errorf("%w: %s", ErrUnknownTown, town)
		}
		return Manifest{}, err
	}
	m := Manifest{Format: Format, Town: town, CreatedAt: time.Now().UTC().Truncate(time.Millisecond),
		Source: Source{Tool: toolVersion(), Go: runtime.Version(), MongoDB: serverVersion(ctx, d.Mongo.Mongo()),
			Bucket: d.Objects.Bucket()}}

	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	x := exporter{ctx: ctx, d: d, town: town, tw: tw, m: &m, p: p, exported: map[string]bool{}}
	steps := []func() error{x.townDatabase, x.countyRows, x.objects, x.accounts, x.registry, x.markers}
	for _, step := range steps {
		if err := step(); err != nil {
			return Manifest{}, err
		}
	}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: ManifestName, Mode: 0o600, Size: int64(len(body)), ModTime: m.CreatedAt}); err != nil {
		return Manifest{}, err
	}
	if _, err := tw.Write(body); err != nil {
		return Manifest{}, err
	}
	if err := tw.Close(); err != nil {
		return Manifest{}, err
	}
	if err := gz.Close(); err != nil {
		return Manifest{}, err
	}
	p.Done()
	return m, nil
}

type exporter struct {
	ctx  context.Context
	d    Deployment
	town tenancy.TownCode
	tw   *tar.Writer
	m    *Manifest
	p    *Progress
	// exported holds "<db>/<collection>/<id>" of the control-plane and county documents in
	// the archive, so that their outbox markers go with them.
	exported map[string]bool
}

// townDatabase exports every collection of the town's database, empty ones included: a
// prepared collection and its indexes are part of the town.
func (x *exporter) townDatabase() error {
	db := x.d.Mongo.Mongo().Database(x.town.Database())
	names, err := collectionNames(x.ctx, db)
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := x.collection(db.Collection(name), scopeTown, false, bson.D{}, nil); err != nil {
			return err
		}
	}
	return nil
}

// countyRows exports, from every county collection holdsTownRows admits, the documents
// countyRelation selects: the town's own rows and the shared documents holding its entries.
func (x *exporter) countyRows() error {
	db := x.d.Mongo.Mongo().Database(tenancy.CountyDatabase)
	names, err := collectionNames(x.ctx, db)
	if err != nil {
		return err
	}
	for _, name := range names {
		if !holdsTownRows(name) {
			continue
		}
		for _, rel := range []relation{owned, shared} {
			keep := func(doc bson.Raw) bool { return countyRelation(doc, x.town) == rel }
			if err := x.collection(db.Collection(name), scopeCounty, rel == shared, bson.D{}, keep); err != nil {
				return err
			}
		}
	}
	return nil
}

func (x *exporter) accounts() error {
	return x.collection(x.d.Mongo.Platform("accounts"), scopePlatform, false, platformFilters(x.town)["accounts"], nil)
}

func (x *exporter) registry() error {
	return x.collection(x.d.Mongo.Platform("towns"), scopePlatform, false, platformFilters(x.town)["towns"], nil)
}

// markers exports the outbox markers of everything exported before, so that events not yet
// published when the archive was made are published by the restored deployment's relays.
func (x *exporter) markers() error {
	db := x.d.Mongo.Mongo().Database(tenancy.CountyDatabase)
	names, err := collectionNames(x.ctx, db)
	if err != nil {
		return err
	}
	for _, name := range names {
		if !isMarkerCollection(name) {
			continue
		}
		keep := func(doc bson.Raw) bool { return markerBelongs(doc, x.town, x.exported) }
		if err := x.collection(db.Collection(name), scopeCounty, false, bson.D{}, keep); err != nil {
			return err
		}
	}
	return nil
}

// collection stages the documents of coll that match filter (and keep, when given) and adds
// them as one entry. Selections from shared databases that select nothing are left out.
func (x *exporter) collection(coll *mongo.Collection, scope string, shared bool, filter bson.D, keep func(bson.Raw) bool) error {
	f, err := os.CreateTemp("", "dundian-backup-*.bson")
	if err != nil {
		return err
	}
	defer func() { _ = f.Close(); _ = os.Remove(f.Name()) }()

	cur, err := coll.Find(x.ctx, filter)
	if err != nil {
		return fmt.Errorf("read %s.%s: %w", coll.Database().Name(), coll.Name(), err)
	}
	defer cur.Close(x.ctx)
	var n int64
	var keys []string
	for cur.Next(x.ctx) {
		if keep != nil && !keep(cur.Current) {
			continue
		}
		if _, err := f.Write(cur.Current); err != nil {
			return err
		}
		if scope != scopeTown { // markers of the town's database are found by its name
			if k, ok := docKey(coll.Database().Name(), coll.Name(), cur.Current); ok {
				keys = append(keys, k)
			}
		}
		n++
		x.p.Documents(1)
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("read %s.%s: %w", coll.Database().Name(), coll.Name(), err)
	}
	if n == 0 && scope != scopeTown && scope != scopePlatform {
		return nil
	}
	for _, k := range keys {
		x.exported[k] = true
	}
	indexes, err := indexSpecs(x.ctx, coll)
	if err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	e := Entry{Path: collectionPath(scope, coll.Name(), shared),
		Collection: &CollectionEntry{Scope: scope, Name: coll.Name(), Shared: shared, Documents: n, Indexes: indexes}}
	if err := x.add(&e, f); err != nil {
		return err
	}
	x.m.Totals.Collections++
	x.m.Totals.Documents += n
	return nil
}

// objects adds every object of the town with its content type and metadata.
func (x *exporter) objects() error {
	var infos []objects.Info
	for info, err := range x.d.Objects.ListTown(x.ctx, x.town) {
		if err != nil {
			return err
		}
		infos = append(infos, info)
	}
	x.p.ObjectsTotal(len(infos))
	ctx := tenancy.WithTown(x.ctx, x.town)
	for _, info := range infos {
		r, got, err := x.d.Objects.Get(ctx, info.Key)
		if err != nil {
			return fmt.Errorf("object %s: %w", info.Key, err)
		}
		e := Entry{Path: objectPath(info.Key.String()), Size: got.Size,
			Object: &ObjectEntry{Key: info.Key.String(), ContentType: got.ContentType, Meta: got.Meta}}
		err = x.add(&e, r)
		_ = r.Close()
		if err != nil {
			return fmt.Errorf("object %s: %w", info.Key, err)
		}
		x.m.Totals.Objects++
		x.m.Totals.ObjectBytes += got.Size
		x.p.Object(got.Size)
	}
	return nil
}

// add writes one entry, hashing what it writes, and records it in the manifest. A collection
// entry's size is taken from its staged file; an object's from the store, and a body of
// another length fails the write.
func (x *exporter) add(e *Entry, r io.Reader) error {
	if f, ok := r.(*os.File); ok {
		st, err := f.Stat()
		if err != nil {
			return err
		}
		e.Size = st.Size()
	}
	if err := x.tw.WriteHeader(&tar.Header{Name: e.Path, Mode: 0o600, Size: e.Size, ModTime: x.m.CreatedAt}); err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(x.tw, h), r)
	if err != nil {
		return err
	}
	if n != e.Size {
		return fmt.Errorf("%s: read %d bytes, expected %d", e.Path, n, e.Size)
	}
	e.SHA256 = hex.EncodeToString(h.Sum(nil))
	x.m.Entries = append(x.m.Entries, *e)
	return nil
}

func collectionNames(ctx context.Context, db *mongo.Database) ([]string, error) {
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("list collections of %s: %w", db.Name(), err)
	}
	names = slices.DeleteFunc(names, func(n string) bool { return strings.HasPrefix(n, "system.") })
	slices.Sort(names)
	return names, nil
}

// indexSpecs returns the collection's index specifications but the one on _id, which every
// collection has.
func indexSpecs(ctx context.Context, coll *mongo.Collection) ([]json.RawMessage, error) {
	cur, err := coll.Indexes().List(ctx)
	if err != nil {
		return nil, fmt.Errorf("indexes of %s: %w", coll.Name(), err)
	}
	defer cur.Close(ctx)
	var out []json.RawMessage
	for cur.Next(ctx) {
		if name, _ := cur.Current.Lookup("name").StringValueOK(); name == "_id_" {
			continue
		}
		spec, err := bson.MarshalExtJSON(withoutKeys(cur.Current, "v", "ns"), true, false)
		if err != nil {
			return nil, err
		}
		out = append(out, spec)
	}
	return out, cur.Err()
}

// withoutKeys copies a document without the named top-level fields.
func withoutKeys(doc bson.Raw, drop ...string) bson.D {
	var d bson.D
	elems, _ := doc.Elements()
	for _, e := range elems {
		if slices.Contains(drop, e.Key()) {
			continue
		}
		d = append(d, bson.E{Key: e.Key(), Value: e.Value()})
	}
	return d
}

// toolVersion names this command's version, with the commit when the build recorded one.
func toolVersion() string {
	v := "backup " + version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				v += " " + s.Value
			}
		}
	}
	return v
}

// serverVersion is the MongoDB server's version, or "unknown" when it does not say.
func serverVersion(ctx context.Context, mc *mongo.Client) string {
	var info struct {
		Version string `bson:"version"`
	}
	if err := mc.Database("admin").RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil || info.Version == "" {
		return "unknown"
	}
	return info.Version
}
