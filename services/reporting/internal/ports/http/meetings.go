package http

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
	"dundian.local/libs/tasks"
	"dundian.local/services/reporting/internal/app"
	"dundian.local/services/reporting/internal/domain/meeting"
)

var ErrBadDate = errs.Invalid("date-invalid", "give the date as 2026-05-31", "日期格式应为2026-05-31")

type meetingList struct {
	Items []meeting.Meeting `json:"items"`
}

func (h Handlers) ListMeetings(c *fiber.Ctx) error {
	items, err := h.app.Queries.Meetings.List(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(meetingList{Items: items})
}

type scheduleRequest struct {
	Title       string    `json:"title"`
	Place       string    `json:"place"`
	ScheduledAt time.Time `json:"scheduledAt"`
	Attendees   []string  `json:"attendees"`
}

func (h Handlers) ScheduleMeeting(c *fiber.Ctx) error {
	var req scheduleRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	v, err := h.app.Commands.Meetings.Schedule(c.UserContext(), app.Schedule{
		Title: req.Title, Place: req.Place, At: req.ScheduledAt, Attendees: req.Attendees,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (h Handlers) GetMeeting(c *fiber.Ctx) error {
	v, err := h.app.Queries.Meetings.Get(c.UserContext(), utils.CopyString(c.Params("meeting")))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

type minutesRequest struct {
	Attendees []string `json:"attendees"`
	Minutes   string   `json:"minutes"`
	Problems  []string `json:"problems"`
	Decisions []string `json:"decisions"`
}

func (h Handlers) RecordMinutes(c *fiber.Ctx) error {
	var req minutesRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	v, err := h.app.Commands.Meetings.RecordMinutes(c.UserContext(), utils.CopyString(c.Params("meeting")), meeting.Minutes{
		Attendees: req.Attendees, Minutes: req.Minutes, Problems: req.Problems, Decisions: req.Decisions,
	})
	if err != nil {
		return err
	}
	return c.JSON(v)
}

type actionItemRequest struct {
	Title  string      `json:"title"`
	Detail string      `json:"detail"`
	Owner  tasks.Owner `json:"owner"`
	Due    string      `json:"due"`
}

func (h Handlers) AddActionItem(c *fiber.Ctx) error {
	var req actionItemRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	var due calendar.Date
	if req.Due != "" {
		d, err := calendar.ParseDate(req.Due)
		if err != nil {
			return ErrBadDate
		}
		due = d
	}
	t, err := h.app.Commands.Meetings.AddActionItem(c.UserContext(), app.AddActionItem{
		Meeting: utils.CopyString(c.Params("meeting")), Title: req.Title, Detail: req.Detail, Owner: req.Owner, Due: due,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

type stepRequest struct {
	Note string `json:"note"` // what was done, what was checked, or why it is reopened or cancelled
}

func (h Handlers) MoveActionItem(c *fiber.Ctx) error {
	var req stepRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	t, err := h.app.Commands.Meetings.MoveActionItem(c.UserContext(), utils.CopyString(c.Params("item")),
		app.Step(utils.CopyString(c.Params("step"))), req.Note)
	if err != nil {
		return err
	}
	return c.JSON(t)
}
