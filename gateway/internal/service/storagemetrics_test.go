package service_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/objects"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/adapters"
)

func TestStorageMetrics_MeasureEachTownsDatabaseAndObjects_AndServeThemOnMetrics(t *testing.T) {
	t.Parallel()
	h := gw(t)
	busy, empty := h.newTown(t), h.newTown(t)
	ctx := tenancy.WithTown(context.Background(), busy)
	coll, err := h.p.Store.Service("storagetest").Collection(ctx, "things")
	require.NoError(t, err)
	_, err = coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "text", Value: "有内容"}})
	require.NoError(t, err)
	var size int64
	for i, body := range []string{"first file", "the second, longer file"} {
		key, err := objects.KeyFor(ctx, "fieldwork", "attachments", fmt.Sprintf("f%d", i))
		require.NoError(t, err)
		_, err = h.p.Objects.Put(ctx, key, bytes.NewReader([]byte(body)), int64(len(body)), "text/plain", 1<<20, nil)
		require.NoError(t, err)
		size += int64(len(body))
	}

	// The process's own measurer: a second one would observe the same gauges beside it.
	m := h.svc.Storage
	// Other tests erase their towns meanwhile; only ours must be measured without error.
	if err := m.Refresh(context.Background()); err != nil {
		require.NotContains(t, err.Error(), string(busy))
		require.NotContains(t, err.Error(), string(empty))
	}
	got := m.Last()
	require.Equal(t, adapters.TownStorage{DatabaseBytes: got[busy].DatabaseBytes, Objects: 2, ObjectBytes: size}, got[busy])
	require.Positive(t, got[busy].DatabaseBytes)
	require.Contains(t, got, empty, "a town with nothing stored yet is reported as such")
	require.Zero(t, got[empty].Objects)

	resp := h.do(t, req{method: http.MethodGet, path: "/metrics"})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	page := string(resp.body)
	series := func(name string) string { return name + `\{dundian_town="` + string(busy) + `",[^}]*\} ` }
	require.Regexp(t, series("dundian_storage_objects")+"2\n", page)
	require.Regexp(t, series("dundian_storage_objects_size_bytes")+fmt.Sprint(size)+"\n", page)
	require.Regexp(t, series("dundian_storage_database_size_bytes")+"[1-9]", page)
}

// Not parallel: it sets an environment variable.
func TestStorageMetrics_BadInterval_IsRefusedNamingTheVariable(t *testing.T) {
	t.Setenv(adapters.StorageMetricsIntervalVariable, "0s")
	_, err := adapters.NewStorageMetrics(nil, nil, nil, slog.New(slog.DiscardHandler))
	require.ErrorContains(t, err, adapters.StorageMetricsIntervalVariable)
}
