package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
	"dundian.local/libs/tenancy"
)

type contactRequest struct {
	Name      string                `json:"name" validate:"required,max=10"`
	Kind      string                `json:"kind" validate:"required,oneof=leader veteran representative hardship model"`
	Phone     string                `json:"phone" validate:"required,cnmobile"`
	Town      tenancy.TownCode      `json:"town" validate:"required,towncode"`
	Community tenancy.CommunityCode `json:"community,omitempty" validate:"omitempty,communitycode"`
	Age       int                   `json:"age,omitempty" validate:"omitempty,min=18,max=120"`
	Tags      []string              `json:"tags,omitempty" validate:"max=3,dive,max=4"`
	Note      *note                 `json:"note,omitempty"`
}

type note struct {
	Text string `json:"text" validate:"required,len=4"`
}

// decodeApp answers POST /contacts with the decoded request or the problem.
func decodeApp(t *testing.T) *fiber.App {
	t.Helper()
	app := fiber.New(httpx.FiberConfig("decode-test", nil))
	app.Post("/contacts", func(c *fiber.Ctx) error {
		var req contactRequest
		if err := httpx.Decode(c, &req); err != nil {
			return err
		}
		return c.JSON(req)
	})
	return app
}

func post(t *testing.T, app *fiber.App, contentType, body string, headers ...string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/contacts", strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return do(t, app, req)
}

const validContact = `{"name":"李建国","kind":"veteran","phone":"13812345678","town":"130624100"}`

func TestDecode_AcceptsAValidBody(t *testing.T) {
	t.Parallel()
	app := decodeApp(t)
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "application/merge-patch+json"} {
		r := post(t, app, ct, validContact)
		require.Equal(t, 200, r.status, ct)
		require.JSONEq(t, validContact, r.raw)
	}
}

func TestDecode_RefusesWhatIsNotPlainJSON(t *testing.T) {
	t.Parallel()
	app := decodeApp(t)
	for _, tc := range []struct {
		name, ct, body string
		headers        []string
		status         int
		code           string
	}{
		{"no content type", "", validContact, nil, 415, "unsupported-media-type"},
		{"form", "application/x-www-form-urlencoded", "name=x", nil, 415, "unsupported-media-type"},
		{"text", "text/plain", validContact, nil, 415, "unsupported-media-type"},
		{"other charset", "application/json; charset=gbk", validContact, nil, 415, "unsupported-media-type"},
		{"compressed", "application/json", validContact, []string{"Content-Encoding", "gzip"}, 415, "unsupported-media-type"},
		{"empty", "application/json", "  ", nil, 400, "empty-body"},
		{"syntax", "application/json", `{"name":`, nil, 400, "malformed-json"},
		{"broken", "application/json", `{"name" "x"}`, nil, 400, "malformed-json"},
		{"trailing value", "application/json", validContact + `{"name":"x"}`, nil, 400, "malformed-json"},
		{"trailing garbage", "application/json", validContact + ` x`, nil, 400, "malformed-json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := post(t, app, tc.ct, tc.body, tc.headers...)
			require.Equal(t, tc.status, r.status)
			require.Equal(t, tc.code, r.problem.Code)
		})
	}
}

