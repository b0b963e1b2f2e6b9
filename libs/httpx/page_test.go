package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/httpx"
)

func TestPageParams_LimitAndCursor(t *testing.T) {
	t.Parallel()
	app := fiber.New(httpx.FiberConfig("page-test", nil))
	app.Get("/items", func(c *fiber.Ctx) error {
		limit, cursor, err := httpx.PageParams(c, 20, 100)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"limit": limit, "cursor": cursor})
	})

	after := httpx.EncodeCursor("2026-05|cadre-17")
	for _, tc := range []struct {
		query  string
		status int
		want   string
		code   string
	}{
		{"", 200, `{"limit":20,"cursor":""}`, ""},
		{"?limit=5", 200, `{"limit":5,"cursor":""}`, ""},
		{"?limit=1000", 200, `{"limit":100,"cursor":""}`, ""},
		{"?limit=10&cursor=" + after, 200, `{"limit":10,"cursor":"2026-05|cadre-17"}`, ""},
		{"?limit=0", 400, "", "invalid-limit"},
		{"?limit=-3", 400, "", "invalid-limit"},
		{"?limit=ten", 400, "", "invalid-limit"},
		{"?cursor=not*base64", 400, "", "invalid-cursor"},
		{"?cursor=" + strings.Repeat("A", 600), 400, "", "invalid-cursor"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			r := do(t, app, httptest.NewRequest(http.MethodGet, "/items"+tc.query, nil))
			require.Equal(t, tc.status, r.status)
			if tc.status == 200 {
				require.JSONEq(t, tc.want, r.raw)
			} else {
				require.Equal(t, tc.code, r.problem.Code)
			}
		})
	}
}

func TestCursor_RoundTripsAnySortKey(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"a", "2026-05-31T08:00:00+08:00|0190a1b2", "东关村|17", strings.Repeat("z", 300)} {
		c := httpx.EncodeCursor(key)
		require.NotContains(t, c, "=")
		require.NotContains(t, c, "/")
		got, err := httpx.DecodeCursor(c)
		require.NoError(t, err)
		require.Equal(t, key, got)
	}
	_, err := httpx.DecodeCursor("")
	require.ErrorIs(t, err, httpx.ErrInvalidCursor)
	_, err = httpx.DecodeCursor(httpx.EncodeCursor("\xff\xfe"))
	require.ErrorIs(t, err, httpx.ErrInvalidCursor)
}

func TestNewPage_NextOnlyWhenMoreItemsExist(t *testing.T) {
	t.Parallel()
	key := func(s string) string { return s }
	for _, tc := range []struct {
		fetched []string
		items   []string
		next    string
	}{
		{nil, []string{}, ""},
		{[]string{"a", "b"}, []string{"a", "b"}, ""},
		{[]string{"a", "b", "c"}, []string{"a", "b", "c"}, ""},
		{[]string{"a", "b", "c", "d"}, []string{"a", "b", "c"}, httpx.EncodeCursor("c")},
	} {
		p := httpx.NewPage(tc.fetched, 3, key)
		require.Equal(t, tc.items, p.Items)
		require.Equal(t, tc.next, p.Next)
	}
}
