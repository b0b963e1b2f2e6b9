package service_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/process"
	"dundian.local/libs/process/processtest"
	"dundian.local/libs/testkit"
	"dundian.local/services/petitions/internal/service"
)

type figuresJSON struct {
	Signs               int      `json:"signs"`
	OpenCases           int      `json:"openCases"`
	ByAge               []int    `json:"byAge"`
	BacklogOpen         int      `json:"backlogOpen"`
	BacklogResolved     int      `json:"backlogResolved"`
	OverdueOpinions     int      `json:"overdueOpinions"`
	OverdueTasks        int      `json:"overdueTasks"`
	Opinions            int      `json:"opinions"`
	Responded           int      `json:"responded"`
	ResponseMedianHours *float64 `json:"responseMedianHours"`
	ResponseP90Hours    *float64 `json:"responseP90Hours"`
}

type viewJSON struct {
	Level         string      `json:"level"`
	Year          int         `json:"year"`
	Town          string      `json:"town"`
	TownName      string      `json:"townName"`
	Community     string      `json:"community"`
	CommunityName string      `json:"communityName"`
	Total         figuresJSON `json:"total"`
	Rows          []struct {
		Key  string `json:"key"`
		Name string `json:"name"`
		figuresJSON
	} `json:"rows"`
}

