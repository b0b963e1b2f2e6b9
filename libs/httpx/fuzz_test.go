package httpx_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/httpx"
)

// FuzzDecode: whatever body and content type a client sends, Decode answers with the decoded
// request — which then passes validation — or with a 4xx problem+json; never a 5xx or a panic.
func FuzzDecode(f *testing.F) {
	for _, seed := range []struct{ contentType, body string }{
		{"application/json", validContact},
		{"application/json; charset=utf-8", validContact},
		{"application/json", `{"name":"李建国","kind":"veteran","phone":"13812345678","town":"130624100","note":{"text":"四个字啊"}}`},
		{"application/json", `{"name":1}`},
		{"application/json", `{"name":"a","kind":"veteran","phone":"13812345678","town":"130624100"} {"x":1}`},
		{"application/json", `{"tags":["a","b","c","d"]}`},
		{"application/json", `{"community":"130624100200","town":"130624100"}`},
		{"application/json", `{"age":1e400}`},
		{"application/json", "\xff\xfe{}"},
		{"application/json", `{"name":"` + strings.Repeat("长", 20) + `"}`},
		{"text/plain", validContact},
		{"", validContact},
		{"application/json", ``},
		{"application/json", `null`},
		{"application/json", `[{}]`},
		{"application/json", `{"note":null,"unknown":true}`},
	} {
		f.Add(seed.contentType, seed.body)
	}
	app := fiber.New(httpx.FiberConfig("decode-fuzz", nil))
	app.Post("/contacts", func(c *fiber.Ctx) error {
		var req contactRequest
		if err := httpx.Decode(c, &req); err != nil {
			return err
		}
		return c.JSON(req)
	})
	f.Fuzz(func(t *testing.T, contentType, body string) {
		req := httptest.NewRequest(http.MethodPost, "/contacts", strings.NewReader(body))
		if !validHeaderValue(contentType) {
			return // net/http would not send it
		}
		req.Header.Set("Content-Type", contentType)
		r := do(t, app, req)
		if r.status == http.StatusOK {
			var back contactRequest
			require.NoError(t, json.Unmarshal([]byte(r.raw), &back))
			require.NoError(t, httpx.Validate(back), r.raw)
			return
		}
		require.GreaterOrEqual(t, r.status, 400, r.raw)
		require.Less(t, r.status, 500, r.raw)
		require.Equal(t, httpx.ContentTypeProblem, r.header.Get("Content-Type"))
		require.NotEmpty(t, r.problem.Code, r.raw)
	})
}

// FuzzPageParams: any query gives a limit within bounds and a decoded cursor, or a 400 naming
// what is wrong.
func FuzzPageParams(f *testing.F) {
	for _, seed := range []string{
		"", "limit=5", "limit=1000", "limit=0", "limit=-3", "limit=ten", "limit=99999999999999999999",
		"cursor=" + httpx.EncodeCursor("2026-05|cadre-17"), "cursor=not*base64", "cursor=" + strings.Repeat("A", 600),
		"limit=5&limit=6", "cursor=%FF%FE", "limit=+5", "limit=5.0", "limit=0x10",
	} {
		f.Add(seed)
	}
	app := fiber.New(httpx.FiberConfig("page-fuzz", nil))
	app.Get("/items", func(c *fiber.Ctx) error {
		limit, cursor, err := httpx.PageParams(c, 20, 100)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"limit": limit, "cursor": cursor})
	})
	f.Fuzz(func(t *testing.T, query string) {
		u, err := url.Parse("/items?" + query)
		if err != nil || strings.ContainsAny(query, " #\r\n") {
			return // not a request line a client can send
		}
		r := do(t, app, httptest.NewRequest(http.MethodGet, u.String(), nil))
		if r.status == http.StatusOK {
			var out struct {
				Limit  int    `json:"limit"`
				Cursor string `json:"cursor"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.raw), &out))
			require.GreaterOrEqual(t, out.Limit, 1)
			require.LessOrEqual(t, out.Limit, 100)
			require.True(t, utf8.ValidString(out.Cursor))
			return
		}
		require.Equal(t, http.StatusBadRequest, r.status, r.raw)
		require.Contains(t, []string{"invalid-limit", "invalid-cursor"}, r.problem.Code, r.raw)
	})
}

// FuzzCursor: every sort key survives a cursor round trip; a cursor this API did not make is
// refused with the one domain error, and what is accepted is a non-empty UTF-8 key.
func FuzzCursor(f *testing.F) {
	for _, seed := range []string{"2026-05|cadre-17", "x", "长", "", "not*base64", "AAAA", "_-_-", "\xff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if s != "" && utf8.ValidString(s) && len(httpx.EncodeCursor(s)) <= 512 {
			back, err := httpx.DecodeCursor(httpx.EncodeCursor(s))
			require.NoError(t, err)
			require.Equal(t, s, back)
		}
		key, err := httpx.DecodeCursor(s)
		if err != nil {
			require.ErrorIs(t, err, httpx.ErrInvalidCursor)
			return
		}
		require.NotEmpty(t, key)
		require.True(t, utf8.ValidString(key))
	})
}

// validHeaderValue reports whether net/http would send v as a header value.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
