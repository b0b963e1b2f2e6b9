package http

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"dundian.local/libs/httpx"
	"dundian.local/services/reporting/internal/app"
	"dundian.local/services/reporting/internal/domain/townreport"
)

type townReportList struct {
	Items []townreport.Report `json:"items"`
}

func (h Handlers) ListTownReports(c *fiber.Ctx) error {
	items, err := h.app.Queries.TownReports.List(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(townReportList{Items: items})
}

func townReportParams(c *fiber.Ctx) app.TownReportStep {
	return app.TownReportStep{Kind: utils.CopyString(c.Params("kind")), Period: utils.CopyString(c.Params("period"))}
}

func (h Handlers) GetTownReport(c *fiber.Ctx) error {
	s := townReportParams(c)
	v, err := h.app.Queries.TownReports.Get(c.UserContext(), s.Kind, s.Period)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

type townReportEdit struct {
	Sections map[string]string `json:"sections"`
}

func (h Handlers) EditTownReport(c *fiber.Ctx) error {
	var req townReportEdit
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	s := townReportParams(c)
	s.Sections = req.Sections
	v, err := h.app.Commands.TownReports.Edit(c.UserContext(), s)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

type townStep int

const (
	stepSubmit townStep = iota
	stepSign
	stepReturn
	stepFile
)

type townStepRequest struct {
	Comment string `json:"comment"` // the leader's, when sending back
}

func (h Handlers) townReportStep(step townStep) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req townStepRequest
		if err := httpx.Decode(c, &req); err != nil {
			return err
		}
		s := townReportParams(c)
		s.Comment = req.Comment
		cmds := h.app.Commands.TownReports
		var (
			v   app.TownReportView
			err error
		)
		switch step {
		case stepSubmit:
			v, err = cmds.Submit(c.UserContext(), s)
		case stepSign:
			v, err = cmds.Sign(c.UserContext(), s)
		case stepReturn:
			v, err = cmds.SendBack(c.UserContext(), s)
		case stepFile:
			v, err = cmds.File(c.UserContext(), s)
		}
		if err != nil {
			return err
		}
		return c.JSON(v)
	}
}