func TestOverview_FiguresFromKnownRecords_DrillDownAndExport(t *testing.T) {
	t.Parallel()
	// 1 March 2026, 10:00 in Beijing.
	c := &clock{now: time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)}
	s := processtest.Start(t, service.Name, func(ctx context.Context, p *process.Process) error {
		_, err := service.New(ctx, p, service.Options{Now: c.Now, OverdueEvery: time.Hour})
		return err
	})
	town, other := testkit.NewTown(t), testkit.NewTown(t)
	a, b := community(town), string(town)+"202"

	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	created := events.MustNew(events.TownCreated, town, "county-admin", string(town), events.TownCreatedData{
		Code: string(town), Name: "城关镇", Communities: []events.CommunityName{{Code: a, Name: "城厢村"}, {Code: b, Name: "河西村"}}})
	created.Rev = 1
	require.NoError(t, pub.Publish(context.Background(), events.Topic(events.Platform), created))

	cases := "/api/v1/towns/" + string(town) + "/cases"
	register := func(community string, backlog bool) string {
		r := s.Do(t, office(town), http.MethodPost, cases, map[string]any{"community": community, "title": "土地纠纷", "risk": "high", "backlog": backlog})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var cs caseJSON
		r.JSON(t, &cs)
		return cs.ID
	}
	move := func(id string, body map[string]any) {
		r := s.Do(t, office(town), http.MethodPost, cases+"/"+id+"/transitions", body)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	}
	oldBacklog := register(a, true) // opened 1 March
	r := s.Do(t, office(town), http.MethodPost, cases+"/"+oldBacklog+"/tasks", map[string]any{"kind": "stabilisation_measure",
		"title": "每周走访", "due": "2026-05-01", "owner": map[string]string{"kind": "cadre", "id": "c1", "name": "干部c1"}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	resolved := register(a, true)
	answeredOp := record(t, s, office(town), map[string]any{"community": a, "source": "visit", "text": "路灯坏了",
		"responsible": map[string]string{"id": "c1", "name": "干部c1"}})
	unanswered := record(t, s, office(town), map[string]any{"community": b, "source": "visit", "text": "水渠堵了"})
	require.NotEmpty(t, unanswered.ID)
	sign := register(b, false)

	c.Set(time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)) // six and a half hours later
	st, body := act(t, s, cadre(town, "c1"), town, answeredOp.ID, "respond", map[string]string{"response": "已修好"})
	require.Equal(t, http.StatusOK, st, string(body))
	c.Set(time.Date(2026, 4, 10, 2, 0, 0, 0, time.UTC))
	move(resolved, map[string]any{"to": "resolving", "reason": "制定方案"})
	move(resolved, map[string]any{"to": "resolved", "reason": "达成协议", "outcome": "签订协议", "satisfaction": 5})
	c.Set(time.Date(2026, 5, 20, 2, 0, 0, 0, time.UTC))
	move(sign, map[string]any{"to": "open", "reason": "矛盾升级"})

	// 1 June 2026, 00:30 in Beijing: the old backlog case is 92 days old, the new one 12.
	c.Set(time.Date(2026, 5, 31, 16, 30, 0, 0, time.UTC))
	path := "/api/v1/towns/" + string(town) + "/petitions/overview"
	var v viewJSON
	testkit.Eventually(t, 30*time.Second, func() bool {
		r := s.Do(t, office(town), http.MethodGet, path, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &v)
		return v.TownName == "城关镇"
	}, "the town's names from platform.town.created")
	require.Equal(t, "town", v.Level)
	require.Equal(t, 2026, v.Year)
	six := 6.5
	require.Equal(t, figuresJSON{OpenCases: 2, ByAge: []int{1, 0, 1, 0, 0}, BacklogOpen: 1, BacklogResolved: 1,
		OverdueOpinions: 1, OverdueTasks: 1, Opinions: 2, Responded: 1, ResponseMedianHours: &six, ResponseP90Hours: &six}, v.Total)
	require.Len(t, v.Rows, 2)
	require.Equal(t, a, v.Rows[0].Key)
	require.Equal(t, "城厢村", v.Rows[0].Name)
	require.Equal(t, []int{0, 0, 1, 0, 0}, v.Rows[0].ByAge)
	require.Equal(t, "河西村", v.Rows[1].Name)
	require.Equal(t, 1, v.Rows[1].OverdueOpinions)

	r = s.Do(t, auth.Principal{AccountID: "insp", Role: auth.CountyInspector}, http.MethodGet, path+"?community="+a+"&year=2026", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var drill viewJSON
	r.JSON(t, &drill)
	require.Equal(t, "community", drill.Level)
	require.Equal(t, "城厢村", drill.CommunityName)
	require.Len(t, drill.Rows, 1)
	require.Equal(t, "c1", drill.Rows[0].Key)
	require.Equal(t, 1, drill.Rows[0].OpenCases, "the case whose task c1 owns")
	require.Equal(t, 1, drill.Rows[0].OverdueTasks)
	require.Equal(t, 1, drill.Rows[0].Responded)

	r = s.Do(t, office(town), http.MethodGet, path+"?year=2025", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &v)
	require.Zero(t, v.Total.BacklogResolved, "none resolved in 2025")
	require.Zero(t, v.Total.Opinions)
	require.Equal(t, 1, v.Total.OverdueOpinions, "what is late now stays in view")

	r = s.Do(t, office(town), http.MethodGet, path+"/export", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows("各社区信访情况")
	require.NoError(t, err)
	require.Len(t, rows, 4, "headings, two communities, total")
	require.Equal(t, []string{"社区（村）代码", "社区（村）", "信访苗头", "在办案件", "案龄30天以内"}, rows[0][:5])
	require.Equal(t, []string{a, "城厢村", "0", "1"}, rows[1][:4])
	require.Equal(t, "合计", rows[3][0])
	require.Equal(t, "6.5", rows[3][len(rows[3])-1])

	county := "/api/v1/county/petitions/overview"
	r = s.Do(t, auth.Principal{AccountID: "county", Role: auth.CountyAdmin}, http.MethodGet, county, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var cv viewJSON
	r.JSON(t, &cv)
	require.Equal(t, "county", cv.Level)
	found := false
	for _, row := range cv.Rows {
		if row.Key == string(town) {
			found = true
			require.Equal(t, "城关镇", row.Name)
			require.Equal(t, 2, row.OpenCases)
		}
	}
	require.True(t, found, "the town is a row of the county's view")
	erased := events.MustNew(events.TownErased, town, "county-admin", string(town), map[string]string{"code": string(town)})
	erased.Rev = 2
	require.NoError(t, pub.Publish(context.Background(), events.Topic(events.Platform), erased))
	testkit.Eventually(t, 30*time.Second, func() bool {
		r := s.Do(t, auth.Principal{AccountID: "county", Role: auth.CountyAdmin}, http.MethodGet, county, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var cv viewJSON
		r.JSON(t, &cv)
		for _, row := range cv.Rows {
			if row.Key == string(town) {
				return false
			}
		}
		return true
	}, "an erased town leaves the county's view")
	r = s.Do(t, auth.Principal{AccountID: "county", Role: auth.CountyAdmin}, http.MethodGet, county+"/export", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Contains(t, r.Header.Get("Content-Type"), "spreadsheetml")

	for name, tc := range map[string]struct {
		p    auth.Principal
		path string
		want int
	}{
		"another town's office":       {office(other), path, http.StatusNotFound},
		"a cadre":                     {cadre(town, "c1"), path, http.StatusForbidden},
		"a town office, county-wide":  {office(town), county, http.StatusForbidden},
		"a community of another town": {office(town), path + "?community=" + community(other), http.StatusBadRequest},
		"a year that is not one":      {office(town), path + "?year=abc", http.StatusBadRequest},
	} {
		r := s.Do(t, tc.p, http.MethodGet, tc.path, nil)
		require.Equal(t, tc.want, r.Status, "%s: %s", name, r.Body)
	}
}
