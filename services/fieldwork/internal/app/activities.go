package app

import (
	"context"
	"time"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tasks"
	"dundian.local/services/fieldwork/internal/domain/activity"
)

// canReadActivity: the town office and county, the cadre, and the branch of its community.
func (c caller) canReadActivity(a activity.Activity) bool {
	switch c.Role {
	case auth.Cadre:
		return c.CadreID != "" && a.Cadre == c.CadreID
	case auth.BranchSecretary:
		return c.Community != "" && a.Community == c.Community
	}
	return c.office()
}

// RecordActivity records a structured activity (cadre).
type RecordActivity struct {
	Community string
	Draft     activity.Draft
}

type RecordActivityHandler struct{ d *Deps }

func (h RecordActivityHandler) Handle(ctx context.Context, cmd RecordActivity) (activity.Activity, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return activity.Activity{}, err
	}
	if c.Role != auth.Cadre {
		return activity.Activity{}, errs.ErrForbidden
	}
	cadre, err := c.recordsFor("")
	if err != nil {
		return activity.Activity{}, err
	}
	community, err := c.community(cmd.Community)
	if err != nil {
		return activity.Activity{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return activity.Activity{}, err
	}
	a, err := activity.New(id.String(), c.town, cadre, community, cmd.Draft, h.d.Now())
	if err != nil {
		return activity.Activity{}, err
	}
	return h.d.Activities.Insert(ctx, a, events.ActivityRecorded, c.AccountID)
}

type ActivityHandler struct{ d *Deps }

func (h ActivityHandler) Handle(ctx context.Context, id string) (activity.Activity, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return activity.Activity{}, err
	}
	a, err := h.d.Activities.Get(ctx, id)
	if err != nil {
		return activity.Activity{}, err
	}
	if !c.canReadActivity(a) {
		return activity.Activity{}, activity.ErrNotFound
	}
	return a, nil
}

// Activities lists activities newest first: a cadre's own, a branch's community's, or the
// town's (of one cadre or task when named).
type Activities struct {
	Cadre  string
	Task   string
	Before string
	Limit  int
}

type ActivitiesHandler struct{ d *Deps }

func (h ActivitiesHandler) Handle(ctx context.Context, q Activities) ([]activity.Activity, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	f := ActivityFilter{Cadre: q.Cadre, Task: q.Task, Before: q.Before}
	switch c.Role {
	case auth.Cadre:
		if c.CadreID == "" {
			return nil, ErrNoCadre
		}
		f.Cadre = c.CadreID
	case auth.BranchSecretary:
		if c.Community == "" {
			return nil, ErrNoCommunity
		}
		f.Community = c.Community
	}
	return h.d.Lists.Activities(ctx, f, q.Limit)
}

// AddMeasure tracks a rectification measure agreed in an activity (T2, T5), owned by the
// community's party organisation unless the town office names another owner.
type AddMeasure struct {
	Activity string
	Title    string
	Detail   string
	Due      time.Time
}

type AddMeasureHandler struct{ d *Deps }

func (h AddMeasureHandler) Handle(ctx context.Context, cmd AddMeasure) (tasks.Task, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return tasks.Task{}, err
	}
	a, err := h.d.Activities.Get(ctx, cmd.Activity)
	if err != nil {
		return tasks.Task{}, err
	}
	if !(c.Role == auth.Cadre && c.CadreID == a.Cadre) && !c.Has(auth.CountyAdmin, auth.TownAdmin) {
		return tasks.Task{}, hide(errs.ErrForbidden, activity.ErrNotFound)
	}
	if !a.TakesMeasures() {
		return tasks.Task{}, ErrNoMeasures
	}
	id, err := uuid.NewV7()
	if err != nil {
		return tasks.Task{}, err
	}
	t, err := tasks.New(tasks.Draft{
		ID: id.String(), Town: c.town, Kind: tasks.Rectification, Title: cmd.Title, Detail: cmd.Detail,
		Owner:  tasks.Owner{Kind: tasks.OwnerCommunity, ID: string(a.Community)},
		Due:    cmd.Due,
		Source: tasks.Source{Service: "fieldwork", Entity: "activity", ID: a.ID},
	}, tasks.ActorOf(c.Principal), h.d.Now().UTC().Truncate(time.Millisecond))
	if err != nil {
		return tasks.Task{}, err
	}
	return h.d.Measures.Insert(ctx, t, events.MeasureAdded, c.AccountID)
}

var ErrNoMeasures = errs.Invalid("activity-takes-no-measures",
	"rectification measures are tracked from a stage work plan, an organisational-life meeting or a weak organisation's rectification",
	"只有阶段工作安排、专题组织生活会和软弱涣散党组织整顿可以登记整改措施")

// MoveMeasure moves a measure along the shared task model: the community's branch, the cadre
// of the activity or the town office works on it; someone other than the owner verifies it.
type MoveMeasure struct {
	ID   string
	Step string // start, complete, verify, reopen, cancel
	Note string
}

var ErrStep = errs.NotFound("measure-step-unknown", "no such step", "没有该操作")

type MoveMeasureHandler struct{ d *Deps }

func (h MoveMeasureHandler) Handle(ctx context.Context, cmd MoveMeasure) (tasks.Task, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return tasks.Task{}, err
	}
	cur, err := h.d.Measures.Get(ctx, cmd.ID)
	if err != nil {
		return tasks.Task{}, err
	}
	a, err := h.d.Activities.Get(ctx, cur.Source.ID)
	if err != nil {
		return tasks.Task{}, err
	}
	office := c.Has(auth.CountyAdmin, auth.TownAdmin)
	worker := office || c.Role == auth.Cadre && c.CadreID == a.Cadre ||
		c.Role == auth.BranchSecretary && c.Community == a.Community
	switch {
	case !worker && !c.canReadActivity(a):
		return tasks.Task{}, ErrMeasureNotFound
	case !worker, (cmd.Step == "verify" || cmd.Step == "reopen" || cmd.Step == "cancel") && !office:
		return tasks.Task{}, errs.ErrForbidden
	}
	by, now := tasks.ActorOf(c.Principal), h.d.Now().UTC().Truncate(time.Millisecond)
	return h.d.Measures.Update(ctx, cmd.ID, c.AccountID, func(t *tasks.Task) (string, error) {
		switch cmd.Step {
		case "start":
			return events.MeasureChanged, t.Start(by, now)
		case "complete":
			return events.MeasureChanged, t.Complete(by, cmd.Note, now)
		case "verify":
			return events.MeasureChanged, t.Verify(by, cmd.Note, now)
		case "reopen":
			return events.MeasureChanged, t.Reopen(by, cmd.Note, now)
		case "cancel":
			return events.MeasureChanged, t.Cancel(by, cmd.Note, now)
		}
		return "", ErrStep
	})
}

// ErrMeasureNotFound is a measure that does not exist or that the caller may not see.
var ErrMeasureNotFound = errs.NotFound("measure-not-found", "no such rectification measure", "没有该整改措施")

type MeasuresHandler struct{ d *Deps }

// Handle lists the measures of an activity the caller may read.
func (h MeasuresHandler) Handle(ctx context.Context, activityID string) ([]tasks.Task, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	a, err := h.d.Activities.Get(ctx, activityID)
	if err != nil {
		return nil, err
	}
	if !c.canReadActivity(a) {
		return nil, activity.ErrNotFound
	}
	return h.d.Lists.Measures(ctx, a.ID)
}
