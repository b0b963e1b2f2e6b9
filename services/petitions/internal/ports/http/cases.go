package http

import (
	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
	"dundian.local/libs/tasks"
	"dundian.local/libs/tenancy"
	"dundian.local/services/petitions/internal/app"
	"dundian.local/services/petitions/internal/domain/petition"
)

type registerCaseRequest struct {
	Community  string `json:"community" validate:"required,communitycode"`
	Title      string `json:"title" validate:"required,max=200"`
	Detail     string `json:"detail" validate:"max=4000"`
	Petitioner string `json:"petitioner" validate:"max=60"`
	Risk       string `json:"risk" validate:"required,oneof=low medium high"`
	Backlog    bool   `json:"backlog"`
}

func (h Handlers) RegisterCase(c *fiber.Ctx) error {
	var req registerCaseRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	code, err := tenancy.ParseCommunity(req.Community)
	if err != nil {
		return petition.ErrInvalid
	}
	out, err := h.app.Commands.RegisterCase.Handle(c.UserContext(), app.RegisterCase{
		Community: code, Title: req.Title, Detail: req.Detail, Petitioner: req.Petitioner,
		Risk: petition.Risk(req.Risk), Backlog: req.Backlog,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

type moveCaseRequest struct {
	To           string `json:"to" validate:"required,max=20"`
	Reason       string `json:"reason" validate:"required,max=2000"`
	Outcome      string `json:"outcome" validate:"max=2000"`
	Satisfaction int    `json:"satisfaction" validate:"min=0,max=5"`
}

func (h Handlers) MoveCase(c *fiber.Ctx) error {
	var req moveCaseRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.MoveCase.Handle(c.UserContext(), app.MoveCase{
		ID: c.Params("case"), To: petition.Status(req.To), Reason: req.Reason,
		Outcome: req.Outcome, Satisfaction: req.Satisfaction,
	})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type guideCaseRequest struct {
	Text string `json:"text" validate:"required,max=2000"`
}

func (h Handlers) GuideCase(c *fiber.Ctx) error {
	var req guideCaseRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.GuideCase.Handle(c.UserContext(), c.Params("case"), req.Text)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type ownerRequest struct {
	Kind string `json:"kind" validate:"required,max=20"`
	ID   string `json:"id" validate:"required,max=100"`
	Name string `json:"name" validate:"max=60"`
}

type planTaskRequest struct {
	Kind   string       `json:"kind" validate:"required,oneof=resolution_step stabilisation_measure"`
	Title  string       `json:"title" validate:"required,max=200"`
	Detail string       `json:"detail" validate:"max=4000"`
	Owner  ownerRequest `json:"owner" validate:"required"`
	Due    string       `json:"due" validate:"omitempty,max=10"`
}

var errBadDue = errs.ErrInvalidInput.WithFields(errs.FieldError{Field: "due", Slug: "bad-date",
	Message: "a date is written 2026-04-15", Zh: "日期格式应为2026-04-15"})

func (h Handlers) PlanCaseTask(c *fiber.Ctx) error {
	var req planTaskRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	var due calendar.Date
	if req.Due != "" {
		d, err := calendar.ParseDate(req.Due)
		if err != nil {
			return errBadDue
		}
		due = d
	}
	out, err := h.app.Commands.PlanTask.Handle(c.UserContext(), app.PlanTask{
		Case: c.Params("case"), Kind: tasks.Kind(req.Kind), Title: req.Title, Detail: req.Detail,
		Owner: tasks.Owner{Kind: tasks.OwnerKind(req.Owner.Kind), ID: req.Owner.ID, Name: req.Owner.Name}, Due: due,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) ListCaseTasks(c *fiber.Ctx) error {
	items, err := h.app.Queries.CaseTasks.Handle(c.UserContext(), c.Params("case"))
	if err != nil {
		return err
	}
	return c.JSON(httpx.Page[tasks.Task]{Items: items})
}

func (h Handlers) ListCases(c *fiber.Ctx) error {
	limit, before, err := httpx.PageParams(c, 50, 200)
	if err != nil {
		return err
	}
	items, err := h.app.Queries.Cases.Handle(c.UserContext(), petition.Status(c.Query("status")), c.QueryBool("backlog"), before, limit+1)
	if err != nil {
		return err
	}
	return c.JSON(httpx.NewPage(items, limit, func(v app.CaseView) string { return v.ID }))
}

func (h Handlers) GetCase(c *fiber.Ctx) error {
	out, err := h.app.Queries.Case.Handle(c.UserContext(), c.Params("case"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type moveTaskRequest struct {
	Note string `json:"note" validate:"max=1000"`
}

func (h Handlers) MoveCaseTask(c *fiber.Ctx) error {
	var req moveTaskRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.MoveCaseTask.Handle(c.UserContext(), app.MoveCaseTask{
		Case: c.Params("case"), Task: c.Params("task"), Step: app.TaskStep(c.Params("step")), Note: req.Note,
	})
	if err != nil {
		return err
	}
	return c.JSON(out)
}
