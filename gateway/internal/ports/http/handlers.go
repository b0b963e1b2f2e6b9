package http

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/app"
	"dundian.local/gateway/internal/domain/account"
	"dundian.local/gateway/internal/domain/audit"
	"dundian.local/gateway/internal/domain/settings"
	"dundian.local/gateway/internal/domain/town"
)

// handlers serve the gateway's own routes of the route table.
type handlers struct{ s *Server }

func (h handlers) routes() map[string]fiber.Handler {
	return map[string]fiber.Handler{
		"login":            h.login,
		"logout":           h.logout,
		"changePassword":   h.changePassword,
		"me":               h.me,
		"listTowns":        h.listTowns,
		"createTown":       h.createTown,
		"importTowns":      h.importTowns,
		"getJob":           h.getJob,
		"getTown":          h.getTown,
		"archiveTown":      h.archiveTown,
		"exportTown":       h.exportTown,
		"downloadExport":   h.downloadExport,
		"eraseTown":        h.eraseTown,
		"getSettings":      h.getSettings,
		"putSettings":      h.putSettings,
		"listTownAudit":    h.listTownAudit,
		"listCountyAudit":  h.listCountyAudit,
		"listAccounts":     h.listAccounts,
		"createAccount":    h.createAccount,
		"updateAccount":    h.updateAccount,
		"resetPassword":    h.resetPassword,
		"getCalendar":      h.getCalendar,
		"putProgrammeYear": h.putProgrammeYear,
		"putHolidays":      h.putHolidays,
		"putTownOverride":  h.putTownOverride,
	}
}

// decode reads a JSON body of at most the configured size. Request bodies stream on this
// listener, so the size is enforced here rather than by the server.
func (h handlers) decode(c *fiber.Ctx, dst any) error {
	if err := limitBody(c, int64(h.s.cfg.JSONBodyLimit)); err != nil {
		return err
	}
	return httpx.Decode(c, dst)
}

var errBodyTooLarge = errs.TooLarge("body-too-large", "the request body is too large", "提交的内容过大")

// limitBody makes the body available to Body() if it is at most limit bytes.
func limitBody(c *fiber.Ctx, limit int64) error {
	n := c.Request().Header.ContentLength()
	if int64(n) > limit {
		return errBodyTooLarge
	}
	stream := c.Context().RequestBodyStream()
	if stream == nil || n >= 0 {
		return nil // complete, or of a known length within the limit: Body() reads it
	}
	b, err := io.ReadAll(io.LimitReader(stream, limit+1))
	if err != nil {
		return err
	}
	if int64(len(b)) > limit {
		return errBodyTooLarge
	}
	c.Request().SetBodyRaw(b)
	return nil
}

func townParam(c *fiber.Ctx) (tenancy.TownCode, error) {
	t, err := tenancy.ParseTown(c.Params("town"))
	if err != nil {
		return "", auth.ErrInvalidTown
	}
	return t, nil
}

// ---- identity

type loginRequest struct {
	Username string `json:"username" validate:"required,max=64"`
	Password string `json:"password" validate:"required,max=256"`
}

// login answers errors itself, so that the address limiter in front of it sees the status
// and counts only failed logins.
func (h handlers) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := h.decode(c, &req); err != nil {
		return httpx.Problem(c, err)
	}
	res, err := h.s.app.Identity.Login(c.UserContext(), req.Username, req.Password)
	h.auditLogin(c, req.Username, res, err)
	if err != nil {
		var locked *app.LockedError
		if errors.As(err, &locked) {
			err = httpx.RetryAfter(err, locked.After)
		}
		return httpx.Problem(c, err)
	}
	h.s.setSessionCookie(c, res.Token, res.ExpiresAt)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(res)
}

