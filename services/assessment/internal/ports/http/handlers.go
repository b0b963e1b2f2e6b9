// Package http is assessment's HTTP port: thin Fiber handlers over the application.
package http

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/xlsx"
	"dundian.local/services/assessment/internal/app"
	"dundian.local/services/assessment/internal/domain/demonstration"
	"dundian.local/services/assessment/internal/domain/inspection"
	"dundian.local/services/assessment/internal/domain/recall"
	"dundian.local/services/assessment/internal/domain/scoring"
	"dundian.local/services/assessment/internal/domain/yearend"
)

// Handlers serves assessment's routes of the route table.
type Handlers struct{ app app.Application }

// Routes maps route ids of the table to handlers.
func Routes(a app.Application) map[string]fiber.Handler {
	h := Handlers{a}
	return map[string]fiber.Handler{
		"listInspections":       h.ListInspections,
		"planInspection":        h.PlanInspection,
		"getInspection":         h.GetInspection,
		"recordInspection":      h.RecordInspection,
		"listFindings":          h.ListFindings,
		"addFinding":            h.AddFinding,
		"openRectification":     h.OpenRectification,
		"completeRectification": h.CompleteRectification,
		"verifyRectification":   h.VerifyRectification,

		"listRecalls":         h.ListRecalls,
		"raiseRecall":         h.RaiseRecall,
		"getRecall":           h.GetRecall,
		"openRecall":          h.OpenRecall,
		"explainRecall":       h.ExplainRecall,
		"decideRecall":        h.DecideRecall,
		"circulateRecall":     h.CirculateRecall,
		"getRecallThresholds": h.GetThresholds,
		"putRecallThresholds": h.PutThresholds,

		"getAssessmentWeights": h.GetWeights,
		"putAssessmentWeights": h.PutWeights,
		"listAssessments":      h.ListAssessments,
		"getAssessment":        h.GetAssessment,
		"putSelfExamination":   h.PutSelfExamination,
		"adjustAssessment":     h.Adjust,
		"finaliseAssessment":   h.Finalise,
		"assessmentComparison": h.Comparison,

		"listDemonstrationPoints":     h.ListDemonstrationPoints,
		"nominateDemonstrationPoint":  h.Nominate,
		"designateDemonstrationPoint": h.Designate,
		"revokeDemonstrationPoint":    h.Revoke,
	}
}

// param copies a route parameter: fasthttp reuses its buffers after the handler.
func param(c *fiber.Ctx, name string) string { return utils.CopyString(c.Params(name)) }

// ----- inspections

type targetsJSON struct {
	Communities []string `json:"communities" validate:"max=500,dive,len=12,numeric"`
	Cadres      []string `json:"cadres" validate:"max=500,dive,min=1,max=100"`
}

type planRequest struct {
	Level      string      `json:"level" validate:"required,oneof=town county"`
	Mode       string      `json:"mode" validate:"required,oneof=open unannounced"`
	Year       int         `json:"year" validate:"required,min=2000,max=2100"`
	Title      string      `json:"title" validate:"required,max=100"`
	PlannedFor string      `json:"plannedFor" validate:"required"`
	Targets    targetsJSON `json:"targets"`
	Draw       struct {
		Communities int `json:"communities" validate:"min=0,max=500"`
		Cadres      int `json:"cadres" validate:"min=0,max=500"`
	} `json:"draw"`
}

