package httpx

import (
	"encoding/base64"
	"strconv"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/errs"
)

// Page is one page of a list. Next, when present, is the opaque cursor of the following page;
// its absence means the list is complete.
type Page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// NewPage makes the page from up to limit+1 items fetched in sort order: the extra item only
// proves that a next page exists, and key gives the sort key of the last item shown. Items is
// never nil, so an empty page encodes as [] rather than null.
func NewPage[T any](items []T, limit int, key func(T) string) Page[T] {
	if items == nil {
		items = []T{}
	}
	if limit <= 0 || len(items) <= limit {
		return Page[T]{Items: items}
	}
	items = items[:limit]
	return Page[T]{Items: items, Next: EncodeCursor(key(items[limit-1]))}
}

// maxCursorLen bounds an incoming cursor: sort keys are short ids and dates.
const maxCursorLen = 512

var (
	ErrInvalidLimit  = errs.Invalid("invalid-limit", "limit must be a whole number from 1 up", "每页条数应为正整数")
	ErrInvalidCursor = errs.Invalid("invalid-cursor", "the page cursor is not valid; start from the first page", "分页参数无效，请从第一页重新开始")
)

// PageParams reads `limit` and `cursor` from the query. A missing limit is def, one above max
// is max; a limit that is not a positive integer is a 400. The cursor comes back decoded —
// the sort key after which the page starts, "" for the first page — and a cursor this API did
// not make is a 400.
func PageParams(c *fiber.Ctx, def, max int) (limit int, cursor string, err error) {
	limit = def
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return 0, "", ErrInvalidLimit
		}
		limit = n
	}
	if limit > max {
		limit = max
	}
	if s := c.Query("cursor"); s != "" {
		cursor, err = DecodeCursor(s)
		if err != nil {
			return 0, "", err
		}
	}
	return limit, cursor, nil
}

// EncodeCursor makes the opaque cursor for the page after the item with sort key v.
func EncodeCursor(v string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(v))
}

// DecodeCursor returns the sort key inside a cursor made by EncodeCursor.
func DecodeCursor(s string) (string, error) {
	if len(s) > maxCursorLen {
		return "", ErrInvalidCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 || !utf8.Valid(b) {
		return "", ErrInvalidCursor
	}
	return string(b), nil
}
