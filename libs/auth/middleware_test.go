package auth_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/httpx"
	"dundian.local/libs/tenancy"
)

// testApp serves GET /towns/:town/whoami behind the identity, role and town checks, and
// echoes what the handler finds in its context.
func testApp(t *testing.T, v *auth.Verifier, roles ...auth.Role) *fiber.App {
	t.Helper()
	app := fiber.New(httpx.FiberConfig("auth-test", nil))
	api := app.Group("/towns/:town", auth.Middleware(v))
	if len(roles) > 0 {
		api.Use(auth.RequireRoles(roles...))
	}
	api.Get("/whoami", auth.TownParam("town"), func(c *fiber.Ctx) error {
		p, err := auth.FromContext(c.UserContext())
		if err != nil {
			return err
		}
		town, err := tenancy.TownFrom(c.UserContext())
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"account": p.AccountID, "role": p.Role, "town": town})
	})
	return app
}

type reply struct {
	status  int
	body    map[string]any
	problem httpx.ProblemJSON
}

func call(t *testing.T, app *fiber.App, path, token string) reply {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		req.Header.Set(auth.InternalHeader, token)
	}
	res, err := app.Test(req, -1)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	r := reply{status: res.StatusCode}
	if res.StatusCode >= 400 {
		require.Equal(t, httpx.ContentTypeProblem, res.Header.Get("Content-Type"))
		require.NoError(t, json.Unmarshal(raw, &r.problem))
	} else {
		require.NoError(t, json.Unmarshal(raw, &r.body))
	}
	return r
}

func TestMiddleware_VerifiedPrincipalAndTownReachTheHandler(t *testing.T) {
	t.Parallel()
	pub, priv := newKeys(t)
	signer := auth.NewSigner(priv, auth.InternalIssuer, auth.InternalAudience, time.Minute)
	app := testApp(t, auth.NewVerifier(pub, auth.InternalIssuer, auth.InternalAudience))

	tok, err := signer.Sign(townAdmin)
	require.NoError(t, err)
	r := call(t, app, "/towns/130624100/whoami", tok)
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, map[string]any{"account": "acc-1", "role": "town_admin", "town": "130624100"}, r.body)
}

func TestMiddleware_MissingOrBadTokenIs401Problem(t *testing.T) {
	t.Parallel()
	pub, priv := newKeys(t)
	_, otherPriv := newKeys(t)
	app := testApp(t, auth.NewVerifier(pub, auth.InternalIssuer, auth.InternalAudience))
	foreign, err := auth.NewSigner(otherPriv, auth.InternalIssuer, auth.InternalAudience, time.Minute).Sign(townAdmin)
	require.NoError(t, err)

	for name, tok := range map[string]string{
		"missing":     "",
		"garbage":     "abc.def.ghi",
		"alg none":    unsignedToken(t, claimsFor(townAdmin)),
		"another key": foreign,
		"no town claimed": signEdDSA(t, priv, func() map[string]any {
			c := claimsFor(townAdmin)
			delete(c, "town")
			return c
		}()),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := call(t, app, "/towns/130624100/whoami", tok)
			require.Equal(t, http.StatusUnauthorized, r.status)
			require.Equal(t, "unauthorized", r.problem.Code)
			require.Equal(t, "登录已失效，请重新登录", r.problem.Detail)
		})
	}
}

func TestRequireRoles_OtherRolesGet403(t *testing.T) {
	t.Parallel()
	pub, priv := newKeys(t)
	signer := auth.NewSigner(priv, auth.InternalIssuer, auth.InternalAudience, time.Minute)
	app := testApp(t, auth.NewVerifier(pub, auth.InternalIssuer, auth.InternalAudience), auth.TownAdmin, auth.CountyAdmin)

	for _, tc := range []struct {
		p      auth.Principal
		status int
	}{
		{townAdmin, http.StatusOK},
		{auth.Principal{AccountID: "c", Role: auth.CountyAdmin}, http.StatusOK},
		{auth.Principal{AccountID: "d", Role: auth.Cadre, Town: "130624100"}, http.StatusForbidden},
		{auth.Principal{AccountID: "e", Role: auth.CountyInspector}, http.StatusForbidden},
	} {
		tok, err := signer.Sign(tc.p)
		require.NoError(t, err)
		r := call(t, app, "/towns/130624100/whoami", tok)
		require.Equal(t, tc.status, r.status, tc.p.Role)
		if tc.status == http.StatusForbidden {
			require.Equal(t, "forbidden", r.problem.Code)
		}
	}
}

func TestTownParam_ScopesEveryRoleToItsTowns(t *testing.T) {
	t.Parallel()
	pub, priv := newKeys(t)
	signer := auth.NewSigner(priv, auth.InternalIssuer, auth.InternalAudience, time.Minute)
	app := testApp(t, auth.NewVerifier(pub, auth.InternalIssuer, auth.InternalAudience))

	const townA, townB = "130624100", "130624200"
	for _, tc := range []struct {
		name   string
		p      auth.Principal
		path   string
		status int
		code   string
	}{
		{"county admin, any town", auth.Principal{AccountID: "c1", Role: auth.CountyAdmin}, "/towns/" + townB + "/whoami", 200, ""},
		{"county inspector, any town", auth.Principal{AccountID: "c2", Role: auth.CountyInspector}, "/towns/" + townA + "/whoami", 200, ""},
		{"town admin, own town", townAdmin, "/towns/" + townA + "/whoami", 200, ""},
		{"town admin, other town", townAdmin, "/towns/" + townB + "/whoami", 404, "town-not-found"},
		{"cadre, other town", auth.Principal{AccountID: "k", Role: auth.Cadre, Town: townB}, "/towns/" + townA + "/whoami", 404, "town-not-found"},
		{"malformed town", townAdmin, "/towns/13062410x/whoami", 400, "invalid-town"},
		{"too short town", auth.Principal{AccountID: "c1", Role: auth.CountyAdmin}, "/towns/1306241/whoami", 400, "invalid-town"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tok, err := signer.Sign(tc.p)
			require.NoError(t, err)
			r := call(t, app, tc.path, tok)
			require.Equal(t, tc.status, r.status)
			require.Equal(t, tc.code, r.problem.Code)
		})
	}
}
