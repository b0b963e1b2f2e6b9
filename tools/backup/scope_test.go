package main

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/tenancy"
)

func raw(t *testing.T, d bson.D) bson.Raw {
	t.Helper()
	b, err := bson.Marshal(d)
	require.NoError(t, err)
	return b
}

func TestCountyRelation_SelectsTheTownsRowsAndSharedFiles(t *testing.T) {
	t.Parallel()
	const town = tenancy.TownCode("130624100")
	for _, tc := range []struct {
		name string
		doc  bson.D
		want relation
	}{
		{"row keyed by the town", bson.D{{Key: "_id", Value: "130624100"}, {Key: "towns", Value: 3}}, owned},
		{"composite id of the town", bson.D{{Key: "_id", Value: "130624100|2026"}, {Key: "lists", Value: 12}}, owned},
		{"town field", bson.D{{Key: "_id", Value: "a1"}, {Key: "town", Value: "130624100"}}, owned},
		{"another town's composite id", bson.D{{Key: "_id", Value: "130624101|2026"}, {Key: "town", Value: "130624101"}}, unrelated},
		{"a longer code that starts with the town's", bson.D{{Key: "_id", Value: "1306241000"}}, unrelated},
		{"county-wide row", bson.D{{Key: "_id", Value: int32(2026)}, {Key: "weights", Value: bson.A{0.3, 0.7}}}, unrelated},
		{"file with an entry of the town", bson.D{{Key: "_id", Value: "cadre-1"}, {Key: "entries", Value: bson.A{
			bson.D{{Key: "town", Value: "130624101"}, {Key: "kind", Value: "joined"}},
			bson.D{{Key: "town", Value: "130624100"}, {Key: "kind", Value: "transferred"}},
		}}}, shared},
		{"file of other towns only", bson.D{{Key: "_id", Value: "cadre-2"}, {Key: "entries", Value: bson.A{
			bson.D{{Key: "town", Value: "130624101"}},
		}}}, unrelated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, countyRelation(raw(t, tc.doc), town))
		})
	}
}

func TestMarkerBelongs_FollowsTheTownsDatabaseAndExportedRecords(t *testing.T) {
	t.Parallel()
	const town = tenancy.TownCode("130624100")
	exported := map[string]bool{"platform/towns/130624100": true, "county/personnel_contact_list_forwards/130624100|2026": true}
	for _, tc := range []struct {
		name string
		doc  bson.D
		want bool
	}{
		{"document in the town's database", bson.D{{Key: "_id", Value: "town_130624100/fieldwork_stays/s1"}, {Key: "db", Value: "town_130624100"}}, true},
		{"the town's registry record", bson.D{{Key: "_id", Value: "platform/towns/130624100"}, {Key: "db", Value: "platform"}}, true},
		{"the town's county row", bson.D{{Key: "_id", Value: "county/personnel_contact_list_forwards/130624100|2026"}, {Key: "db", Value: "county"}}, true},
		{"another town's document", bson.D{{Key: "_id", Value: "town_130624101/fieldwork_stays/s1"}, {Key: "db", Value: "town_130624101"}}, false},
		{"a county-wide record", bson.D{{Key: "_id", Value: "platform/calendars/2026"}, {Key: "db", Value: "platform"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, markerBelongs(raw(t, tc.doc), town, exported))
		})
	}
}

func TestManifestCheck_RefusesWhatDoesNotMatch(t *testing.T) {
	t.Parallel()
	const town = tenancy.TownCode("130624100")
	good := func() Manifest {
		return Manifest{Format: Format, Town: town, Entries: []Entry{
			{Path: "town/fieldwork_stays.bson", Size: 10, SHA256: "aa",
				Collection: &CollectionEntry{Scope: scopeTown, Name: "fieldwork_stays", Documents: 1}},
			{Path: "objects/130624100/fieldwork/work-log/a1", Size: 3, SHA256: "bb",
				Object: &ObjectEntry{Key: "130624100/fieldwork/work-log/a1", ContentType: "image/jpeg"}},
		}}
	}
	seen := func() map[string]digest {
		return map[string]digest{
			"town/fieldwork_stays.bson":               {Size: 10, SHA256: "aa"},
			"objects/130624100/fieldwork/work-log/a1": {Size: 3, SHA256: "bb"},
		}
	}
	require.NoError(t, good().check(seen()))

	for _, tc := range []struct {
		name   string
		change func(*Manifest, map[string]digest)
		says   string
	}{
		{"changed bytes", func(_ *Manifest, s map[string]digest) {
			s["town/fieldwork_stays.bson"] = digest{Size: 10, SHA256: "ab"}
		}, "does not match its checksum"},
		{"missing entry", func(_ *Manifest, s map[string]digest) { delete(s, "town/fieldwork_stays.bson") }, "is missing"},
		{"entry not listed", func(_ *Manifest, s map[string]digest) { s["town/extra.bson"] = digest{} }, "not in the manifest"},
		{"unknown format", func(m *Manifest, _ map[string]digest) { m.Format = Format + 1 }, "archive format"},
		{"object of another town", func(m *Manifest, s map[string]digest) {
			m.Entries[1].Object.Key = "130624101/fieldwork/work-log/a1"
		}, "is not the town's"},
		{"path climbing out", func(m *Manifest, s map[string]digest) {
			m.Entries[0].Path = "town/../../etc.bson"
			s["town/../../etc.bson"] = s["town/fieldwork_stays.bson"]
			delete(s, "town/fieldwork_stays.bson")
		}, "not a clean relative path"},
		{"path and collection disagree", func(m *Manifest, _ map[string]digest) {
			m.Entries[0].Collection.Scope = scopePlatform
		}, "path and collection disagree"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, s := good(), seen()
			tc.change(&m, s)
			err := m.check(s)
			require.ErrorIs(t, err, ErrCorrupt)
			require.ErrorContains(t, err, tc.says)
		})
	}
}

func TestLoadConfig_NamesEveryMissingVariable(t *testing.T) {
	t.Parallel()
	_, err := loadConfig(func(string) string { return "" })
	require.ErrorContains(t, err, "MONGO_URI is required")
	require.ErrorContains(t, err, "S3_ENDPOINT is required")
	require.ErrorContains(t, err, "S3_ACCESS_KEY is required")

	env := map[string]string{"MONGO_URI": "mongodb://db:27017", "S3_ENDPOINT": "s3:9000",
		"S3_ACCESS_KEY": "k", "S3_SECRET_KEY": "s", "S3_USE_SSL": "true"}
	c, err := loadConfig(func(k string) string { return env[k] })
	require.NoError(t, err)
	require.True(t, c.Objects.UseSSL)
	require.Equal(t, "dundian", c.Objects.Bucket)
}

func TestHoldsTownRows_LeavesMarkersAndOperationalRecordsOut(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"reporting_towns":    true,
		"personnel_files":    true,
		"fieldwork_outbox":   false,
		"reporting_rebuilds": false,
	} {
		require.Equal(t, want, holdsTownRows(name), name)
	}
}
