package service_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/auth"
	"dundian.local/libs/events"
	"dundian.local/libs/objects"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

const fupingCSV = "../domain/division/testdata/fuping-county.csv"

// upload sends a file as the console does: the "file" field of a multipart form.
func (h *harness) upload(t *testing.T, token, path string, file []byte) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", "towns.csv")
	require.NoError(t, err)
	_, err = fw.Write(file)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	return h.do(t, req{method: "POST", path: path, token: token, body: buf.Bytes(),
		header: map[string]string{"Content-Type": mw.FormDataContentType()}})
}

func jobID(t *testing.T, r response) string {
	t.Helper()
	require.Equal(t, http.StatusAccepted, r.StatusCode, string(r.body))
	var res struct {
		Job struct {
			ID string `json:"id"`
		} `json:"job"`
	}
	r.json(t, &res)
	require.NotEmpty(t, res.Job.ID)
	require.Equal(t, "/api/v1/jobs/"+res.Job.ID, r.Header.Get("Location"))
	return res.Job.ID
}

func TestImport_FupingCounty_Gives14TownsWith213Communities(t *testing.T) {
	t.Parallel()
	h := gw(t)
	_, admin := h.account(t, auth.CountyAdmin, "")
	file, err := os.ReadFile(fupingCSV)
	require.NoError(t, err)

	j := h.waitJob(t, admin, jobID(t, h.upload(t, admin, "/api/v1/towns/import", file)))
	require.Equal(t, "succeeded", j["status"], j)
	require.EqualValues(t, 14, j["total"])
	require.EqualValues(t, 14, j["done"])

	// The state, not the counts: another test of the same run may have imported Fuping first.
	r := h.do(t, req{method: "GET", path: "/api/v1/towns", token: admin})
	require.Equal(t, http.StatusOK, r.StatusCode)
	var list struct {
		Items []struct {
			Code        string `json:"code"`
			CountyName  string `json:"countyName"`
			Communities int    `json:"communities"`
		} `json:"items"`
	}
	r.json(t, &list)
	towns, communities := 0, 0
	for _, tw := range list.Items {
		if strings.HasPrefix(tw.Code, "130624") {
			towns++
			communities += tw.Communities
			require.Equal(t, "阜平县", tw.CountyName)
		}
	}
	require.Equal(t, 14, towns)
	require.Equal(t, 213, communities)

	// Importing it again creates and adds nothing.
	again := h.waitJob(t, admin, jobID(t, h.upload(t, admin, "/api/v1/towns/import", file)))
	require.Equal(t, "succeeded", again["status"])
	result := again["result"].(map[string]any)
	require.Nil(t, result["townsCreated"])
	require.Nil(t, result["communitiesAdded"])
	require.EqualValues(t, 14, result["townsUnchanged"])
}

// csvOf writes a division-code file for test towns: each town with the given village suffixes.
func csvOf(towns map[tenancy.TownCode][]string) []byte {
	var b strings.Builder
	b.WriteString("county_code,county,town_code,town,village_code,village\n")
	codes := make([]string, 0, len(towns))
	for c := range towns {
		codes = append(codes, string(c))
	}
	slices.Sort(codes)
	for _, c := range codes {
		for _, v := range towns[tenancy.TownCode(c)] {
			fmt.Fprintf(&b, "%s,测试县,%s,测试镇%s,%s%s,村%s\n", c[:6], c, c[5:], c, v, v)
		}
	}
	return []byte(b.String())
}

func TestImport_IsIdempotentAndAnnouncesWhatChanged(t *testing.T) {
	t.Parallel()
	h := gw(t)
	_, admin := h.account(t, auth.CountyAdmin, "")
	a, b := testkit.NewTown(t), testkit.NewTown(t)
	file := csvOf(map[tenancy.TownCode][]string{a: {"200", "201"}, b: {"200"}})

	// A raw text/csv body works as well as a form.
	first := h.waitJob(t, admin, jobID(t, h.do(t, req{method: "POST", path: "/api/v1/towns/import", token: admin, body: file,
		header: map[string]string{"Content-Type": "text/csv; charset=utf-8"}})))
	require.Equal(t, "succeeded", first["status"], first)
	res := first["result"].(map[string]any)
	require.EqualValues(t, 2, res["townsCreated"])
	require.EqualValues(t, 3, res["communitiesAdded"])

	created := awaitEvent(t, a, func(ev events.Envelope) bool { return ev.Type == events.TownCreated })
	var data events.TownCreatedData
	require.NoError(t, created.Unmarshal(&data))
	require.Equal(t, string(a), data.Code)
	require.Equal(t, "测试县", data.CountyName)
	require.Equal(t, []events.CommunityName{{Code: string(a) + "200", Name: "村200"}, {Code: string(a) + "201", Name: "村201"}}, data.Communities)

	same := h.waitJob(t, admin, jobID(t, h.upload(t, admin, "/api/v1/towns/import", file)))
	res = same["result"].(map[string]any)
	require.EqualValues(t, 2, res["townsUnchanged"])
	require.Nil(t, res["townsCreated"])
	require.Nil(t, res["townsChanged"])

	more := h.waitJob(t, admin, jobID(t, h.upload(t, admin, "/api/v1/towns/import",
		csvOf(map[tenancy.TownCode][]string{a: {"200", "201", "202"}, b: {"200"}}))))
	res = more["result"].(map[string]any)
	require.EqualValues(t, 1, res["townsChanged"])
	require.EqualValues(t, 1, res["communitiesAdded"])
	require.EqualValues(t, 1, res["townsUnchanged"])
	changed := awaitEvent(t, a, func(ev events.Envelope) bool { return ev.Type == events.TownChanged })
	require.NoError(t, changed.Unmarshal(&data))
	require.Len(t, data.Communities, 3, "the changed event carries the whole list")
	require.EqualValues(t, 2, changed.Rev)
}

