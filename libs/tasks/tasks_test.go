package tasks_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tasks"
)

var (
	created   = time.Date(2026, 5, 6, 9, 0, 0, 0, calendar.Beijing)
	cadre     = tasks.Actor{AccountID: "acc-cadre-7", CadreID: "cadre-7", Name: "王芳"}
	office    = tasks.Actor{AccountID: "acc-town-1", Name: "镇活动办"}
	inspector = tasks.Actor{AccountID: "acc-county-3", Name: "县督导组"}
)

func draft() tasks.Draft {
	return tasks.Draft{
		ID:     "task-1",
		Town:   "130624100",
		Kind:   tasks.Rectification,
		Title:  "整改村务公开栏信息滞后问题",
		Detail: "每月5日前更新公开栏",
		Owner:  tasks.Owner{Kind: tasks.OwnerCadre, ID: "cadre-7", Name: "王芳"},
		Due:    time.Date(2026, 6, 30, 0, 0, 0, 0, calendar.Beijing),
		Source: tasks.Source{Service: "assessment", Entity: "finding", ID: "finding-9"},
	}
}

func newTask(t *testing.T) tasks.Task {
	t.Helper()
	task, err := tasks.New(draft(), office, created)
	require.NoError(t, err)
	return task
}

func TestNew_OpensATaskAndRecordsItsCreation(t *testing.T) {
	t.Parallel()
	task := newTask(t)
	require.Equal(t, tasks.Open, task.Status)
	require.Equal(t, int64(1), task.Rev)
	require.Equal(t, []tasks.Change{{To: tasks.Open, Actor: office, At: created}}, task.History)
	require.Nil(t, task.Completion)
	require.Nil(t, task.Verification)
}

func TestNew_RefusesAnIncompleteDraft(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		edit  func(*tasks.Draft)
		field string
	}{
		{"no id", func(d *tasks.Draft) { d.ID = " " }, "id"},
		{"bad town", func(d *tasks.Draft) { d.Town = "13062410" }, "town"},
		{"unknown kind", func(d *tasks.Draft) { d.Kind = "chore" }, "kind"},
		{"blank title", func(d *tasks.Draft) { d.Title = "  " }, "title"},
		{"long title", func(d *tasks.Draft) { d.Title = strings.Repeat("整", 201) }, "title"},
		{"long detail", func(d *tasks.Draft) { d.Detail = strings.Repeat("改", 4001) }, "detail"},
		{"unknown owner kind", func(d *tasks.Draft) { d.Owner.Kind = "volunteer" }, "owner"},
		{"owner without id", func(d *tasks.Draft) { d.Owner.ID = "" }, "owner"},
		{"no source", func(d *tasks.Draft) { d.Source.ID = "" }, "source"},
	} {
		d := draft()
		tc.edit(&d)
		_, err := tasks.New(d, office, created)
		require.ErrorIs(t, err, tasks.ErrInvalidTask, tc.name)
		e, _ := errs.As(err)
		require.Equal(t, errs.CategoryInvalid, e.Category)
		require.Contains(t, fieldNames(e), tc.field, tc.name)
	}
	_, err := tasks.New(draft(), tasks.Actor{}, created)
	require.ErrorIs(t, err, tasks.ErrInvalidTask)
	_, err = tasks.New(draft(), office, time.Time{})
	require.ErrorIs(t, err, tasks.ErrInvalidTask)

	d := draft()
	d.Due = time.Time{}
	task, err := tasks.New(d, office, created)
	require.NoError(t, err, "a task may have no due date")
	require.True(t, task.DueDay().IsZero())
}