func (h Handlers) PlanInspection(c *fiber.Ctx) error {
	var req planRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Inspections.Plan(c.UserContext(), inspection.Plan{
		Title: req.Title, PlannedFor: req.PlannedFor, Level: inspection.Level(req.Level), Mode: inspection.Mode(req.Mode),
		Year: req.Year, Targets: inspection.Targets{Communities: req.Targets.Communities, Cadres: req.Targets.Cadres},
		Communities: req.Draw.Communities, Cadres: req.Draw.Cadres,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) ListInspections(c *fiber.Ctx) error {
	limit, after, err := httpx.PageParams(c, 50, 200)
	if err != nil {
		return err
	}
	items, err := h.app.Inspections.List(c.UserContext(), after, limit+1)
	if err != nil {
		return err
	}
	return c.JSON(httpx.NewPage(items, limit, func(i inspection.Inspection) string { return i.ID }))
}

func (h Handlers) GetInspection(c *fiber.Ctx) error {
	out, err := h.app.Inspections.Get(c.UserContext(), param(c, "inspection"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type recordRequest struct {
	VisitedOn string `json:"visitedOn" validate:"required"`
	Summary   string `json:"summary" validate:"required,max=4000"`
}

func (h Handlers) RecordInspection(c *fiber.Ctx) error {
	var req recordRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Inspections.Record(c.UserContext(), param(c, "inspection"), req.VisitedOn, req.Summary)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type findingRequest struct {
	Category    string   `json:"category" validate:"required"`
	Severity    string   `json:"severity" validate:"required,oneof=minor general serious"`
	Cadre       string   `json:"cadre" validate:"max=100"`
	Community   string   `json:"community" validate:"omitempty,len=12,numeric"`
	Description string   `json:"description" validate:"required,max=2000"`
	Evidence    []string `json:"evidence" validate:"max=20,dive,min=1,max=100"`
}

func (h Handlers) AddFinding(c *fiber.Ctx) error {
	var req findingRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Inspections.AddFinding(c.UserContext(), param(c, "inspection"), app.FindingInput{
		Category: inspection.Category(req.Category), Severity: inspection.Severity(req.Severity), Cadre: req.Cadre,
		Community: req.Community, Description: req.Description, Evidence: req.Evidence,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) ListFindings(c *fiber.Ctx) error {
	items, err := h.app.Inspections.Findings(c.UserContext(), param(c, "inspection"))
	if err != nil {
		return err
	}
	return c.JSON(httpx.NewPage(items, 0, func(f app.FindingView) string { return f.ID }))
}

type rectifyRequest struct {
	Title  string `json:"title" validate:"required,max=200"`
	Detail string `json:"detail" validate:"max=4000"`
	Due    string `json:"due"` // YYYY-MM-DD, Beijing day
}

func (h Handlers) OpenRectification(c *fiber.Ctx) error {
	var req rectifyRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	var due time.Time
	if req.Due != "" {
		d, err := time.ParseInLocation(time.DateOnly, req.Due, beijing)
		if err != nil {
			return errs.ErrInvalidInput.WithFields(errs.FieldError{Field: "due", Slug: "date", Message: "a day as YYYY-MM-DD", Zh: "日期格式应为YYYY-MM-DD"})
		}
		due = d.Add(24*time.Hour - time.Second).UTC() // to the end of that Beijing day
	}
	out, err := h.app.Inspections.OpenRectification(c.UserContext(), param(c, "finding"), app.Rectify{Title: req.Title, Detail: req.Detail, Due: due})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

var beijing = time.FixedZone("CST", 8*3600)

type noteRequest struct {
	Note   string `json:"note" validate:"max=1000"`
	Reopen bool   `json:"reopen"`
}

func (h Handlers) CompleteRectification(c *fiber.Ctx) error {
	var req noteRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Inspections.CompleteRectification(c.UserContext(), param(c, "finding"), req.Note)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) VerifyRectification(c *fiber.Ctx) error {
	var req noteRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Inspections.VerifyRectification(c.UserContext(), param(c, "finding"), req.Note, req.Reopen)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// ----- recalls

type raiseRequest struct {
	Cadre     string `json:"cadre" validate:"required,max=100"`
	CadreName string `json:"cadreName" validate:"required,max=60"`
	Trigger   string `json:"trigger" validate:"required"`
	Grounds   string `json:"grounds" validate:"required,max=4000"`
	Finding   string `json:"finding" validate:"max=100"`
}

func (h Handlers) RaiseRecall(c *fiber.Ctx) error {
	var req raiseRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Recalls.Raise(c.UserContext(), app.RaiseRecall{Cadre: req.Cadre, CadreName: req.CadreName,
		Trigger: recall.Trigger(req.Trigger), Grounds: req.Grounds, Finding: req.Finding})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) ListRecalls(c *fiber.Ctx) error {
	limit, after, err := httpx.PageParams(c, 50, 200)
	if err != nil {
		return err
	}
	items, err := h.app.Recalls.List(c.UserContext(), after, limit+1)
	if err != nil {
		return err
	}
	return c.JSON(httpx.NewPage(items, limit, func(r recall.Case) string { return r.ID }))
}

func (h Handlers) GetRecall(c *fiber.Ctx) error {
	out, err := h.app.Recalls.Get(c.UserContext(), param(c, "recall"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type textRequest struct {
	Text string `json:"text" validate:"max=4000"`
}

func (h Handlers) OpenRecall(c *fiber.Ctx) error {
	var req textRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Recalls.Open(c.UserContext(), param(c, "recall"), req.Text)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) ExplainRecall(c *fiber.Ctx) error {
	var req textRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Recalls.Explain(c.UserContext(), param(c, "recall"), req.Text)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type decisionRequest struct {
	Outcome     string   `json:"outcome" validate:"required,oneof=criticism recall"`
	Reasons     string   `json:"reasons" validate:"required,max=4000"`
	Accountable []string `json:"accountable" validate:"required,max=20,dive,min=1,max=60"`
}

func (h Handlers) DecideRecall(c *fiber.Ctx) error {
	var req decisionRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Recalls.Decide(c.UserContext(), param(c, "recall"), recall.Decision{
		Outcome: recall.Outcome(req.Outcome), Reasons: req.Reasons, Accountable: req.Accountable})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type noticeRequest struct {
	Issuer string `json:"issuer" validate:"required,max=60"`
}

func (h Handlers) CirculateRecall(c *fiber.Ctx) error {
	var req noticeRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Recalls.Circulate(c.UserContext(), param(c, "recall"), req.Issuer)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// ----- year-end assessment

func (h Handlers) GetThresholds(c *fiber.Ctx) error {
	t, err := h.app.Recalls.Thresholds(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h Handlers) PutThresholds(c *fiber.Ctx) error {
	var req recall.Thresholds
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	if err := h.app.Recalls.PutThresholds(c.UserContext(), req); err != nil {
		return err
	}
	return c.JSON(req)
}

func year(c *fiber.Ctx) (int, error) {
	y, err := strconv.Atoi(c.Params("year"))
	if err != nil || y < 2000 || y > 2100 {
		return 0, yearend.ErrBadYear
	}
	return y, nil
}

type weightsJSON struct {
	Year    int             `json:"year"`
	Weights scoring.Weights `json:"weights"`
}

func (h Handlers) GetWeights(c *fiber.Ctx) error {
	y, err := year(c)
	if err != nil {
		return err
	}
	w, err := h.app.Assessments.WeightsFor(c.UserContext(), y)
	if err != nil {
		return err
	}
	return c.JSON(weightsJSON{Year: y, Weights: w})
}

type putWeightsRequest struct {
	Weights scoring.Weights `json:"weights" validate:"required"`
}

func (h Handlers) PutWeights(c *fiber.Ctx) error {
	y, err := year(c)
	if err != nil {
		return err
	}
	var req putWeightsRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	if err := h.app.Assessments.PutWeights(c.UserContext(), y, req.Weights); err != nil {
		return err
	}
	return c.JSON(weightsJSON{Year: y, Weights: req.Weights})
}

func (h Handlers) ListAssessments(c *fiber.Ctx) error {
	y, err := year(c)
	if err != nil {
		return err
	}
	if c.Query("format") == "xlsx" {
		return h.exportAssessments(c, y)
	}
	limit, after, err := httpx.PageParams(c, 50, 200)
	if err != nil {
		return err
	}
	items, err := h.app.Assessments.List(c.UserContext(), y, after, limit+1)
	if err != nil {
		return err
	}
	return c.JSON(httpx.NewPage(items, limit, func(v app.View) string { return v.ID }))
}

// maxExport bounds an export: a town has a few hundred cadres at most.
const maxExport = 5000

// exportAssessments answers the year's assessments of the town as an Excel workbook, one row
// per cadre with the points of every indicator.
func (h Handlers) exportAssessments(c *fiber.Ctx, y int) error {
	items, err := h.app.Assessments.List(c.UserContext(), y, "", maxExport)
	if err != nil {
		return err
	}
	zh := httpx.Language(c) != httpx.En
	head := []any{"cadre", "status", "drafted", "adjusted", "suggested grade", "grade", "final score"}
	if zh {
		head = []any{"干部", "状态", "起草得分", "调整后得分", "建议等次", "等次", "最终得分"}
	}
	for _, i := range scoring.Indicators {
		if zh {
			head = append(head, i.Zh())
		} else {
			head = append(head, string(i))
		}
	}
	rows := [][]any{head}
	for _, v := range items {
		status, suggested, grade := string(v.Status), string(v.Scored.Suggested), string(v.Grade)
		if zh {
			status = map[yearend.Status]string{yearend.Draft: "审核中", yearend.Finalised: "已确定"}[v.Status]
			suggested, grade = v.Scored.Suggested.Zh(), v.Grade.Zh()
		}
		row := []any{v.Cadre, status, v.Scored.Draft.Total, v.Scored.Adjusted, suggested, grade, v.Score}
		for _, l := range v.Scored.Draft.Lines {
			row = append(row, l.Points)
		}
		rows = append(rows, row)
	}
	var body bytes.Buffer
	if err := xlsx.Write(&body, strconv.Itoa(y), rows); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, xlsx.ContentType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="assessments-%d.xlsx"`, y))
	return c.Send(body.Bytes())
}

func (h Handlers) GetAssessment(c *fiber.Ctx) error {
	y, err := year(c)
	if err != nil {
		return err
	}
	out, err := h.app.Assessments.Get(c.UserContext(), y, param(c, "cadre"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) PutSelfExamination(c *fiber.Ctx) error {
	y, err := year(c)
	if err != nil {
		return err
	}
	var req struct {
		Text string `json:"text" validate:"required,max=8000"`
	}
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Assessments.Examine(c.UserContext(), y, param(c, "cadre"), req.Text)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type adjustRequest struct {
	Points float64 `json:"points"`
	Reason string  `json:"reason"`
}

func (h Handlers) Adjust(c *fiber.Ctx) error {
	y, err := year(c)
	if err != nil {
		return err
	}
	var req adjustRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Assessments.Adjust(c.UserContext(), y, param(c, "cadre"), req.Points, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) Finalise(c *fiber.Ctx) error {
	y, err := year(c)
	if err != nil {
		return err
	}
	var req struct {
		Grade string `json:"grade" validate:"required"`
	}
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Assessments.Finalise(c.UserContext(), y, param(c, "cadre"), scoring.Grade(req.Grade))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) Comparison(c *fiber.Ctx) error {
	y, err := year(c)
	if err != nil {
		return err
	}
	out, err := h.app.Assessments.Compare(c.UserContext(), y)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// ----- demonstration points

func (h Handlers) ListDemonstrationPoints(c *fiber.Ctx) error {
	limit, after, err := httpx.PageParams(c, 50, 500)
	if err != nil {
		return err
	}
	items, err := h.app.Demonstrations.List(c.UserContext(), after, limit+1)
	if err != nil {
		return err
	}
	return c.JSON(httpx.NewPage(items, limit, func(p demonstration.Point) string { return string(p.Community) }))
}

type nominateRequest struct {
	Community string   `json:"community" validate:"required,len=12,numeric"`
	Criteria  []string `json:"criteria" validate:"max=20"`
	Statement string   `json:"statement" validate:"required,max=2000"`
}

func (h Handlers) Nominate(c *fiber.Ctx) error {
	var req nominateRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	code, err := tenancy.ParseCommunity(req.Community)
	if err != nil {
		return demonstration.ErrCriteriaNotMet
	}
	met := make([]demonstration.Criterion, len(req.Criteria))
	for i, c := range req.Criteria {
		met[i] = demonstration.Criterion(c)
	}
	out, err := h.app.Demonstrations.Nominate(c.UserContext(), code, met, req.Statement)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func communityParam(c *fiber.Ctx) (tenancy.CommunityCode, error) {
	code, err := tenancy.ParseCommunity(param(c, "community"))
	if err != nil {
		return "", demonstration.ErrNotFound
	}
	return code, nil
}

func (h Handlers) Designate(c *fiber.Ctx) error {
	code, err := communityParam(c)
	if err != nil {
		return err
	}
	out, err := h.app.Demonstrations.Designate(c.UserContext(), code)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) Revoke(c *fiber.Ctx) error {
	code, err := communityParam(c)
	if err != nil {
		return err
	}
	var req struct {
		Reason string `json:"reason" validate:"required,max=1000"`
	}
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Demonstrations.Revoke(c.UserContext(), code, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
