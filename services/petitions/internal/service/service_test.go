package service_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/httpx"
	"dundian.local/libs/process"
	"dundian.local/libs/process/processtest"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
	"dundian.local/services/petitions/internal/domain/guard"
	"dundian.local/services/petitions/internal/service"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// petitions is started once per test binary; every test uses its own towns and client
// addresses, so the in-process rate limits of one test never touch another's.
var petitions = processtest.Shared(service.Name, service.Start)

type opinionJSON struct {
	ID           string `json:"id"`
	Town         string `json:"town"`
	Community    string `json:"community"`
	Source       string `json:"source"`
	Category     string `json:"category"`
	Text         string `json:"text"`
	Phone        string `json:"phone"`
	TrackingCode string `json:"trackingCode"`
	Status       string `json:"status"`
	Responsible  *struct {
		ID string `json:"id"`
	} `json:"responsible"`
	Response    string     `json:"response"`
	Due         time.Time  `json:"due"`
	Overdue     bool       `json:"overdue"`
	EscalatedAt *time.Time `json:"escalatedAt"`
	Rev         int64      `json:"rev"`
}

type problemJSON struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Title  string `json:"title"`
}

func office(town tenancy.TownCode) auth.Principal {
	return auth.Principal{AccountID: "office-" + string(town), Role: auth.TownAdmin, Town: town}
}

func cadre(town tenancy.TownCode, id string) auth.Principal {
	return auth.Principal{AccountID: "acc-" + id, Role: auth.Cadre, Town: town, CadreID: id, Name: "干部" + id}
}

func community(town tenancy.TownCode) string { return string(town) + "201" }

func townPath(town tenancy.TownCode) string { return "/api/v1/towns/" + string(town) + "/opinions" }

func publicPath(town tenancy.TownCode) string {
	return "/api/v1/public/towns/" + string(town) + "/communities/" + community(town)
}

// clientIP gives each test its own client address for the per-client limit.
func clientIP() string {
	return fmt.Sprintf("10.%d.%d.%d", rand.IntN(250), rand.IntN(250), rand.IntN(250))
}

func record(t *testing.T, s *processtest.Service, p auth.Principal, body map[string]any) opinionJSON {
	t.Helper()
	r := s.Do(t, p, http.MethodPost, townPath(p.Town), body)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var o opinionJSON
	r.JSON(t, &o)
	return o
}

func act(t *testing.T, s *processtest.Service, p auth.Principal, town tenancy.TownCode, id, action string, body any) (int, []byte) {
	t.Helper()
	r := s.Do(t, p, http.MethodPost, townPath(town)+"/"+id+"/"+action, body)
	return r.Status, r.Body
}

func TestOpinionWorkflow_RecordAssignRespondClose(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	o := record(t, s, office(town), map[string]any{
		"community": community(town), "source": "visit", "category": "bureaucratism",
		"text": "办事要跑好几趟", "phone": "13812345678",
	})
	require.Equal(t, "received", o.Status)
	require.Equal(t, "138****5678", o.Phone)
	require.NotEmpty(t, o.TrackingCode)

	// a response before anyone is assigned is refused, naming what is allowed
	st, body := act(t, s, office(town), town, o.ID, "respond", map[string]string{"response": "已处理"})
	require.Equal(t, http.StatusConflict, st, string(body))
	require.Contains(t, string(body), "opinion-transition-not-allowed")
	require.Contains(t, string(body), "只能改为：已交办、已办结")

	st, body = act(t, s, office(town), town, o.ID, "assign", map[string]any{"cadre": map[string]string{"id": "c7", "name": "李干部"}})
	require.Equal(t, http.StatusOK, st, string(body))

	// another cadre may not answer it; the responsible one may
	st, _ = act(t, s, cadre(town, "c8"), town, o.ID, "respond", map[string]string{"response": "不是我的"})
	require.Equal(t, http.StatusForbidden, st)
	st, body = act(t, s, cadre(town, "c7"), town, o.ID, "respond", map[string]string{"response": "已和窗口协调，一次办结"})
	require.Equal(t, http.StatusOK, st, string(body))

	// a cadre may not close; the office may, once
	st, _ = act(t, s, cadre(town, "c7"), town, o.ID, "close", map[string]string{})
	require.Equal(t, http.StatusForbidden, st)
	st, body = act(t, s, office(town), town, o.ID, "close", map[string]string{"reason": "群众满意"})
	require.Equal(t, http.StatusOK, st, string(body))
	st, body = act(t, s, office(town), town, o.ID, "close", map[string]string{})
	require.Equal(t, http.StatusConflict, st)
	require.Contains(t, string(body), "已不能再变更")

	r := s.Do(t, office(town), http.MethodGet, townPath(town)+"/"+o.ID, nil, "Accept-Language", "zh-CN")
	require.Equal(t, http.StatusOK, r.Status)
	var got opinionJSON
	r.JSON(t, &got)
	require.Equal(t, "closed", got.Status)
	require.Equal(t, "已和窗口协调，一次办结", got.Response)
	require.EqualValues(t, 4, got.Rev)
	require.NotContains(t, string(r.Body), "13812345678")
}