func TestDecode_FieldErrorsUseJSONNames(t *testing.T) {
	t.Parallel()
	app := decodeApp(t)
	for _, tc := range []struct {
		name   string
		body   string
		want   map[string]string // field → code
		zhHint string            // a fragment of one Chinese message
	}{
		{"unknown field", `{"name":"李","kind":"veteran","phone":"13812345678","town":"130624100","isAdmin":true}`,
			map[string]string{"isAdmin": "unknown"}, "不是可接受的字段"},
		{"wrong type", `{"name":"李","kind":"veteran","phone":"13812345678","town":"130624100","age":"old"}`,
			map[string]string{"age": "type"}, "整数"},
		{"nested wrong type", `{"name":"李","kind":"veteran","phone":"13812345678","town":"130624100","note":{"text":5}}`,
			map[string]string{"note.text": "type"}, "文本"},
		{"missing everything", `{}`,
			map[string]string{"name": "required", "kind": "required", "phone": "required", "town": "required"}, "必填"},
		{"bad values", `{"name":"李","kind":"boss","phone":"12812345678","town":"13062410","community":"1306241002"}`,
			map[string]string{"kind": "oneof", "phone": "cnmobile", "town": "towncode", "community": "communitycode"}, "手机号码"},
		{"eleven Chinese characters is one too many", `{"name":"欧阳一二三四五六七八九","kind":"veteran","phone":"13812345678","town":"130624100"}`,
			map[string]string{"name": "max"}, "最多 10 个字"},
		{"numbers and lists", `{"name":"李","kind":"veteran","phone":"13812345678","town":"130624100","age":12,"tags":["a","b","c","d"]}`,
			map[string]string{"age": "min", "tags": "max"}, "最多 3 项"},
		{"list elements and nested structs", `{"name":"李","kind":"veteran","phone":"13812345678","town":"130624100","tags":["toolong"],"note":{"text":"abc"}}`,
			map[string]string{"tags[0]": "max", "note.text": "len"}, "应为 4 个字"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := post(t, app, "application/json", tc.body)
			require.Equal(t, 400, r.status)
			require.Equal(t, "invalid-input", r.problem.Code)
			got := map[string]string{}
			var messages []string
			for _, f := range r.problem.Errors {
				got[f.Field] = f.Code
				messages = append(messages, f.Message)
			}
			require.Equal(t, tc.want, got)
			require.Contains(t, strings.Join(messages, "|"), tc.zhHint)
		})
	}
}

func TestDecode_TenCharacterChineseNameFitsMax10(t *testing.T) {
	t.Parallel()
	r := post(t, decodeApp(t), "application/json",
		`{"name":"欧阳一二三四五六七八","kind":"veteran","phone":"13812345678","town":"130624100"}`)
	require.Equal(t, 200, r.status, r.raw)
}

func TestDecode_MessagesInEnglishWhenPreferred(t *testing.T) {
	t.Parallel()
	r := post(t, decodeApp(t), "application/json",
		`{"name":"李","kind":"veteran","phone":"1381234567","town":"130624100"}`, "Accept-Language", "en")
	require.Equal(t, 400, r.status)
	require.Len(t, r.problem.Errors, 1)
	require.Equal(t, httpx.ProblemField{Field: "phone", Code: "cnmobile", Message: "must be an 11-digit mobile number"}, r.problem.Errors[0])
}

func TestValidate_CustomTags(t *testing.T) {
	t.Parallel()
	type codes struct {
		Mobile    string `json:"mobile" validate:"cnmobile"`
		Town      string `json:"town" validate:"towncode"`
		Community string `json:"community" validate:"communitycode"`
	}
	for _, tc := range []struct {
		in  codes
		bad []string
	}{
		{codes{"13912345678", "130624100", "130624100201"}, nil},
		{codes{"19912345678", "000000000", "999999999999"}, nil},
		{codes{"12912345678", "1306241000", "13062410020"}, []string{"mobile", "town", "community"}},
		{codes{"+8613912345678", "13062410a", "13062410020x"}, []string{"mobile", "town", "community"}},
		{codes{"139123456789", "１３０６２４１００", ""}, []string{"mobile", "town", "community"}},
	} {
		err := httpx.Validate(tc.in)
		if tc.bad == nil {
			require.NoError(t, err, tc.in)
			continue
		}
		require.Error(t, err)
		require.ErrorIs(t, err, errs.ErrInvalidInput)
		require.ElementsMatch(t, tc.bad, fieldsOf(t, err), tc.in)
	}
}

func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	e, ok := errs.As(err)
	require.True(t, ok)
	var names []string
	for _, f := range e.Fields {
		names = append(names, f.Field)
	}
	return names
}