func TestImport_BadRows_AreNamedByLineAndNothingIsWritten(t *testing.T) {
	t.Parallel()
	h := gw(t)
	_, admin := h.account(t, auth.CountyAdmin, "")
	good := testkit.NewTown(t)
	file := string(csvOf(map[tenancy.TownCode][]string{good: {"200", "201"}}))
	name := "测试镇" + string(good[5:])
	file += fmt.Sprintf("%s,测试县,%s,%s,%s,\n", good[:6], good, name, good+"202")       // line 4: empty name
	file += fmt.Sprintf("%s,测试县,%s,%s,%s,外村\n", good[:6], good, name, "999999999200") // line 5: village of another town
	file += fmt.Sprintf("%s,测试县,%s,%s,%s,重复\n", good[:6], good, name, good+"200")     // line 6: duplicate

	r := h.upload(t, admin, "/api/v1/towns/import", []byte(file))
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	p := r.problem(t)
	require.Equal(t, "division-file-invalid", p["code"])
	var fields []string
	for _, e := range p["errors"].([]any) {
		em := e.(map[string]any)
		fields = append(fields, em["field"].(string))
		require.True(t, strings.HasPrefix(em["message"].(string), "第 "), em["message"])
	}
	require.Equal(t, []string{"line[4].village", "line[5].village_code", "line[6].village_code"}, fields)

	require.Equal(t, http.StatusNotFound, h.do(t, req{method: "GET", path: "/api/v1/towns/" + string(good), token: admin}).StatusCode,
		"the good rows of a bad file are not imported either")
}

func TestImport_OnlyCountyAdmins(t *testing.T) {
	t.Parallel()
	h := gw(t)
	_, townAdmin := h.account(t, auth.TownAdmin, h.newTown(t))
	r := h.upload(t, townAdmin, "/api/v1/towns/import", csvOf(map[tenancy.TownCode][]string{testkit.NewTown(t): {"200"}}))
	require.Equal(t, http.StatusForbidden, r.StatusCode)
}

