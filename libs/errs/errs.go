// Package errs gives domain errors a stable slug, a category and words for the person who
// reads them. One mapper (libs/httpx) turns them into problem+json; nothing else needs to know
// about HTTP.
package errs

import (
	"errors"
	"fmt"
)

// Category says what kind of failure an error is; it decides the HTTP status.
type Category int

const (
	CategoryInternal     Category = iota // unexpected: logged, answered without detail
	CategoryInvalid                      // the input breaks a rule: 400/422
	CategoryUnauthorized                 // no or bad credentials: 401
	CategoryForbidden                    // the caller may not do this: 403
	CategoryNotFound                     // no such thing (or not visible to the caller): 404
	CategoryConflict                     // the state does not allow it now: 409
	CategoryTooLarge                     // body or upload too large: 413
	CategoryUnsupported                  // media type not accepted: 415
	CategoryTooMany                      // rate limited: 429
	CategoryUnavailable                  // a backing store is down: 503, retry later
)

// FieldError names one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Slug    string `json:"code"`
	Message string `json:"message"`
	Zh      string `json:"-"`
}

// Error is a domain error: a stable slug, a category, an English message and a Chinese one
// for the console. Wrap it with fmt.Errorf("...: %w", err) freely; errors.As finds it.
type Error struct {
	Slug     string
	Category Category
	Message  string
	Zh       string
	Fields   []FieldError
}

func (e *Error) Error() string { return e.Slug + ": " + e.Message }

// Is matches errors by slug so that a value with added detail still equals its package var.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Slug == e.Slug
}

// WithDetail returns a copy whose messages carry a detail about this occurrence.
func (e *Error) WithDetail(en, zh string) *Error {
	c := *e
	if en != "" {
		c.Message = e.Message + ": " + en
	}
	if zh != "" {
		c.Zh = e.Zh + "：" + zh
	}
	return &c
}

// WithFields returns a copy that names the invalid fields.
func (e *Error) WithFields(f ...FieldError) *Error {
	c := *e
	c.Fields = append(append([]FieldError(nil), e.Fields...), f...)
	return &c
}

func newErr(cat Category, slug, en, zh string) *Error {
	return &Error{Slug: slug, Category: cat, Message: en, Zh: zh}
}

// Constructors by category. The Chinese text is what a township official reads.
func Invalid(slug, en, zh string) *Error      { return newErr(CategoryInvalid, slug, en, zh) }
func NotFound(slug, en, zh string) *Error     { return newErr(CategoryNotFound, slug, en, zh) }
func Conflict(slug, en, zh string) *Error     { return newErr(CategoryConflict, slug, en, zh) }
func Forbidden(slug, en, zh string) *Error    { return newErr(CategoryForbidden, slug, en, zh) }
func Unauthorized(slug, en, zh string) *Error { return newErr(CategoryUnauthorized, slug, en, zh) }
func TooLarge(slug, en, zh string) *Error     { return newErr(CategoryTooLarge, slug, en, zh) }
func Unsupported(slug, en, zh string) *Error  { return newErr(CategoryUnsupported, slug, en, zh) }
func TooMany(slug, en, zh string) *Error      { return newErr(CategoryTooMany, slug, en, zh) }
func Unavailable(slug, en, zh string) *Error  { return newErr(CategoryUnavailable, slug, en, zh) }

// As returns the domain error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Errors shared by every service.
var (
	ErrNotFound     = NotFound("not-found", "no such record", "找不到该记录")
	ErrForbidden    = Forbidden("forbidden", "your role may not do this", "您的角色无权进行此操作")
	ErrUnauthorized = Unauthorized("unauthorized", "please log in again", "登录已失效，请重新登录")
	ErrConflict     = Conflict("stale-revision", "the record was changed by someone else; reload and try again", "该记录已被他人修改，请刷新后重试")
	ErrUnavailable  = Unavailable("store-unavailable", "the system is temporarily unavailable; nothing was saved, please retry shortly", "系统暂时无法保存，本次未作任何修改，请稍后重试")
	ErrInvalidInput = Invalid("invalid-input", "some fields are not valid", "部分内容填写有误")
	// ErrStoreUnreachable answers a failure to reach the database that no use case classified
	// (a read, or a write outside the outbox): whether anything was saved is not known here.
	ErrStoreUnreachable = Unavailable("store-unreachable", "the system cannot reach its database just now; please retry shortly", "系统暂时无法连接数据库，请稍后重试")
)

// Internal wraps an unexpected error; it is logged in full and answered without detail.
func Internal(format string, a ...any) error { return fmt.Errorf(format, a...) }
