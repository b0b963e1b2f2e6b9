package app

import (
	"context"
	"errors"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tasks"
	"dundian.local/services/assessment/internal/domain/inspection"
)

// Inspections are the use cases of visits, findings and their rectification.
type Inspections struct {
	s   Stores
	now func() time.Time
}

// Plan schedules a visit; an unannounced one draws its targets now and records the draw.
func (u Inspections) Plan(ctx context.Context, plan inspection.Plan) (inspection.Inspection, error) {
	p, town, err := caller(ctx)
	if err != nil {
		return inspection.Inspection{}, err
	}
	if !inspection.Conducts(p, plan.Level) {
		return inspection.Inspection{}, inspection.ErrLevelNotYours
	}
	plan.ID = newID()
	in, err := inspection.New(town, plan, p.AccountID)
	if err != nil {
		return inspection.Inspection{}, err
	}
	if err := u.s.Inspections.Add(ctx, in.ID, &in, events.InspectionPlanned, p.AccountID); err != nil {
		return inspection.Inspection{}, err
	}
	return in, nil
}

// Record records the visit; from then on its targets are shown to those inspected.
func (u Inspections) Record(ctx context.Context, id, visitedOn, summary string) (inspection.Inspection, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return inspection.Inspection{}, err
	}
	return u.s.Inspections.Update(ctx, id, p.AccountID, func(in *inspection.Inspection) (string, error) {
		if !inspection.Conducts(p, in.Level) {
			return "", inspection.ErrLevelNotYours
		}
		return events.InspectionRecorded, in.Record(visitedOn, summary, p.AccountID, u.now())
	})
}

// Get returns the inspection as the caller may see it.
func (u Inspections) Get(ctx context.Context, id string) (inspection.Inspection, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return inspection.Inspection{}, err
	}
	in, err := u.s.Inspections.Get(ctx, id)
	if err != nil {
		return inspection.Inspection{}, err
	}
	return in.As(p), nil
}

// List returns the town's inspections, as the caller may see them.
func (u Inspections) List(ctx context.Context, after string, limit int) ([]inspection.Inspection, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	list, err := u.s.Inspections.List(ctx, nil, after, limit)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i] = list[i].As(p)
	}
	return list, nil
}

// FindingInput is a finding as the inspector records it.
type FindingInput struct {
	Category    inspection.Category
	Severity    inspection.Severity
	Cadre       string
	Community   string
	Description string
	Evidence    []string
}

// AddFinding records a finding of a recorded visit.
func (u Inspections) AddFinding(ctx context.Context, inspectionID string, f FindingInput) (inspection.Finding, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return inspection.Finding{}, err
	}
	in, err := u.s.Inspections.Get(ctx, inspectionID)
	if err != nil {
		return inspection.Finding{}, err
	}
	if !inspection.Conducts(p, in.Level) {
		return inspection.Finding{}, inspection.ErrLevelNotYours
	}
	finding, err := in.NewFinding(newID(), f.Category, f.Severity, f.Cadre, f.Community, f.Description, f.Evidence, p.AccountID, u.now())
	if err != nil {
		return inspection.Finding{}, err
	}
	if err := u.s.Findings.Add(ctx, finding.ID, &finding, events.FindingRecorded, p.AccountID); err != nil {
		return inspection.Finding{}, err
	}
	return finding, nil
}

// FindingView is a finding with its rectification task, if one was opened.
type FindingView struct {
	inspection.Finding
	Rectification *tasks.Task `json:"rectification,omitempty"`
}

