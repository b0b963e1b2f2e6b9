package http

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
	"dundian.local/services/reporting/internal/app"
	"dundian.local/services/reporting/internal/domain/monthlyreport"
)

var ErrBadMonth = errs.Invalid("month-invalid", "give the month as 2026-05", "月份格式应为2026-05")

type monthlyReportList struct {
	Items []app.MonthlyReportView `json:"items"`
}

func (h Handlers) ListMonthlyReports(c *fiber.Ctx) error {
	m, err := calendar.ParseMonth(c.Query("month"))
	if err != nil {
		return ErrBadMonth
	}
	items, err := h.app.Queries.MonthlyReports.List(c.UserContext(), m)
	if err != nil {
		return err
	}
	return c.JSON(monthlyReportList{Items: items})
}

func (h Handlers) GetMonthlyReport(c *fiber.Ctx) error {
	k, err := reportKey(c)
	if err != nil {
		return err
	}
	v, err := h.app.Queries.MonthlyReports.Get(c.UserContext(), k)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// reportEdit is what the cadre sends; the figures are never accepted from the caller.
type reportEdit struct {
	Narrative struct {
		Measures string `json:"measures"`
		Results  string `json:"results"`
	} `json:"narrative"`
	Integrity struct {
		Declared bool   `json:"declared"`
		Note     string `json:"note"`
	} `json:"integrity"`
}

func (h Handlers) edit(c *fiber.Ctx) (app.Edit, error) {
	k, err := reportKey(c)
	if err != nil {
		return app.Edit{}, err
	}
	var req reportEdit
	if err := httpx.Decode(c, &req); err != nil {
		return app.Edit{}, err
	}
	return app.Edit{
		Key:       k,
		Narrative: monthlyreport.Narrative{Measures: req.Narrative.Measures, Results: req.Narrative.Results},
		Integrity: monthlyreport.IntegrityDeclaration{Declared: req.Integrity.Declared, Note: req.Integrity.Note},
	}, nil
}

func (h Handlers) SaveMonthlyReport(c *fiber.Ctx) error {
	e, err := h.edit(c)
	if err != nil {
		return err
	}
	v, err := h.app.Commands.MonthlyReports.Save(c.UserContext(), e)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h Handlers) SubmitMonthlyReport(c *fiber.Ctx) error {
	e, err := h.edit(c)
	if err != nil {
		return err
	}
	v, err := h.app.Commands.MonthlyReports.Submit(c.UserContext(), e)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

type reviewRequest struct {
	Comment string `json:"comment"`
}

func (h Handlers) review(c *fiber.Ctx, approve bool) error {
	k, err := reportKey(c)
	if err != nil {
		return err
	}
	var req reviewRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	do := h.app.Commands.MonthlyReports.Return
	if approve {
		do = h.app.Commands.MonthlyReports.Approve
	}
	v, err := do(c.UserContext(), k, req.Comment)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h Handlers) ApproveMonthlyReport(c *fiber.Ctx) error { return h.review(c, true) }
func (h Handlers) ReturnMonthlyReport(c *fiber.Ctx) error  { return h.review(c, false) }

// reportKey reads the cadre and month of the path; both are copied, fiber reuses its buffers.
func reportKey(c *fiber.Ctx) (app.Key, error) {
	cadre, err := monthlyreport.ParseCadre(utils.CopyString(c.Params("cadre")))
	if err != nil {
		return app.Key{}, err
	}
	m, err := calendar.ParseMonth(c.Params("month"))
	if err != nil {
		return app.Key{}, ErrBadMonth
	}
	return app.Key{Cadre: cadre, Month: m}, nil
}
