package service_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/minio/minio-go/v7"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/httpx"
	"dundian.local/libs/process/processtest"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
	"dundian.local/services/fieldwork/internal/service"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// fieldwork is started once per test binary; every test uses its own towns.
var fieldwork = processtest.Shared(service.Name, service.Start)

func cadre(town tenancy.TownCode, id string) auth.Principal {
	return auth.Principal{AccountID: "acc-" + id, Role: auth.Cadre, Town: town, CadreID: id}
}

func office(town tenancy.TownCode) auth.Principal {
	return auth.Principal{AccountID: "office-" + string(town), Role: auth.TownAdmin, Town: town}
}

func secretary(town tenancy.TownCode, community string) auth.Principal {
	return auth.Principal{AccountID: "sec-" + community, Role: auth.BranchSecretary, Town: town, Community: tenancy.CommunityCode(community)}
}

type stayJSON struct {
	ID        string         `json:"id"`
	Cadre     string         `json:"cadre"`
	Community string         `json:"community"`
	End       *time.Time     `json:"end"`
	Location  map[string]any `json:"location"`
	MonthDays map[string]int `json:"monthDays"`
	Meals     []any          `json:"meals"`
}

type monthJSON struct {
	Days         []string `json:"days"`
	Minimum      int      `json:"minimum"`
	Count        int      `json:"count"`
	MeetsMinimum bool     `json:"meetsMinimum"`
	FirstStay    struct {
		Due string `json:"due"`
	} `json:"firstStay"`
}

// day is a Beijing day a few days back, inside the window a stay may be recorded for.
func day(back int) calendar.Date { return calendar.BeijingDay(time.Now()).AddDays(-back) }

func at(d calendar.Date, hour int) time.Time { return d.Start().Add(time.Duration(hour) * time.Hour) }

func base(town tenancy.TownCode) string { return "/api/v1/towns/" + string(town) }

// recordStay starts and ends a stay of the principal's cadre.
func recordStay(t *testing.T, s *processtest.Service, p auth.Principal, community string, from, to time.Time) stayJSON {
	t.Helper()
	r := s.Do(t, p, http.MethodPost, base(p.Town)+"/stays", map[string]any{"community": community, "start": from})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var st stayJSON
	r.JSON(t, &st)
	r = s.Do(t, p, http.MethodPost, base(p.Town)+"/stays/"+st.ID+"/end", map[string]any{"end": to})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &st)
	return st
}

func problemCode(t *testing.T, r processtest.Response) string {
	t.Helper()
	var p httpx.ProblemJSON
	r.JSON(t, &p)
	return p.Code
}

