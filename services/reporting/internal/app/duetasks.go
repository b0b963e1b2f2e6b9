package app

import (
	"context"
	"slices"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/tasks"
)

// ServiceTask is a task with the service that keeps it.
type ServiceTask struct {
	Service string     `json:"service"`
	Task    tasks.Task `json:"task"`
}

// DueTask is a task still waiting for someone: being worked on, or done and waiting for
// verification; with how late it is.
type DueTask struct {
	ServiceTask
	Overdue     bool `json:"overdue"`
	DaysOverdue int  `json:"daysOverdue"`
}

// DueTasksSource is the read model of every service's tasks in a town.
type DueTasksSource interface {
	All(ctx context.Context) ([]ServiceTask, error)
}

// DueTasksHandler is the one view of every open task across services (due and overdue).
type DueTasksHandler struct {
	source DueTasksSource
	now    func() time.Time
}

// Handle lists the town's open tasks, overdue first, then by due day; a cadre sees the tasks
// they own.
func (h DueTasksHandler) Handle(ctx context.Context) ([]DueTask, error) {
	p, _, err := principal(ctx, auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader, auth.Cadre)
	if err != nil {
		return nil, err
	}
	all, err := h.source.All(ctx)
	if err != nil {
		return nil, err
	}
	now := h.now()
	out := []DueTask{}
	for _, st := range all {
		t := st.Task
		if !t.Status.Active() && t.Status != tasks.Done {
			continue
		}
		if p.Role == auth.Cadre && (t.Owner.Kind != tasks.OwnerCadre || p.CadreID == "" || t.Owner.ID != p.CadreID) {
			continue
		}
		out = append(out, DueTask{ServiceTask: st, Overdue: t.IsOverdue(now), DaysOverdue: t.DaysOverdue(now)})
	}
	slices.SortStableFunc(out, func(a, b DueTask) int {
		switch {
		case a.Task.Due.IsZero() != b.Task.Due.IsZero():
			if a.Task.Due.IsZero() {
				return 1
			}
			return -1
		default:
			return a.Task.Due.Compare(b.Task.Due)
		}
	})
	return out, nil
}
