// Package http is fieldwork's HTTP port: thin Fiber handlers over the application.
package http

import (
	"bytes"
	"io"
	"time"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
	"dundian.local/libs/objects"
	"dundian.local/libs/tasks"
	"dundian.local/services/fieldwork/internal/app"
	"dundian.local/services/fieldwork/internal/domain/activity"
	"dundian.local/services/fieldwork/internal/domain/entry"
	"dundian.local/services/fieldwork/internal/domain/report"
	"dundian.local/services/fieldwork/internal/domain/sheet"
	"dundian.local/services/fieldwork/internal/domain/station"
	"dundian.local/services/fieldwork/internal/domain/stay"
)

// Handlers serves fieldwork's routes of the route table.
type Handlers struct{ app app.Application }

// Routes maps route ids of the table to handlers.
func Routes(a app.Application) map[string]fiber.Handler {
	h := Handlers{a}
	return map[string]fiber.Handler{
		"listStays":       h.ListStays,
		"startStay":       h.StartStay,
		"getStay":         h.GetStay,
		"endStay":         h.EndStay,
		"payMeal":         h.PayMeal,
		"stationingMonth": h.StationingMonth,

		"listWorkLogs": h.listEntries(entry.WorkLog),
		"writeWorkLog": h.writeEntry(entry.WorkLog),
		"getWorkLog":   h.getEntry(entry.WorkLog, "log"),
		"editWorkLog":  h.editEntry(entry.WorkLog, "log"),
		"listDiaries":  h.listEntries(entry.Diary),
		"writeDiary":   h.writeEntry(entry.Diary),
		"getDiary":     h.getEntry(entry.Diary, "diary"),
		"editDiary":    h.editEntry(entry.Diary, "diary"),

		"listAttendanceSheets":    h.ListSheets,
		"generateAttendanceSheet": h.GenerateSheet,
		"getAttendanceSheet":      h.GetSheet,
		"confirmAttendanceSheet":  h.decideSheet(true),
		"disputeAttendanceSheet":  h.decideSheet(false),

		"listResearchReports":  h.ListReports,
		"writeResearchReport":  h.WriteReport,
		"getResearchReport":    h.GetReport,
		"editResearchReport":   h.EditReport,
		"submitResearchReport": h.SubmitReport,
		"reviewResearchReport": h.ReviewReport,

		"listServiceStations":  h.ListStations,
		"getServiceStation":    h.GetStation,
		"recordServiceStation": h.RecordStation,

		"listActivities": h.ListActivities,
		"recordActivity": h.RecordActivity,
		"getActivity":    h.GetActivity,
		"listMeasures":   h.ListMeasures,
		"addMeasure":     h.AddMeasure,
		"moveMeasure":    h.MoveMeasure,

		"uploadAttachment":    h.UploadAttachment,
		"getAttachment":       h.GetAttachment,
		"attachmentURL":       h.AttachmentURL,
		"attachmentThumbnail": h.AttachmentThumbnail,
	}
}

var errMonth = errs.Invalid("month-invalid", "give the month as YYYY-MM", "月份格式应为YYYY-MM")

// monthOf parses a month, or the current Beijing month when s is empty.
func monthOf(s string) (calendar.Month, error) {
	if s == "" {
		return calendar.MonthOf(time.Now()), nil
	}
	m, err := calendar.ParseMonth(s)
	if err != nil {
		return calendar.Month{}, errMonth
	}
	return m, nil
}

type locationRequest struct {
	Lat      float64 `json:"lat" validate:"gte=-90,lte=90"`
	Lng      float64 `json:"lng" validate:"gte=-180,lte=180"`
	Accuracy float64 `json:"accuracy" validate:"gte=0"`
}

type startStayRequest struct {
	Cadre     string           `json:"cadre" validate:"max=64"`
	Community string           `json:"community" validate:"required"`
	Start     *time.Time       `json:"start"`
	Location  *locationRequest `json:"location"`
}