func TestExportAndErase_LeaveNoDatabaseObjectOrAccount(t *testing.T) {
	t.Parallel()
	h := gw(t)
	_, admin := h.account(t, auth.CountyAdmin, "")
	town := h.newTown(t)
	member, _ := h.account(t, auth.Cadre, town)
	put := h.do(t, req{method: "PUT", path: "/api/v1/towns/" + string(town) + "/settings", token: admin, body: map[string]any{
		"locationEvidence": "optional", "photoEvidence": "optional", "diaryVisibility": "branch", "responseDueDays": 20, "rankingsShown": false,
	}})
	require.Equal(t, http.StatusOK, put.StatusCode, string(put.body))
	key := objects.Key{Town: town, Service: "fieldwork", Entity: "work-log", ID: "photo-1"}
	_, err := h.p.Objects.Put(tenancy.WithTown(context.Background(), town), key, strings.NewReader("照片"), -1, "image/jpeg", 1<<20, nil)
	require.NoError(t, err)

	exportID := jobID(t, h.do(t, req{method: "POST", path: "/api/v1/towns/" + string(town) + "/export", token: admin}))
	j := h.waitJob(t, admin, exportID)
	require.Equal(t, "succeeded", j["status"], j)
	require.Equal(t, "exports/"+string(town)+"/"+exportID+".tar.gz", j["result"].(map[string]any)["archiveKey"])

	files := untar(t, h.do(t, req{method: "GET", path: "/api/v1/towns/" + string(town) + "/exports/" + exportID, token: admin}))
	require.Contains(t, files, "manifest.json")
	require.Contains(t, files["platform/town.json"], string(town))
	require.Contains(t, files["platform/accounts.json"], member.Username)
	require.NotContains(t, files["platform/accounts.json"], "argon2")
	require.Contains(t, files["database/gateway_settings.jsonl"], `"responseDueDays":{"$numberInt":"20"}`)
	require.Equal(t, "照片", files["objects/"+key.String()])

	erase := func(body any) response {
		return h.do(t, req{method: "DELETE", path: "/api/v1/towns/" + string(town), token: admin, body: body})
	}
	r := erase(map[string]string{"confirm": "别的镇", "exportId": exportID})
	require.Equal(t, http.StatusBadRequest, r.StatusCode)
	require.Equal(t, "erase-not-confirmed", r.problem(t)["code"])
	name := "测试镇" + string(town[5:])
	r = erase(map[string]string{"confirm": name, "exportId": "no-such-export"})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	require.Equal(t, "export-not-found", r.problem(t)["code"])

	r = erase(map[string]string{"confirm": name, "exportId": exportID})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	ctx := context.Background()
	dbs, err := testkit.Mongo(t).ListDatabaseNames(ctx, bson.D{})
	require.NoError(t, err)
	require.NotContains(t, dbs, town.Database())
	left := 0
	for oi := range testkit.Minio(t).ListObjectsIter(ctx, testkit.Stack(t).S3Bucket, minio.ListObjectsOptions{Prefix: string(town) + "/", Recursive: true}) {
		require.NoError(t, oi.Err)
		left++
	}
	require.Zero(t, left, "objects under %s/", town)
	n, err := testkit.Mongo(t).Database("platform").Collection("accounts").CountDocuments(ctx, bson.D{{Key: "town", Value: string(town)}})
	require.NoError(t, err)
	require.Zero(t, n, "accounts of the erased town")
	require.Equal(t, http.StatusNotFound, h.do(t, req{method: "GET", path: "/api/v1/towns/" + string(town), token: admin}).StatusCode)

	awaitEvent(t, town, func(ev events.Envelope) bool { return ev.Type == events.TownErased })
	var audit struct {
		Items []struct {
			Action string            `json:"action"`
			Target map[string]string `json:"target"`
			Result int               `json:"result"`
		} `json:"items"`
	}
	h.do(t, req{method: "GET", path: "/api/v1/audit?limit=200", token: admin}).json(t, &audit)
	require.True(t, slices.ContainsFunc(audit.Items, func(a struct {
		Action string            `json:"action"`
		Target map[string]string `json:"target"`
		Result int               `json:"result"`
	}) bool {
		return a.Action == "eraseTown" && a.Target["town"] == string(town) && a.Result == http.StatusOK
	}), "the erasure is in the county's audit log")

	again := h.do(t, req{method: "GET", path: "/api/v1/towns/" + string(town) + "/exports/" + exportID, token: admin})
	require.Equal(t, http.StatusOK, again.StatusCode, "the archive outlives the town")
}

func untar(t *testing.T, r response) map[string]string {
	t.Helper()
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Equal(t, "application/gzip", r.Header.Get("Content-Type"))
	gz, err := gzip.NewReader(bytes.NewReader(r.body))
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	files := map[string]string{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		b, err := io.ReadAll(tr)
		require.NoError(t, err)
		files[hdr.Name] = string(b)
	}
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(files["manifest.json"]), &m))
	return files
}

func TestArchive_MakesTheTownReadOnly(t *testing.T) {
	t.Parallel()
	h := gw(t)
	_, admin := h.account(t, auth.CountyAdmin, "")
	town := h.newTown(t)
	_, townAdmin := h.account(t, auth.TownAdmin, town)

	r := h.do(t, req{method: "POST", path: "/api/v1/towns/" + string(town) + "/archive", token: admin})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Contains(t, string(r.body), `"status":"archived"`)
	awaitEvent(t, town, func(ev events.Envelope) bool { return ev.Type == events.TownArchived })

	add := h.do(t, req{method: "POST", path: "/api/v1/towns/" + string(town) + "/communities", token: townAdmin, body: map[string]string{}})
	require.Equal(t, http.StatusConflict, add.StatusCode)
	require.Equal(t, "town-archived", add.problem(t)["code"])
	list := h.do(t, req{method: "GET", path: "/api/v1/towns/" + string(town) + "/communities", token: townAdmin})
	require.Equal(t, http.StatusOK, list.StatusCode, "reading goes on")
	put := h.do(t, req{method: "PUT", path: "/api/v1/towns/" + string(town) + "/settings", token: townAdmin, body: map[string]any{
		"locationEvidence": "off", "photoEvidence": "optional", "diaryVisibility": "branch", "responseDueDays": 15, "rankingsShown": false,
	}})
	require.Equal(t, http.StatusConflict, put.StatusCode)
	again := h.do(t, req{method: "POST", path: "/api/v1/towns/" + string(town) + "/archive", token: admin})
	require.Equal(t, http.StatusConflict, again.StatusCode)
}
