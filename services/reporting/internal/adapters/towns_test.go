package adapters_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/store"
	"dundian.local/libs/testkit"
	"dundian.local/services/reporting/internal/adapters"
	"dundian.local/services/reporting/internal/domain/comparison"
)

func newTowns(t *testing.T) (adapters.Towns, store.Service) {
	t.Helper()
	st := store.Wrap(testkit.Mongo(t)).Service("reporting")
	return adapters.NewTowns(st), st
}

var at = time.Date(2026, 5, 6, 1, 0, 0, 0, time.UTC)

func applyCadre(t *testing.T, towns adapters.Towns, town, id string, s comparison.CadreState) {
	t.Helper()
	require.NoError(t, towns.UpdatePart(context.Background(), town, comparison.CadrePart(id),
		func(row *comparison.Town) bool { return row.ApplyCadre(id, s, at) }))
}

func rowOf(t *testing.T, towns adapters.Towns, town, month string) (comparison.Row, bool) {
	t.Helper()
	rows, err := towns.Rows(context.Background(), month)
	require.NoError(t, err)
	for _, r := range rows {
		if r.Town == town {
			return r, true
		}
	}
	return comparison.Row{}, false
}

func TestTownsUpdatePart_WritesOneEntryAndKeepsTheNewestRevision(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	towns, _ := newTowns(t)
	town := string(testkit.NewTown(t))
	require.NoError(t, towns.Update(ctx, town, func(row *comparison.Town) bool { row.Name = "演示镇"; return true }))

	applyCadre(t, towns, town, "c1", comparison.CadreState{Rev: 2, Name: "张三", Active: true})
	applyCadre(t, towns, town, "c1", comparison.CadreState{Rev: 1, Name: "旧名", Active: false})
	applyCadre(t, towns, town, "c2", comparison.CadreState{Rev: 1, Name: "李四", Active: true})
	applyCadre(t, towns, town, "a.b", comparison.CadreState{Rev: 1, Name: "点", Active: true})

	got, err := towns.Get(ctx, town)
	require.NoError(t, err)
	require.Equal(t, "演示镇", got.Name, "the rest of the row is left as it was")
	require.Equal(t, map[string]comparison.CadreState{
		"c1": {Rev: 2, Name: "张三", Active: true},
		"c2": {Rev: 1, Name: "李四", Active: true},
	}, got.Cadres, "an older revision changes nothing; an id the row cannot hold is ignored")
	require.Equal(t, at, got.UpdatedAt.UTC())
}

func TestTownsUpdatePart_WritesBackANewerEntryItReplaced(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	towns, _ := newTowns(t)
	town := string(testkit.NewTown(t))
	applyCadre(t, towns, town, "c1", comparison.CadreState{Rev: 5, Name: "新", Active: true})

	// A writer that read the row before revision 5 landed (a rebuild racing the live
	// consumer) writes its older revision.
	stale := comparison.CadreState{Rev: 3, Name: "旧", Active: false}
	require.NoError(t, towns.UpdatePart(ctx, town, comparison.CadrePart("c1"), func(row *comparison.Town) bool {
		row.Cadres = map[string]comparison.CadreState{"c1": stale}
		return true
	}))

	got, err := towns.Get(ctx, town)
	require.NoError(t, err)
	require.Equal(t, comparison.CadreState{Rev: 5, Name: "新", Active: true}, got.Cadres["c1"])
}

func TestTownsUpdatePart_LeavesNoTraceInAnErasedTown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	towns, _ := newTowns(t)
	town := string(testkit.NewTown(t))
	require.NoError(t, towns.Update(ctx, town, func(row *comparison.Town) bool { row.Erased = true; return true }))

	// The writer read the row before it was erased.
	require.NoError(t, towns.UpdatePart(ctx, town, comparison.CadrePart("c1"), func(row *comparison.Town) bool {
		row.Cadres = map[string]comparison.CadreState{"c1": {Rev: 1, Active: true}}
		return true
	}))

	got, err := towns.Get(ctx, town)
	require.NoError(t, err)
	require.True(t, got.Erased)
	require.Empty(t, got.Cadres)
}

func TestTownsRows_ShowEveryChangeAfterTheRowsWereCached(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	towns, st := newTowns(t)
	town := string(testkit.NewTown(t))
	applyCadre(t, towns, town, "c1", comparison.CadreState{Rev: 1, Active: true})
	row, ok := rowOf(t, towns, town, "2026-05")
	require.True(t, ok)
	require.Equal(t, 1, row.Cadres)
	require.Equal(t, 0, row.ReportsSubmitted)

	// Through the repository.
	report := comparison.ReportState{Rev: 2, Month: "2026-05", Status: "submitted", Reported: true, OnTime: true}
	require.NoError(t, towns.UpdatePart(ctx, town, comparison.ReportPart("c1|2026-05"), func(r *comparison.Town) bool {
		return r.ApplyReport("c1|2026-05", report, at)
	}))
	row, _ = rowOf(t, towns, town, "2026-05")
	require.Equal(t, 1, row.ReportsSubmitted, "a report applied after the rows were cached")

	// By another replica.
	other := adapters.NewTowns(st)
	applyCadre(t, other, town, "c2", comparison.CadreState{Rev: 1, Name: "李四", Active: true})
	row, _ = rowOf(t, towns, town, "2026-05")
	require.Equal(t, 2, row.Cadres, "a cadre written by another replica")

	// Erased towns leave the comparison.
	require.NoError(t, towns.Update(ctx, town, func(r *comparison.Town) bool { r.Erased = true; return true }))
	_, ok = rowOf(t, towns, town, "2026-05")
	require.False(t, ok)
}

func TestTownsUpdatePart_AddsToAMapStoredAsNull(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	towns, st := newTowns(t)
	town := string(testkit.NewTown(t))
	// Rows written whole before an empty map was left out kept it as null.
	_, err := st.County("towns").InsertOne(ctx, bson.D{{Key: "_id", Value: town}, {Key: "name", Value: "旧镇"},
		{Key: "communities", Value: nil}, {Key: "erased", Value: false}, {Key: "ver", Value: 1}})
	require.NoError(t, err)

	code := town + "201"
	require.NoError(t, towns.UpdatePart(ctx, town, comparison.CommunityPart(code), func(row *comparison.Town) bool {
		return row.ApplyCommunity(code, comparison.CommunityState{Rev: 1, Name: "村"}, at)
	}))

	got, err := towns.Get(ctx, town)
	require.NoError(t, err)
	require.Equal(t, map[string]comparison.CommunityState{code: {Rev: 1, Name: "村"}}, got.Communities)
	require.Equal(t, "旧镇", got.Name)
}

func TestTownsRows_FirstComparisonOfAProcessFindsRowsWithoutARecordedVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	running, st := newTowns(t)
	_, err := running.Rows(ctx, "2026-05") // a process that has read every row already
	require.NoError(t, err)
	town := string(testkit.NewTown(t))
	// A row written before versions were recorded, or by a process that stopped between
	// the row's write and its version's.
	_, err = st.County("towns").InsertOne(ctx, bson.D{{Key: "_id", Value: town}, {Key: "name", Value: "旧镇"},
		{Key: "erased", Value: false}, {Key: "ver", Value: 4}})
	require.NoError(t, err)

	row, ok := rowOf(t, adapters.NewTowns(st), town, "2026-05")
	require.True(t, ok, "a process's first comparison reads every row")
	require.Equal(t, "旧镇", row.Name)
	row, ok = rowOf(t, running, town, "2026-05")
	require.True(t, ok, "and records their versions for the processes that read only versions")
	require.Equal(t, "旧镇", row.Name)
}