func fieldNames(e *errs.Error) []string {
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

// act applies one of the five changes, with a reason where one is needed.
func act(task *tasks.Task, action string, at time.Time) error {
	switch action {
	case "start":
		return task.Start(cadre, at)
	case "complete":
		return task.Complete(cadre, "已更新公开栏", at)
	case "verify":
		return task.Verify(office, "现场查看属实", at)
	case "reopen":
		return task.Reopen(inspector, "公开栏五月未更新", at)
	case "cancel":
		return task.Cancel(office, "问题已由县里统一处理", at)
	}
	panic(action)
}

func TestTransitions_EveryAllowedAndRefusedChange(t *testing.T) {
	t.Parallel()
	statuses := []tasks.Status{tasks.Open, tasks.InProgress, tasks.Done, tasks.Verified, tasks.Reopened, tasks.Cancelled}
	results := map[string]tasks.Status{
		"start": tasks.InProgress, "complete": tasks.Done, "verify": tasks.Verified,
		"reopen": tasks.Reopened, "cancel": tasks.Cancelled,
	}
	allowed := map[tasks.Status][]string{
		tasks.Open:       {"start", "complete", "cancel"},
		tasks.InProgress: {"complete", "cancel"},
		tasks.Done:       {"verify", "reopen"},
		tasks.Verified:   {"reopen"},
		tasks.Reopened:   {"start", "complete", "cancel"},
		tasks.Cancelled:  nil,
	}
	at := created.Add(time.Hour)
	for _, from := range statuses {
		for action, to := range results {
			task := newTask(t)
			task.Status = from
			before := task
			before.History = append([]tasks.Change(nil), task.History...)
			err := act(&task, action, at)
			name := string(from) + " → " + action
			if containsAction(allowed[from], action) {
				require.NoError(t, err, name)
				require.Equal(t, to, task.Status, name)
				require.Equal(t, before.Rev+1, task.Rev, name)
				require.Len(t, task.History, len(before.History)+1, name)
				last := task.History[len(task.History)-1]
				require.Equal(t, from, last.From, name)
				require.Equal(t, to, last.To, name)
				require.Equal(t, at, last.At, name)
				continue
			}
			require.ErrorIs(t, err, tasks.ErrTransitionNotAllowed, name)
			e, _ := errs.As(err)
			require.Equal(t, errs.CategoryConflict, e.Category, name)
			require.Equal(t, before, task, "a refused change leaves the task as it was: "+name)
		}
	}
}

func containsAction(list []string, a string) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}

func TestTransitions_RefusalListsTheAllowedChangesInBothLanguages(t *testing.T) {
	t.Parallel()
	task := newTask(t)
	require.NoError(t, task.Complete(cadre, "", created))
	err := task.Start(cadre, created)
	e, ok := errs.As(err)
	require.True(t, ok)
	require.Contains(t, e.Message, "a task that is done cannot become in_progress; allowed: verified, reopened")
	require.Contains(t, e.Zh, "“已完成”的任务不能改为“办理中”，只能改为：已核实、重新办理")

	require.NoError(t, task.Reopen(office, "材料不全", created))
	require.NoError(t, task.Cancel(office, "合并到其他任务", created))
	err = task.Start(cadre, created)
	e, _ = errs.As(err)
	require.Contains(t, e.Message, "it allows no further change")
	require.Contains(t, e.Zh, "该任务不能再变更")
	require.Equal(t, []tasks.Status(nil), tasks.Cancelled.Next())
	require.Equal(t, []tasks.Status{tasks.Verified, tasks.Reopened}, tasks.Done.Next())
}

func TestReopenAndCancel_RequireAReason(t *testing.T) {
	t.Parallel()
	for _, reason := range []string{"", "   ", "\n\t"} {
		task := newTask(t)
		require.ErrorIs(t, task.Cancel(office, reason, created), tasks.ErrReasonRequired)
		require.Equal(t, tasks.Open, task.Status)
		require.Equal(t, int64(1), task.Rev)

		require.NoError(t, task.Complete(cadre, "", created))
		require.ErrorIs(t, task.Reopen(office, reason, created), tasks.ErrReasonRequired)
		require.Equal(t, tasks.Done, task.Status)
		e, _ := errs.As(task.Reopen(office, reason, created))
		require.Equal(t, "reason", e.Fields[0].Field)
	}
	task := newTask(t)
	require.ErrorIs(t, task.Cancel(office, strings.Repeat("因", 1001), created), tasks.ErrNoteTooLong)
	require.NoError(t, task.Cancel(office, "  重复立项  ", created))
	require.Equal(t, "重复立项", task.History[1].Reason)
}

