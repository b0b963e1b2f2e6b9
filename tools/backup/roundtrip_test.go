package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/embedstack"
	"dundian.local/libs/objects"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
)

// TestBackup_RoundTripsATownIntoAnEmptyDeployment seeds a town with the documents every
// service keeps, control-plane records, county rows, pending events and objects, next to a
// neighbouring town; exports it with the command; restores the archive into a second, empty
// deployment; and compares everything.
//
// Both deployments are embedded stacks of this test alone, not the shared one of the test
// run: the services of other packages sweep outbox markers and run periodic checks over the
// county's towns, and would publish and change the seeded town while it is compared.
func TestBackup_RoundTripsATownIntoAnEmptyDeployment(t *testing.T) {
	ctx := t.Context()
	srcEnv := privateStack(t)
	src := deployment(t, srcEnv)
	town, neighbour := tenancy.TownCode("130624100"), tenancy.TownCode("130624101")
	want := seed(t, src, town, neighbour)

	dir := t.TempDir()
	archive := filepath.Join(dir, "town.tar.gz")
	var log bytes.Buffer
	require.NoError(t, run(ctx, []string{"export", "-town", town.String(), "-out", archive}, envOf(srcEnv), &log), log.String())
	require.Contains(t, log.String(), "export "+town.String()+": done")

	t.Run("a town not in the registry is not exported", func(t *testing.T) {
		out := filepath.Join(dir, "none.tar.gz")
		err := run(ctx, []string{"export", "-town", "130624199", "-out", out}, envOf(srcEnv), io.Discard)
		require.ErrorIs(t, err, ErrUnknownTown)
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		require.Len(t, entries, 1, "only the first archive; nothing is left behind")
	})

	dstEnv := privateStack(t)
	dst := deployment(t, dstEnv)
	log.Reset()
	require.NoError(t, run(ctx, []string{"restore", "-in", archive}, envOf(dstEnv), &log), log.String())
	require.Contains(t, log.String(), "restored town "+town.String())

	requireRestored(t, src, dst, town, want)

	t.Run("restoring over the town without -replace is refused", func(t *testing.T) {
		err := run(ctx, []string{"restore", "-in", archive}, envOf(dstEnv), io.Discard)
		require.ErrorIs(t, err, ErrTownExists)
		require.ErrorContains(t, err, "registry record")
	})

	t.Run("-replace erases what the town gained since and restores the archive", func(t *testing.T) {
		stays := dst.Mongo.Mongo().Database(town.Database()).Collection("fieldwork_stays")
		_, err := stays.InsertOne(ctx, bson.D{{Key: "_id", Value: "stay-after-backup"}, {Key: "town", Value: town.String()}})
		require.NoError(t, err)
		putObject(t, dst, town, "fieldwork", "work-log", "after-backup", "text/plain", nil, []byte("later"))

		require.NoError(t, run(ctx, []string{"restore", "-in", archive, "-replace"}, envOf(dstEnv), io.Discard))
		require.ErrorIs(t, stays.FindOne(ctx, bson.D{{Key: "_id", Value: "stay-after-backup"}}).Err(), mongo.ErrNoDocuments)
		requireRestored(t, src, dst, town, want)
	})

	t.Run("an archived username held by another town's account is refused before anything is written", func(t *testing.T) {
		accounts := dst.Mongo.Platform("accounts")
		taken := "cadre-" + town.String()
		_, err := accounts.UpdateOne(ctx, bson.D{{Key: "username", Value: taken}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "username", Value: "renamed-since"}}}})
		require.NoError(t, err)
		_, err = accounts.InsertOne(ctx, bson.D{{Key: "_id", Value: "acc-elsewhere"}, {Key: "username", Value: taken}, {Key: "town", Value: "130624102"}})
		require.NoError(t, err)

		err = run(ctx, []string{"restore", "-in", archive, "-replace"}, envOf(dstEnv), io.Discard)
		require.ErrorIs(t, err, ErrAccountConflict)
		require.NoError(t, dst.Mongo.Platform("towns").FindOne(ctx, bson.D{{Key: "_id", Value: town.String()}}).Err(), "nothing was erased")

		_, err = accounts.DeleteOne(ctx, bson.D{{Key: "_id", Value: "acc-elsewhere"}})
		require.NoError(t, err)
		require.NoError(t, run(ctx, []string{"restore", "-in", archive, "-replace"}, envOf(dstEnv), io.Discard))
		requireRestored(t, src, dst, town, want)
	})

	t.Run("a tampered archive is refused before anything is written", func(t *testing.T) {
		tampered := filepath.Join(dir, "tampered.tar.gz")
		rewriteArchive(t, archive, tampered, "objects/"+town.String()+"/fieldwork/work-log/photo-1",
			func(b []byte) []byte { b[len(b)-1] ^= 0xff; return b })
		stays := dst.Mongo.Mongo().Database(town.Database()).Collection("fieldwork_stays")
		_, err := stays.InsertOne(ctx, bson.D{{Key: "_id", Value: "stay-kept"}})
		require.NoError(t, err)

		err = run(ctx, []string{"restore", "-in", tampered, "-replace"}, envOf(dstEnv), io.Discard)
		require.ErrorIs(t, err, ErrCorrupt)
		require.ErrorContains(t, err, "does not match its checksum")
		require.NoError(t, stays.FindOne(ctx, bson.D{{Key: "_id", Value: "stay-kept"}}).Err(), "nothing was erased")
	})

	t.Run("a truncated archive is refused", func(t *testing.T) {
		b, err := os.ReadFile(archive)
		require.NoError(t, err)
		cut := filepath.Join(dir, "cut.tar.gz")
		require.NoError(t, os.WriteFile(cut, b[:len(b)/2], 0o600))
		err = run(ctx, []string{"restore", "-in", cut, "-replace"}, envOf(dstEnv), io.Discard)
		require.ErrorIs(t, err, ErrCorrupt)
	})
}

