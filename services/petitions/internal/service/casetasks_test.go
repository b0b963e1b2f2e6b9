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
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

type taskJSON struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Completion *struct {
		Note string `json:"note"`
	} `json:"completion"`
	Verification *struct {
		By struct {
			AccountID string `json:"accountId"`
		} `json:"by"`
		Note string `json:"note"`
	} `json:"verification"`
	History []struct {
		From   string `json:"from"`
		To     string `json:"to"`
		Reason string `json:"reason"`
		Actor  struct {
			AccountID string `json:"accountId"`
		} `json:"actor"`
	} `json:"history"`
	Rev int64 `json:"rev"`
}

func secretary(community tenancy.CommunityCode) auth.Principal {
	return auth.Principal{AccountID: "sec-" + string(community), Role: auth.BranchSecretary, Town: community.Town(), Community: community}
}

func leader(town tenancy.TownCode) auth.Principal {
	return auth.Principal{AccountID: "leader-" + string(town), Role: auth.TownLeader, Town: town}
}

func TestCaseTask_OwnerCompletesOfficeVerifiesOrReopens_EveryStepAudited(t *testing.T) {
	t.Parallel()
	s := petitions(t)
	town, other := testkit.NewTown(t), testkit.NewTown(t)
	cases := "/api/v1/towns/" + string(town) + "/cases"
	r := s.Do(t, office(town), http.MethodPost, cases, map[string]any{"community": community(town), "title": "拖欠工资", "risk": "high", "backlog": true})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var c caseJSON
	r.JSON(t, &c)
	plan := func(kind, ownerKind, ownerID string) string {
		r := s.Do(t, office(town), http.MethodPost, cases+"/"+c.ID+"/tasks", map[string]any{"kind": kind, "title": "任务",
			"owner": map[string]string{"kind": ownerKind, "id": ownerID}})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var tk taskJSON
		r.JSON(t, &tk)
		return tk.ID
	}
	cadreTask := plan("resolution_step", "cadre", "c1")
	communityTask := plan("stabilisation_measure", "community", community(town))
	officeTask := plan("resolution_step", "town_office", string(town))

	step := func(p auth.Principal, task, name, note string) (int, taskJSON, string) {
		t.Helper()
		r := s.Do(t, p, http.MethodPost, "/api/v1/towns/"+string(p.Town)+"/cases/"+c.ID+"/tasks/"+task+"/"+name, map[string]string{"note": note})
		var tk taskJSON
		if r.Status == http.StatusOK {
			r.JSON(t, &tk)
		}
		return r.Status, tk, string(r.Body)
	}

	tests := []struct {
		name string
		p    auth.Principal
		task string
		step string
		note string
		want int
		body string
	}{
		{"another cadre cannot complete it", cadre(town, "c2"), cadreTask, "complete", "", http.StatusForbidden, "case-task-not-owner"},
		{"the office cannot complete a cadre's task", office(town), cadreTask, "complete", "", http.StatusForbidden, "case-task-not-owner"},
		{"an open task cannot be verified", office(town), cadreTask, "verify", "", http.StatusConflict, "只能改为：办理中、已完成、已取消"},
		{"the owner starts", cadre(town, "c1"), cadreTask, "start", "", http.StatusOK, ""},
		{"the owner completes", cadre(town, "c1"), cadreTask, "complete", "双方已签协议", http.StatusOK, ""},
		{"the owner cannot verify", cadre(town, "c1"), cadreTask, "verify", "", http.StatusForbidden, "case-task-office-checks"},
		{"reopening needs a comment", office(town), cadreTask, "reopen", "", http.StatusBadRequest, "task-reason-required"},
		{"the office reopens with a comment", office(town), cadreTask, "reopen", "协议未经村委会见证", http.StatusOK, ""},
		{"the owner completes again", cadre(town, "c1"), cadreTask, "complete", "补签见证", http.StatusOK, ""},
		{"the office verifies", office(town), cadreTask, "verify", "现场核实", http.StatusOK, ""},
		{"a verified task only reopens", office(town), cadreTask, "verify", "", http.StatusConflict, "只能改为：重新办理"},
		{"another community's secretary", secretary(tenancy.CommunityCode(string(town) + "202")), communityTask, "complete", "", http.StatusForbidden, "case-task-not-owner"},
		{"the community's secretary completes", secretary(tenancy.CommunityCode(community(town))), communityTask, "complete", "每周走访", http.StatusOK, ""},
		{"the office completes its own task", office(town), officeTask, "complete", "已协调人社所", http.StatusOK, ""},
		{"but not verify what it completed", office(town), officeTask, "verify", "", http.StatusForbidden, "task-owner-cannot-verify"},
		{"a leader verifies it", leader(town), officeTask, "verify", "已核实", http.StatusOK, ""},
		{"an unknown step", office(town), communityTask, "archive", "", http.StatusBadRequest, "case-task-unknown-step"},
		{"a task of another case", office(town), uuid.NewString(), "verify", "", http.StatusNotFound, "case-task-not-found"},
	}
	for _, tc := range tests { // in order: each step starts where the one before left the task
		st, _, body := step(tc.p, tc.task, tc.step, tc.note)
		require.Equal(t, tc.want, st, "%s: %s", tc.name, body)
		require.Contains(t, body, tc.body, tc.name)
	}

	r = s.Do(t, office(other), http.MethodPost, cases+"/"+c.ID+"/tasks/"+cadreTask+"/verify", map[string]string{})
	require.Equal(t, http.StatusNotFound, r.Status, "another town's office: %s", r.Body)

	var page struct{ Items []taskJSON }
	s.Do(t, office(town), http.MethodGet, cases+"/"+c.ID+"/tasks", nil).JSON(t, &page)
	var got taskJSON
	for _, tk := range page.Items {
		if tk.ID == cadreTask {
			got = tk
		}
	}
	require.Equal(t, "verified", got.Status)
	require.Equal(t, office(town).AccountID, got.Verification.By.AccountID)
	require.Equal(t, "现场核实", got.Verification.Note)
	require.Equal(t, "补签见证", got.Completion.Note)
	steps := []string{}
	for _, h := range got.History {
		steps = append(steps, h.To+"|"+h.Actor.AccountID+"|"+h.Reason)
	}
	require.Equal(t, []string{
		"open|" + office(town).AccountID + "|",
		"in_progress|acc-c1|",
		"done|acc-c1|双方已签协议",
		"reopened|" + office(town).AccountID + "|协议未经村委会见证",
		"done|acc-c1|补签见证",
		"verified|" + office(town).AccountID + "|现场核实",
	}, steps)

	reader := kafka.NewReader(kafka.ReaderConfig{Brokers: testkit.Brokers(t), GroupID: "t-" + uuid.NewString(),
		GroupTopics: []string{events.Topic(events.Petitions)}, StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond})
	defer reader.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		m, err := reader.ReadMessage(ctx)
		require.NoError(t, err, "no petitions.task.changed with rev %d for %s", got.Rev, cadreTask)
		ev, err := events.Decode(m.Value)
		require.NoError(t, err)
		if ev.Subject == cadreTask && ev.Type == events.TaskChanged && ev.Rev == got.Rev {
			var data taskJSON
			require.NoError(t, ev.Unmarshal(&data))
			require.Equal(t, "verified", data.Status)
			return
		}
	}
}