func TestChanges_MustNameTheActor(t *testing.T) {
	t.Parallel()
	task := newTask(t)
	require.ErrorIs(t, task.Start(tasks.Actor{CadreID: "cadre-7"}, created), tasks.ErrActorRequired)
	require.Equal(t, tasks.Open, task.Status)
}

func TestVerify_TheOwnerCannotVerifyTheirOwnTask(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		owner    tasks.Owner
		verifier tasks.Actor
		refused  bool
	}{
		{"cadre owner verifying through their account", tasks.Owner{Kind: tasks.OwnerCadre, ID: "cadre-7"}, cadre, true},
		{"cadre owner, another cadre verifies", tasks.Owner{Kind: tasks.OwnerCadre, ID: "cadre-7"},
			tasks.Actor{AccountID: "acc-cadre-8", CadreID: "cadre-8"}, false},
		{"cadre owner, the town office verifies", tasks.Owner{Kind: tasks.OwnerCadre, ID: "cadre-7"}, office, false},
		{"account owner verifying", tasks.Owner{Kind: tasks.OwnerAccount, ID: "acc-town-1"}, office, true},
		{"account owner, the county verifies", tasks.Owner{Kind: tasks.OwnerAccount, ID: "acc-town-1"}, inspector, false},
		{"community owner, the town office verifies", tasks.Owner{Kind: tasks.OwnerCommunity, ID: "130624100201"}, office, false},
		{"town office owner, the town office verifies", tasks.Owner{Kind: tasks.OwnerTownOffice, ID: "130624100"}, office, false},
	} {
		d := draft()
		d.Owner = tc.owner
		task, err := tasks.New(d, office, created)
		require.NoError(t, err)
		require.NoError(t, task.Complete(cadre, "已整改", created.Add(time.Hour)))
		err = task.Verify(tc.verifier, "已核实", created.Add(2*time.Hour))
		if tc.refused {
			require.ErrorIs(t, err, tasks.ErrOwnerCannotVerify, tc.name)
			e, _ := errs.As(err)
			require.Equal(t, errs.CategoryForbidden, e.Category)
			require.Equal(t, tasks.Done, task.Status, tc.name)
			require.Nil(t, task.Verification, tc.name)
			continue
		}
		require.NoError(t, err, tc.name)
		require.Equal(t, tasks.Verified, task.Status)
		require.Equal(t, &tasks.Verification{By: tc.verifier, At: created.Add(2 * time.Hour), Note: "已核实"}, task.Verification)
	}
}

func TestLifeCycle_ReopeningClearsCompletionAndVerificationButKeepsHistory(t *testing.T) {
	t.Parallel()
	task := newTask(t)
	require.NoError(t, task.Start(cadre, created.Add(time.Hour)))
	require.NoError(t, task.Complete(cadre, "已更新公开栏", created.Add(2*time.Hour)))
	require.Equal(t, &tasks.Completion{By: cadre, At: created.Add(2 * time.Hour), Note: "已更新公开栏"}, task.Completion)
	require.NoError(t, task.Verify(office, "现场查看属实", created.Add(3*time.Hour)))
	require.NoError(t, task.Reopen(inspector, "暗访发现未更新", created.Add(4*time.Hour)))
	require.Nil(t, task.Completion)
	require.Nil(t, task.Verification)
	require.NoError(t, task.Complete(cadre, "已按月更新", created.Add(5*time.Hour)))
	require.NoError(t, task.Verify(inspector, "复查属实", created.Add(6*time.Hour)))

	var steps []string
	for _, c := range task.History {
		steps = append(steps, string(c.From)+">"+string(c.To)+":"+c.Reason)
	}
	require.Equal(t, []string{
		">open:",
		"open>in_progress:",
		"in_progress>done:已更新公开栏",
		"done>verified:现场查看属实",
		"verified>reopened:暗访发现未更新",
		"reopened>done:已按月更新",
		"done>verified:复查属实",
	}, steps)
	require.Equal(t, int64(7), task.Rev)
}