func TestRecordOpinion_ByCadre_IsTheirsAndOnlyTheirs(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	mine := record(t, s, cadre(town, "c1"), map[string]any{"community": community(town), "source": "activity", "text": "希望多办健康讲座"})
	require.Equal(t, "assigned", mine.Status)
	require.Equal(t, "c1", mine.Responsible.ID)
	record(t, s, cadre(town, "c2"), map[string]any{"community": community(town), "source": "visit", "text": "路面需要硬化"})

	r := s.Do(t, cadre(town, "c1"), http.MethodGet, townPath(town), nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var page httpx.Page[opinionJSON]
	r.JSON(t, &page)
	require.Len(t, page.Items, 1)
	require.Equal(t, mine.ID, page.Items[0].ID)

	r = s.Do(t, cadre(town, "c2"), http.MethodGet, townPath(town)+"/"+mine.ID, nil)
	require.Equal(t, http.StatusNotFound, r.Status)

	r = s.Do(t, office(town), http.MethodGet, townPath(town), nil)
	r.JSON(t, &page)
	require.Len(t, page.Items, 2)
}

func TestOpinions_IsolatedAcrossTowns(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	a, b := testkit.NewTown(t), testkit.NewTown(t)
	o := record(t, s, office(a), map[string]any{"community": community(a), "source": "visit", "text": "甲镇的意见"})

	r := s.Do(t, office(b), http.MethodGet, townPath(b)+"/"+o.ID, nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	var page httpx.Page[opinionJSON]
	r = s.Do(t, office(b), http.MethodGet, townPath(b), nil)
	r.JSON(t, &page)
	require.Empty(t, page.Items)
	// b's office cannot reach a's routes, nor record into a community of a
	r = s.Do(t, office(b), http.MethodGet, townPath(a)+"/"+o.ID, nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	r = s.Do(t, office(b), http.MethodPost, townPath(b), map[string]any{"community": community(a), "source": "visit", "text": "x"})
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	// a's tracking code means nothing on b's public page
	r = s.Do(t, auth.Principal{}, http.MethodGet, publicPath(b)+"/opinions/"+o.TrackingCode, nil)
	require.Equal(t, http.StatusNotFound, r.Status)
}

func TestSettingsChanged_SetsTheResponsePeriod(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	ev := events.MustNew(events.SettingsChanged, town, "office", "settings", map[string]any{"town": town, "responseDueDays": 3, "rev": 2})
	ev.Rev = 2
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	require.NoError(t, pub.Publish(context.Background(), events.Topic(events.Platform), ev))
	testkit.Eventually(t, 60*time.Second, func() bool {
		o := record(t, s, office(town), map[string]any{"community": community(town), "source": "visit", "text": "设置测试" + time.Now().String()})
		return o.Due.Sub(time.Now()) < 5*24*time.Hour
	})
}

// clock is a settable time for a second petitions process whose deadlines tests move past.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

func TestOverdue_EscalatedAtTheEndOfTheBeijingDueDay(t *testing.T) {
	t.Parallel()
	// 10 May 2026, 20:00 UTC is already 11 May in Beijing: with the default 15 days the
	// response is due by the end of 26 May, Beijing time (15:59:59 UTC).
	c := &clock{now: time.Date(2026, 5, 10, 20, 0, 0, 0, time.UTC)}
	s := processtest.Start(t, service.Name, func(ctx context.Context, p *process.Process) error {
		_, err := service.New(ctx, p, service.Options{Now: c.Now})
		return err
	})
	town := testkit.NewTown(t)
	late := record(t, s, office(town), map[string]any{"community": community(town), "source": "visit", "text": "无人答复"})
	answered := record(t, s, cadre(town, "c1"), map[string]any{"community": community(town), "source": "visit", "text": "已答复"})
	st, body := act(t, s, cadre(town, "c1"), town, answered.ID, "respond", map[string]string{"response": "已解决"})
	require.Equal(t, http.StatusOK, st, string(body))

	overdue := func() []string {
		r := s.Do(t, office(town), http.MethodGet, townPath(town)+"?overdue=true", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var page httpx.Page[opinionJSON]
		r.JSON(t, &page)
		ids := []string{}
		for _, o := range page.Items {
			require.True(t, o.Overdue)
			ids = append(ids, o.ID)
		}
		return ids
	}
	c.Set(time.Date(2026, 5, 26, 15, 59, 59, 0, time.UTC))
	require.Empty(t, overdue(), "the last second of the due day in Beijing")
	c.Set(time.Date(2026, 5, 26, 16, 0, 0, 0, time.UTC))
	require.Equal(t, []string{late.ID}, overdue(), "midnight in Beijing: escalated to the town office")
}

// --- the public page ---

func challenge(t *testing.T, s *processtest.Service, town tenancy.TownCode) guard.Solution {
	t.Helper()
	r := s.Do(t, auth.Principal{}, http.MethodGet, publicPath(town)+"/challenge", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var ch guard.Challenge
	r.JSON(t, &ch)
	sol, err := guard.Solve(ch)
	require.NoError(t, err)
	return sol
}

func submit(t *testing.T, s *processtest.Service, town tenancy.TownCode, ip string, body map[string]any) processtest.Response {
	t.Helper()
	return s.Do(t, auth.Principal{}, http.MethodPost, publicPath(town)+"/opinions", body, "X-Forwarded-For", ip, "Accept-Language", "zh-CN")
}

func TestPublicSubmission_TrackedByCode_PhoneMasked(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	ip := clientIP()
	r := submit(t, s, town, ip, map[string]any{"kind": "appeal", "category": "infrastructure",
		"text": "村口路灯坏了一个月", "phone": "13987654321", "altcha": challenge(t, s, town)})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	require.NotContains(t, string(r.Body), "13987654321")
	var receipt struct {
		TrackingCode string `json:"trackingCode"`
		Status       string `json:"status"`
	}
	r.JSON(t, &receipt)
	require.Equal(t, "received", receipt.Status)

	// the office sees it masked, answers it; the tracking code shows the reply
	var page httpx.Page[opinionJSON]
	r = s.Do(t, office(town), http.MethodGet, townPath(town), nil)
	require.NotContains(t, string(r.Body), "13987654321")
	r.JSON(t, &page)
	require.Len(t, page.Items, 1)
	o := page.Items[0]
	require.Equal(t, "public", o.Source)
	require.Equal(t, "139****4321", o.Phone)
	st, _ := act(t, s, office(town), town, o.ID, "assign", map[string]any{"cadre": map[string]string{"id": "c1"}})
	require.Equal(t, http.StatusOK, st)
	st, _ = act(t, s, cadre(town, "c1"), town, o.ID, "respond", map[string]string{"response": "路灯已更换"})
	require.Equal(t, http.StatusOK, st)

	r = s.Do(t, auth.Principal{}, http.MethodGet, publicPath(town)+"/opinions/"+strings.ToLower(receipt.TrackingCode), nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.NotContains(t, string(r.Body), "13987654321")
	require.NotContains(t, string(r.Body), "c1", "the public never learns who handled it")
	var tracked struct {
		Status   string `json:"status"`
		Response string `json:"response"`
		Phone    string `json:"phone"`
	}
	r.JSON(t, &tracked)
	require.Equal(t, "responded", tracked.Status)
	require.Equal(t, "路灯已更换", tracked.Response)
	require.Equal(t, "139****4321", tracked.Phone)

	r = s.Do(t, auth.Principal{}, http.MethodGet, publicPath(town)+"/opinions/ABCDEFGHJK", nil, "Accept-Language", "zh-CN")
	require.Equal(t, http.StatusNotFound, r.Status)
	require.Contains(t, string(r.Body), "查询码")
}

func TestPublicSubmission_BurstFromOneClient_Is429(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	ip := clientIP()
	statuses := []int{}
	for i := 0; i < 6; i++ {
		// no solution: each is refused by the challenge until the bucket is empty
		r := submit(t, s, town, ip, map[string]any{"text": fmt.Sprintf("第%d条", i)})
		statuses = append(statuses, r.Status)
		if r.Status == http.StatusTooManyRequests {
			require.NotEmpty(t, r.Header.Get("Retry-After"))
			require.Contains(t, string(r.Body), "您提交得太频繁了")
		}
	}
	require.Equal(t, []int{403, 403, 403, 403, 403, 429}, statuses)
	// another client is not affected
	r := submit(t, s, town, clientIP(), map[string]any{"text": "另一位群众", "altcha": challenge(t, s, town)})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
}

func TestPublicSubmission_Oversize_Is413(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	r := submit(t, s, town, clientIP(), map[string]any{"text": strings.Repeat("很长", 9000), "altcha": challenge(t, s, town)})
	require.Equal(t, http.StatusRequestEntityTooLarge, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), "提交内容过长")
}

func TestPublicSubmission_Honeypot_LooksAcceptedButIsDropped(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	r := submit(t, s, town, clientIP(), map[string]any{"text": "广告内容", "website": "http://spam.example", "altcha": challenge(t, s, town)})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var receipt struct {
		TrackingCode string `json:"trackingCode"`
	}
	r.JSON(t, &receipt)
	require.Len(t, receipt.TrackingCode, 10)

	var page httpx.Page[opinionJSON]
	s.Do(t, office(town), http.MethodGet, townPath(town), nil).JSON(t, &page)
	require.Empty(t, page.Items, "nothing was stored")
	r = s.Do(t, auth.Principal{}, http.MethodGet, publicPath(town)+"/opinions/"+receipt.TrackingCode, nil)
	require.Equal(t, http.StatusNotFound, r.Status)
}

func TestPublicSubmission_BadProofOfWork_IsRefused(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	sol := challenge(t, s, town)
	sol.Number++
	r := submit(t, s, town, clientIP(), map[string]any{"text": "没有算出来", "altcha": sol})
	require.Equal(t, http.StatusForbidden, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), "安全校验未通过")

	// a challenge issued for another town's page does not work here
	other := testkit.NewTown(t)
	r = submit(t, s, town, clientIP(), map[string]any{"text": "别处的题", "altcha": challenge(t, s, other)})
	require.Equal(t, http.StatusForbidden, r.Status, string(r.Body))
}

func TestPublicSubmission_ReplayedChallenge_IsRefused(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	sol := challenge(t, s, town)
	r := submit(t, s, town, clientIP(), map[string]any{"text": "第一次提交", "altcha": sol})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	r = submit(t, s, town, clientIP(), map[string]any{"text": "换了内容再提交", "altcha": sol})
	require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), "该表单已提交过")
}

func TestPublicSubmission_SameTextSameCommunity_IsDuplicate(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	r := submit(t, s, town, clientIP(), map[string]any{"text": "垃圾站太臭了！", "altcha": challenge(t, s, town)})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	r = submit(t, s, town, clientIP(), map[string]any{"text": "垃圾站 太臭了", "altcha": challenge(t, s, town)})
	require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), "请勿重复提交")
}

