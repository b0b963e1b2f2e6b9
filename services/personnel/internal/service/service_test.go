package service_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/httpx"
	"dundian.local/libs/process/processtest"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
	"dundian.local/services/personnel/internal/service"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// personnel is started once per test binary; every test uses its own towns.
var personnel = processtest.Shared(service.Name, service.Start)

type communityJSON struct {
	Code               string `json:"code"`
	Town               string `json:"town"`
	Name               string `json:"name"`
	Branch             string `json:"branch"`
	Secretary          string `json:"secretary"`
	DemonstrationPoint bool   `json:"demonstrationPoint"`
	Archived           bool   `json:"archived"`
	Rev                int64  `json:"rev"`
}

func townCreated(t *testing.T, town tenancy.TownCode, names ...string) events.Envelope {
	t.Helper()
	data := events.TownCreatedData{Code: string(town), Name: "测试镇", County: string(town.County())}
	for i, n := range names {
		data.Communities = append(data.Communities, events.CommunityName{Code: string(town) + "20" + string(rune('0'+i)), Name: n})
	}
	ev := events.MustNew(events.TownCreated, town, "county-admin", string(town), data)
	ev.Rev = 1
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	require.NoError(t, pub.Publish(context.Background(), events.Topic(events.Platform), ev))
	return ev
}

func admin(town tenancy.TownCode) auth.Principal {
	return auth.Principal{AccountID: "office-" + string(town), Role: auth.TownAdmin, Town: town}
}