func (h Handlers) StartStay(c *fiber.Ctx) error {
	var req startStayRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	cmd := app.StartStay{Cadre: req.Cadre, Community: req.Community}
	if req.Start != nil {
		cmd.Start = *req.Start
	}
	if req.Location != nil {
		cmd.Location = &stay.Location{Lat: req.Location.Lat, Lng: req.Location.Lng, Accuracy: req.Location.Accuracy}
	}
	out, err := h.app.Commands.StartStay.Handle(c.UserContext(), cmd)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

type endStayRequest struct {
	End *time.Time `json:"end"`
}

func (h Handlers) EndStay(c *fiber.Ctx) error {
	var req endStayRequest
	if len(c.Body()) > 0 {
		if err := httpx.Decode(c, &req); err != nil {
			return err
		}
	}
	cmd := app.EndStay{ID: c.Params("stay")}
	if req.End != nil {
		cmd.End = *req.End
	}
	out, err := h.app.Commands.EndStay.Handle(c.UserContext(), cmd)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type payMealRequest struct {
	AmountFen int64  `json:"amountFen" validate:"required,gte=1"`
	Note      string `json:"note" validate:"max=200"`
}

func (h Handlers) PayMeal(c *fiber.Ctx) error {
	var req payMealRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.PayMeal.Handle(c.UserContext(), app.PayMeal{Stay: c.Params("stay"), AmountFen: req.AmountFen, Note: req.Note})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) GetStay(c *fiber.Ctx) error {
	out, err := h.app.Queries.Stay.Handle(c.UserContext(), c.Params("stay"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) ListStays(c *fiber.Ctx) error {
	m, err := monthOf(c.Query("month"))
	if err != nil {
		return err
	}
	items, err := h.app.Queries.Stays.Handle(c.UserContext(), app.Stays{Cadre: c.Query("cadre"), Community: c.Query("community"), Month: m})
	if err != nil {
		return err
	}
	return c.JSON(httpx.Page[stay.Stay]{Items: items})
}

func (h Handlers) StationingMonth(c *fiber.Ctx) error {
	m, err := monthOf(c.Params("month"))
	if err != nil {
		return err
	}
	out, err := h.app.Queries.StationingMonth.Handle(c.UserContext(), app.StationingMonth{Cadre: c.Query("cadre"), Month: m})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type entryRequest struct {
	Community     string   `json:"community" validate:"omitempty,len=12,numeric"`
	Date          string   `json:"date" validate:"required"`
	Text          string   `json:"text" validate:"required,max=20000"`
	Stay          string   `json:"stay" validate:"max=64"`
	Task          string   `json:"task" validate:"omitempty,oneof=T1 T2 T3 T4 T5 T6"`
	ActivityType  string   `json:"activityType" validate:"max=60"`
	PeopleReached int      `json:"peopleReached" validate:"gte=0"`
	Contacts      []string `json:"contacts" validate:"max=20,dive,max=64"`
	Attachments   []string `json:"attachments" validate:"max=20,dive,max=64"`
}

var errDate = errs.Invalid("date-invalid", "give the date as YYYY-MM-DD", "日期格式应为YYYY-MM-DD")

func (r entryRequest) content() (entry.Content, error) {
	d, err := calendar.ParseDate(r.Date)
	if err != nil {
		return entry.Content{}, errDate
	}
	return entry.Content{Date: d, Text: r.Text, Stay: r.Stay, Task: entry.Task(r.Task), ActivityType: r.ActivityType,
		PeopleReached: r.PeopleReached, Contacts: r.Contacts, Attachments: r.Attachments}, nil
}

func (h Handlers) writeEntry(kind entry.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req entryRequest
		if err := httpx.Decode(c, &req); err != nil {
			return err
		}
		content, err := req.content()
		if err != nil {
			return err
		}
		out, err := h.app.Commands.WriteEntry.Handle(c.UserContext(), app.WriteEntry{Kind: kind, Community: req.Community, Content: content})
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(out)
	}
}

func (h Handlers) editEntry(kind entry.Kind, param string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req entryRequest
		if err := httpx.Decode(c, &req); err != nil {
			return err
		}
		content, err := req.content()
		if err != nil {
			return err
		}
		out, err := h.app.Commands.EditEntry.Handle(c.UserContext(), app.EditEntry{Kind: kind, ID: c.Params(param), Content: content})
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

func (h Handlers) getEntry(kind entry.Kind, param string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		out, err := h.app.Queries.Entry.Handle(c.UserContext(), kind, c.Params(param))
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

func (h Handlers) listEntries(kind entry.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		limit, after, err := httpx.PageParams(c, 50, 200)
		if err != nil {
			return err
		}
		items, err := h.app.Queries.Entries.Handle(c.UserContext(), app.Entries{Kind: kind, Cadre: c.Query("cadre"),
			Community: c.Query("community"), Before: after, Limit: limit + 1})
		if err != nil {
			return err
		}
		return c.JSON(httpx.NewPage(items, limit, func(e entry.Entry) string { return e.ID }))
	}
}

type generateSheetRequest struct {
	Community string `json:"community" validate:"required,len=12,numeric"`
	Month     string `json:"month" validate:"required"`
}

func (h Handlers) GenerateSheet(c *fiber.Ctx) error {
	var req generateSheetRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	m, err := calendar.ParseMonth(req.Month)
	if err != nil {
		return errMonth
	}
	out, err := h.app.Commands.GenerateSheet.Handle(c.UserContext(), app.GenerateSheet{Community: req.Community, Month: m})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

type decideSheetRequest struct {
	Comment string `json:"comment" validate:"max=500"`
}

func (h Handlers) decideSheet(confirm bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req decideSheetRequest
		if len(c.Body()) > 0 {
			if err := httpx.Decode(c, &req); err != nil {
				return err
			}
		}
		out, err := h.app.Commands.DecideSheet.Handle(c.UserContext(), app.DecideSheet{ID: c.Params("sheet"), Confirm: confirm, Comment: req.Comment})
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

func (h Handlers) GetSheet(c *fiber.Ctx) error {
	out, err := h.app.Queries.Sheet.Handle(c.UserContext(), c.Params("sheet"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) ListSheets(c *fiber.Ctx) error {
	items, err := h.app.Queries.Sheets.Handle(c.UserContext(), c.Query("community"))
	if err != nil {
		return err
	}
	return c.JSON(httpx.Page[sheet.Sheet]{Items: items})
}

// UploadAttachment streams the request body (the file itself, not a form) to the object
// store: the service runs with StreamRequestBody, so the body is read as it arrives.
func (h Handlers) UploadAttachment(c *fiber.Ctx) error {
	size := int64(c.Request().Header.ContentLength())
	if size < 0 {
		size = -1 // chunked: unknown
	}
	var body io.Reader = c.Context().RequestBodyStream()
	if body == nil {
		body = bytes.NewReader(c.Body())
	}
	out, created, err := h.app.Commands.UploadAttachment.Handle(c.UserContext(), app.UploadAttachment{
		ID: c.Params("attachment"), Cadre: c.Query("cadre"), Name: c.Query("name"), Size: size, Body: body,
	})
	if err != nil {
		// The rest of a refused upload is still on the wire; close the connection rather
		// than read it, or parse it as the next request.
		c.Context().SetConnectionClose()
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(out)
}

func (h Handlers) GetAttachment(c *fiber.Ctx) error {
	out, err := h.app.Queries.Attachment.Handle(c.UserContext(), c.Params("attachment"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) AttachmentURL(c *fiber.Ctx) error {
	out, err := h.app.Queries.AttachmentURL.Handle(c.UserContext(), c.Params("attachment"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store") // the link is a short-lived credential
	return c.JSON(out)
}

// AttachmentThumbnail streams the small copy of a photo; the console shows it inline, so it
// comes from the console's own origin rather than from the object store.
func (h Handlers) AttachmentThumbnail(c *fiber.Ctx) error {
	r, info, err := h.app.Queries.Thumbnail.Handle(c.UserContext(), c.Params("attachment"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, objects.TypeJPEG)
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.SendStream(r, int(info.Size))
}

type reportRequest struct {
	Community   string   `json:"community" validate:"omitempty,len=12,numeric"` // required when writing
	Title       string   `json:"title" validate:"required,max=100"`
	Situation   string   `json:"situation" validate:"max=20000"`
	Analysis    string   `json:"analysis" validate:"max=20000"`
	Suggestions string   `json:"suggestions" validate:"max=20000"`
	Attachments []string `json:"attachments" validate:"max=20,dive,max=64"`
}

func (r reportRequest) content() report.Content {
	return report.Content{Title: r.Title, Situation: r.Situation, Analysis: r.Analysis, Suggestions: r.Suggestions, Attachments: r.Attachments}
}

func (h Handlers) WriteReport(c *fiber.Ctx) error {
	var req reportRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.WriteReport.Handle(c.UserContext(), app.WriteReport{Community: req.Community, Content: req.content()})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) EditReport(c *fiber.Ctx) error {
	var req reportRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.EditReport.Handle(c.UserContext(), app.EditReport{ID: c.Params("report"), Content: req.content()})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) SubmitReport(c *fiber.Ctx) error {
	out, err := h.app.Commands.SubmitReport.Handle(c.UserContext(), c.Params("report"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type reviewReportRequest struct {
	Accept  *bool  `json:"accept" validate:"required"`
	Comment string `json:"comment" validate:"max=1000"`
}

func (h Handlers) ReviewReport(c *fiber.Ctx) error {
	var req reviewReportRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.ReviewReport.Handle(c.UserContext(), app.ReviewReport{ID: c.Params("report"), Accept: *req.Accept, Comment: req.Comment})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) GetReport(c *fiber.Ctx) error {
	out, err := h.app.Queries.Report.Handle(c.UserContext(), c.Params("report"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) ListReports(c *fiber.Ctx) error {
	limit, after, err := httpx.PageParams(c, 50, 200)
	if err != nil {
		return err
	}
	items, err := h.app.Queries.Reports.Handle(c.UserContext(), c.Query("cadre"), after, limit+1)
	if err != nil {
		return err
	}
	return c.JSON(httpx.NewPage(items, limit, func(r report.Report) string { return r.ID }))
}

type stationRequest struct {
	Status   string   `json:"status" validate:"required,oneof=planned building open suspended"`
	Services []string `json:"services" validate:"max=20,dive,max=30"`
	Opened   string   `json:"opened"`
	Note     string   `json:"note" validate:"max=500"`
}

func (h Handlers) RecordStation(c *fiber.Ctx) error {
	var req stationRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	state := station.State{Status: station.Status(req.Status), Services: req.Services, Note: req.Note}
	if req.Opened != "" {
		d, err := calendar.ParseDate(req.Opened)
		if err != nil {
			return errDate
		}
		state.Opened = &d
	}
	out, created, err := h.app.Commands.RecordStation.Handle(c.UserContext(), app.RecordStation{Community: c.Params("community"), State: state})
	if err != nil {
		return err
	}
	if created {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(out)
}

func (h Handlers) GetStation(c *fiber.Ctx) error {
	out, err := h.app.Queries.Station.Handle(c.UserContext(), c.Params("community"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) ListStations(c *fiber.Ctx) error {
	items, err := h.app.Queries.Stations.Handle(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(httpx.Page[station.Station]{Items: items})
}

type activityRequest struct {
	Community    string   `json:"community" validate:"required,len=12,numeric"`
	Task         string   `json:"task" validate:"required,oneof=T2 T3 T5"`
	Type         string   `json:"type" validate:"required,max=40"`
	Date         string   `json:"date" validate:"required"`
	Title        string   `json:"title" validate:"required,max=100"`
	Summary      string   `json:"summary" validate:"max=5000"`
	Participants int      `json:"participants" validate:"gte=0"`
	ServiceKinds []string `json:"serviceKinds" validate:"max=5,dive,max=20"`
	Findings     string   `json:"findings" validate:"max=5000"`
}

func (h Handlers) RecordActivity(c *fiber.Ctx) error {
	var req activityRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	d, err := calendar.ParseDate(req.Date)
	if err != nil {
		return errDate
	}
	out, err := h.app.Commands.RecordActivity.Handle(c.UserContext(), app.RecordActivity{Community: req.Community, Draft: activity.Draft{
		Task: activity.Task(req.Task), Type: req.Type, Date: d, Title: req.Title, Summary: req.Summary,
		Participants: req.Participants, ServiceKinds: req.ServiceKinds, Findings: req.Findings,
	}})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) GetActivity(c *fiber.Ctx) error {
	out, err := h.app.Queries.Activity.Handle(c.UserContext(), c.Params("activity"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) ListActivities(c *fiber.Ctx) error {
	limit, after, err := httpx.PageParams(c, 50, 200)
	if err != nil {
		return err
	}
	items, err := h.app.Queries.Activities.Handle(c.UserContext(), app.Activities{Cadre: c.Query("cadre"), Task: c.Query("task"), Before: after, Limit: limit + 1})
	if err != nil {
		return err
	}
	return c.JSON(httpx.NewPage(items, limit, func(a activity.Activity) string { return a.ID }))
}

type measureRequest struct {
	Title  string `json:"title" validate:"required,max=200"`
	Detail string `json:"detail" validate:"max=4000"`
	Due    string `json:"due"`
}

func (h Handlers) AddMeasure(c *fiber.Ctx) error {
	var req measureRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	cmd := app.AddMeasure{Activity: c.Params("activity"), Title: req.Title, Detail: req.Detail}
	if req.Due != "" {
		d, err := calendar.ParseDate(req.Due)
		if err != nil {
			return errDate
		}
		cmd.Due = d.End() // due at the end of the day, Beijing time
	}
	out, err := h.app.Commands.AddMeasure.Handle(c.UserContext(), cmd)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h Handlers) ListMeasures(c *fiber.Ctx) error {
	items, err := h.app.Queries.Measures.Handle(c.UserContext(), c.Params("activity"))
	if err != nil {
		return err
	}
	return c.JSON(httpx.Page[tasks.Task]{Items: items})
}

type moveMeasureRequest struct {
	Note string `json:"note" validate:"max=1000"`
}

func (h Handlers) MoveMeasure(c *fiber.Ctx) error {
	var req moveMeasureRequest
	if len(c.Body()) > 0 {
		if err := httpx.Decode(c, &req); err != nil {
			return err
		}
	}
	out, err := h.app.Commands.MoveMeasure.Handle(c.UserContext(), app.MoveMeasure{ID: c.Params("measure"), Step: c.Params("step"), Note: req.Note})
	if err != nil {
		return err
	}
	return c.JSON(out)
}
