package service_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/httpx"
	"dundian.local/libs/testkit"
)

type caseJSON struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	Risk         string `json:"risk"`
	Backlog      bool   `json:"backlog"`
	Outcome      string `json:"outcome"`
	Satisfaction int    `json:"satisfaction"`
	AgeDays      int    `json:"ageDays"`
	Guidance     []struct {
		Text string `json:"text"`
	} `json:"guidance"`
	History []struct {
		From   string `json:"from"`
		To     string `json:"to"`
		Actor  string `json:"actor"`
		Reason string `json:"reason"`
	} `json:"history"`
	Rev int64 `json:"rev"`
}

func TestCase_FromEarlySignToClosed_EveryChangeAudited(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town := testkit.NewTown(t)
	base := "/api/v1/towns/" + string(town) + "/cases"
	r := s.Do(t, office(town), http.MethodPost, base, map[string]any{
		"community": community(town), "title": "宅基地边界纠纷", "petitioner": "王某", "risk": "medium",
	})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var c caseJSON
	r.JSON(t, &c)
	require.Equal(t, "sign", c.Status)
	path := base + "/" + c.ID
	move := func(to, reason string, extra map[string]any) (int, string) {
		body := map[string]any{"to": to, "reason": reason}
		for k, v := range extra {
			body[k] = v
		}
		r := s.Do(t, office(town), http.MethodPost, path+"/transitions", body)
		return r.Status, string(r.Body)
	}

	st, body := move("resolving", "跳过立案", nil)
	require.Equal(t, http.StatusConflict, st)
	require.Contains(t, body, "只能改为：已立案、苗头已消除")

	st, body = move("open", "双方多次争执，列为案件", nil)
	require.Equal(t, http.StatusOK, st, body)
	st, body = move("resolving", "制定化解方案", nil)
	require.Equal(t, http.StatusOK, st, body)

	task := map[string]any{"kind": "resolution_step", "title": "组织双方现场勘界", "due": "2026-12-10",
		"owner": map[string]string{"kind": "cadre", "id": "c3", "name": "张干部"}}
	r = s.Do(t, office(town), http.MethodPost, path+"/tasks", task)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	task["kind"], task["title"] = "stabilisation_measure", "每周走访稳控"
	r = s.Do(t, office(town), http.MethodPost, path+"/tasks", task)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	task["kind"] = "action_item"
	r = s.Do(t, office(town), http.MethodPost, path+"/tasks", task)
	require.Equal(t, http.StatusBadRequest, r.Status, "only resolution steps and stabilisation measures")
	var tasks httpx.Page[struct {
		Kind   string `json:"kind"`
		Status string `json:"status"`
		Due    string `json:"due"`
	}]
	s.Do(t, auth.Principal{AccountID: "insp", Role: auth.CountyInspector}, http.MethodGet, path+"/tasks", nil).JSON(t, &tasks)
	require.Len(t, tasks.Items, 2)
	require.Equal(t, "open", tasks.Items[0].Status)
	require.Equal(t, "2026-12-10T15:59:59.999Z", tasks.Items[0].Due, "due at the end of the Beijing day")

	r = s.Do(t, office(town), http.MethodPost, path+"/guidance", map[string]string{"text": "告知依法逐级反映的渠道"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	st, body = move("resolved", "勘界完成", nil)
	require.Equal(t, http.StatusBadRequest, st, "resolving needs the outcome and satisfaction")
	require.Contains(t, body, "信访人满意度")
	st, body = move("resolved", "勘界完成", map[string]any{"outcome": "重新确界，双方签字", "satisfaction": 4})
	require.Equal(t, http.StatusOK, st, body)
	st, body = move("closed", "回访无异议", nil)
	require.Equal(t, http.StatusOK, st, body)

	r = s.Do(t, office(town), http.MethodGet, path, nil)
	r.JSON(t, &c)
	require.Equal(t, "closed", c.Status)
	require.Equal(t, 4, c.Satisfaction)
	require.Len(t, c.Guidance, 1)
	require.Len(t, c.History, 5)
	for _, h := range c.History {
		require.Equal(t, office(town).AccountID, h.Actor)
		require.NotEmpty(t, h.Reason)
	}
	task["kind"] = "resolution_step"
	r = s.Do(t, office(town), http.MethodPost, path+"/tasks", task)
	require.Equal(t, http.StatusConflict, r.Status, "a closed case takes no more tasks")
	require.Contains(t, string(r.Body), "case-inactive")
}

func TestCase_BacklogListedWithAge_CadresKeptOut(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town, other := testkit.NewTown(t), testkit.NewTown(t)
	base := "/api/v1/towns/" + string(town) + "/cases"
	r := s.Do(t, office(town), http.MethodPost, base, map[string]any{
		"community": community(town), "title": "历史遗留征地补偿", "risk": "high", "backlog": true,
	})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var c caseJSON
	r.JSON(t, &c)
	require.Equal(t, "open", c.Status)
	require.True(t, c.Backlog)
	r = s.Do(t, office(town), http.MethodPost, base, map[string]any{"community": community(town), "title": "苗头", "risk": "low"})
	require.Equal(t, http.StatusCreated, r.Status)

	var page httpx.Page[caseJSON]
	s.Do(t, office(town), http.MethodGet, base+"?backlog=true", nil).JSON(t, &page)
	require.Len(t, page.Items, 1)
	require.Equal(t, c.ID, page.Items[0].ID)
	require.Equal(t, 0, page.Items[0].AgeDays)

	require.Equal(t, http.StatusForbidden, s.Do(t, cadre(town, "c1"), http.MethodGet, base, nil).Status)
	require.Equal(t, http.StatusForbidden, s.Do(t, cadre(town, "c1"), http.MethodPost, base,
		map[string]any{"community": community(town), "title": "x", "risk": "low"}).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, office(other), http.MethodGet, "/api/v1/towns/"+string(other)+"/cases/"+c.ID, nil).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, office(other), http.MethodPost, "/api/v1/towns/"+string(other)+"/cases/"+c.ID+"/transitions",
		map[string]string{"to": "resolving", "reason": "x"}).Status)
}
