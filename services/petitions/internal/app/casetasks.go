package app

import (
	"context"
	"slices"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/tasks"
)

// TaskStep is one change of a case task's status.
type TaskStep string

const (
	StepStart    TaskStep = "start"
	StepComplete TaskStep = "complete"
	StepVerify   TaskStep = "verify"
	StepReopen   TaskStep = "reopen"
	StepCancel   TaskStep = "cancel"
)

// TaskSteps are the steps in the order of the life cycle.
var TaskSteps = []TaskStep{StepStart, StepComplete, StepVerify, StepReopen, StepCancel}

var (
	ErrTaskNotFound = errs.NotFound("case-task-not-found",
		"the case has no such task", "该案件没有此项任务")
	ErrUnknownStep = errs.Invalid("case-task-unknown-step",
		"a task is started, completed, verified, reopened or cancelled",
		"任务操作只能是开始办理、办结、核实、退回重办或取消")
	ErrNotTaskOwner = errs.Forbidden("case-task-not-owner",
		"only the task's owner starts and completes it",
		"只有任务责任人可以办理此任务")
	ErrOfficeChecks = errs.Forbidden("case-task-office-checks",
		"only the town office verifies, reopens or cancels a case's task",
		"案件任务由镇活动办核实、退回重办或取消")
)

// taskWorkers may act on a case's task at all; which step each may take is decided below.
var taskWorkers = []auth.Role{auth.TownAdmin, auth.TownLeader, auth.Cadre, auth.BranchSecretary}

// MoveCaseTask applies a step to a task of a case; the note is what was done (complete), what
// was found (verify) or why (reopen, cancel: required).
type MoveCaseTask struct {
	Case string
	Task string
	Step TaskStep
	Note string
}

type MoveCaseTaskHandler struct{ d Deps }

// Handle lets only the owner (the cadre, the community's branch secretary, the account named,
// or the town office for its own tasks) start and complete a task; only the town office
// verifies, reopens and cancels, and never by the account that completed it (four eyes, also
// for tasks of a community or the office itself, which libs/tasks cannot tell apart). Every
// step is kept in the task's history with its actor and note, and published.
func (h MoveCaseTaskHandler) Handle(ctx context.Context, cmd MoveCaseTask) (tasks.Task, error) {
	p, _, err := callerWith(ctx, taskWorkers)
	if err != nil {
		return tasks.Task{}, err
	}
	if !slices.Contains(TaskSteps, cmd.Step) {
		return tasks.Task{}, ErrUnknownStep
	}
	now := h.d.Now().UTC()
	return h.d.Tasks.Update(ctx, cmd.Task, p.AccountID, func(t *tasks.Task) error {
		if t.Source.Service != "petitions" || t.Source.Entity != "case" || t.Source.ID != cmd.Case {
			return ErrTaskNotFound
		}
		by := tasks.ActorOf(p)
		switch cmd.Step {
		case StepStart, StepComplete:
			if !ownsTask(p, *t) {
				return ErrNotTaskOwner
			}
			if cmd.Step == StepStart {
				return t.Start(by, now)
			}
			return t.Complete(by, cmd.Note, now)
		}
		if !slices.Contains(caseWriters, p.Role) {
			return ErrOfficeChecks
		}
		switch cmd.Step {
		case StepVerify:
			if t.Status == tasks.Done && t.Completion != nil && t.Completion.By.AccountID == p.AccountID {
				return tasks.ErrOwnerCannotVerify
			}
			return t.Verify(by, cmd.Note, now)
		case StepReopen:
			return t.Reopen(by, cmd.Note, now)
		}
		return t.Cancel(by, cmd.Note, now)
	})
}

// ownsTask reports whether the caller answers for the task themselves.
func ownsTask(p auth.Principal, t tasks.Task) bool {
	switch t.Owner.Kind {
	case tasks.OwnerCadre:
		return p.Role == auth.Cadre && p.CadreID != "" && p.CadreID == t.Owner.ID
	case tasks.OwnerCommunity:
		return p.Role == auth.BranchSecretary && p.Community != "" && string(p.Community) == t.Owner.ID
	case tasks.OwnerAccount:
		return p.AccountID == t.Owner.ID
	case tasks.OwnerTownOffice:
		return p.Role == auth.TownAdmin
	}
	return false
}