// auditLogin records every login attempt in the county's log (and a success also in the
// town's), without the password.
func (h handlers) auditLogin(c *fiber.Ctx, username string, res app.LoginResult, err error) {
	rec := audit.Record{
		Name: clip(account.NormalizeUsername(username), 64), Action: "login", Method: c.Method(), Path: c.Path(),
		Result: fiber.StatusOK, RequestID: httpx.RequestID(c.UserContext()),
	}
	if err != nil {
		rec.Result = fiber.StatusUnauthorized
		if e, ok := errs.As(err); ok {
			rec.Result = statusOf(e.Category)
		}
	} else {
		rec.AccountID, rec.Name, rec.Role, rec.Town = res.Account.ID, res.Account.DisplayName, res.Account.Role, res.Account.Town
	}
	if aerr := h.s.app.Audit.Record(c.UserContext(), rec); aerr != nil {
		h.s.cfg.Log.ErrorContext(c.UserContext(), "writing an audit record failed", "action", "login", "err", aerr)
	}
}

func statusOf(cat errs.Category) int {
	switch cat {
	case errs.CategoryTooMany:
		return fiber.StatusTooManyRequests
	case errs.CategoryForbidden:
		return fiber.StatusForbidden
	case errs.CategoryInvalid:
		return fiber.StatusBadRequest
	case errs.CategoryUnavailable:
		return fiber.StatusServiceUnavailable
	case errs.CategoryUnauthorized:
		return fiber.StatusUnauthorized
	}
	return fiber.StatusInternalServerError
}

func (h handlers) logout(c *fiber.Ctx) error {
	sess, ok := sessionFrom(c.UserContext())
	if !ok {
		return errs.ErrUnauthorized
	}
	if err := h.s.app.Identity.Logout(c.UserContext(), sess); err != nil {
		return err
	}
	h.s.clearSessionCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

type changePasswordRequest struct {
	OldPassword string `json:"oldPassword" validate:"required,max=256"`
	NewPassword string `json:"newPassword" validate:"required,max=256"`
}

func (h handlers) changePassword(c *fiber.Ctx) error {
	var req changePasswordRequest
	if err := h.decode(c, &req); err != nil {
		return err
	}
	res, err := h.s.app.Identity.ChangePassword(c.UserContext(), req.OldPassword, req.NewPassword)
	if err != nil {
		var locked *app.LockedError
		if errors.As(err, &locked) {
			return httpx.RetryAfter(err, locked.After)
		}
		return err
	}
	h.s.setSessionCookie(c, res.Token, res.ExpiresAt)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(res)
}

func (h handlers) me(c *fiber.Ctx) error {
	acc, err := h.s.app.Identity.Me(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"account": acc})
}

// ---- towns