func TestPublicSubmission_BadPhone_SaysSoInChinese(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	r := submit(t, s, town, clientIP(), map[string]any{"text": "手机号写错了", "phone": "12345", "altcha": challenge(t, s, town)})
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), "手机号须为1开头的11位数字")
	require.NotContains(t, string(r.Body), "12345")
}

func TestTracking_GuessingFromOneClient_Is429(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	ip := clientIP()
	statuses := map[int]int{}
	for i := 0; i < 31; i++ {
		r := s.Do(t, auth.Principal{}, http.MethodGet, publicPath(town)+fmt.Sprintf("/opinions/ABCDEFG%03d", 200+i), nil, "X-Forwarded-For", ip)
		statuses[r.Status]++
	}
	require.Equal(t, map[int]int{http.StatusNotFound: 30, http.StatusTooManyRequests: 1}, statuses)
}

func TestOverdueCheck_EscalatesOnceWithAnEvent(t *testing.T) {
	t.Parallel()
	// a clock in the future, so that the shared process (real time) never finds this one late
	c := &clock{now: time.Date(2027, 1, 10, 2, 0, 0, 0, time.UTC)}
	s := processtest.Start(t, service.Name, func(ctx context.Context, p *process.Process) error {
		_, err := service.New(ctx, p, service.Options{Now: c.Now, OverdueEvery: 200 * time.Millisecond})
		return err
	})
	town := testkit.NewTown(t)
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	created := events.MustNew(events.TownCreated, town, "county-admin", string(town), events.TownCreatedData{Code: string(town), Name: "测试镇"})
	created.Rev = 1
	require.NoError(t, pub.Publish(context.Background(), events.Topic(events.Platform), created))

	late := record(t, s, office(town), map[string]any{"community": community(town), "source": "visit", "text": "一直没人管"})
	get := func() opinionJSON {
		var o opinionJSON
		r := s.Do(t, office(town), http.MethodGet, townPath(town)+"/"+late.ID, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &o)
		return o
	}
	time.Sleep(time.Second)
	require.Nil(t, get().EscalatedAt, "not late yet")

	c.Set(late.Due.Add(time.Second))
	testkit.Eventually(t, 60*time.Second, func() bool { return get().EscalatedAt != nil })
	o := get()
	require.True(t, o.Overdue)
	time.Sleep(time.Second)
	require.Equal(t, o.Rev, get().Rev, "escalated once")

	reader := kafka.NewReader(kafka.ReaderConfig{Brokers: testkit.Brokers(t), GroupID: "t-" + uuid.NewString(),
		GroupTopics: []string{events.Topic(events.Petitions)}, StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond})
	defer reader.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		m, err := reader.ReadMessage(ctx)
		require.NoError(t, err, "no petitions.opinion.overdue for %s", late.ID)
		ev, err := events.Decode(m.Value)
		require.NoError(t, err)
		if ev.Subject == late.ID && ev.Type == events.OpinionOverdue {
			require.Equal(t, town, ev.Town)
			require.Equal(t, o.Rev, ev.Rev)
			return
		}
	}
}
