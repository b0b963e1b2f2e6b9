package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"

	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// commandLog records the commands a client sends to one database.
type commandLog struct {
	db   string
	mu   sync.Mutex
	seen []string
}

func (l *commandLog) started(_ context.Context, e *event.CommandStartedEvent) {
	if e.DatabaseName != l.db {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen = append(l.seen, e.CommandName)
}

func (l *commandLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	seen := l.seen
	l.seen = nil
	return seen
}

func count(cmds []string, name string) int {
	n := 0
	for _, c := range cmds {
		if c == name {
			n++
		}
	}
	return n
}

// preparedTown gives a fresh town, a context carrying it and a service view whose client
// logs every command it sends to the town's database.
func preparedTown(t *testing.T) (context.Context, store.Service, *commandLog) {
	t.Helper()
	town := testkit.NewTown(t)
	log := &commandLog{db: town.Database()}
	c, err := store.Connect(testkit.Stack(t).MongoURI, store.Options{Monitor: &event.CommandMonitor{Started: log.started}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return tenancy.WithTown(ctx, town), c.Service("preptest"), log
}

var (
	byCadre   = store.Index{Collection: "stays", Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "day", Value: -1}}}
	uniqueDay = store.Index{Collection: "stays", Keys: bson.D{{Key: "day", Value: 1}}, Unique: true}
	byMonth   = store.Index{Collection: "logs", Keys: bson.D{{Key: "month", Value: 1}}}
)

// indexKeys lists a collection's indexes other than _id's as "keys unique" strings.
func indexKeys(t *testing.T, ctx context.Context, st store.Service, name string) []string {
	t.Helper()
	c, err := st.Collection(ctx, name)
	require.NoError(t, err)
	specs, err := c.Indexes().ListSpecifications(ctx)
	require.NoError(t, err)
	var out []string
	for _, s := range specs {
		if s.Name == "_id_" {
			continue
		}
		out = append(out, s.KeysDocument.String()+" unique="+boolString(s.Unique != nil && *s.Unique))
	}
	slices.Sort(out)
	return out
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestPrepareTown_NewTown_CreatesItsCollectionsAndIndexes(t *testing.T) {
	t.Parallel()
	ctx, st, log := preparedTown(t)
	require.NoError(t, st.PrepareTown(ctx, []string{"stays", "logs", "notes"}, []store.Index{byCadre, uniqueDay, byMonth}))

	// Each write waits its turn in the embedded store: collections that get an index are
	// created by their createIndexes, and a new collection has no indexes to list.
	cmds := log.take()
	require.Equal(t, 1, count(cmds, "create"), cmds)
	require.Equal(t, 3, count(cmds, "createIndexes"), cmds)
	require.Zero(t, count(cmds, "listIndexes"), cmds)

	c, err := st.Collection(ctx, "notes")
	require.NoError(t, err)
	names, err := c.Database().ListCollectionNames(ctx, bson.D{})
	require.NoError(t, err)
	require.Subset(t, names, []string{"preptest_stays", "preptest_logs", "preptest_notes"})
	require.Len(t, indexKeys(t, ctx, st, "stays"), 2)
	require.Contains(t, indexKeys(t, ctx, st, "stays"), `{"day": {"$numberInt":"1"}} unique=true`)
	require.Len(t, indexKeys(t, ctx, st, "logs"), 1)
}

func TestPrepareTown_AlreadyPrepared_CostsOneReadByID(t *testing.T) {
	t.Parallel()
	ctx, st, log := preparedTown(t)
	collections, indexes := []string{"stays", "logs"}, []store.Index{byCadre, uniqueDay, byMonth}
	require.NoError(t, st.PrepareTown(ctx, collections, indexes))
	log.take()

	require.NoError(t, st.PrepareTown(ctx, collections, indexes))
	require.Equal(t, []string{"find"}, log.take())
}

func TestPrepareTown_SchemaGainsAnIndex_CreatesOnlyTheNewIndex(t *testing.T) {
	t.Parallel()
	ctx, st, log := preparedTown(t)
	require.NoError(t, st.PrepareTown(ctx, []string{"stays", "logs"}, []store.Index{byCadre, byMonth}))
	log.take()

	require.NoError(t, st.PrepareTown(ctx, []string{"stays", "logs"}, []store.Index{byCadre, uniqueDay, byMonth}))
	cmds := log.take()
	require.Equal(t, 1, count(cmds, "createIndexes"), cmds)
	require.Zero(t, count(cmds, "create"), cmds)
	require.Len(t, indexKeys(t, ctx, st, "stays"), 2)
}

func TestPrepareTown_MarkerLostAndIndexDropped_RecreatesOnlyWhatIsMissing(t *testing.T) {
	t.Parallel()
	ctx, st, log := preparedTown(t)
	collections, indexes := []string{"stays", "logs"}, []store.Index{byCadre, uniqueDay, byMonth}
	require.NoError(t, st.PrepareTown(ctx, collections, indexes))
	marker, err := st.Collection(ctx, store.SchemaCollection)
	require.NoError(t, err)
	_, err = marker.DeleteMany(ctx, bson.D{})
	require.NoError(t, err)
	logs, err := st.Collection(ctx, "logs")
	require.NoError(t, err)
	require.NoError(t, logs.Indexes().DropOne(ctx, "month_1"))
	log.take()

	require.NoError(t, st.PrepareTown(ctx, collections, indexes))
	cmds := log.take()
	require.Equal(t, 1, count(cmds, "createIndexes"), cmds)
	require.Zero(t, count(cmds, "create"), cmds)
	require.Len(t, indexKeys(t, ctx, st, "logs"), 1)
}

func TestPrepareTown_TownErasedAndCreatedAgain_PreparesItAgain(t *testing.T) {
	t.Parallel()
	ctx, st, _ := preparedTown(t)
	collections, indexes := []string{"stays"}, []store.Index{byCadre, uniqueDay}
	require.NoError(t, st.PrepareTown(ctx, collections, indexes))
	town, err := tenancy.TownFrom(ctx)
	require.NoError(t, err)
	require.NoError(t, st.Client().DropTown(ctx, town))

	require.NoError(t, st.PrepareTown(ctx, collections, indexes))
	require.Len(t, indexKeys(t, ctx, st, "stays"), 2)
}