func TestStays_CountStationingDaysAndKeepTheMonthReadModel(t *testing.T) {
	t.Parallel()
	s := fieldwork(t)
	town := testkit.NewTown(t)
	community := string(town) + "201"
	c1 := cadre(town, "c1")
	d := day(3)

	r := s.Do(t, c1, http.MethodPost, base(town)+"/stays", map[string]any{"community": community, "start": at(d, 8)})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var open stayJSON
	r.JSON(t, &open)
	require.Nil(t, open.End)
	require.Equal(t, "c1", open.Cadre)

	r = s.Do(t, c1, http.MethodPost, base(town)+"/stays", map[string]any{"community": community})
	require.Equal(t, http.StatusConflict, r.Status, "a second stay while one is open")
	require.Equal(t, "stay-open", problemCode(t, r))

	r = s.Do(t, c1, http.MethodPost, base(town)+"/stays/"+open.ID+"/end", map[string]any{"end": at(d, 16)})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	// An overnight stay from 18:00 to 09:00 adds the evening of d and the morning after.
	second := recordStay(t, s, c1, community, at(d, 18), at(d.AddDays(1), 9))
	month := d.YearMonth().String()
	require.Contains(t, second.MonthDays, month)

	r = s.Do(t, c1, http.MethodGet, base(town)+"/stays/months/"+d.YearMonth().String(), nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var m monthJSON
	r.JSON(t, &m)
	require.Contains(t, m.Days, d.String())
	require.Equal(t, len(m.Days), m.Count)
	require.Equal(t, m.Count >= m.Minimum, m.MeetsMinimum)
	require.Equal(t, "-04-30", m.FirstStay.Due[4:])

	var stored struct {
		Count int `bson:"count"`
	}
	require.NoError(t, testkit.Mongo(t).Database(town.Database()).Collection("fieldwork_cadre_months").
		FindOne(context.Background(), bson.D{{Key: "_id", Value: "c1|" + month}}).Decode(&stored))
	require.Equal(t, second.MonthDays[month], stored.Count, "the read model holds the month's count")

	// Another cadre neither sees the stay nor ends it; the town office sees it.
	c2 := cadre(town, "c2")
	require.Equal(t, http.StatusNotFound, s.Do(t, c2, http.MethodGet, base(town)+"/stays/"+open.ID, nil).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, c2, http.MethodPost, base(town)+"/stays/"+open.ID+"/meal-payments",
		map[string]any{"amountFen": 1500}).Status)
	require.Equal(t, http.StatusOK, s.Do(t, office(town), http.MethodGet, base(town)+"/stays/"+open.ID, nil).Status)

	// Meal payments are recorded per stay (S1).
	r = s.Do(t, c1, http.MethodPost, base(town)+"/stays/"+open.ID+"/meal-payments", map[string]any{"amountFen": 1500, "note": "午饭"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var paid stayJSON
	r.JSON(t, &paid)
	require.Len(t, paid.Meals, 1)
}

func TestStays_TownOfficeRecordsForACadre_LocationOffByDefault(t *testing.T) {
	t.Parallel()
	s := fieldwork(t)
	town := testkit.NewTown(t)
	community := string(town) + "201"
	r := s.Do(t, office(town), http.MethodPost, base(town)+"/stays", map[string]any{"community": community})
	require.Equal(t, http.StatusBadRequest, r.Status, "the office must say for which cadre")
	r = s.Do(t, office(town), http.MethodPost, base(town)+"/stays", map[string]any{
		"community": community, "cadre": "c9", "location": map[string]any{"lat": 38.8, "lng": 114.2}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var st stayJSON
	r.JSON(t, &st)
	require.Equal(t, "c9", st.Cadre)
	require.Nil(t, st.Location, "location evidence is off unless the town turns it on")

	noCadre := auth.Principal{AccountID: "acc-x", Role: auth.Cadre, Town: town}
	r = s.Do(t, noCadre, http.MethodPost, base(town)+"/stays", map[string]any{"community": community})
	require.Equal(t, http.StatusForbidden, r.Status, "an account not linked to a cadre")
	r = s.Do(t, cadre(town, "c1"), http.MethodPost, base(town)+"/stays", map[string]any{"community": "130624101201"})
	require.Equal(t, http.StatusBadRequest, r.Status, "a community of another town")
}

func TestStays_RetryWithTheSameIdempotencyKey_CreatesOneStay(t *testing.T) {
	t.Parallel()
	s := fieldwork(t)
	town := testkit.NewTown(t)
	c1 := cadre(town, "c1")
	body := map[string]any{"community": string(town) + "201", "start": at(day(2), 8)}
	key := uuid.NewString()
	first := s.Do(t, c1, http.MethodPost, base(town)+"/stays", body, httpx.HeaderIdempotencyKey, key)
	require.Equal(t, http.StatusCreated, first.Status, string(first.Body))
	again := s.Do(t, c1, http.MethodPost, base(town)+"/stays", body, httpx.HeaderIdempotencyKey, key)
	require.Equal(t, http.StatusCreated, again.Status, string(again.Body))
	require.Equal(t, "true", again.Header.Get(httpx.HeaderIdempotentReplayed))
	require.JSONEq(t, string(first.Body), string(again.Body))

	r := s.Do(t, c1, http.MethodGet, base(town)+"/stays?month="+day(2).YearMonth().String(), nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var page httpx.Page[stayJSON]
	r.JSON(t, &page)
	require.Len(t, page.Items, 1)
}

type sheetJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Rows   []struct {
		Cadre string `json:"cadre"`
		Count int    `json:"count"`
	} `json:"rows"`
}

func TestAttendanceSheet_ConfirmedByTheBranch_LocksTheMonth(t *testing.T) {
	t.Parallel()
	s := fieldwork(t)
	town := testkit.NewTown(t)
	community := string(town) + "201"
	c1 := cadre(town, "c1")
	d := day(5)
	st := recordStay(t, s, c1, community, at(d, 8), at(d, 17))

	r := s.Do(t, office(town), http.MethodPost, base(town)+"/attendance-sheets", map[string]any{"community": community, "month": d.YearMonth().String()})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var sh sheetJSON
	r.JSON(t, &sh)
	require.Equal(t, "pending", sh.Status)
	require.Len(t, sh.Rows, 1)
	require.Equal(t, "c1", sh.Rows[0].Cadre)
	require.GreaterOrEqual(t, sh.Rows[0].Count, 1)

	path := base(town) + "/attendance-sheets/" + sh.ID
	other := secretary(town, string(town)+"202")
	require.Equal(t, http.StatusNotFound, s.Do(t, other, http.MethodPost, path+"/confirm", nil).Status, "another community's secretary")
	require.Equal(t, http.StatusForbidden, s.Do(t, c1, http.MethodPost, path+"/confirm", nil).Status, "a cadre cannot confirm")
	mine := secretary(town, community)
	r = s.Do(t, mine, http.MethodPost, path+"/dispute", map[string]any{})
	require.Equal(t, http.StatusBadRequest, r.Status, "a dispute needs a comment")
	r = s.Do(t, mine, http.MethodPost, path+"/dispute", map[string]any{"comment": "15日未到岗"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r = s.Do(t, office(town), http.MethodPost, base(town)+"/attendance-sheets", map[string]any{"community": community, "month": d.YearMonth().String()})
	require.Equal(t, http.StatusCreated, r.Status, "a disputed sheet is regenerated: %s", r.Body)
	r = s.Do(t, mine, http.MethodPost, path+"/confirm", map[string]any{"comment": "属实"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &sh)
	require.Equal(t, "confirmed", sh.Status)

	// The month is locked: no meal payment on the stay, no new stay in it, no regeneration.
	r = s.Do(t, c1, http.MethodPost, base(town)+"/stays/"+st.ID+"/meal-payments", map[string]any{"amountFen": 1000})
	require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
	require.Equal(t, "attendance-month-locked", problemCode(t, r))
	r = s.Do(t, c1, http.MethodPost, base(town)+"/stays", map[string]any{"community": community, "start": at(d, 19)})
	require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
	require.Equal(t, "attendance-month-locked", problemCode(t, r))
	r = s.Do(t, office(town), http.MethodPost, base(town)+"/attendance-sheets", map[string]any{"community": community, "month": d.YearMonth().String()})
	require.Equal(t, http.StatusConflict, r.Status)
	require.Equal(t, http.StatusConflict, s.Do(t, mine, http.MethodPost, path+"/dispute", map[string]any{"comment": "x"}).Status)

	// The branch sees its sheets; another branch does not.
	r = s.Do(t, mine, http.MethodGet, base(town)+"/attendance-sheets", nil)
	require.Equal(t, http.StatusOK, r.Status)
	var page httpx.Page[sheetJSON]
	r.JSON(t, &page)
	require.Len(t, page.Items, 1)
	require.Equal(t, http.StatusNotFound, s.Do(t, other, http.MethodGet, path, nil).Status)
}

type entryJSON struct {
	ID      string `json:"id"`
	Text    string `json:"text"`
	History []struct {
		Content struct {
			Text string `json:"text"`
		} `json:"content"`
	} `json:"history"`
}

func TestDiaries_ReadOnlyByAuthorTownOfficeAndTheirBranch(t *testing.T) {
	t.Parallel()
	s := fieldwork(t)
	town := testkit.NewTown(t)
	community := string(town) + "201"
	c1 := cadre(town, "c1")
	r := s.Do(t, c1, http.MethodPost, base(town)+"/diaries", map[string]any{
		"community": community, "date": day(0).String(), "text": "今天走访了三户，听到群众对道路硬化的期盼。", "task": "T1", "peopleReached": 3})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var diary entryJSON
	r.JSON(t, &diary)
	path := base(town) + "/diaries/" + diary.ID

	for name, tc := range map[string]struct {
		p      auth.Principal
		status int
	}{
		"the author":                       {c1, http.StatusOK},
		"the town office":                  {office(town), http.StatusOK},
		"the branch of its community":      {secretary(town, community), http.StatusOK},
		"another cadre":                    {cadre(town, "c2"), http.StatusNotFound},
		"the branch of another community":  {secretary(town, string(town)+"202"), http.StatusNotFound},
		"the county (diaries are private)": {auth.Principal{AccountID: "county", Role: auth.CountyAdmin}, http.StatusForbidden},
	} {
		require.Equal(t, tc.status, s.Do(t, tc.p, http.MethodGet, path, nil).Status, name)
	}
	r = s.Do(t, cadre(town, "c2"), http.MethodGet, base(town)+"/diaries", nil)
	require.Equal(t, http.StatusOK, r.Status)
	var page httpx.Page[entryJSON]
	r.JSON(t, &page)
	require.Empty(t, page.Items, "another cadre's list holds none of c1's diaries")

	// Edits keep the previous version; only the author edits.
	edit := map[string]any{"community": community, "date": day(0).String(), "text": "补记：道路硬化涉及两个村民小组。"}
	require.Equal(t, http.StatusNotFound, s.Do(t, cadre(town, "c2"), http.MethodPatch, path, edit).Status)
	r = s.Do(t, c1, http.MethodPatch, path, edit)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var edited entryJSON
	r.JSON(t, &edited)
	require.Equal(t, "补记：道路硬化涉及两个村民小组。", edited.Text)
	require.Len(t, edited.History, 1)
	require.Equal(t, "今天走访了三户，听到群众对道路硬化的期盼。", edited.History[0].Content.Text)
}

func TestWorkLogs_Isolation(t *testing.T) {
	t.Parallel()
	s := fieldwork(t)
	mine, theirs := testkit.NewTown(t), testkit.NewTown(t)
	r := s.Do(t, cadre(theirs, "c1"), http.MethodPost, base(theirs)+"/work-logs", map[string]any{
		"community": string(theirs) + "201", "date": day(0).String(), "text": "宣讲惠农政策", "task": "T2", "activityType": "集中宣讲"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var log entryJSON
	r.JSON(t, &log)

	require.Equal(t, http.StatusNotFound, s.Do(t, office(mine), http.MethodGet, base(mine)+"/work-logs/"+log.ID, nil).Status,
		"another town's log through my town")
	require.Equal(t, http.StatusNotFound, s.Do(t, office(mine), http.MethodGet, base(theirs)+"/work-logs/"+log.ID, nil).Status,
		"another town's path")
	require.Equal(t, http.StatusNotFound, s.Do(t, cadre(mine, "c1"), http.MethodPost, base(theirs)+"/stays",
		map[string]any{"community": string(theirs) + "201"}).Status)
	r = s.Do(t, office(mine), http.MethodGet, base(mine)+"/work-logs", nil)
	var page httpx.Page[entryJSON]
	r.JSON(t, &page)
	require.Empty(t, page.Items)
}

// upload sends a raw file body to the attachment route.
func upload(t *testing.T, s *processtest.Service, p auth.Principal, id, name string, body io.Reader, size int64) processtest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, s.URL+base(p.Town)+"/attachments/"+id+"?name="+name, body)
	require.NoError(t, err)
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/octet-stream")
	tok, err := s.Signer.Sign(p)
	require.NoError(t, err)
	req.Header.Set(auth.InternalHeader, tok)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return processtest.Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 64, 48))))
	return b.Bytes()
}

// bombPNG is a valid PNG header declaring w×h pixels, and no pixel data.
func bombPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2
	chunk := append([]byte("IHDR"), ihdr...)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	b.Write(make([]byte, 4096))
	return b.Bytes()
}

func objectExists(t *testing.T, town tenancy.TownCode, id string) bool {
	t.Helper()
	mc := testkit.Minio(t)
	opts := minio.ListObjectsOptions{Prefix: string(town) + "/fieldwork/attachment/" + id, Recursive: true}
	for o := range mc.ListObjects(context.Background(), testkit.Stack(t).S3Bucket, opts) {
		if o.Err == nil {
			return true
		}
	}
	return false
}

type attachmentJSON struct {
	ID          string `json:"id"`
	ContentType string `json:"contentType"`
	Width       int    `json:"width"`
	Name        string `json:"name"`
}

func TestAttachments_UploadLimitsAndRetry(t *testing.T) {
	t.Parallel()
	s := fieldwork(t)
	town := testkit.NewTown(t)
	c1 := cadre(town, "c1")

	id := uuid.NewString()
	photo := pngBytes(t)
	r := upload(t, s, c1, id, "走访.png", bytes.NewReader(photo), int64(len(photo)))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var a attachmentJSON
	r.JSON(t, &a)
	require.Equal(t, "image/png", a.ContentType)
	require.Equal(t, 64, a.Width)
	r = upload(t, s, c1, id, "走访.png", bytes.NewReader(photo), int64(len(photo)))
	require.Equal(t, http.StatusOK, r.Status, "a retry of the same upload finds it: %s", r.Body)
	require.Equal(t, http.StatusConflict, upload(t, s, cadre(town, "c2"), id, "x.png", bytes.NewReader(photo), int64(len(photo))).Status,
		"another cadre cannot take the id")

	html := []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")
	hid := uuid.NewString()
	r = upload(t, s, c1, hid, "photo.jpg", bytes.NewReader(html), int64(len(html)))
	require.Equal(t, http.StatusUnsupportedMediaType, r.Status, string(r.Body))
	require.False(t, objectExists(t, town, hid))

	bomb := bombPNG(100_000, 100_000)
	bid := uuid.NewString()
	r = upload(t, s, c1, bid, "bomb.png", bytes.NewReader(bomb), int64(len(bomb)))
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	require.Equal(t, "image-dimensions", problemCode(t, r))
	require.False(t, objectExists(t, town, bid), "nothing is stored of a refused upload")

	// A JPEG over its 15 MB limit, of unknown length (streamed), is refused while it streams.
	var jb bytes.Buffer
	require.NoError(t, jpeg.Encode(&jb, image.NewRGBA(image.Rect(0, 0, 32, 32)), nil))
	big := io.MultiReader(bytes.NewReader(jb.Bytes()), io.LimitReader(zeros{}, 16<<20))
	oid := uuid.NewString()
	r = upload(t, s, c1, oid, "big.jpg", big, -1)
	require.Equal(t, http.StatusRequestEntityTooLarge, r.Status, string(r.Body))
	require.False(t, objectExists(t, town, oid), "no orphaned object after a failed upload")

	// A declared length over every limit is refused without reading the body.
	require.Equal(t, http.StatusRequestEntityTooLarge, headOnly(t, s, c1, uuid.NewString(), 130<<20))
}

// headOnly sends the head of an upload declaring size bytes, and a small part of it.
func headOnly(t *testing.T, s *processtest.Service, p auth.Principal, id string, size int64) int {
	t.Helper()
	u, err := url.Parse(s.URL)
	require.NoError(t, err)
	conn, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(30*time.Second)))
	tok, err := s.Signer.Sign(p)
	require.NoError(t, err)
	_, err = fmt.Fprintf(conn, "PUT %s/attachments/%s?name=huge.pdf HTTP/1.1\r\nHost: %s\r\n%s: %s\r\nContent-Length: %d\r\n\r\n",
		base(p.Town), id, u.Host, auth.InternalHeader, tok, size)
	require.NoError(t, err)
	// The server reads ahead up to its ordinary body limit (1 MB) before the handler runs;
	// send a little more than that, nowhere near the declared size.
	go func() { _, _ = io.Copy(conn, io.LimitReader(zeros{}, 2<<20)) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	return resp.StatusCode
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestAttachments_DownloadFollowsTheRecordAndTheTown(t *testing.T) {
	t.Parallel()
	s := fieldwork(t)
	mine, theirs := testkit.NewTown(t), testkit.NewTown(t)
	photo := pngBytes(t)

	theirID := uuid.NewString()
	require.Equal(t, http.StatusCreated, upload(t, s, cadre(theirs, "c1"), theirID, "p.png", bytes.NewReader(photo), int64(len(photo))).Status)
	r := s.Do(t, office(mine), http.MethodGet, base(mine)+"/attachments/"+theirID+"/url", nil)
	require.Equal(t, http.StatusNotFound, r.Status, "no URL for another town's object through my town")
	r = s.Do(t, office(mine), http.MethodGet, base(theirs)+"/attachments/"+theirID+"/url", nil)
	require.Equal(t, http.StatusNotFound, r.Status, "nor through theirs")

	// An attachment of a diary is downloaded by whoever may read the diary, and nobody else.
	c1 := cadre(mine, "c1")
	id := uuid.NewString()
	require.Equal(t, http.StatusCreated, upload(t, s, c1, id, "p.png", bytes.NewReader(photo), int64(len(photo))).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, cadre(mine, "c2"), http.MethodGet, base(mine)+"/attachments/"+id+"/url", nil).Status)
	r = s.Do(t, c1, http.MethodPost, base(mine)+"/diaries", map[string]any{
		"community": string(mine) + "201", "date": day(0).String(), "text": "照片见附件", "attachments": []string{id}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	require.Equal(t, http.StatusNotFound, s.Do(t, secretary(mine, string(mine)+"202"), http.MethodGet, base(mine)+"/attachments/"+id+"/url", nil).Status)
	r = s.Do(t, secretary(mine, string(mine)+"201"), http.MethodGet, base(mine)+"/attachments/"+id+"/url", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var dl struct {
		URL string `json:"url"`
	}
	r.JSON(t, &dl)
	resp, err := http.Get(dl.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, photo, got)

	r = s.Do(t, cadre(mine, "c2"), http.MethodPost, base(mine)+"/work-logs", map[string]any{
		"community": string(mine) + "201", "date": day(0).String(), "text": "借用别人的照片", "attachments": []string{id}})
	require.Equal(t, http.StatusForbidden, r.Status, "only one's own attachments: %s", r.Body)
}

type reportJSON struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Comment string `json:"comment"`
}

func TestResearchReports_SubmittedToAndReviewedByTheTownOffice(t *testing.T) {
	t.Parallel()
	s := fieldwork(t)
	town := testkit.NewTown(t)
	c1 := cadre(town, "c1")
	photo := pngBytes(t)
	att := uuid.NewString()
	require.Equal(t, http.StatusCreated, upload(t, s, c1, att, "p.png", bytes.NewReader(photo), int64(len(photo))).Status)

	r := s.Do(t, c1, http.MethodPost, base(town)+"/research-reports", map[string]any{
		"community": string(town) + "201", "title": "关于村道硬化的调研", "situation": "全村6公里土路", "attachments": []string{att}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var rep reportJSON
	r.JSON(t, &rep)
	require.Equal(t, "draft", rep.Status)
	path := base(town) + "/research-reports/" + rep.ID

	r = s.Do(t, c1, http.MethodPost, path+"/submit", nil)
	require.Equal(t, http.StatusBadRequest, r.Status, "situation, analysis and suggestions are all needed")
	full := map[string]any{"title": "关于村道硬化的调研", "situation": "全村6公里土路", "analysis": "资金缺口40万元",
		"suggestions": "申请一事一议财政奖补", "attachments": []string{att}}
	require.Equal(t, http.StatusOK, s.Do(t, c1, http.MethodPatch, path, full).Status)
	require.Equal(t, http.StatusOK, s.Do(t, c1, http.MethodPost, path+"/submit", nil).Status)

	require.Equal(t, http.StatusNotFound, s.Do(t, cadre(town, "c2"), http.MethodGet, path, nil).Status, "another cadre")
	require.Equal(t, http.StatusForbidden, s.Do(t, secretary(town, string(town)+"201"), http.MethodGet, path, nil).Status, "reports go to the office, not the branch")
	require.Equal(t, http.StatusForbidden, s.Do(t, c1, http.MethodPost, path+"/review", map[string]any{"accept": true}).Status)

	r = s.Do(t, office(town), http.MethodPost, path+"/review", map[string]any{"accept": false})
	require.Equal(t, http.StatusBadRequest, r.Status, "a return needs a comment")
	r = s.Do(t, office(town), http.MethodPost, path+"/review", map[string]any{"accept": false, "comment": "请补充受益户数"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &rep)
	require.Equal(t, "returned", rep.Status)
	require.Equal(t, http.StatusOK, s.Do(t, c1, http.MethodPatch, path, full).Status, "a returned report is edited again")
	require.Equal(t, http.StatusOK, s.Do(t, c1, http.MethodPost, path+"/submit", nil).Status)
	r = s.Do(t, office(town), http.MethodPost, path+"/review", map[string]any{"accept": true})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &rep)
	require.Equal(t, "accepted", rep.Status)
	require.Equal(t, http.StatusConflict, s.Do(t, c1, http.MethodPatch, path, full).Status, "an accepted report is final")

	// Its attachment follows the report's readers.
	require.Equal(t, http.StatusOK, s.Do(t, auth.Principal{AccountID: "leader", Role: auth.TownLeader, Town: town}, http.MethodGet,
		base(town)+"/attachments/"+att+"/url", nil).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, secretary(town, string(town)+"201"), http.MethodGet, base(town)+"/attachments/"+att+"/url", nil).Status)

	r = s.Do(t, office(town), http.MethodGet, base(town)+"/research-reports", nil)
	var page httpx.Page[reportJSON]
	r.JSON(t, &page)
	require.Len(t, page.Items, 1)
}

func TestServiceStations_RecordedByTheOfficeOrACadreStationedThere(t *testing.T) {
	t.Parallel()
	s := fieldwork(t)
	town, other := testkit.NewTown(t), testkit.NewTown(t)
	community := string(town) + "201"
	path := base(town) + "/service-stations/" + community
	c1 := cadre(town, "c1")
	planned := map[string]any{"status": "planned", "services": []string{"代办社保", "代缴电费"}}

	r := s.Do(t, c1, http.MethodPut, path, planned)
	require.Equal(t, http.StatusForbidden, r.Status, "no stay in the community yet: %s", r.Body)
	recordStay(t, s, c1, community, at(day(4), 8), at(day(4), 14))
	r = s.Do(t, c1, http.MethodPut, path, planned)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))

	r = s.Do(t, office(town), http.MethodPut, path, map[string]any{"status": "open"})
	require.Equal(t, http.StatusBadRequest, r.Status, "an open station needs its opening day")
	r = s.Do(t, office(town), http.MethodPut, path, map[string]any{"status": "open", "opened": day(1).String(), "note": "村委会一楼"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var st struct {
		Status   string   `json:"status"`
		Opened   string   `json:"opened"`
		History  []any    `json:"history"`
		Services []string `json:"services"`
	}
	r.JSON(t, &st)
	require.Equal(t, "open", st.Status)
	require.Len(t, st.History, 2)

	require.Equal(t, http.StatusForbidden, s.Do(t, secretary(town, community), http.MethodPut, path, planned).Status)
	require.Equal(t, http.StatusOK, s.Do(t, secretary(town, community), http.MethodGet, path, nil).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, office(other), http.MethodGet, base(other)+"/service-stations/"+community, nil).Status,
		"a community of another town is not found")
	r = s.Do(t, office(other), http.MethodGet, base(other)+"/service-stations", nil)
	var page httpx.Page[map[string]any]
	r.JSON(t, &page)
	require.Empty(t, page.Items)
}

func TestAttachments_ServedCopyHasNoExif(t *testing.T) {
	t.Parallel()
	s := fieldwork(t)
	town := testkit.NewTown(t)
	c1 := cadre(town, "c1")
	var j bytes.Buffer
	require.NoError(t, jpeg.Encode(&j, image.NewRGBA(image.Rect(0, 0, 40, 30)), nil))
	payload := []byte("Exif\x00\x00MM\x00*GPSLatitude=38.8")
	seg := []byte{0xff, 0xe1, 0, byte(len(payload) + 2)}
	photo := append(append(append([]byte{0xff, 0xd8}, seg...), payload...), j.Bytes()[2:]...)

	id := uuid.NewString()
	r := upload(t, s, c1, id, "gps.jpg", bytes.NewReader(photo), int64(len(photo)))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	r = s.Do(t, c1, http.MethodGet, base(town)+"/attachments/"+id+"/url", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var dl struct {
		URL string `json:"url"`
	}
	r.JSON(t, &dl)
	resp, err := http.Get(dl.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NotContains(t, string(got), "GPSLatitude", "the camera's position is not in the served copy")
	img, err := jpeg.Decode(bytes.NewReader(got))
	require.NoError(t, err)
	require.Equal(t, 40, img.Bounds().Dx())
}

// TestAttachments_LargeUploadStreams_MemoryStaysFlat sends a 100 MB video and watches the heap
// of this process (the service runs in it): the upload streams through a part buffer instead
// of being held whole.
func TestAttachments_LargeUploadStreams_MemoryStaysFlat(t *testing.T) {
	s := fieldwork(t)
	town := testkit.NewTown(t)
	const size = 100 << 20
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	body := io.MultiReader(bytes.NewReader([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")), io.LimitReader(zeros{}, size))
	r := upload(t, s, cadre(town, "c1"), uuid.NewString(), "会议.mp4", body, -1)
	close(stop)
	<-done
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	grew := int64(peak.Load()) - int64(before.HeapInuse)
	t.Logf("heap in use grew by %d KB while %d MB streamed", grew>>10, size>>20)
	// One 5 MB part buffer, the read-ahead and the HTTP machinery; a buffered upload would
	// add the whole 100 MB.
	require.Less(t, grew, int64(20<<20), "the heap grew by %d MB while 100 MB streamed", grew>>20)
	var a attachmentJSON
	r.JSON(t, &a)
	require.Equal(t, "video/mp4", a.ContentType)
	require.Equal(t, "会议.mp4", a.Name)
}

func TestActivities_RectificationMeasuresTrackedToVerification(t *testing.T) {
	t.Parallel()
	s := fieldwork(t)
	town := testkit.NewTown(t)
	community := string(town) + "201"
	c1 := cadre(town, "c1")

	r := s.Do(t, c1, http.MethodPost, base(town)+"/activities", map[string]any{
		"community": community, "task": "T3", "type": "subsidy_review", "date": day(0).String(),
		"title": "惠农补贴清查", "participants": 40, "serviceKinds": []string{"policy"}, "findings": "2户耕地补贴漏发"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var review struct {
		ID string `json:"id"`
	}
	r.JSON(t, &review)
	r = s.Do(t, c1, http.MethodPost, base(town)+"/activities/"+review.ID+"/measures", map[string]any{"title": "补发"})
	require.Equal(t, http.StatusBadRequest, r.Status, "a subsidy review tracks no rectification measures")

	r = s.Do(t, c1, http.MethodPost, base(town)+"/activities", map[string]any{
		"community": community, "task": "T5", "type": "weak_org_rectification", "date": day(0).String(), "title": "软弱涣散党支部整顿"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var act struct {
		ID string `json:"id"`
	}
	r.JSON(t, &act)
	r = s.Do(t, c1, http.MethodPost, base(town)+"/activities/"+act.ID+"/measures", map[string]any{"title": "每月召开支部委员会", "due": day(-30).String()})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var m struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Owner  struct {
			Kind string `json:"kind"`
			ID   string `json:"id"`
		} `json:"owner"`
	}
	r.JSON(t, &m)
	require.Equal(t, "open", m.Status)
	require.Equal(t, community, m.Owner.ID, "the community's party organisation answers for it")

	mine := secretary(town, community)
	move := func(p auth.Principal, step string, body any) processtest.Response {
		return s.Do(t, p, http.MethodPost, base(town)+"/measures/"+m.ID+"/"+step, body)
	}
	require.Equal(t, http.StatusNotFound, move(secretary(town, string(town)+"202"), "start", nil).Status, "another branch")
	require.Equal(t, http.StatusOK, move(mine, "start", nil).Status)
	require.Equal(t, http.StatusOK, move(mine, "complete", map[string]any{"note": "已建立制度"}).Status)
	require.Equal(t, http.StatusForbidden, move(mine, "verify", nil).Status, "the branch does not verify its own work")
	r = move(office(town), "verify", map[string]any{"note": "查阅会议记录属实"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &m)
	require.Equal(t, "verified", m.Status)
	require.Equal(t, http.StatusNotFound, move(office(town), "approve", nil).Status, "no such step")

	r = s.Do(t, mine, http.MethodGet, base(town)+"/activities/"+act.ID+"/measures", nil)
	require.Equal(t, http.StatusOK, r.Status)
	var page httpx.Page[map[string]any]
	r.JSON(t, &page)
	require.Len(t, page.Items, 1)
	r = s.Do(t, mine, http.MethodGet, base(town)+"/activities", nil)
	r.JSON(t, &page)
	require.Len(t, page.Items, 2, "the branch sees its community's activities")
	r = s.Do(t, cadre(town, "c2"), http.MethodGet, base(town)+"/activities", nil)
	r.JSON(t, &page)
	require.Empty(t, page.Items)
}

// publish puts a platform event on its topic, as the gateway does.
func publish(t *testing.T, ev events.Envelope) {
	t.Helper()
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	require.NoError(t, pub.Publish(context.Background(), events.Topic(events.Platform), ev))
}

func TestPlatformEvents_TownSettingsAndProgrammeCalendarApply(t *testing.T) {
	t.Parallel()
	s := fieldwork(t)
	town := testkit.NewTown(t)
	community := string(town) + "201"

	ev := events.MustNew(events.SettingsChanged, town, "office", "settings", map[string]any{
		"town": town, "locationEvidence": "required", "photoEvidence": "optional", "diaryVisibility": "town_office"})
	ev.Rev = 2
	publish(t, ev)
	n := 0
	testkit.Eventually(t, 60*time.Second, func() bool {
		n++ // a new cadre each try: a try before the settings arrived leaves an open stay
		r := s.Do(t, cadre(town, fmt.Sprintf("probe%d", n)), http.MethodPost, base(town)+"/stays", map[string]any{"community": community})
		return r.Status == http.StatusBadRequest && problemCode(t, r) == "location-required"
	})
	r := s.Do(t, cadre(town, "c1"), http.MethodPost, base(town)+"/stays", map[string]any{
		"community": community, "location": map[string]any{"lat": 38.85, "lng": 114.15, "accuracy": 20}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var st stayJSON
	r.JSON(t, &st)
	require.NotNil(t, st.Location, "kept as evidence where the town asks for it")
	r = s.Do(t, secretary(town, community), http.MethodGet, base(town)+"/stays/"+st.ID, nil)
	require.Equal(t, http.StatusOK, r.Status)
	var seen stayJSON
	r.JSON(t, &seen)
	require.Nil(t, seen.Location, "the branch does not see the location")
	require.Equal(t, http.StatusForbidden, s.Do(t, secretary(town, community), http.MethodGet, base(town)+"/diaries", nil).Status,
		"this town keeps diaries from the branch")

	// The county's programme calendar is county-wide: a year no other test touches raises
	// the monthly minimum to 3 days.
	const year = 2091
	prog := calendar.DefaultProgramme(year)
	prog.MinStationingDaysPerMonth = 3
	cal := events.MustNew(events.CalendarChanged, "", "county", fmt.Sprintf("programme-%d", year), map[string]any{
		"part": "programme", "year": year, "programme": prog})
	cal.Rev = time.Now().UnixNano()
	publish(t, cal)
	month := fmt.Sprintf("%d-05", year)
	testkit.Eventually(t, 60*time.Second, func() bool {
		r := s.Do(t, cadre(town, "c1"), http.MethodGet, base(town)+"/stays/months/"+month, nil)
		var m struct {
			Minimum int `json:"minimum"`
		}
		r.JSON(t, &m)
		return m.Minimum == 3
	})
}

func TestStays_FollowTheCadresLinkFromPersonnel(t *testing.T) {
	t.Parallel()
	s := fieldwork(t)
	town := testkit.NewTown(t)
	linked, other := string(town)+"201", string(town)+"202"
	c1 := cadre(town, "c1")
	year := calendar.BeijingDay(time.Now()).Year
	link := func(community string, rev int64) {
		typ := events.AssignmentLinked
		if community == "" {
			typ = events.AssignmentEnded
		}
		ev := events.MustNew(typ, town, "office", fmt.Sprintf("c1|%d", year), events.AssignmentData{
			ID: fmt.Sprintf("c1|%d", year), Town: string(town), Cadre: "c1", Year: year, Community: community})
		ev.Rev = rev
		pub := bus.NewPublisher(testkit.Brokers(t))
		defer pub.Close()
		require.NoError(t, pub.Publish(context.Background(), events.Topic(events.Personnel), ev))
	}

	link(linked, 1)
	testkit.Eventually(t, 60*time.Second, func() bool {
		var m struct {
			Linked string `json:"linked"`
		}
		s.Do(t, c1, http.MethodGet, base(town)+"/stays/months/"+day(0).YearMonth().String(), nil).JSON(t, &m)
		return m.Linked == linked
	})
	r := s.Do(t, c1, http.MethodPost, base(town)+"/stays", map[string]any{"community": other, "start": at(day(2), 8)})
	require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
	require.Equal(t, "stay-community-not-linked", problemCode(t, r))
	recordStay(t, s, c1, linked, at(day(2), 8), at(day(2), 14))

	// An older event arriving late changes nothing; the end of the link stops new stays.
	link(other, 1)
	link("", 2)
	testkit.Eventually(t, 60*time.Second, func() bool {
		r := s.Do(t, c1, http.MethodPost, base(town)+"/stays", map[string]any{"community": linked, "start": at(day(1), 8)})
		return r.Status == http.StatusConflict && problemCode(t, r) == "stay-link-ended"
	})
	r = s.Do(t, c1, http.MethodPost, base(town)+"/stays", map[string]any{"community": other, "start": at(day(1), 8)})
	require.Equal(t, "stay-link-ended", problemCode(t, r), "the late event for %s did not apply", other)
}
