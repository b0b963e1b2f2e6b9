package service_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/process/processtest"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

type contactJSON struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Address  string `json:"address"`
	Hardship string `json:"hardship"`
}

type listJSON struct {
	ID       string        `json:"id"`
	Cadre    string        `json:"cadre"`
	Status   string        `json:"status"`
	Late     bool          `json:"late"`
	Comment  string        `json:"comment"`
	Contacts []contactJSON `json:"contacts"`
	History  []struct {
		Contact contactJSON `json:"contact"`
	} `json:"history"`
}

var fiveKinds = []string{"org_leader", "veteran_member", "people_rep", "hardship_household", "wealth_leader"}

func cadreAccount(town tenancy.TownCode, id string) auth.Principal {
	return auth.Principal{AccountID: "acc-" + id, Role: auth.Cadre, Town: town, CadreID: id}
}

func setContact(t *testing.T, s *processtest.Service, p auth.Principal, town tenancy.TownCode, cadre, kind, name string) listJSON {
	t.Helper()
	body := map[string]string{"name": name, "phone": "13912345678", "address": "城厢村一组"}
	if kind == "hardship_household" {
		body["hardship"] = "低保户"
	}
	r := s.Do(t, p, http.MethodPut, "/api/v1/towns/"+string(town)+"/cadres/"+cadre+"/contact-lists/"+thisYear+"/contacts/"+kind, body)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var l listJSON
	r.JSON(t, &l)
	return l
}

func contactOf(l listJSON, kind string) contactJSON {
	for _, c := range l.Contacts {
		if c.Kind == kind {
			return c
		}
	}
	return contactJSON{}
}

