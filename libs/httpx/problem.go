// Package httpx holds the HTTP conventions every Dundian process shares on Fiber v2: problem
// details (RFC 9457) for every error, strict JSON decoding with validation, cursor pages,
// Idempotency-Key on POST, request ids, health endpoints and the one server configuration.
package httpx

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"go.opentelemetry.io/otel/trace"

	"dundian.local/libs/errs"
	"dundian.local/libs/store"
)

// ContentTypeProblem is the media type of every error response.
const ContentTypeProblem = "application/problem+json"

// ProblemTypePrefix starts the `type` URI of every problem; the error's slug completes it.
const ProblemTypePrefix = "urn:dundian:problem:"

// ProblemJSON is the body of an error response (RFC 9457 plus our extensions `code`, `errors`,
// `traceId` and `requestId`). Clients and tests decode it.
type ProblemJSON struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	Code      string         `json:"code"`
	Errors    []ProblemField `json:"errors,omitempty"`
	TraceID   string         `json:"traceId,omitempty"`
	RequestID string         `json:"requestId,omitempty"`
}

// ProblemField names one invalid input field, in the reader's language.
type ProblemField struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Status rule: a category decides the status, nothing else does. CategoryInvalid is always
// 400, whether the body is malformed or a well-formed request breaks a domain rule: clients
// tell cases apart by `code`, not by 400 versus 422. The one exception is a protocol that
// prescribes its own status (Idempotency-Key reuse is 422 by its specification); httpx marks
// such errors itself with withStatus.
var categoryStatus = map[errs.Category]int{
	errs.CategoryInternal:     fiber.StatusInternalServerError,
	errs.CategoryInvalid:      fiber.StatusBadRequest,
	errs.CategoryUnauthorized: fiber.StatusUnauthorized,
	errs.CategoryForbidden:    fiber.StatusForbidden,
	errs.CategoryNotFound:     fiber.StatusNotFound,
	errs.CategoryConflict:     fiber.StatusConflict,
	errs.CategoryTooLarge:     fiber.StatusRequestEntityTooLarge,
	errs.CategoryUnsupported:  fiber.StatusUnsupportedMediaType,
	errs.CategoryTooMany:      fiber.StatusTooManyRequests,
	errs.CategoryUnavailable:  fiber.StatusServiceUnavailable,
}

// defaultRetryAfter is what a 503 tells clients when the error does not know better: long
// enough for a store fail-over, short enough for a cadre waiting with a form open.
const defaultRetryAfter = 5 * time.Second

type statusError struct {
	err    error
	status int
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// withStatus makes a domain error answer with a status other than its category's.
func withStatus(status int, err error) error { return &statusError{err: err, status: status} }

type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// RetryAfter attaches the time after which a retry may succeed; a 429 or 503 problem then
// carries it in the Retry-After header (whole seconds, at least one).
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return &retryAfterError{err: err, after: d}
}

// ErrorHandler turns every error a handler returns into a problem+json response. Domain
// errors (*errs.Error, wrapped or not) answer with their category's status and their own
// words; *fiber.Error (routing, body limit, framework) with its code; anything else is logged
// with the trace id and answered 500 without detail, so no internal text reaches a client.
func ErrorHandler(log *slog.Logger) fiber.ErrorHandler {
	if log == nil {
		log = slog.Default()
	}
	return func(c *fiber.Ctx, err error) error {
		return writeProblem(c, err, log)
	}
}

// Problem writes err as a problem+json response outside the handler chain's error handler
// (a middleware that answers early, a proxy). Unexpected errors are logged with slog.Default.
func Problem(c *fiber.Ctx, err error) error {
	return writeProblem(c, err, slog.Default())
}

func writeProblem(c *fiber.Ctx, err error, log *slog.Logger) error {
	lang := Language(c)
	p := problemFor(err, lang)
	p.Instance = c.Path()
	p.RequestID = RequestID(c.UserContext())
	if sc := trace.SpanContextFromContext(c.UserContext()); sc.HasTraceID() {
		p.TraceID = sc.TraceID().String()
	}

	switch {
	case p.Status >= 500 && p.Code == internalSlug:
		log.ErrorContext(c.UserContext(), "request failed",
			"error", err, "method", c.Method(), "path", p.Instance, "status", p.Status,
			"trace_id", p.TraceID, "request_id", p.RequestID)
	case p.Status >= 500:
		log.WarnContext(c.UserContext(), "request failed",
			"error", err, "code", p.Code, "method", c.Method(), "path", p.Instance,
			"status", p.Status, "trace_id", p.TraceID, "request_id", p.RequestID)
	}

	if after, ok := retryAfter(err, p.Status); ok {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(after))
	}
	c.Set(fiber.HeaderContentLanguage, string(lang))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(p.Status)
	// JSON sets application/json; the problem media type must win, so it is set after.
	if err := c.JSON(p); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ContentTypeProblem)
	return nil
}

const internalSlug = "internal"