func (h handlers) listTowns(c *fiber.Ctx) error {
	towns, err := h.s.app.Registry.List(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(httpx.Page[app.TownView]{Items: towns})
}

type communityRequest struct {
	Code string `json:"code" validate:"required,communitycode"`
	Name string `json:"name" validate:"required,max=60"`
}

type createTownRequest struct {
	Code        string             `json:"code" validate:"required,towncode"`
	Name        string             `json:"name" validate:"required,max=60"`
	CountyName  string             `json:"countyName" validate:"required,max=60"`
	Communities []communityRequest `json:"communities" validate:"max=2000,dive"`
}

func (h handlers) createTown(c *fiber.Ctx) error {
	var req createTownRequest
	if err := h.decode(c, &req); err != nil {
		return err
	}
	cmd := app.CreateTown{Code: tenancy.TownCode(req.Code), Name: req.Name, CountyName: req.CountyName}
	for _, cr := range req.Communities {
		cmd.Communities = append(cmd.Communities, town.Community{Code: tenancy.CommunityCode(cr.Code), Name: cr.Name})
	}
	t, err := h.s.app.Registry.Create(c.UserContext(), cmd)
	if err != nil {
		return err
	}
	c.Location("/api/v1/towns/" + string(t.Code))
	return c.Status(fiber.StatusCreated).JSON(t)
}

var errImportMediaType = errs.Unsupported("import-media-type",
	"send the division-code file as text/csv or as the field \"file\" of a multipart form",
	"请以 CSV 文件（text/csv）或表单字段“file”上传区划代码文件")

// importTowns reads the file as it arrives — a raw text/csv body or the "file" part of a
// multipart form — so a province-sized file is never held whole as bytes.
func (h handlers) importTowns(c *fiber.Ctx) error {
	if int64(c.Request().Header.ContentLength()) > h.s.cfg.ImportLimit {
		return importTooLarge(h.s.cfg.ImportLimit)
	}
	body := requestBody(c)
	mt, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil {
		return errImportMediaType
	}
	var file io.Reader
	switch {
	case mt == "text/csv" || mt == "text/plain" || mt == "application/csv":
		file = body
	case mt == fiber.MIMEMultipartForm && params["boundary"] != "":
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err != nil {
				return errImportMediaType
			}
			if part.FormName() == "file" {
				file = part
				break
			}
		}
	default:
		return errImportMediaType
	}
	lr := &limitedReader{r: file, left: h.s.cfg.ImportLimit}
	j, err := h.s.app.Registry.Import(c.UserContext(), lr)
	if lr.exceeded {
		return importTooLarge(h.s.cfg.ImportLimit)
	}
	if err != nil {
		return err
	}
	c.Location("/api/v1/jobs/" + j.ID)
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"job": j})
}

func importTooLarge(limit int64) error {
	return errs.TooLarge("import-too-large", fmt.Sprintf("the file is larger than %d MB", limit>>20),
		fmt.Sprintf("文件超过 %d MB", limit>>20))
}

// requestBody is the request's body as a stream, whether the server streamed it or not.
func requestBody(c *fiber.Ctx) io.Reader {
	if s := c.Context().RequestBodyStream(); s != nil {
		return s
	}
	return bytes.NewReader(c.Body())
}

// limitedReader fails once more than left bytes were read.
type limitedReader struct {
	r        io.Reader
	left     int64
	exceeded bool
}

var errLimit = errors.New("size limit exceeded")

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		l.exceeded = true
		return 0, errLimit
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		l.exceeded = true
		return n, errLimit
	}
	return n, err
}

func (h handlers) getJob(c *fiber.Ctx) error {
	j, err := h.s.app.Jobs.Get(c.UserContext(), c.Params("job"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(j)
}

func (h handlers) getTown(c *fiber.Ctx) error {
	code, err := townParam(c)
	if err != nil {
		return err
	}
	t, err := h.s.app.Registry.Get(c.UserContext(), code)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h handlers) archiveTown(c *fiber.Ctx) error {
	code, err := townParam(c)
	if err != nil {
		return err
	}
	t, err := h.s.app.Registry.Archive(c.UserContext(), code)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h handlers) exportTown(c *fiber.Ctx) error {
	code, err := townParam(c)
	if err != nil {
		return err
	}
	j, err := h.s.app.Registry.Export(c.UserContext(), code)
	if err != nil {
		return err
	}
	c.Location("/api/v1/jobs/" + j.ID)
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"job": j})
}

