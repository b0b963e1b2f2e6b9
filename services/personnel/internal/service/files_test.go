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
	"dundian.local/libs/httpx"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

type fileJSON struct {
	Cadre   string `json:"cadre"`
	Entries []struct {
		ID      string `json:"id"`
		Kind    string `json:"kind"`
		Town    string `json:"town"`
		Summary string `json:"summary"`
	} `json:"entries"`
}

func publish(t *testing.T, topic string, evs ...events.Envelope) {
	t.Helper()
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	for _, ev := range evs {
		require.NoError(t, pub.Publish(context.Background(), events.Topic(topic), ev))
	}
}

func TestPersonalFile_FollowsATransferWhole(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	from := testkit.NewTown(t)
	to := testkit.NewTown(t)
	c := addCadre(t, s, from, "张三", true)
	county := auth.Principal{AccountID: "county", Role: auth.CountyAdmin}
	file := func(town tenancy.TownCode) fileJSON {
		r := s.Do(t, county, http.MethodGet, "/api/v1/towns/"+string(town)+"/cadres/"+c.ID+"/file", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var f fileJSON
		r.JSON(t, &f)
		return f
	}
	testkit.Eventually(t, 60*time.Second, func() bool { return len(file(from).Entries) == 1 }, "joining is filed")

	// An assessment result, delivered twice, is filed once.
	result := events.MustNew(events.AssessmentFinalised, from, "assessor", c.ID,
		events.AssessmentFinalisedData{Cadre: c.ID, Year: 2026, Grade: "excellent", Score: 95})
	result.Rev = 1
	publish(t, events.Assessment, result, result)
	testkit.Eventually(t, 60*time.Second, func() bool { return len(file(from).Entries) == 2 })

	path := "/api/v1/towns/" + string(from) + "/cadres/" + c.ID + "/transfer"
	require.Equal(t, http.StatusForbidden, s.Do(t, admin(from), http.MethodPost, path,
		map[string]string{"town": string(to), "reason": "工作需要"}).Status, "only the county transfers")
	r := s.Do(t, county, http.MethodPost, path, map[string]string{"town": string(from), "reason": "工作需要"})
	require.Equal(t, http.StatusBadRequest, r.Status, "a transfer goes to another town")
	r = s.Do(t, county, http.MethodPost, path, map[string]string{"town": string(to), "reason": "工作需要"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var left cadreJSON
	r.JSON(t, &left)
	require.Equal(t, "transferred", left.Status)

	// In the new town the cadre is active, with the same id and the same file.
	r = s.Do(t, admin(to), http.MethodGet, "/api/v1/towns/"+string(to)+"/cadres/"+c.ID, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var arrived cadreJSON
	r.JSON(t, &arrived)
	require.Equal(t, "active", arrived.Status)
	require.False(t, arrived.Leadership)
	testkit.Eventually(t, 60*time.Second, func() bool { return len(file(to).Entries) == 4 },
		"joined, assessed, transferred, joined the new town")
	f := file(to)
	require.Equal(t, []string{"joined", "assessment", "transferred", "joined"},
		[]string{f.Entries[0].Kind, f.Entries[1].Kind, f.Entries[2].Kind, f.Entries[3].Kind})
	require.Equal(t, "2026年度考核：优秀（95.0分）", f.Entries[1].Summary)
	require.Equal(t, file(from), f, "the file is one, whichever town it is read through")

	// The file exports whole to Excel.
	r = s.Do(t, county, http.MethodGet, "/api/v1/towns/"+string(to)+"/cadres/"+c.ID+"/file/export", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	x, err := excelize.OpenReader(bytes.NewReader(r.Body))
	require.NoError(t, err)
	rows, err := x.GetRows("个人档案")
	require.NoError(t, err)
	require.Len(t, rows, 6, "the name, the headers and four entries")
	require.Equal(t, "张三", rows[0][0])
	require.Equal(t, []string{"时间（北京时间）", "类别", "乡镇", "内容"}, rows[1])
	require.Equal(t, "调动", rows[4][1])

	// The cadre reads their own file; a town office of another town cannot.
	r = s.Do(t, cadreAccount(to, c.ID), http.MethodGet, "/api/v1/towns/"+string(to)+"/cadres/"+c.ID+"/file", nil)
	require.Equal(t, http.StatusOK, r.Status)
	other := testkit.NewTown(t)
	r = s.Do(t, admin(other), http.MethodGet, "/api/v1/towns/"+string(other)+"/cadres/"+c.ID+"/file", nil)
	require.Equal(t, http.StatusNotFound, r.Status)
}

func TestDemonstrationPoint_SetOnlyByAssessmentsEvent(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	code := addCommunity(t, s, town, "201", "城厢村")
	get := func() communityJSON {
		r := s.Do(t, admin(town), http.MethodGet, "/api/v1/towns/"+string(town)+"/communities/"+code, nil)
		require.Equal(t, http.StatusOK, r.Status)
		var c communityJSON
		r.JSON(t, &c)
		return c
	}
	r := s.Do(t, admin(town), http.MethodPatch, "/api/v1/towns/"+string(town)+"/communities/"+code, map[string]any{"demonstrationPoint": true})
	require.Equal(t, http.StatusBadRequest, r.Status, "the town office cannot set it")

	designated := events.MustNew(events.DemonstrationPointDesignated, town, "county", code,
		events.DemonstrationPointData{Community: code, Status: "designated"})
	designated.Rev = 1
	publish(t, events.Assessment, designated, designated)
	testkit.Eventually(t, 60*time.Second, func() bool { return get().DemonstrationPoint })
	time.Sleep(time.Second)
	require.EqualValues(t, 2, get().Rev, "a redelivered designation changes nothing")

	revoked := events.MustNew(events.DemonstrationPointRevoked, town, "county", code,
		events.DemonstrationPointData{Community: code, Status: "revoked"})
	revoked.Rev = 2
	publish(t, events.Assessment, revoked)
	testkit.Eventually(t, 60*time.Second, func() bool { return !get().DemonstrationPoint })
}

func TestRollover_CarriesDraftsIntoTheNewYearAndClosesTheOld(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	townCreated(t, town) // registers the town for rollovers
	// The year's opening travels on another partition than the town's creation: wait until
	// the town is registered, as it would be long before a county opens a new year.
	registered := testkit.Mongo(t).Database("county").Collection("personnel_towns")
	testkit.Eventually(t, 60*time.Second, func() bool {
		return registered.FindOne(context.Background(), bson.D{{Key: "_id", Value: string(town)}}).Err() == nil
	}, "the town is registered")
	code := addCommunity(t, s, town, "201", "城厢村")
	c := addCadre(t, s, town, "张三", true)
	me := cadreAccount(town, c.ID)
	const prev, next = "2098", "2099"
	r := s.Do(t, admin(town), http.MethodPut, "/api/v1/towns/"+string(town)+"/cadres/"+c.ID+"/assignments/"+prev,
		map[string]string{"community": code})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	for _, k := range fiveKinds {
		body := map[string]string{"name": "联系人" + k, "phone": "13912345678", "address": "一组"}
		if k == "hardship_household" {
			body["hardship"] = "低保户"
		}
		r = s.Do(t, me, http.MethodPut, "/api/v1/towns/"+string(town)+"/cadres/"+c.ID+"/contact-lists/"+prev+"/contacts/"+k, body)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	}
	require.Equal(t, http.StatusOK, s.Do(t, me, http.MethodPost, "/api/v1/towns/"+string(town)+"/cadres/"+c.ID+"/contact-lists/"+prev+"/submit", nil).Status)

	opened := events.MustNew(events.CalendarChanged, "", "county-admin", "programme-"+next,
		map[string]any{"part": "programme", "year": 2099, "programme": calendar.DefaultProgramme(2099)})
	opened.Rev = 1
	publish(t, events.Platform, opened, opened)

	var a assignmentJSON
	testkit.Eventually(t, 60*time.Second, func() bool {
		r := s.Do(t, admin(town), http.MethodGet, "/api/v1/towns/"+string(town)+"/assignments?year="+next, nil)
		var page httpx.Page[assignmentJSON]
		r.JSON(t, &page)
		if len(page.Items) == 1 {
			a = page.Items[0]
		}
		return len(page.Items) == 1
	}, "the link carries over")
	require.Equal(t, code, a.Community)
	require.True(t, a.CarriedOver)
	var l listJSON
	testkit.Eventually(t, 60*time.Second, func() bool {
		r := s.Do(t, me, http.MethodGet, "/api/v1/towns/"+string(town)+"/cadres/"+c.ID+"/contact-lists/"+next, nil)
		if r.Status == http.StatusOK {
			r.JSON(t, &l)
		}
		return r.Status == http.StatusOK
	}, "the list carries over")
	require.Equal(t, "draft", l.Status, "a carried-over list is a draft to confirm")
	require.Len(t, l.Contacts, 5)

	// The town office confirms the link by linking the same community.
	r = s.Do(t, admin(town), http.MethodPut, "/api/v1/towns/"+string(town)+"/cadres/"+c.ID+"/assignments/"+next,
		map[string]string{"community": code})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &a)
	require.False(t, a.CarriedOver)

	// A year that is over, with a later one opened, can only be read.
	r = s.Do(t, admin(town), http.MethodPut, "/api/v1/towns/"+string(town)+"/cadres/"+c.ID+"/assignments/2020",
		map[string]string{"community": code})
	require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), "programme-year-closed")
}
