package service_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/auth"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"

	"dundian.local/gateway/internal/adapters"
)

// TestTownList_AnswersAsTheWholeTownsDo: the list counts communities from the count stored
// with each town (written on create and on import), and a town stored before the count
// existed is counted from its communities and given the count.
func TestTownList_AnswersAsTheWholeTownsDo(t *testing.T) {
	t.Parallel()
	h := gw(t)
	_, admin := h.account(t, auth.CountyAdmin, "")

	created := h.newTown(t) // two communities, through Registry.Create

	imported := testkit.NewTown(t) // one community, then three more by a second import
	for _, villages := range [][]string{{"200"}, {"200", "201", "202", "203"}} {
		j := h.waitJob(t, admin, jobID(t, h.upload(t, admin, "/api/v1/towns/import", csvOf(map[tenancy.TownCode][]string{imported: villages}))))
		require.Equal(t, "succeeded", j["status"], j)
	}

	// A town as an earlier version stored it: no count beside its communities.
	legacy := testkit.NewTown(t)
	towns := h.p.Store.Platform(adapters.CollTowns)
	_, err := towns.InsertOne(context.Background(), bson.D{
		{Key: "_id", Value: string(legacy)}, {Key: "name", Value: "旧镇"}, {Key: "county", Value: string(legacy[:6])},
		{Key: "countyName", Value: "测试县"}, {Key: "status", Value: "active"},
		{Key: "communities", Value: bson.A{
			bson.D{{Key: "code", Value: string(legacy) + "200"}, {Key: "name", Value: "甲村"}},
			bson.D{{Key: "code", Value: string(legacy) + "201"}, {Key: "name", Value: "乙村"}},
			bson.D{{Key: "code", Value: string(legacy) + "202"}, {Key: "name", Value: "丙村"}},
		}},
		{Key: "createdAt", Value: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)}, {Key: "rev", Value: int64(1)},
	})
	require.NoError(t, err)

	r := h.do(t, req{method: "GET", path: "/api/v1/towns", token: admin})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	var list struct {
		Items []map[string]any `json:"items"`
	}
	r.json(t, &list)
	listed := map[string]map[string]any{}
	for _, it := range list.Items {
		listed[it["code"].(string)] = it
	}

	for code, communities := range map[tenancy.TownCode]int{created: 2, imported: 4, legacy: 3} {
		// What the list showed before: the whole town, its communities counted.
		one := h.do(t, req{method: "GET", path: "/api/v1/towns/" + string(code), token: admin})
		require.Equal(t, http.StatusOK, one.StatusCode, string(one.body))
		var want map[string]any
		one.json(t, &want)
		require.Len(t, want["communities"], communities)
		want["communities"] = float64(communities)
		delete(want, "rev")
		require.Equal(t, want, listed[string(code)], "town %s", code)
	}

	var stored struct {
		Count *int `bson:"communityCount"`
	}
	require.NoError(t, towns.FindOne(context.Background(), bson.D{{Key: "_id", Value: string(legacy)}}).Decode(&stored))
	require.NotNil(t, stored.Count, "the old town was given its count")
	require.Equal(t, 3, *stored.Count)
}
