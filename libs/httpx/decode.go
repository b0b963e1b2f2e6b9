package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"reflect"
	"strings"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/errs"
)

// Errors of the request's shape, before any domain rule is looked at.
var (
	ErrUnsupportedMediaType = errs.Unsupported("unsupported-media-type",
		"send the body as JSON (Content-Type: application/json, UTF-8, not compressed)",
		"请以 JSON 格式提交（Content-Type: application/json，UTF-8，不压缩）")
	ErrMalformedJSON = errs.Invalid("malformed-json",
		"the body is not valid JSON", "提交的内容不是有效的 JSON")
	ErrEmptyBody = errs.Invalid("empty-body",
		"the request has no body", "请求内容为空")
)

// Decode reads the request's JSON body into dst (a pointer) strictly — unknown fields and
// trailing data are rejected — then checks dst's `validate` tags. Every failure names the
// fields by their JSON names, in the reader's language, and is a 400 (or a 415 for a body
// that is not JSON). Compressed bodies are refused: inflating one has no size limit.
func Decode(c *fiber.Ctx, dst any) error {
	if err := checkJSONContentType(c); err != nil {
		return err
	}
	body := c.Request().Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return ErrEmptyBody
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return ErrMalformedJSON.WithDetail("unexpected data after the JSON value", "JSON 之后还有多余内容")
	}
	return Validate(dst)
}

func checkJSONContentType(c *fiber.Ctx) error {
	if enc := c.Get(fiber.HeaderContentEncoding); enc != "" && !strings.EqualFold(enc, "identity") {
		return ErrUnsupportedMediaType
	}
	mt, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil {
		return ErrUnsupportedMediaType
	}
	if mt != fiber.MIMEApplicationJSON && !(strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
		return ErrUnsupportedMediaType
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return ErrUnsupportedMediaType
	}
	return nil
}

// jsonError explains a decoding failure without echoing Go type names.
func jsonError(err error) error {
	var (
		syntax    *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		invalidTo *json.InvalidUnmarshalError
	)
	switch {
	case errors.As(err, &invalidTo):
		return errs.Internal("httpx.Decode needs a non-nil pointer: %w", err)
	case errors.As(err, &syntax):
		return ErrMalformedJSON.WithDetail(
			fmt.Sprintf("syntax error at byte %d", syntax.Offset),
			fmt.Sprintf("第 %d 个字节处格式错误", syntax.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return ErrMalformedJSON.WithDetail("the body ends too early", "内容不完整")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "$"
		}
		want := jsonKind(typeErr.Type)
		return errs.ErrInvalidInput.WithFields(errs.FieldError{
			Field:   field,
			Slug:    "type",
			Message: "must be " + want.en,
			Zh:      "应为" + want.zh,
		})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no typed error for this; the message format is stable.
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return errs.ErrInvalidInput.WithFields(errs.FieldError{
			Field:   name,
			Slug:    "unknown",
			Message: "is not a known field",
			Zh:      "不是可接受的字段",
		})
	default:
		return ErrMalformedJSON
	}
}

func jsonKind(t reflect.Type) text {
	if t == nil {
		return text{"another type", "其他类型"}
	}
	switch t.Kind() {
	case reflect.String:
		return text{"a string", "文本"}
	case reflect.Bool:
		return text{"true or false", "是或否（true/false）"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return text{"a whole number", "整数"}
	case reflect.Float32, reflect.Float64:
		return text{"a number", "数字"}
	case reflect.Slice, reflect.Array:
		return text{"a list", "列表"}
	case reflect.Map, reflect.Struct:
		return text{"an object", "对象"}
	default:
		return text{"another type", "其他类型"}
	}
}
