package service_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
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