// problemFor builds the body without the request-dependent parts.
func problemFor(err error, lang Lang) ProblemJSON {
	if e, ok := errs.As(err); ok && e.Category != errs.CategoryInternal {
		status := categoryStatus[e.Category]
		var se *statusError
		if errors.As(err, &se) {
			status = se.status
		}
		p := ProblemJSON{
			Type:   ProblemTypePrefix + e.Slug,
			Title:  categoryTitle(e.Category, lang),
			Status: status,
			Detail: pick(lang, e.Message, e.Zh),
			Code:   e.Slug,
		}
		for _, f := range e.Fields {
			p.Errors = append(p.Errors, ProblemField{
				Field: f.Field, Code: f.Slug, Message: pick(lang, f.Message, f.Zh),
			})
		}
		return p
	}

	var fe *fiber.Error
	if errors.As(err, &fe) && fe.Code >= 400 && fe.Code < 600 && fe.Code != fiber.StatusInternalServerError {
		if fe.Code == fiber.StatusServiceUnavailable {
			return problemFor(errs.ErrUnavailable, lang)
		}
		s := statusText(fe.Code)
		p := ProblemJSON{
			Type:   ProblemTypePrefix + s.slug,
			Title:  pick(lang, s.en, s.zh),
			Status: fe.Code,
			Code:   s.slug,
		}
		switch {
		case fe.Code >= 500:
			// A server-side failure says nothing about itself; it is logged instead.
		case lang == En && fe.Message != http.StatusText(fe.Code):
			// Fiber's messages are English and about the request itself ("Cannot GET /x").
			p.Detail = fe.Message
		default:
			p.Detail = p.Title
		}
		return p
	}

	if store.IsUnavailable(err) {
		return problemFor(errs.ErrStoreUnreachable, lang)
	}
	return ProblemJSON{
		Type:   ProblemTypePrefix + internalSlug,
		Title:  categoryTitle(errs.CategoryInternal, lang),
		Status: fiber.StatusInternalServerError,
		Code:   internalSlug,
	}
}

func retryAfter(err error, status int) (seconds int, ok bool) {
	if status != fiber.StatusTooManyRequests && status != fiber.StatusServiceUnavailable {
		return 0, false
	}
	var ra *retryAfterError
	d := time.Duration(0)
	if errors.As(err, &ra) {
		d = ra.after
	} else if status == fiber.StatusServiceUnavailable {
		d = defaultRetryAfter
	}
	if d <= 0 {
		return 0, false
	}
	return max(1, int((d+time.Second-1)/time.Second)), true
}

func pick(lang Lang, en, zh string) string {
	if lang == En || zh == "" {
		return en
	}
	return zh
}

type text struct{ en, zh string }

var categoryTitles = map[errs.Category]text{
	errs.CategoryInternal:     {"internal error", "系统内部错误"},
	errs.CategoryInvalid:      {"invalid request", "填写或请求有误"},
	errs.CategoryUnauthorized: {"not logged in", "未登录或登录已失效"},
	errs.CategoryForbidden:    {"not allowed", "无权进行此操作"},
	errs.CategoryNotFound:     {"not found", "未找到"},
	errs.CategoryConflict:     {"conflict", "操作冲突"},
	errs.CategoryTooLarge:     {"content too large", "内容过大"},
	errs.CategoryUnsupported:  {"unsupported content type", "不支持的内容格式"},
	errs.CategoryTooMany:      {"too many requests", "操作过于频繁"},
	errs.CategoryUnavailable:  {"service unavailable", "服务暂时不可用"},
}

func categoryTitle(c errs.Category, lang Lang) string {
	t, ok := categoryTitles[c]
	if !ok {
		t = categoryTitles[errs.CategoryInternal]
	}
	return pick(lang, t.en, t.zh)
}

type statusWords struct{ slug, en, zh string }

// fiberStatuses names the client errors Fiber and fasthttp raise themselves.
var fiberStatuses = map[int]statusWords{
	fiber.StatusBadRequest:                  {"bad-request", "bad request", "请求格式有误"},
	fiber.StatusUnauthorized:                {"unauthorized", "not logged in", "未登录或登录已失效"},
	fiber.StatusForbidden:                   {"forbidden", "not allowed", "无权进行此操作"},
	fiber.StatusNotFound:                    {"route-not-found", "no such address", "访问的地址不存在"},
	fiber.StatusMethodNotAllowed:            {"method-not-allowed", "method not allowed", "不支持该请求方法"},
	fiber.StatusRequestTimeout:              {"request-timeout", "the request took too long to arrive", "请求超时，请重试"},
	fiber.StatusRequestEntityTooLarge:       {"body-too-large", "the request body is too large", "提交的内容过大"},
	fiber.StatusUnsupportedMediaType:        {"unsupported-media-type", "unsupported content type", "不支持的内容格式"},
	fiber.StatusTooManyRequests:             {"too-many-requests", "too many requests", "操作过于频繁，请稍后再试"},
	fiber.StatusRequestHeaderFieldsTooLarge: {"headers-too-large", "the request headers are too large", "请求头过大"},
	fiber.StatusBadGateway:                  {"bad-gateway", "a service did not answer properly", "服务暂时不可用"},
	fiber.StatusGatewayTimeout:              {"gateway-timeout", "a service took too long to answer", "服务响应超时，请稍后重试"},
}

func statusText(code int) statusWords {
	if s, ok := fiberStatuses[code]; ok {
		return s
	}
	return statusWords{"http-" + strconv.Itoa(code), http.StatusText(code), "请求无法处理"}
}
