package app

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tasks"
	"dundian.local/libs/tenancy"
	"dundian.local/services/petitions/internal/domain/petition"
)

// Cases is the repository of a town's petition cases.
type Cases interface {
	Add(ctx context.Context, c petition.Case, actor string) error
	Update(ctx context.Context, id, actor string, fn func(*petition.Case) error) (petition.Case, error)
	Get(ctx context.Context, id string) (petition.Case, error)
	// List returns cases newest first, before the given id when it is not empty.
	List(ctx context.Context, status petition.Status, backlog bool, before string, limit int) ([]petition.Case, error)
}

// Tasks is the repository of the cases' follow-up tasks (libs/tasks).
type Tasks interface {
	Add(ctx context.Context, t tasks.Task, actor string) error
	// Update reads the task, lets fn change it and stores it with its petitions.task.changed
	// event, guarded by the revision it read; a missing task gives ErrTaskNotFound.
	Update(ctx context.Context, id, actor string, fn func(*tasks.Task) error) (tasks.Task, error)
	ForCase(ctx context.Context, caseID string) ([]tasks.Task, error)
}

// Cases are the town office's business: the town office and the town's leaders change them,
// county roles read them too. Cadres do not see them (they name petitioners).
var (
	caseWriters = []auth.Role{auth.TownAdmin, auth.TownLeader}
	caseReaders = []auth.Role{auth.TownAdmin, auth.TownLeader, auth.CountyAdmin, auth.CountyInspector}
)

// CaseView is a case with its age in Beijing days at the time asked.
type CaseView struct {
	petition.Case
	AgeDays int `json:"ageDays"`
}

func (d Deps) caseView(c petition.Case) CaseView {
	return CaseView{Case: c, AgeDays: c.AgeDays(d.Now())}
}

// RegisterCase registers an early sign, or takes over a backlog case.
type RegisterCase struct {
	Community  tenancy.CommunityCode
	Title      string
	Detail     string
	Petitioner string
	Risk       petition.Risk
	Backlog    bool
}

type RegisterCaseHandler struct{ d Deps }

