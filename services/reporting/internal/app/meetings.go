package app

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tasks"
	"dundian.local/libs/tenancy"
	"dundian.local/services/reporting/internal/domain/meeting"
)

// Meetings is the repository of dispatch meetings and their action items.
type Meetings interface {
	SaveMeeting(ctx context.Context, m meeting.Meeting, evType, actor string) (meeting.Meeting, error)
	Meeting(ctx context.Context, id string) (meeting.Meeting, error)
	Meetings(ctx context.Context) ([]meeting.Meeting, error)
	SaveTask(ctx context.Context, t tasks.Task, evType, actor string) error
	Task(ctx context.Context, id string) (tasks.Task, error)
	TasksOf(ctx context.Context, entity, id string) ([]tasks.Task, error)
}

// MeetingView is a meeting with its action items.
type MeetingView struct {
	meeting.Meeting
	ActionItems []tasks.Task `json:"actionItems"`
}

// MeetingsHandler runs the dispatch meetings (S8): the town office schedules them, records the
// minutes and assigns action items; the town's roles and the county read them; an action
// item's owner starts and completes it, the office verifies, reopens or cancels it.
type MeetingsHandler struct {
	repo Meetings
	now  func() time.Time
}

var meetingReaders = []auth.Role{auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader, auth.Cadre}

func principal(ctx context.Context, roles ...auth.Role) (auth.Principal, tenancy.TownCode, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return auth.Principal{}, "", errs.ErrUnauthorized
	}
	if !p.Has(roles...) {
		return auth.Principal{}, "", errs.ErrForbidden
	}
	town, err := tenancy.TownFrom(ctx)
	return p, town, err
}

// Schedule is a new meeting.
type Schedule struct {
	Title     string
	Place     string
	At        time.Time
	Attendees []string
}

func (h MeetingsHandler) Schedule(ctx context.Context, cmd Schedule) (MeetingView, error) {
	p, town, err := principal(ctx, auth.TownAdmin)
	if err != nil {
		return MeetingView{}, err
	}
	m, err := meeting.New(uuid.Must(uuid.NewV7()).String(), town, cmd.Title, cmd.Place, cmd.At, cmd.Attendees, p.AccountID)
	if err != nil {
		return MeetingView{}, err
	}
	m, err = h.repo.SaveMeeting(ctx, m, events.MeetingScheduled, p.AccountID)
	return MeetingView{Meeting: m, ActionItems: []tasks.Task{}}, err
}

// RecordMinutes records or corrects the minutes of a meeting.
func (h MeetingsHandler) RecordMinutes(ctx context.Context, id string, in meeting.Minutes) (MeetingView, error) {
	p, _, err := principal(ctx, auth.TownAdmin)
	if err != nil {
		return MeetingView{}, err
	}
	for attempt := 0; attempt < 3; attempt++ {
		m, err := h.repo.Meeting(ctx, id)
		if err != nil {
			return MeetingView{}, err
		}
		if err := m.Record(in); err != nil {
			return MeetingView{}, err
		}
		m, err = h.repo.SaveMeeting(ctx, m, events.MeetingMinutesRecorded, p.AccountID)
		if errors.Is(err, errs.ErrConflict) {
			continue
		}
		if err != nil {
			return MeetingView{}, err
		}
		return h.view(ctx, m)
	}
	return MeetingView{}, errs.ErrConflict
}

func (h MeetingsHandler) Get(ctx context.Context, id string) (MeetingView, error) {
	if _, _, err := principal(ctx, meetingReaders...); err != nil {
		return MeetingView{}, err
	}
	m, err := h.repo.Meeting(ctx, id)
	if err != nil {
		return MeetingView{}, err
	}
	return h.view(ctx, m)
}

func (h MeetingsHandler) List(ctx context.Context) ([]meeting.Meeting, error) {
	if _, _, err := principal(ctx, meetingReaders...); err != nil {
		return nil, err
	}
	return h.repo.Meetings(ctx)
}

func (h MeetingsHandler) view(ctx context.Context, m meeting.Meeting) (MeetingView, error) {
	items, err := h.repo.TasksOf(ctx, "meeting", m.ID)
	return MeetingView{Meeting: m, ActionItems: items}, err
}

// AddActionItem is a follow-up the meeting assigns.
type AddActionItem struct {
	Meeting string
	Title   string
	Detail  string
	Owner   tasks.Owner
	Due     calendar.Date // optional: to the end of the day in Beijing
}

func (h MeetingsHandler) AddActionItem(ctx context.Context, cmd AddActionItem) (tasks.Task, error) {
	p, town, err := principal(ctx, auth.TownAdmin)
	if err != nil {
		return tasks.Task{}, err
	}
	if _, err := h.repo.Meeting(ctx, cmd.Meeting); err != nil {
		return tasks.Task{}, err
	}
	var due time.Time
	if !cmd.Due.IsZero() {
		due = cmd.Due.End()
	}
	t, err := tasks.New(tasks.Draft{
		ID: uuid.Must(uuid.NewV7()).String(), Town: town, Kind: tasks.ActionItem,
		Title: cmd.Title, Detail: cmd.Detail, Owner: cmd.Owner, Due: due,
		Source: tasks.Source{Service: "reporting", Entity: "meeting", ID: cmd.Meeting},
	}, tasks.ActorOf(p), h.now())
	if err != nil {
		return tasks.Task{}, err
	}
	return t, h.repo.SaveTask(ctx, t, events.ActionItemCreated, p.AccountID)
}

// Step is one change of an action item's status.
type Step string

const (
	StepStart    Step = "start"
	StepComplete Step = "complete"
	StepVerify   Step = "verify"
	StepReopen   Step = "reopen"
	StepCancel   Step = "cancel"
)

// MoveActionItem applies a step. The owner (or the office for them) starts and completes;
// only the office verifies, reopens and cancels, and libs/tasks keeps owners from verifying
// their own work.
func (h MeetingsHandler) MoveActionItem(ctx context.Context, id string, step Step, note string) (tasks.Task, error) {
	p, _, err := principal(ctx, auth.TownAdmin, auth.Cadre)
	if err != nil {
		return tasks.Task{}, err
	}
	for attempt := 0; attempt < 3; attempt++ {
		t, err := h.repo.Task(ctx, id)
		if err != nil {
			return tasks.Task{}, err
		}
		if t.Kind != tasks.ActionItem {
			return tasks.Task{}, meeting.ErrActionItemNotFound
		}
		if p.Role == auth.Cadre && (step != StepStart && step != StepComplete ||
			t.Owner.Kind != tasks.OwnerCadre || p.CadreID == "" || t.Owner.ID != p.CadreID) {
			return tasks.Task{}, errs.ErrForbidden
		}
		by, now := tasks.ActorOf(p), h.now()
		switch step {
		case StepStart:
			err = t.Start(by, now)
		case StepComplete:
			err = t.Complete(by, note, now)
		case StepVerify:
			err = t.Verify(by, note, now)
		case StepReopen:
			err = t.Reopen(by, note, now)
		case StepCancel:
			err = t.Cancel(by, note, now)
		default:
			return tasks.Task{}, errs.ErrNotFound
		}
		if err != nil {
			return tasks.Task{}, err
		}
		err = h.repo.SaveTask(ctx, t, events.ActionItemChanged, p.AccountID)
		if errors.Is(err, errs.ErrConflict) {
			continue
		}
		return t, err
	}
	return tasks.Task{}, errs.ErrConflict
}