// expected is what the seed put where the rules must find it.
type expected struct {
	townCollections []string
	accounts        []string            // ids of the town's accounts
	county          map[string][]string // county collection → ids of the town's rows
	objects         []string            // keys
}

func seed(t *testing.T, d Deployment, town, neighbour tenancy.TownCode) expected {
	t.Helper()
	ctx := t.Context()
	mc := d.Mongo.Mongo()
	at := time.Date(2026, 5, 12, 8, 30, 0, 0, time.UTC)
	tdb := mc.Database(town.Database())
	community := town.String() + "201"
	insert := func(db *mongo.Database, coll string, docs ...bson.D) {
		t.Helper()
		for _, doc := range docs {
			_, err := db.Collection(coll).InsertOne(ctx, doc)
			require.NoError(t, err, coll)
		}
	}

	pending := bson.D{{Key: "id", Value: "0196c1a2-0000-7000-8000-000000000001"}, {Key: "type", Value: "fieldwork.stay.recorded"},
		{Key: "version", Value: int32(1)}, {Key: "town", Value: town.String()}, {Key: "occurredAt", Value: at},
		{Key: "subject", Value: "stay-1"}, {Key: "rev", Value: int64(2)}, {Key: "data", Value: bson.D{{Key: "nights", Value: int32(3)}}}}
	insert(tdb, "personnel_communities", bson.D{{Key: "_id", Value: community}, {Key: "name", Value: "东庄村"},
		{Key: "demonstration", Value: false}, {Key: "rev", Value: int64(1)}, {Key: "outbox", Value: bson.A{}}})
	insert(tdb, "personnel_cadres", bson.D{{Key: "_id", Value: "cadre-1"}, {Key: "name", Value: "王建国"},
		{Key: "position", Value: "副镇长"}, {Key: "community", Value: community}, {Key: "phoneHash", Value: bson.Binary{Subtype: 0, Data: []byte{1, 2, 3}}},
		{Key: "joinedAt", Value: at}, {Key: "rev", Value: int64(4)}})
	insert(tdb, "fieldwork_stays", bson.D{{Key: "_id", Value: "stay-1"}, {Key: "cadre", Value: "cadre-1"},
		{Key: "community", Value: community}, {Key: "start", Value: at}, {Key: "end", Value: nil},
		{Key: "meals", Value: bson.A{bson.D{{Key: "day", Value: "2026-05-12"}, {Key: "amount", Value: 15.5}}}},
		{Key: "rev", Value: int64(2)}, {Key: "outbox", Value: bson.A{pending}}})
	insert(tdb, "fieldwork_cadre_months", bson.D{{Key: "_id", Value: "cadre-1|2026-05"}, {Key: "days", Value: int32(3)}, {Key: "rev", Value: int64(2)}})
	insert(tdb, "petitions_opinions", bson.D{{Key: "_id", Value: "op-1"}, {Key: "community", Value: community},
		{Key: "text", Value: "村口路灯坏了"}, {Key: "status", Value: "accepted"}, {Key: "due", Value: at.AddDate(0, 0, 15)}})
	insert(tdb, "reporting_monthly_reports", bson.D{{Key: "_id", Value: "cadre-1|2026-05"}, {Key: "status", Value: "submitted"},
		{Key: "integrity", Value: true}, {Key: "late", Value: false}, {Key: "figures", Value: bson.D{{Key: "days", Value: int32(3)}, {Key: "logs", Value: int64(5)}}}})
	insert(tdb, "assessment_assessments", bson.D{{Key: "_id", Value: "cadre-1|2026"}, {Key: "score", Value: 92.5}, {Key: "grade", Value: "excellent"}})
	insert(tdb, "gateway_settings", bson.D{{Key: "_id", Value: "settings"}, {Key: "locationEvidence", Value: "off"}, {Key: "rev", Value: int64(2)}})
	insert(tdb, "gateway_audit", bson.D{{Key: "_id", Value: "0196c1a2-0000-7000-8000-0000000000a1"}, {Key: "action", Value: "POST /stays"}, {Key: "at", Value: at}})
	require.NoError(t, tdb.CreateCollection(ctx, "fieldwork_pending_uploads")) // prepared, still empty
	_, err := tdb.Collection("personnel_cadres").Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys: bson.D{{Key: "community", Value: 1}, {Key: "name", Value: 1}}, Options: options.Index().SetName("community_name")})
	require.NoError(t, err)
	_, err = tdb.Collection("fieldwork_stays").Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "start", Value: -1}}, Options: options.Index().SetUnique(true).SetName("cadre_start")})
	require.NoError(t, err)
	// A neighbour with data of its own, none of which may travel.
	insert(mc.Database(neighbour.Database()), "fieldwork_stays", bson.D{{Key: "_id", Value: "stay-1"}, {Key: "cadre", Value: "cadre-9"}})

	platform := mc.Database(tenancy.PlatformDatabase)
	insert(platform, "towns",
		bson.D{{Key: "_id", Value: town.String()}, {Key: "name", Value: "龙泉关镇"}, {Key: "county", Value: town.String()[:6]},
			{Key: "status", Value: "active"}, {Key: "communities", Value: bson.A{bson.D{{Key: "code", Value: community}, {Key: "name", Value: "东庄村"}}}},
			{Key: "createdAt", Value: at}, {Key: "rev", Value: int64(1)}, {Key: "outbox", Value: bson.A{}}},
		bson.D{{Key: "_id", Value: neighbour.String()}, {Key: "name", Value: "砂窝乡"}, {Key: "status", Value: "active"}})
	acc := func(id, username string, t tenancy.TownCode) bson.D {
		return bson.D{{Key: "_id", Value: id}, {Key: "username", Value: username}, {Key: "role", Value: "town_admin"},
			{Key: "town", Value: t.String()}, {Key: "passwordHash", Value: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA"}, {Key: "rev", Value: int64(1)}}
	}
	accounts := []string{"acc-" + town.String() + "-1", "acc-" + town.String() + "-2"}
	for _, ix := range []mongo.IndexModel{ // as the gateway creates them
		{Keys: bson.D{{Key: "username", Value: 1}}, Options: options.Index().SetUnique(true).SetName("username_unique")},
		{Keys: bson.D{{Key: "town", Value: 1}}, Options: options.Index().SetName("town")},
	} {
		_, err := platform.Collection("accounts").Indexes().CreateOne(ctx, ix)
		require.NoError(t, err)
	}
	insert(platform, "accounts", acc(accounts[0], "admin-"+town.String(), town), acc(accounts[1], "cadre-"+town.String(), town),
		acc("acc-"+neighbour.String(), "admin-"+neighbour.String(), neighbour))

	county := mc.Database(tenancy.CountyDatabase)
	forward := town.String() + "|2026"
	insert(county, "personnel_towns", bson.D{{Key: "_id", Value: town.String()}, {Key: "town", Value: town.String()}},
		bson.D{{Key: "_id", Value: neighbour.String()}, {Key: "town", Value: neighbour.String()}})
	insert(county, "petitions_towns", bson.D{{Key: "_id", Value: town.String()}, {Key: "town", Value: town.String()}})
	insert(county, "reporting_towns", bson.D{{Key: "_id", Value: town.String()}, {Key: "submitted", Value: int32(11)}, {Key: "ver", Value: int64(7)}})
	insert(county, "assessment_results", bson.D{{Key: "_id", Value: town.String() + "|cadre-1|2026"}, {Key: "town", Value: town.String()},
		{Key: "year", Value: int32(2026)}, {Key: "grade", Value: "excellent"}, {Key: "score", Value: 92.5}, {Key: "rev", Value: int64(1)}})
	insert(county, "personnel_contact_list_forwards", bson.D{{Key: "_id", Value: forward}, {Key: "town", Value: town.String()},
		{Key: "year", Value: int32(2026)}, {Key: "lists", Value: int32(12)}, {Key: "rev", Value: int64(1)},
		{Key: "outbox", Value: bson.A{bson.D{{Key: "id", Value: "0196c1a2-0000-7000-8000-000000000002"}, {Key: "type", Value: "personnel.contact_lists.forwarded"}}}}})
	// County-wide and operational records that name the town but are not its data.
	insert(county, "assessment_weights", bson.D{{Key: "_id", Value: int32(2026)}, {Key: "weights", Value: bson.A{0.4, 0.6}}})
	insert(county, "reporting_rebuilds", bson.D{{Key: "_id", Value: "0196c1a2-0000-7000-8000-0000000000b1"},
		{Key: "town", Value: town.String()}, {Key: "status", Value: "running"}})
	file := "cadre-" + town.String()
	insert(county, "personnel_files", bson.D{{Key: "_id", Value: file}, {Key: "entries", Value: bson.A{
		bson.D{{Key: "id", Value: "e1"}, {Key: "kind", Value: "joined"}, {Key: "town", Value: neighbour.String()}, {Key: "at", Value: at.AddDate(-1, 0, 0)}},
		bson.D{{Key: "id", Value: "e2"}, {Key: "kind", Value: "transferred"}, {Key: "town", Value: town.String()}, {Key: "at", Value: at}},
	}}})
	insert(county, "fieldwork_outbox",
		bson.D{{Key: "_id", Value: town.Database() + "/fieldwork_stays/stay-1"}, {Key: "db", Value: town.Database()},
			{Key: "coll", Value: "fieldwork_stays"}, {Key: "doc", Value: "stay-1"}, {Key: "ids", Value: bson.A{"0196c1a2-0000-7000-8000-000000000001"}}, {Key: "at", Value: at}},
		bson.D{{Key: "_id", Value: neighbour.Database() + "/fieldwork_stays/stay-1"}, {Key: "db", Value: neighbour.Database()},
			{Key: "coll", Value: "fieldwork_stays"}, {Key: "doc", Value: "stay-1"}, {Key: "ids", Value: bson.A{"x"}}, {Key: "at", Value: at}})
	forwardMarker := "county/personnel_contact_list_forwards/" + forward
	insert(county, "personnel_outbox", bson.D{{Key: "_id", Value: forwardMarker}, {Key: "db", Value: "county"},
		{Key: "coll", Value: "personnel_contact_list_forwards"}, {Key: "doc", Value: forward}, {Key: "ids", Value: bson.A{"0196c1a2-0000-7000-8000-000000000002"}}, {Key: "at", Value: at}})

	putObject(t, d, town, "fieldwork", "work-log", "photo-1", "image/jpeg", map[string]string{"sha256": "ab12", "width": "640"},
		append([]byte{0xff, 0xd8, 0xff, 0xe0}, bytes.Repeat([]byte("jpeg"), 4096)...))
	putObject(t, d, town, "fieldwork", "research-report", "r-1", "application/pdf", nil, []byte("%PDF-1.7 调研报告"))
	putObject(t, d, town, "petitions", "opinion", "o-1", "text/plain; charset=utf-8", nil, []byte("路灯已修好"))
	putObject(t, d, neighbour, "fieldwork", "work-log", "photo-1", "image/jpeg", nil, []byte("neighbour's"))

	return expected{
		townCollections: []string{"assessment_assessments", "fieldwork_cadre_months", "fieldwork_pending_uploads", "fieldwork_stays",
			"gateway_audit", "gateway_settings", "personnel_cadres", "personnel_communities", "petitions_opinions", "reporting_monthly_reports"},
		accounts: accounts,
		county: map[string][]string{
			"personnel_towns":                 {town.String()},
			"petitions_towns":                 {town.String()},
			"reporting_towns":                 {town.String()},
			"assessment_results":              {town.String() + "|cadre-1|2026"},
			"personnel_contact_list_forwards": {forward},
			"personnel_files":                 {file},
			"fieldwork_outbox":                {town.Database() + "/fieldwork_stays/stay-1"},
			"personnel_outbox":                {forwardMarker},
		},
		objects: []string{
			town.String() + "/fieldwork/research-report/r-1",
			town.String() + "/fieldwork/work-log/photo-1",
			town.String() + "/petitions/opinion/o-1",
		},
	}
}

func putObject(t *testing.T, d Deployment, town tenancy.TownCode, service, entity, id, contentType string, meta map[string]string, body []byte) {
	t.Helper()
	ctx := tenancy.WithTown(t.Context(), town)
	key, err := objects.KeyFor(ctx, service, entity, id)
	require.NoError(t, err)
	_, err = d.Objects.Put(ctx, key, bytes.NewReader(body), int64(len(body)), contentType, 1<<20, meta)
	require.NoError(t, err)
}

// requireRestored compares the destination with the source: the town's whole database with
// its indexes, its registry record and accounts, exactly the expected county rows, and its
// objects with their bytes, content types and metadata. The destination started empty, so
// anything more there was restored by mistake.
func requireRestored(t *testing.T, src, dst Deployment, town tenancy.TownCode, want expected) {
	t.Helper()
	ctx := t.Context()

	srcDB, dstDB := src.Mongo.Mongo().Database(town.Database()), dst.Mongo.Mongo().Database(town.Database())
	names, err := collectionNames(ctx, dstDB)
	require.NoError(t, err)
	require.Equal(t, want.townCollections, names)
	for _, name := range names {
		require.Equal(t, documents(t, srcDB.Collection(name), bson.D{}), documents(t, dstDB.Collection(name), bson.D{}), name)
		require.Equal(t, indexes(t, srcDB.Collection(name)), indexes(t, dstDB.Collection(name)), "indexes of %s", name)
	}

	byTown := bson.D{{Key: "town", Value: town.String()}}
	dstAccounts := documents(t, dst.Mongo.Platform("accounts"), bson.D{})
	require.Equal(t, documents(t, src.Mongo.Platform("accounts"), byTown), dstAccounts, "only the town's accounts")
	require.Equal(t, want.accounts, ids(t, dstAccounts))
	require.Equal(t, indexes(t, src.Mongo.Platform("accounts")), indexes(t, dst.Mongo.Platform("accounts")))
	require.Equal(t, documents(t, src.Mongo.Platform("towns"), bson.D{{Key: "_id", Value: town.String()}}),
		documents(t, dst.Mongo.Platform("towns"), bson.D{}), "only the town's registry record")

	srcCounty, dstCounty := src.Mongo.Mongo().Database(tenancy.CountyDatabase), dst.Mongo.Mongo().Database(tenancy.CountyDatabase)
	countyNames, err := collectionNames(ctx, dstCounty)
	require.NoError(t, err)
	require.ElementsMatch(t, keysOf(want.county), countyNames)
	for _, name := range countyNames {
		got := documents(t, dstCounty.Collection(name), bson.D{})
		require.Equal(t, want.county[name], ids(t, got), name)
		byID := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: want.county[name]}}}}
		require.Equal(t, documents(t, srcCounty.Collection(name), byID), got, name)
	}

	var keys []string
	for info, err := range dst.Objects.ListTown(ctx, town) {
		require.NoError(t, err)
		keys = append(keys, info.Key.String())
	}
	require.Equal(t, want.objects, keys)
	townCtx := tenancy.WithTown(ctx, town)
	for info, err := range src.Objects.ListTown(ctx, town) {
		require.NoError(t, err)
		srcBody, srcInfo := readObject(t, src, townCtx, info.Key)
		dstBody, dstInfo := readObject(t, dst, townCtx, info.Key)
		require.Equal(t, srcBody, dstBody, info.Key.String())
		require.Equal(t, srcInfo.ContentType, dstInfo.ContentType, info.Key.String())
		require.Equal(t, srcInfo.Meta, dstInfo.Meta, info.Key.String())
	}
}