// Findings lists an inspection's findings the caller may see: a cadre only those about them,
// a branch secretary only those about their community.
func (u Inspections) Findings(ctx context.Context, inspectionID string) ([]FindingView, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := u.s.Inspections.Get(ctx, inspectionID); err != nil {
		return nil, err
	}
	list, err := u.s.Findings.List(ctx, map[string]any{"inspection": inspectionID}, "", 500)
	if err != nil {
		return nil, err
	}
	out := []FindingView{}
	for _, f := range list {
		if !maySee(p, f) {
			continue
		}
		v := FindingView{Finding: f}
		if t, err := u.s.Tasks.Get(ctx, rectificationID(f.ID)); err == nil {
			v.Rectification = &t
		} else if !errors.Is(err, ErrNoRectification) {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func maySee(p auth.Principal, f inspection.Finding) bool {
	switch p.Role {
	case auth.Cadre:
		return p.CadreID != "" && f.Cadre == p.CadreID
	case auth.BranchSecretary:
		return p.Community != "" && f.Community == string(p.Community)
	}
	return true
}

var (
	ErrNoRectification = errs.NotFound("rectification-not-found",
		"no rectification was opened for this finding", "该问题尚未下达整改任务")
	ErrRectificationExists = errs.Conflict("rectification-exists",
		"a rectification is already open for this finding", "该问题已下达整改任务")
	ErrFindingNotFound = errs.NotFound("finding-not-found", "no such finding in this town", "本乡镇没有该问题记录")
)

// rectificationID is the id of a finding's one rectification task: deriving it makes a second
// opening a duplicate instead of a second task.
func rectificationID(finding string) string { return "rect-" + finding }

// Rectify is what the inspector asks to be rectified, and by when.
type Rectify struct {
	Title  string
	Detail string
	Due    time.Time
}

// OpenRectification opens the finding's rectification task (L2). It is owned by the cadre
// the finding is about, else the community, else the town office.
func (u Inspections) OpenRectification(ctx context.Context, findingID string, r Rectify) (tasks.Task, error) {
	p, town, err := caller(ctx)
	if err != nil {
		return tasks.Task{}, err
	}
	f, err := u.s.Findings.Get(ctx, findingID)
	if err != nil {
		return tasks.Task{}, err
	}
	if !inspection.Conducts(p, f.Level) {
		return tasks.Task{}, inspection.ErrLevelNotYours
	}
	owner := tasks.Owner{Kind: tasks.OwnerTownOffice, ID: string(town)}
	switch {
	case f.Cadre != "":
		owner = tasks.Owner{Kind: tasks.OwnerCadre, ID: f.Cadre}
	case f.Community != "":
		owner = tasks.Owner{Kind: tasks.OwnerCommunity, ID: f.Community}
	}
	t, err := tasks.New(tasks.Draft{
		ID: rectificationID(f.ID), Town: town, Kind: tasks.FindingFollowUp, Title: r.Title, Detail: r.Detail,
		Owner: owner, Due: r.Due, Source: tasks.Source{Service: "assessment", Entity: "finding", ID: f.ID},
	}, tasks.ActorOf(p), u.now())
	if err != nil {
		return tasks.Task{}, err
	}
	if err := u.s.Tasks.Add(ctx, t.ID, &t, events.AssessmentTaskOpened, p.AccountID); err != nil {
		return tasks.Task{}, err
	}
	return t, nil
}

// CompleteRectification records that the owner has done the work: the cadre it is about, the
// branch secretary of its community, or the town office for any of its town's tasks.
func (u Inspections) CompleteRectification(ctx context.Context, findingID, note string) (tasks.Task, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return tasks.Task{}, err
	}
	return u.s.Tasks.Update(ctx, rectificationID(findingID), p.AccountID, func(t *tasks.Task) (string, error) {
		if !answersFor(p, t.Owner) {
			return "", errs.ErrForbidden
		}
		return events.AssessmentTaskChanged, t.Complete(tasks.ActorOf(p), note, u.now())
	})
}

// VerifyRectification is the inspector's check that the rectification holds; with reopen the
// task goes back to its owner with the reason.
func (u Inspections) VerifyRectification(ctx context.Context, findingID, note string, reopen bool) (tasks.Task, error) {
	p, _, err := caller(ctx)
	if err != nil {
		return tasks.Task{}, err
	}
	f, err := u.s.Findings.Get(ctx, findingID)
	if err != nil {
		return tasks.Task{}, err
	}
	if !inspection.Conducts(p, f.Level) {
		return tasks.Task{}, inspection.ErrLevelNotYours
	}
	return u.s.Tasks.Update(ctx, rectificationID(findingID), p.AccountID, func(t *tasks.Task) (string, error) {
		if reopen {
			return events.AssessmentTaskChanged, t.Reopen(tasks.ActorOf(p), note, u.now())
		}
		return events.AssessmentTaskChanged, t.Verify(tasks.ActorOf(p), note, u.now())
	})
}

func answersFor(p auth.Principal, o tasks.Owner) bool {
	switch {
	case p.Has(auth.TownAdmin):
		return true
	case p.Has(auth.Cadre):
		return o.Kind == tasks.OwnerCadre && p.CadreID != "" && p.CadreID == o.ID
	case p.Has(auth.BranchSecretary):
		return o.Kind == tasks.OwnerCommunity && p.Community != "" && string(p.Community) == o.ID
	}
	return false
}