func (h handlers) downloadExport(c *fiber.Ctx) error {
	code, err := townParam(c)
	if err != nil {
		return err
	}
	id := c.Params("export")
	r, size, err := h.s.app.Registry.ExportArchive(c.UserContext(), code, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/gzip")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="town-%s-%s.tar.gz"`, code, id))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStream(r, int(size))
	return nil
}

type eraseTownRequest struct {
	Confirm  string `json:"confirm" validate:"required,max=60"`
	ExportID string `json:"exportId" validate:"required,max=64"`
}

func (h handlers) eraseTown(c *fiber.Ctx) error {
	code, err := townParam(c)
	if err != nil {
		return err
	}
	var req eraseTownRequest
	if err := h.decode(c, &req); err != nil {
		return err
	}
	e, err := h.s.app.Registry.Erase(c.UserContext(), app.EraseTown{Code: code, Confirm: req.Confirm, ExportID: req.ExportID})
	if err != nil {
		return err
	}
	return c.JSON(e)
}

// ---- settings

func (h handlers) getSettings(c *fiber.Ctx) error {
	code, err := townParam(c)
	if err != nil {
		return err
	}
	st, err := h.s.app.Settings.Get(c.UserContext(), code)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

type settingsRequest struct {
	LocationEvidence settings.Evidence        `json:"locationEvidence" validate:"required"`
	PhotoEvidence    settings.Evidence        `json:"photoEvidence" validate:"required"`
	DiaryVisibility  settings.DiaryVisibility `json:"diaryVisibility" validate:"required"`
	ResponseDueDays  int                      `json:"responseDueDays"`
	RankingsShown    bool                     `json:"rankingsShown"`
	Rev              int64                    `json:"rev"` // ignored: the last write wins
}

func (h handlers) putSettings(c *fiber.Ctx) error {
	code, err := townParam(c)
	if err != nil {
		return err
	}
	var req settingsRequest
	if err := h.decode(c, &req); err != nil {
		return err
	}
	st, err := h.s.app.Settings.Put(c.UserContext(), code, settings.Settings{
		LocationEvidence: req.LocationEvidence, PhotoEvidence: req.PhotoEvidence, DiaryVisibility: req.DiaryVisibility,
		ResponseDueDays: req.ResponseDueDays, RankingsShown: req.RankingsShown,
	})
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// ---- audit

func (h handlers) listTownAudit(c *fiber.Ctx) error {
	code, err := townParam(c)
	if err != nil {
		return err
	}
	limit, before, err := httpx.PageParams(c, 50, 200)
	if err != nil {
		return err
	}
	recs, err := h.s.app.Audit.TownPage(c.UserContext(), code, before, limit+1)
	if err != nil {
		return err
	}
	return c.JSON(httpx.NewPage(recs, limit, func(r audit.Record) string { return r.ID }))
}

func (h handlers) listCountyAudit(c *fiber.Ctx) error {
	limit, before, err := httpx.PageParams(c, 50, 200)
	if err != nil {
		return err
	}
	recs, err := h.s.app.Audit.CountyPage(c.UserContext(), before, limit+1)
	if err != nil {
		return err
	}
	return c.JSON(httpx.NewPage(recs, limit, func(r audit.Record) string { return r.ID }))
}

// ---- accounts

func (h handlers) listAccounts(c *fiber.Ctx) error {
	var filter tenancy.TownCode
	if q := c.Query("town"); q != "" {
		t, err := tenancy.ParseTown(q)
		if err != nil {
			return auth.ErrInvalidTown
		}
		filter = t
	}
	accounts, err := h.s.app.Accounts.List(c.UserContext(), filter)
	if err != nil {
		return err
	}
	return c.JSON(httpx.Page[account.Account]{Items: accounts})
}

type createAccountRequest struct {
	Username    string    `json:"username" validate:"required,max=32"`
	DisplayName string    `json:"displayName" validate:"required,max=40"`
	Role        auth.Role `json:"role" validate:"required"`
	Town        string    `json:"town" validate:"omitempty,towncode"`
	CadreID     string    `json:"cadreId" validate:"max=64"`
	Community   string    `json:"community" validate:"omitempty,communitycode"`
	Password    string    `json:"password" validate:"required,max=256"`
}

func (h handlers) createAccount(c *fiber.Ctx) error {
	var req createAccountRequest
	if err := h.decode(c, &req); err != nil {
		return err
	}
	a, err := h.s.app.Accounts.Create(c.UserContext(), app.CreateAccount{
		Spec: account.Spec{
			Username: req.Username, DisplayName: req.DisplayName, Role: req.Role,
			Town: tenancy.TownCode(req.Town), CadreID: req.CadreID, Community: tenancy.CommunityCode(req.Community),
		},
		Password: req.Password,
	})
	if err != nil {
		return err
	}
	c.Location("/api/v1/accounts/" + a.ID)
	return c.Status(fiber.StatusCreated).JSON(a)
}

type updateAccountRequest struct {
	DisplayName *string         `json:"displayName" validate:"omitempty,max=40"`
	Role        *auth.Role      `json:"role"`
	Town        *string         `json:"town" validate:"omitempty,towncode"`
	CadreID     *string         `json:"cadreId" validate:"omitempty,max=64"`
	Community   *string         `json:"community" validate:"omitempty,communitycode"`
	Status      *account.Status `json:"status"`
}

func (h handlers) updateAccount(c *fiber.Ctx) error {
	var req updateAccountRequest
	if err := h.decode(c, &req); err != nil {
		return err
	}
	ch := account.Changes{DisplayName: req.DisplayName, Role: req.Role, CadreID: req.CadreID, Status: req.Status}
	if req.Town != nil {
		t := tenancy.TownCode(*req.Town)
		ch.Town = &t
	}
	if req.Community != nil {
		cc := tenancy.CommunityCode(*req.Community)
		ch.Community = &cc
	}
	a, err := h.s.app.Accounts.Update(c.UserContext(), c.Params("account"), ch)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

type resetPasswordRequest struct {
	Password string `json:"password" validate:"required,max=256"`
}

func (h handlers) resetPassword(c *fiber.Ctx) error {
	var req resetPasswordRequest
	if err := h.decode(c, &req); err != nil {
		return err
	}
	if err := h.s.app.Accounts.ResetPassword(c.UserContext(), c.Params("account"), req.Password); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// ---- calendar

func (h handlers) getCalendar(c *fiber.Ctx) error {
	v, err := h.s.app.Calendar.Get(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func yearParam(c *fiber.Ctx) (int, error) {
	y, err := c.ParamsInt("year")
	if err != nil || y < 2000 || y > 2100 {
		return 0, errs.ErrInvalidInput.WithFields(errs.FieldError{Field: "year", Slug: "range",
			Message: "a year between 2000 and 2100", Zh: "年份应在 2000 至 2100 之间"})
	}
	return y, nil
}

func (h handlers) putProgrammeYear(c *fiber.Ctx) error {
	year, err := yearParam(c)
	if err != nil {
		return err
	}
	var req calendar.ProgrammeCalendar
	if err := h.decode(c, &req); err != nil {
		return err
	}
	y, err := h.s.app.Calendar.PutYear(c.UserContext(), year, req)
	if err != nil {
		return err
	}
	return c.JSON(y)
}

func (h handlers) putHolidays(c *fiber.Ctx) error {
	year, err := yearParam(c)
	if err != nil {
		return err
	}
	var req calendar.HolidayYear
	if err := h.decode(c, &req); err != nil {
		return err
	}
	y, err := h.s.app.Calendar.PutHolidays(c.UserContext(), year, req)
	if err != nil {
		return err
	}
	return c.JSON(y)
}

type overrideRequest struct {
	Year   int            `json:"year" validate:"required,min=2000,max=2100"`
	Month  calendar.Month `json:"month"`
	Due    calendar.Date  `json:"due"`
	Reason string         `json:"reason" validate:"required,max=200"`
}

func (h handlers) putTownOverride(c *fiber.Ctx) error {
	code, err := townParam(c)
	if err != nil {
		return err
	}
	var req overrideRequest
	if err := h.decode(c, &req); err != nil {
		return err
	}
	y, err := h.s.app.Calendar.PutOverride(c.UserContext(), app.PutOverride{
		Town: code, Kind: calendar.DeadlineKind(c.Params("kind")), Year: req.Year, Month: req.Month,
		Due: req.Due, Reason: req.Reason,
	})
	if err != nil {
		return err
	}
	return c.JSON(y)
}