// documents returns the raw documents in _id order, so that types and field order count.
func documents(t *testing.T, coll *mongo.Collection, filter bson.D) []bson.Raw {
	t.Helper()
	cur, err := coll.Find(t.Context(), filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	require.NoError(t, err)
	var out []bson.Raw
	for cur.Next(t.Context()) {
		out = append(out, slices.Clone(cur.Current))
	}
	require.NoError(t, cur.Err())
	return out
}

func ids(t *testing.T, docs []bson.Raw) []string {
	t.Helper()
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.Lookup("_id").StringValue()
	}
	return out
}

func keysOf(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// indexes lists a collection's indexes as "name keys unique", sorted.
func indexes(t *testing.T, coll *mongo.Collection) []string {
	t.Helper()
	cur, err := coll.Indexes().List(t.Context())
	require.NoError(t, err)
	var specs []struct {
		Name   string `bson:"name"`
		Key    bson.D `bson:"key"`
		Unique bool   `bson:"unique"`
	}
	require.NoError(t, cur.All(t.Context(), &specs))
	out := make([]string, len(specs))
	for i, s := range specs {
		out[i] = fmt.Sprint(s.Name, " ", s.Key, " ", s.Unique)
	}
	slices.Sort(out)
	return out
}

func readObject(t *testing.T, d Deployment, ctx context.Context, key objects.Key) ([]byte, objects.Info) {
	t.Helper()
	r, info, err := d.Objects.Get(ctx, key)
	require.NoError(t, err)
	defer r.Close()
	body, err := io.ReadAll(r)
	require.NoError(t, err)
	return body, info
}

// rewriteArchive copies an archive, changing the bytes of one entry and nothing else (the
// manifest keeps the old checksum), the way someone editing a backup by hand would.
func rewriteArchive(t *testing.T, from, to, entry string, change func([]byte) []byte) {
	t.Helper()
	in, err := os.Open(from)
	require.NoError(t, err)
	defer in.Close()
	gz, err := gzip.NewReader(in)
	require.NoError(t, err)
	tr := tar.NewReader(gz)

	out, err := os.Create(to)
	require.NoError(t, err)
	defer out.Close()
	gw := gzip.NewWriter(out)
	tw := tar.NewWriter(gw)
	changed := false
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		body, err := io.ReadAll(tr)
		require.NoError(t, err)
		if hdr.Name == entry {
			body, changed = change(body), true
		}
		hdr.Size = int64(len(body))
		require.NoError(t, tw.WriteHeader(hdr))
		_, err = tw.Write(body)
		require.NoError(t, err)
	}
	require.True(t, changed, "the archive has %s", entry)
	require.NoError(t, tw.Close())
	require.NoError(t, gw.Close())
}

// privateStack starts an embedded stack for this test alone: an empty deployment.
func privateStack(t *testing.T) embedstack.Env {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute)
	defer cancel()
	root, err := embedstack.RepoRoot()
	require.NoError(t, err)
	bin, err := embedstack.Build(ctx, root)
	require.NoError(t, err)
	p, err := embedstack.Start(ctx, bin, t.TempDir(), embedstack.Options{})
	require.NoError(t, err)
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Logf("stopping an embedded stack: %v", err)
		}
	})
	return p.Env
}

func envOf(e embedstack.Env) func(string) string {
	vars := map[string]string{}
	for _, kv := range e.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	return func(k string) string { return vars[k] }
}

func deployment(t *testing.T, e embedstack.Env) Deployment {
	t.Helper()
	mc, err := store.Connect(e.MongoURI, store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = mc.Close(context.Background()) })
	obj, err := objects.New(objects.Config{Endpoint: e.S3Endpoint, AccessKey: e.S3AccessKey, SecretKey: e.S3SecretKey, Bucket: e.S3Bucket})
	require.NoError(t, err)
	require.NoError(t, obj.EnsureBucket(t.Context()))
	return Deployment{Mongo: mc, Objects: obj}
}