func TestContactList_FlowMaskingAndForwarding(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	code := addCommunity(t, s, town, "201", "城厢村")
	zhang := addCadre(t, s, town, "张三", true)
	me := cadreAccount(town, zhang.ID)
	base := "/api/v1/towns/" + string(town) + "/cadres/" + zhang.ID + "/contact-lists/" + thisYear
	r := s.Do(t, admin(town), http.MethodPut, "/api/v1/towns/"+string(town)+"/cadres/"+zhang.ID+"/assignments/"+thisYear,
		map[string]string{"community": code})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	for _, k := range fiveKinds[:4] {
		setContact(t, s, me, town, zhang.ID, k, "联系人"+k)
	}
	r = s.Do(t, me, http.MethodPut, base+"/contacts/village_doctor", map[string]string{"name": "医生", "phone": "13912345678", "address": "一组"})
	require.Equal(t, http.StatusBadRequest, r.Status, "there are only five kinds")
	require.Contains(t, string(r.Body), "contact-kind-unknown")
	r = s.Do(t, me, http.MethodPost, base+"/submit", nil)
	require.Equal(t, http.StatusBadRequest, r.Status, "four contacts are not a list")
	require.Contains(t, string(r.Body), "contact-list-incomplete")
	l := setContact(t, s, me, town, zhang.ID, "wealth_leader", "致富能手")
	require.Len(t, l.Contacts, 5)
	require.Equal(t, "13912345678", contactOf(l, "hardship_household").Phone, "the cadre sees their own list whole")

	// Someone else's cadre account can neither read nor write it.
	other := cadreAccount(town, "someone-else")
	require.Equal(t, http.StatusForbidden, s.Do(t, other, http.MethodGet, base, nil).Status)
	require.Equal(t, http.StatusForbidden, s.Do(t, other, http.MethodPost, base+"/submit", nil).Status)

	r = s.Do(t, me, http.MethodPost, base+"/submit", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &l)
	require.Equal(t, "submitted", l.Status)
	require.Equal(t, http.StatusConflict, s.Do(t, me, http.MethodPut, base+"/contacts/org_leader",
		map[string]string{"name": "新人", "phone": "13912345678", "address": "一组"}).Status, "a submitted list is with the office")

	// Masking per role.
	secretary := auth.Principal{AccountID: "sec", Role: auth.BranchSecretary, Town: town, Community: tenancy.CommunityCode(code)}
	r = s.Do(t, secretary, http.MethodGet, base, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.NotContains(t, string(r.Body), "13912345678")
	require.NotContains(t, string(r.Body), "低保户")
	r.JSON(t, &l)
	require.Empty(t, contactOf(l, "hardship_household").Phone, "a branch secretary never sees a hardship household's phone")
	require.Equal(t, "139****5678", contactOf(l, "org_leader").Phone)
	require.Equal(t, http.StatusForbidden, s.Do(t, secretary, http.MethodPost, base+"/contacts/hardship_household/reveal", nil).Status)
	elsewhere := secretary
	elsewhere.Community = tenancy.CommunityCode(string(town) + "299")
	require.Equal(t, http.StatusForbidden, s.Do(t, elsewhere, http.MethodGet, base, nil).Status,
		"a branch secretary reads only the lists of cadres linking their community")

	r = s.Do(t, admin(town), http.MethodGet, base, nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.NotContains(t, string(r.Body), "13912345678", "the office reads full numbers only through reveal")
	r = s.Do(t, admin(town), http.MethodPost, base+"/contacts/hardship_household/reveal", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.JSONEq(t, `{"phone":"13912345678"}`, string(r.Body))
	n, err := testkit.Mongo(t).Database(town.Database()).Collection("personnel_contact_reveals").
		CountDocuments(context.Background(), bson.D{{Key: "account", Value: admin(town).AccountID}, {Key: "what", Value: "reveal"}})
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "the read of a full number is recorded")

	// Return with a comment, replace a contact (history kept), submit again, accept, forward.
	require.Equal(t, http.StatusBadRequest, s.Do(t, admin(town), http.MethodPost, base+"/return", map[string]string{"comment": ""}).Status)
	r = s.Do(t, admin(town), http.MethodPost, base+"/return", map[string]string{"comment": "困难户住址不详"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	l = setContact(t, s, me, town, zhang.ID, "hardship_household", "赵六")
	require.Equal(t, "returned", l.Status)
	require.Len(t, l.History, 1)
	require.Equal(t, "联系人hardship_household", l.History[0].Contact.Name)
	r = s.Do(t, admin(town), http.MethodPost, "/api/v1/towns/"+string(town)+"/contact-lists/"+thisYear+"/forward", nil)
	require.Equal(t, http.StatusConflict, r.Status, "a town forwards only accepted lists")
	require.Equal(t, http.StatusOK, s.Do(t, me, http.MethodPost, base+"/submit", nil).Status)
	require.Equal(t, http.StatusForbidden, s.Do(t, me, http.MethodPost, base+"/accept", nil).Status, "a cadre cannot accept")
	r = s.Do(t, admin(town), http.MethodPost, base+"/accept", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	r = s.Do(t, auth.Principal{AccountID: "leader", Role: auth.TownLeader, Town: town}, http.MethodGet,
		"/api/v1/towns/"+string(town)+"/contact-lists/"+thisYear, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var view struct {
		Cadres, Submitted, Accepted int
		Deadline                    struct{ Day string }
		Items                       []struct{ CadreName, Status string }
	}
	r.JSON(t, &view)
	require.Equal(t, 1, view.Cadres)
	require.Equal(t, 1, view.Accepted)
	require.Equal(t, thisYear+"-04-15", view.Deadline.Day)
	require.Equal(t, "张三", view.Items[0].CadreName)

	r = s.Do(t, admin(town), http.MethodPost, "/api/v1/towns/"+string(town)+"/contact-lists/"+thisYear+"/forward", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	inspector := auth.Principal{AccountID: "insp", Role: auth.CountyInspector}
	r = s.Do(t, inspector, http.MethodGet, "/api/v1/county/contact-lists/"+thisYear, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), `"town":"`+string(town)+`"`)
	var county countyListsJSON
	r.JSON(t, &county)
	forwarded := false
	for _, tw := range county.Towns {
		if tw.Town == string(town) {
			forwarded = true
			require.Equal(t, [3]int{1, 1, 1}, [3]int{tw.Cadres, tw.Submitted, tw.Accepted})
			require.NotNil(t, tw.ForwardedAt)
		}
	}
	require.True(t, forwarded, "a town that forwarded is in the county's status even if never announced")
	require.Equal(t, http.StatusForbidden, s.Do(t, admin(town), http.MethodGet, "/api/v1/county/contact-lists/"+thisYear, nil).Status)

	// The office's spreadsheet, read back.
	r = s.Do(t, admin(town), http.MethodGet, "/api/v1/towns/"+string(town)+"/contact-lists/"+thisYear+"/export", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	require.NoError(t, err)
	rows, err := f.GetRows("一联五名单")
	require.NoError(t, err)
	require.Len(t, rows, 6, "a header and five contacts")
	require.Equal(t, []string{"干部姓名", "工作单位", "职务", "名单状态", "是否逾期", "联系对象类别", "姓名", "联系电话", "住址", "具体情况", "困难类型"}, rows[0])
	require.Equal(t, "张三", rows[1][0])
	require.Equal(t, "已通过", rows[1][3])
	require.Equal(t, "组织带头人", rows[1][5])
	require.Equal(t, "困难户", rows[4][5])
	require.Equal(t, "赵六", rows[4][6])
	require.Equal(t, "低保户", rows[4][10])
}

func TestContactList_Isolation(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	mine, theirs := testkit.NewTown(t), testkit.NewTown(t)
	c := addCadre(t, s, theirs, "张三", true)
	setContact(t, s, admin(theirs), theirs, c.ID, "org_leader", "王五")
	base := "/api/v1/towns/" + string(mine) + "/cadres/" + c.ID + "/contact-lists/" + thisYear
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, base},
		{http.MethodPost, base + "/contacts/org_leader/reveal"},
		{http.MethodPost, base + "/accept"},
	} {
		r := s.Do(t, admin(mine), tc.method, tc.path, nil)
		require.Equal(t, http.StatusNotFound, r.Status, "%s %s: %s", tc.method, tc.path, r.Body)
	}
	r := s.Do(t, admin(mine), http.MethodPut, base+"/contacts/org_leader", map[string]string{"name": "王五", "phone": "13912345678", "address": "一组"})
	require.Equal(t, http.StatusNotFound, r.Status, "no such cadre in my town")
	r = s.Do(t, admin(mine), http.MethodGet, "/api/v1/towns/"+string(theirs)+"/contact-lists/"+thisYear, nil)
	require.Equal(t, http.StatusNotFound, r.Status)
}

func TestContactListDeadline_FollowsTheCountyCalendar(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	path := "/api/v1/towns/" + string(town) + "/contact-lists/2097"
	deadline := func() string {
		r := s.Do(t, admin(town), http.MethodGet, path, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var v struct{ Deadline struct{ Day string } }
		r.JSON(t, &v)
		return v.Deadline.Day
	}
	require.Equal(t, "2097-04-15", deadline(), "the programme's default until the county sends its calendar")

	p := calendar.DefaultProgramme(2097)
	p.ContactListDue = calendar.MonthDay{Month: 4, Day: 30}
	ev := events.MustNew(events.CalendarChanged, "", "county-admin", "programme-2097",
		map[string]any{"part": "programme", "year": 2097, "programme": p})
	ev.Rev = 1
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	require.NoError(t, pub.Publish(context.Background(), events.Topic(events.Platform), ev))
	testkit.Eventually(t, 60*time.Second, func() bool { return deadline() == "2097-04-30" })
}