func (h RegisterCaseHandler) Handle(ctx context.Context, cmd RegisterCase) (CaseView, error) {
	p, town, err := callerWith(ctx, caseWriters)
	if err != nil {
		return CaseView{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return CaseView{}, err
	}
	c, err := petition.New(petition.Draft{
		ID: id.String(), Town: town, Community: cmd.Community, Title: cmd.Title, Detail: cmd.Detail,
		Petitioner: cmd.Petitioner, Risk: cmd.Risk, Backlog: cmd.Backlog, Actor: p.AccountID,
	}, h.d.Now().UTC())
	if err != nil {
		return CaseView{}, err
	}
	if err := h.d.Cases.Add(ctx, c, p.AccountID); err != nil {
		return CaseView{}, err
	}
	return h.d.caseView(c), nil
}

// MoveCase changes a case's status for a reason; resolving it carries the outcome.
type MoveCase struct {
	ID           string
	To           petition.Status
	Reason       string
	Outcome      string
	Satisfaction int
}

type MoveCaseHandler struct{ d Deps }

func (h MoveCaseHandler) Handle(ctx context.Context, cmd MoveCase) (CaseView, error) {
	p, _, err := callerWith(ctx, caseWriters)
	if err != nil {
		return CaseView{}, err
	}
	if !cmd.To.Valid() {
		return CaseView{}, petition.ErrInvalid.WithFields(errs.FieldError{Field: "to", Slug: "unknown",
			Message: "unknown status", Zh: "未知的案件状态"})
	}
	now := h.d.Now().UTC()
	c, err := h.d.Cases.Update(ctx, cmd.ID, p.AccountID, func(c *petition.Case) error {
		if cmd.To == petition.Resolved {
			return c.ResolveWith(petition.Outcome{Text: cmd.Outcome, Satisfaction: cmd.Satisfaction}, p.AccountID, cmd.Reason, now)
		}
		return c.Move(cmd.To, p.AccountID, cmd.Reason, now)
	})
	if err != nil {
		return CaseView{}, err
	}
	return h.d.caseView(c), nil
}

// GuideCase records lawful-petition guidance given to the petitioner.
type GuideCaseHandler struct{ d Deps }

func (h GuideCaseHandler) Handle(ctx context.Context, id, text string) (CaseView, error) {
	p, _, err := callerWith(ctx, caseWriters)
	if err != nil {
		return CaseView{}, err
	}
	c, err := h.d.Cases.Update(ctx, id, p.AccountID, func(c *petition.Case) error {
		return c.Guide(text, p.AccountID, h.d.Now().UTC())
	})
	if err != nil {
		return CaseView{}, err
	}
	return h.d.caseView(c), nil
}

// PlanTask adds a resolution step or a stabilisation measure to a case that is still active.
type PlanTask struct {
	Case   string
	Kind   tasks.Kind
	Title  string
	Detail string
	Owner  tasks.Owner
	Due    calendar.Date // the Beijing day it is due by; zero for none
}

var ErrTaskKind = errs.Invalid("case-task-kind",
	"a case's task is a resolution step or a stabilisation measure",
	"案件任务须为化解步骤或稳控措施")

var ErrCaseInactive = errs.Conflict("case-inactive",
	"the case is no longer active; reopen it before planning more work",
	"该案件已化解、结案或消除，不能再添加任务")

type PlanTaskHandler struct{ d Deps }

func (h PlanTaskHandler) Handle(ctx context.Context, cmd PlanTask) (tasks.Task, error) {
	p, town, err := callerWith(ctx, caseWriters)
	if err != nil {
		return tasks.Task{}, err
	}
	if cmd.Kind != tasks.ResolutionStep && cmd.Kind != tasks.StabilisationMeasure {
		return tasks.Task{}, ErrTaskKind
	}
	c, err := h.d.Cases.Get(ctx, cmd.Case)
	if err != nil {
		return tasks.Task{}, err
	}
	if !c.Status.Active() {
		return tasks.Task{}, ErrCaseInactive
	}
	id, err := uuid.NewV7()
	if err != nil {
		return tasks.Task{}, err
	}
	var due time.Time
	if !cmd.Due.IsZero() {
		due = cmd.Due.End()
	}
	t, err := tasks.New(tasks.Draft{
		ID: id.String(), Town: town, Kind: cmd.Kind, Title: cmd.Title, Detail: cmd.Detail, Owner: cmd.Owner,
		Due: due, Source: tasks.Source{Service: "petitions", Entity: "case", ID: c.ID},
	}, tasks.ActorOf(p), h.d.Now().UTC())
	if err != nil {
		return tasks.Task{}, err
	}
	if err := h.d.Tasks.Add(ctx, t, p.AccountID); err != nil {
		return tasks.Task{}, err
	}
	return t, nil
}

type CaseTasksHandler struct{ d Deps }

func (h CaseTasksHandler) Handle(ctx context.Context, id string) ([]tasks.Task, error) {
	if _, _, err := callerWith(ctx, caseReaders); err != nil {
		return nil, err
	}
	if _, err := h.d.Cases.Get(ctx, id); err != nil {
		return nil, err
	}
	return h.d.Tasks.ForCase(ctx, id)
}

type CasesHandler struct{ d Deps }

// Handle lists cases, optionally by status or only the backlog ones.
func (h CasesHandler) Handle(ctx context.Context, status petition.Status, backlog bool, before string, limit int) ([]CaseView, error) {
	if _, _, err := callerWith(ctx, caseReaders); err != nil {
		return nil, err
	}
	items, err := h.d.Cases.List(ctx, status, backlog, before, limit)
	if err != nil {
		return nil, err
	}
	out := make([]CaseView, len(items))
	for i, c := range items {
		out[i] = h.d.caseView(c)
	}
	return out, nil
}

type CaseHandler struct{ d Deps }

func (h CaseHandler) Handle(ctx context.Context, id string) (CaseView, error) {
	if _, _, err := callerWith(ctx, caseReaders); err != nil {
		return CaseView{}, err
	}
	c, err := h.d.Cases.Get(ctx, id)
	if err != nil {
		return CaseView{}, err
	}
	return h.d.caseView(c), nil
}

func callerWith(ctx context.Context, roles []auth.Role) (auth.Principal, tenancy.TownCode, error) {
	p, town, err := caller(ctx)
	if err != nil {
		return auth.Principal{}, "", err
	}
	if !slices.Contains(roles, p.Role) {
		return auth.Principal{}, "", errs.ErrForbidden
	}
	return p, town, nil
}