func list(t *testing.T, s *processtest.Service, town tenancy.TownCode) []communityJSON {
	t.Helper()
	r := s.Do(t, admin(town), http.MethodGet, "/api/v1/towns/"+string(town)+"/communities", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var page httpx.Page[communityJSON]
	r.JSON(t, &page)
	return page.Items
}

func TestTownCreated_CreatesItsCommunitiesOnce(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	ev := townCreated(t, town, "城厢村", "青沿村", "第一山村")
	testkit.Eventually(t, 60*time.Second, func() bool { return len(list(t, s, town)) == 3 })

	// The same event again (a redelivery) and a re-import change nothing.
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	require.NoError(t, pub.Publish(context.Background(), events.Topic(events.Platform), ev))
	townCreated(t, town, "城厢村", "青沿村", "第一山村")
	time.Sleep(2 * time.Second)
	got := list(t, s, town)
	require.Len(t, got, 3)
	require.Equal(t, "城厢村", got[0].Name)
	for _, c := range got {
		require.EqualValues(t, 1, c.Rev, "no community was written twice")
	}
}

func TestAddCommunity_ByTownOffice_EmitsEvent(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	code := string(town) + "299"
	r := s.Do(t, admin(town), http.MethodPost, "/api/v1/towns/"+string(town)+"/communities",
		map[string]string{"code": code, "name": "新建社区", "branch": "新建社区党支部", "secretary": "李书记"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var c communityJSON
	r.JSON(t, &c)
	require.Equal(t, code, c.Code)
	require.Equal(t, "新建社区党支部", c.Branch)

	// The event reached the personnel topic with the community's state.
	reader := kafka.NewReader(kafka.ReaderConfig{Brokers: testkit.Brokers(t), GroupID: "t-" + uuid.NewString(),
		GroupTopics: []string{events.Topic(events.Personnel)}, StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond})
	defer reader.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		m, err := reader.ReadMessage(ctx)
		require.NoError(t, err, "no personnel.community.added for %s", code)
		ev, err := events.Decode(m.Value)
		require.NoError(t, err)
		if ev.Subject != code {
			continue
		}
		require.Equal(t, events.CommunityAdded, ev.Type)
		require.Equal(t, town, ev.Town)
		require.EqualValues(t, 1, ev.Rev)
		require.Equal(t, admin(town).AccountID, ev.Actor)
		var data communityJSON
		require.NoError(t, ev.Unmarshal(&data))
		require.Equal(t, "新建社区", data.Name)
		return
	}
}

func TestAddCommunity_Rules(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	path := "/api/v1/towns/" + string(town) + "/communities"
	for name, tc := range map[string]struct {
		body   any
		status int
		code   string
	}{
		"code of another town": {map[string]string{"code": "130624101201", "name": "外镇村"}, http.StatusBadRequest, "community-not-in-town"},
		"code not 12 digits":   {map[string]string{"code": "12345", "name": "村"}, http.StatusBadRequest, "invalid-input"},
		"no name":              {map[string]string{"code": string(town) + "201"}, http.StatusBadRequest, "invalid-input"},
		"unknown field":        {map[string]string{"code": string(town) + "201", "name": "村", "mayor": "x"}, http.StatusBadRequest, "invalid-input"},
		"not json":             {[]byte("{"), http.StatusBadRequest, "malformed-json"},
	} {
		r := s.Do(t, admin(town), http.MethodPost, path, tc.body)
		require.Equal(t, tc.status, r.Status, name+": "+string(r.Body))
		require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"), name)
		var p httpx.ProblemJSON
		r.JSON(t, &p)
		require.Equal(t, tc.code, p.Code, name)
		require.NotEmpty(t, p.Detail, name)
	}
	ok := map[string]string{"code": string(town) + "201", "name": "村"}
	require.Equal(t, http.StatusCreated, s.Do(t, admin(town), http.MethodPost, path, ok).Status)
	r := s.Do(t, admin(town), http.MethodPost, path, ok)
	require.Equal(t, http.StatusConflict, r.Status, "the same code twice")
}

func TestCommunities_Isolation(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	mine, theirs := testkit.NewTown(t), testkit.NewTown(t)
	code := string(theirs) + "201"
	require.Equal(t, http.StatusCreated, s.Do(t, admin(theirs), http.MethodPost, "/api/v1/towns/"+string(theirs)+"/communities",
		map[string]string{"code": code, "name": "他镇村"}).Status)

	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/api/v1/towns/" + string(theirs) + "/communities"},
		{http.MethodGet, "/api/v1/towns/" + string(theirs) + "/communities/" + code},
		{http.MethodPatch, "/api/v1/towns/" + string(theirs) + "/communities/" + code},
		{http.MethodPost, "/api/v1/towns/" + string(theirs) + "/communities"},
	} {
		r := s.Do(t, admin(mine), tc.method, tc.path, map[string]string{"name": "改名"})
		require.Equal(t, http.StatusNotFound, r.Status, "%s %s: another town's data is not even visible", tc.method, tc.path)
	}
	// Their community through my town's path is not found either.
	r := s.Do(t, admin(mine), http.MethodGet, "/api/v1/towns/"+string(mine)+"/communities/"+code, nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	require.Empty(t, list(t, s, mine))
}

func TestCommunities_RolesAndIdentity(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	path := "/api/v1/towns/" + string(town) + "/communities"
	body := map[string]string{"code": string(town) + "201", "name": "村"}
	cadre := auth.Principal{AccountID: "cadre-1", Role: auth.Cadre, Town: town}
	require.Equal(t, http.StatusForbidden, s.Do(t, cadre, http.MethodPost, path, body).Status, "a cadre may not add communities")
	require.Equal(t, http.StatusOK, s.Do(t, cadre, http.MethodGet, path, nil).Status, "a cadre may read them")
	require.Equal(t, http.StatusUnauthorized, s.Do(t, auth.Principal{}, http.MethodGet, path, nil).Status, "no identity")
	r := s.Do(t, auth.Principal{}, http.MethodGet, path, nil, auth.InternalHeader, "not-a-token")
	require.Equal(t, http.StatusUnauthorized, r.Status)
	county := auth.Principal{AccountID: "county", Role: auth.CountyAdmin}
	require.Equal(t, http.StatusCreated, s.Do(t, county, http.MethodPost, path, body).Status, "the county admin acts in any town")
}

func TestUpdateCommunity_ArchiveAndPublicPage(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	code := string(town) + "201"
	base := "/api/v1/towns/" + string(town) + "/communities/"
	require.Equal(t, http.StatusCreated, s.Do(t, admin(town), http.MethodPost, "/api/v1/towns/"+string(town)+"/communities",
		map[string]string{"code": code, "name": "城厢村", "secretary": "王书记"}).Status)

	pub := s.Do(t, auth.Principal{}, http.MethodGet, "/api/v1/public/towns/"+string(town)+"/communities/"+code, nil)
	require.Equal(t, http.StatusOK, pub.Status, string(pub.Body))
	require.JSONEq(t, `{"community":{"code":"`+code+`","name":"城厢村","demonstrationPoint":false},"cadres":[]}`, string(pub.Body),
		"the public page shows only public fields")

	r := s.Do(t, admin(town), http.MethodPatch, base+code, map[string]any{"name": "城厢社区", "archived": true})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var c communityJSON
	r.JSON(t, &c)
	require.True(t, c.Archived)
	require.EqualValues(t, 2, c.Rev)
	r = s.Do(t, admin(town), http.MethodPatch, base+code, map[string]any{"secretary": "赵书记"})
	require.Equal(t, http.StatusConflict, r.Status, "an archived community must be restored first")
	require.Equal(t, http.StatusNotFound, s.Do(t, auth.Principal{}, http.MethodGet, "/api/v1/public/towns/"+string(town)+"/communities/"+code, nil).Status)
}

func TestAddCommunity_RetriedWithTheSameIdempotencyKey_CreatesOne(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	path := "/api/v1/towns/" + string(town) + "/communities"
	body := map[string]string{"code": string(town) + "201", "name": "城厢村"}
	first := s.Do(t, admin(town), http.MethodPost, path, body, "Idempotency-Key", "village-retry-1")
	require.Equal(t, http.StatusCreated, first.Status, string(first.Body))
	again := s.Do(t, admin(town), http.MethodPost, path, body, "Idempotency-Key", "village-retry-1")
	require.Equal(t, http.StatusCreated, again.Status, "the retry gets the first answer, not a conflict")
	require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	require.JSONEq(t, string(first.Body), string(again.Body))
	require.Len(t, list(t, s, town), 1)
}

type cadreJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Unit       string `json:"unit"`
	Post       string `json:"post"`
	Phone      string `json:"phone"`
	Leadership bool   `json:"leadership"`
	Status     string `json:"status"`
	Rev        int64  `json:"rev"`
}

func addCadre(t *testing.T, s *processtest.Service, town tenancy.TownCode, name string, leadership bool) cadreJSON {
	t.Helper()
	r := s.Do(t, admin(town), http.MethodPost, "/api/v1/towns/"+string(town)+"/cadres",
		map[string]any{"name": name, "unit": "县农业局", "post": "副局长", "phone": "13812345678", "leadership": leadership})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var c cadreJSON
	r.JSON(t, &c)
	return c
}

func addCommunity(t *testing.T, s *processtest.Service, town tenancy.TownCode, suffix, name string) string {
	t.Helper()
	code := string(town) + suffix
	r := s.Do(t, admin(town), http.MethodPost, "/api/v1/towns/"+string(town)+"/communities",
		map[string]string{"code": code, "name": name})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	return code
}

func TestCadres_MaskedPerRoleAndOwnProfileOnly(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	zhang := addCadre(t, s, town, "张三", true)
	li := addCadre(t, s, town, "李四", false)
	require.Equal(t, "13812345678", zhang.Phone)
	require.Equal(t, "active", zhang.Status)

	get := func(p auth.Principal, id string) (int, cadreJSON) {
		r := s.Do(t, p, http.MethodGet, "/api/v1/towns/"+string(town)+"/cadres/"+id, nil)
		var c cadreJSON
		if r.Status == http.StatusOK {
			r.JSON(t, &c)
		}
		return r.Status, c
	}
	self := auth.Principal{AccountID: "acc-zhang", Role: auth.Cadre, Town: town, CadreID: zhang.ID}
	status, c := get(self, zhang.ID)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "13812345678", c.Phone, "the cadre sees their own number whole")
	status, _ = get(self, li.ID)
	require.Equal(t, http.StatusForbidden, status, "a cadre reads only their own profile")

	leader := auth.Principal{AccountID: "leader", Role: auth.TownLeader, Town: town}
	_, c = get(leader, zhang.ID)
	require.Equal(t, "138****5678", c.Phone, "a town leader sees the number masked")
	secretary := auth.Principal{AccountID: "sec", Role: auth.BranchSecretary, Town: town}
	_, c = get(secretary, zhang.ID)
	require.Equal(t, "138****5678", c.Phone)

	r := s.Do(t, leader, http.MethodGet, "/api/v1/towns/"+string(town)+"/cadres", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var page httpx.Page[cadreJSON]
	r.JSON(t, &page)
	require.Len(t, page.Items, 2)
	for _, c := range page.Items {
		require.Equal(t, "138****5678", c.Phone)
	}
	require.Equal(t, http.StatusForbidden, s.Do(t, self, http.MethodGet, "/api/v1/towns/"+string(town)+"/cadres", nil).Status)
	require.Equal(t, http.StatusForbidden, s.Do(t, leader, http.MethodPost, "/api/v1/towns/"+string(town)+"/cadres",
		map[string]any{"name": "王五", "phone": "13812345678"}).Status, "only the town office adds cadres")

	// The town office recalls a cadre; the status is checked.
	path := "/api/v1/towns/" + string(town) + "/cadres/" + li.ID
	r = s.Do(t, admin(town), http.MethodPatch, path, map[string]any{"status": "retired"})
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	r = s.Do(t, admin(town), http.MethodPatch, path, map[string]any{"status": "recalled", "post": "科员"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &c)
	require.Equal(t, "recalled", c.Status)
	require.EqualValues(t, 2, c.Rev)
}

func TestCadreEvents_CarryNoPhone(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	c := addCadre(t, s, town, "张三", true)
	reader := kafka.NewReader(kafka.ReaderConfig{Brokers: testkit.Brokers(t), GroupID: "t-" + uuid.NewString(),
		GroupTopics: []string{events.Topic(events.Personnel)}, StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond})
	defer reader.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		m, err := reader.ReadMessage(ctx)
		require.NoError(t, err, "no personnel.cadre.added for %s", c.ID)
		ev, err := events.Decode(m.Value)
		require.NoError(t, err)
		if ev.Subject != c.ID {
			continue
		}
		require.Equal(t, events.CadreAdded, ev.Type)
		require.NotContains(t, string(ev.Data), "5678", "a phone number never travels in an event")
		var data events.CadreData
		require.NoError(t, ev.Unmarshal(&data))
		require.Equal(t, "张三", data.Name)
		return
	}
}

type assignmentJSON struct {
	ID            string `json:"id"`
	CarriedOver   bool   `json:"carriedOver"`
	Cadre         string `json:"cadre"`
	Year          int    `json:"year"`
	Community     string `json:"community"`
	CommunityName string `json:"communityName"`
	History       []struct {
		Community string `json:"community"`
		Reason    string `json:"reason"`
	} `json:"history"`
	Rev int64 `json:"rev"`
}

func TestAssignments_OneCommunityPerYearWithHistory(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	chengxiang := addCommunity(t, s, town, "201", "城厢村")
	qingyan := addCommunity(t, s, town, "202", "青沿村")
	zhang := addCadre(t, s, town, "张三", true)
	li := addCadre(t, s, town, "李四", true)
	member := addCadre(t, s, town, "王五", false)
	link := func(p auth.Principal, cadre, community string) (int, []byte) {
		r := s.Do(t, p, http.MethodPut, "/api/v1/towns/"+string(town)+"/cadres/"+cadre+"/assignments/"+thisYear,
			map[string]string{"community": community})
		return r.Status, r.Body
	}
	status, body := link(admin(town), zhang.ID, chengxiang)
	require.Equal(t, http.StatusOK, status, string(body))
	status, body = link(admin(town), li.ID, chengxiang)
	require.Equal(t, http.StatusOK, status, "a community may host several cadres: %s", body)

	status, body = link(admin(town), zhang.ID, qingyan)
	require.Equal(t, http.StatusConflict, status)
	var p httpx.ProblemJSON
	require.NoError(t, json.Unmarshal(body, &p))
	require.Equal(t, "assignment-already-linked", p.Code)
	zh := s.Do(t, admin(town), http.MethodPut, "/api/v1/towns/"+string(town)+"/cadres/"+zhang.ID+"/assignments/"+thisYear,
		map[string]string{"community": qingyan}, "Accept-Language", "zh-CN")
	require.Contains(t, string(zh.Body), "该干部今年已联系社区：城厢村。如需调整，请先结束原联系。")

	status, body = link(admin(town), member.ID, qingyan)
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, string(body), "assignment-not-leadership")
	status, _ = link(auth.Principal{AccountID: "leader", Role: auth.TownLeader, Town: town}, member.ID, qingyan)
	require.Equal(t, http.StatusForbidden, status)
	status, _ = link(admin(town), zhang.ID, "130624101201")
	require.Equal(t, http.StatusNotFound, status, "a community of another town is not found")

	end := "/api/v1/towns/" + string(town) + "/cadres/" + zhang.ID + "/assignments/" + thisYear + "/end"
	r := s.Do(t, admin(town), http.MethodPost, end, map[string]string{"reason": "工作调整"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	status, body = link(admin(town), zhang.ID, qingyan)
	require.Equal(t, http.StatusOK, status, string(body))
	var a assignmentJSON
	require.NoError(t, json.Unmarshal(body, &a))
	require.Equal(t, qingyan, a.Community)
	require.Len(t, a.History, 1)
	require.Equal(t, chengxiang, a.History[0].Community)
	require.Equal(t, "工作调整", a.History[0].Reason)
	require.EqualValues(t, 3, a.Rev)

	r = s.Do(t, auth.Principal{AccountID: "sec", Role: auth.BranchSecretary, Town: town}, http.MethodGet,
		"/api/v1/towns/"+string(town)+"/assignments?year="+thisYear, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var page httpx.Page[assignmentJSON]
	r.JSON(t, &page)
	require.Len(t, page.Items, 2)
}

func TestPublicBoard_ShowsOnlyTheAllowedFieldsOfStationedCadres(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	code := addCommunity(t, s, town, "201", "城厢村")
	zhang := addCadre(t, s, town, "张三", true)
	li := addCadre(t, s, town, "李四", true)
	for _, id := range []string{zhang.ID, li.ID} {
		r := s.Do(t, admin(town), http.MethodPut, "/api/v1/towns/"+string(town)+"/cadres/"+id+"/assignments/"+thisYear,
			map[string]string{"community": code})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	}
	r := s.Do(t, admin(town), http.MethodPatch, "/api/v1/towns/"+string(town)+"/cadres/"+li.ID, map[string]any{"status": "transferred"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	pub := s.Do(t, auth.Principal{}, http.MethodGet, "/api/v1/public/towns/"+string(town)+"/communities/"+code, nil)
	require.Equal(t, http.StatusOK, pub.Status, string(pub.Body))
	require.JSONEq(t, `{"community":{"code":"`+code+`","name":"城厢村","demonstrationPoint":false},
		"cadres":[{"id":"`+zhang.ID+`","name":"张三","unit":"县农业局","post":"副局长","phone":"13812345678","portrait":false}]}`, string(pub.Body),
		"only active stationed cadres, with name, unit, post and phone only")
}

func TestCadresAndAssignments_Isolation(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	mine, theirs := testkit.NewTown(t), testkit.NewTown(t)
	c := addCadre(t, s, theirs, "张三", true)
	code := addCommunity(t, s, theirs, "201", "城厢村")
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "/api/v1/towns/" + string(mine) + "/cadres/" + c.ID, nil},
		{http.MethodPatch, "/api/v1/towns/" + string(mine) + "/cadres/" + c.ID, map[string]string{"name": "改名"}},
		{http.MethodPut, "/api/v1/towns/" + string(mine) + "/cadres/" + c.ID + "/assignments/" + thisYear, map[string]string{"community": code}},
		{http.MethodGet, "/api/v1/towns/" + string(theirs) + "/cadres/" + c.ID, nil},
		{http.MethodGet, "/api/v1/towns/" + string(theirs) + "/cadres", nil},
	} {
		r := s.Do(t, admin(mine), tc.method, tc.path, tc.body)
		require.Equal(t, http.StatusNotFound, r.Status, "%s %s: %s", tc.method, tc.path, r.Body)
	}
}

// thisYear is the current programme year (a calendar year by default): the year tests work in.
var thisYear = strconv.Itoa(calendar.BeijingDay(time.Now()).Year)