func TestOverdue_AtTheBeijingDayBoundary(t *testing.T) {
	t.Parallel()
	// Due 30 June 2026: on time until 23:59:59.999999999 Beijing, i.e. 15:59:59.999999999 UTC.
	for _, tc := range []struct {
		name   string
		status tasks.Status
		now    time.Time
		days   int
	}{
		{"before the due day", tasks.Open, time.Date(2026, 6, 29, 12, 0, 0, 0, calendar.Beijing), 0},
		{"last second of the due day", tasks.Open, time.Date(2026, 6, 30, 23, 59, 59, 999999999, calendar.Beijing), 0},
		{"same instant in UTC", tasks.Open, time.Date(2026, 6, 30, 15, 59, 59, 0, time.UTC), 0},
		{"first instant of the next day", tasks.Open, time.Date(2026, 7, 1, 0, 0, 0, 0, calendar.Beijing), 1},
		{"UTC 16:30 on the due day is 00:30 the next day in Beijing", tasks.InProgress, time.Date(2026, 6, 30, 16, 30, 0, 0, time.UTC), 1},
		{"two days later", tasks.Reopened, time.Date(2026, 7, 2, 8, 0, 0, 0, calendar.Beijing), 2},
		{"done is never overdue", tasks.Done, time.Date(2026, 7, 9, 8, 0, 0, 0, calendar.Beijing), 0},
		{"verified is never overdue", tasks.Verified, time.Date(2026, 7, 9, 8, 0, 0, 0, calendar.Beijing), 0},
		{"cancelled is never overdue", tasks.Cancelled, time.Date(2026, 7, 9, 8, 0, 0, 0, calendar.Beijing), 0},
	} {
		task := newTask(t)
		task.Status = tc.status
		require.Equal(t, tc.days, task.DaysOverdue(tc.now), tc.name)
		require.Equal(t, tc.days > 0, task.IsOverdue(tc.now), tc.name)
	}

	d := draft()
	d.Due = time.Time{}
	task, err := tasks.New(d, office, created)
	require.NoError(t, err)
	require.False(t, task.IsOverdue(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)), "no due date, never overdue")
}

func TestOverdue_DueGivenInUTCMeansItsBeijingDay(t *testing.T) {
	t.Parallel()
	d := draft()
	d.Due = time.Date(2026, 6, 29, 16, 0, 0, 0, time.UTC) // 00:00 on 30 June in Beijing
	task, err := tasks.New(d, office, created)
	require.NoError(t, err)
	require.Equal(t, "2026-06-30", task.DueDay().String())
	require.False(t, task.IsOverdue(time.Date(2026, 6, 30, 23, 0, 0, 0, calendar.Beijing)))
	require.True(t, task.IsOverdue(time.Date(2026, 7, 1, 0, 0, 1, 0, calendar.Beijing)))
}

func TestTask_JSONUsesLowerCamelNames(t *testing.T) {
	t.Parallel()
	task := newTask(t)
	require.NoError(t, task.Complete(cadre, "已整改", created))
	require.NoError(t, task.Verify(office, "属实", created))
	b, err := json.Marshal(task)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range []string{"id", "town", "kind", "title", "detail", "owner", "due", "status", "completion", "verification", "source", "history", "rev"} {
		require.Contains(t, m, k)
	}
	require.Equal(t, "acc-town-1", m["verification"].(map[string]any)["by"].(map[string]any)["accountId"])
	var back tasks.Task
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, task.Rev, back.Rev)
	require.True(t, task.Due.Equal(back.Due))
	require.Equal(t, task.History[2].Reason, back.History[2].Reason)
}

func TestActorOf_TakesTheCadreFromThePrincipal(t *testing.T) {
	t.Parallel()
	a := tasks.ActorOf(auth.Principal{AccountID: "acc-cadre-7", Name: "王芳", Role: auth.Cadre, CadreID: "cadre-7"})
	require.Equal(t, cadre, a)
}

func TestStatus_Names(t *testing.T) {
	t.Parallel()
	for _, s := range []tasks.Status{tasks.Open, tasks.InProgress, tasks.Done, tasks.Verified, tasks.Reopened, tasks.Cancelled} {
		require.NotEqual(t, string(s), s.Zh())
	}
	for _, k := range tasks.Kinds {
		require.True(t, k.Valid())
	}
}
