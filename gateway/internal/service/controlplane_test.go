package service_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/events"
	"dundian.local/libs/routes"
	"dundian.local/libs/testkit"
)

// testkitTown is a town code nobody else uses, not registered.
var testkitTown = testkit.NewTown

type auditPage struct {
	Items []struct {
		ID        string            `json:"id"`
		AccountID string            `json:"accountId"`
		Name      string            `json:"name"`
		Role      string            `json:"role"`
		Town      string            `json:"town"`
		Action    string            `json:"action"`
		Target    map[string]string `json:"target"`
		Result    int               `json:"result"`
		RequestID string            `json:"requestId"`
	} `json:"items"`
	Next string `json:"next"`
}

var defaultSettings = map[string]any{
	"locationEvidence": "off", "photoEvidence": "optional", "diaryVisibility": "branch", "responseDueDays": 15, "rankingsShown": false,
}

func TestAudit_RecordsEveryMutationWithWhoWhatAndResult(t *testing.T) {
	t.Parallel()
	h := gw(t)
	town := h.newTown(t)
	admin, adminTok := h.account(t, auth.TownAdmin, town)
	_, cadreTok := h.account(t, auth.Cadre, town)
	base := "/api/v1/towns/" + string(town)

	put := h.do(t, req{method: "PUT", path: base + "/settings", token: adminTok, body: defaultSettings,
		header: map[string]string{"X-Request-Id": "audit-put-" + string(town)}})
	require.Equal(t, http.StatusOK, put.StatusCode, string(put.body))
	add := h.do(t, req{method: "POST", path: base + "/communities", token: adminTok, body: map[string]string{"code": string(town) + "300"}})
	require.Equal(t, http.StatusOK, add.StatusCode, "answered by the stand-in service")
	denied := h.do(t, req{method: "PUT", path: base + "/settings", token: cadreTok, body: defaultSettings})
	require.Equal(t, http.StatusForbidden, denied.StatusCode)
	read := h.do(t, req{method: "GET", path: base + "/settings", token: adminTok})
	require.Equal(t, http.StatusOK, read.StatusCode)

	var page auditPage
	r := h.do(t, req{method: "GET", path: base + "/audit", token: adminTok})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r.json(t, &page)
	require.Len(t, page.Items, 3, "three mutations (one refused), no reads")
	newest := page.Items[2]
	require.Equal(t, "putSettings", newest.Action, "oldest last: newest first")
	require.Equal(t, admin.ID, newest.AccountID)
	require.Equal(t, admin.DisplayName, newest.Name)
	require.Equal(t, "town_admin", newest.Role)
	require.Equal(t, string(town), newest.Town)
	require.Equal(t, map[string]string{"town": string(town)}, newest.Target)
	require.Equal(t, http.StatusOK, newest.Result)
	require.Equal(t, "audit-put-"+string(town), newest.RequestID)
	require.Equal(t, "addCommunity", page.Items[1].Action)
	require.Equal(t, http.StatusOK, page.Items[1].Result)
	require.Equal(t, "putSettings", page.Items[0].Action)
	require.Equal(t, http.StatusForbidden, page.Items[0].Result, "refused attempts are recorded too")

	// Cursor pages: two, then the rest, no overlap.
	var first, second auditPage
	h.do(t, req{method: "GET", path: base + "/audit?limit=2", token: adminTok}).json(t, &first)
	require.Len(t, first.Items, 2)
	require.NotEmpty(t, first.Next)
	h.do(t, req{method: "GET", path: base + "/audit?limit=2&cursor=" + first.Next, token: adminTok}).json(t, &second)
	require.Len(t, second.Items, 1)
	require.Empty(t, second.Next)
	require.Equal(t, page.Items[2].ID, second.Items[0].ID)

	// Who reads it: the county administrator any town's, a town administrator only their own.
	_, countyTok := h.account(t, auth.CountyAdmin, "")
	require.Equal(t, http.StatusOK, h.do(t, req{method: "GET", path: base + "/audit", token: countyTok}).StatusCode)
	require.Equal(t, http.StatusForbidden, h.do(t, req{method: "GET", path: base + "/audit", token: cadreTok}).StatusCode)
	_, foreignTok := h.account(t, auth.TownAdmin, h.newTown(t))
	require.Equal(t, http.StatusNotFound, h.do(t, req{method: "GET", path: base + "/audit", token: foreignTok}).StatusCode)
}

func TestAudit_NoRouteCanChangeIt(t *testing.T) {
	t.Parallel()
	for _, rt := range routes.Table {
		if strings.Contains(rt.Path, "audit") {
			require.Equal(t, "GET", rt.Method, "%s %s", rt.Method, rt.Path)
		}
	}
	h := gw(t)
	town := h.newTown(t)
	_, countyTok := h.account(t, auth.CountyAdmin, "")
	for _, method := range []string{"PUT", "PATCH", "DELETE", "POST"} {
		for _, path := range []string{"/api/v1/towns/" + string(town) + "/audit", "/api/v1/audit"} {
			r := h.do(t, req{method: method, path: path, token: countyTok, body: map[string]any{}})
			require.Contains(t, []int{http.StatusNotFound, http.StatusMethodNotAllowed}, r.StatusCode, "%s %s", method, path)
		}
	}
}

func TestAccounts_TownAdminManagesOnlyOwnTownAndTownRoles(t *testing.T) {
	t.Parallel()
	h := gw(t)
	town, other := h.newTown(t), h.newTown(t)
	_, adminTok := h.account(t, auth.TownAdmin, town)
	create := func(tok string, body map[string]any) response {
		return h.do(t, req{method: "POST", path: "/api/v1/accounts", token: tok, body: body})
	}
	r := create(adminTok, map[string]any{"username": "cadre-" + string(town), "displayName": "李四", "role": "cadre", "town": string(town), "password": "correct horse battery"})
	require.Equal(t, http.StatusCreated, r.StatusCode, string(r.body))
	var created struct {
		ID   string `json:"id"`
		Town string `json:"town"`
	}
	r.json(t, &created)
	ev := awaitEvent(t, town, func(ev events.Envelope) bool { return ev.Type == events.AccountCreated && ev.Subject == created.ID })
	require.NotContains(t, string(ev.Data), "passwordHash")
	require.NotContains(t, string(ev.Data), "argon2")

	r = create(adminTok, map[string]any{"username": "boss-" + string(town), "displayName": "王五", "role": "county_admin", "password": "correct horse battery"})
	require.Equal(t, http.StatusForbidden, r.StatusCode)
	require.Equal(t, "county-role-by-town", r.problem(t)["code"])
	r = create(adminTok, map[string]any{"username": "spy-" + string(town), "displayName": "赵六", "role": "cadre", "town": string(other), "password": "correct horse battery"})
	require.Equal(t, http.StatusForbidden, r.StatusCode)
	require.Equal(t, "account-other-town", r.problem(t)["code"])
	r = create(adminTok, map[string]any{"username": "cadre-" + string(town), "displayName": "李四", "role": "cadre", "town": string(town), "password": "correct horse battery"})
	require.Equal(t, http.StatusConflict, r.StatusCode, "usernames are unique")
	r = create(adminTok, map[string]any{"username": "weak-" + string(town), "displayName": "李四", "role": "cadre", "town": string(town), "password": "123456"})
	require.Equal(t, http.StatusBadRequest, r.StatusCode)

	otherAcc, _ := h.account(t, auth.Cadre, other)
	var list struct {
		Items []struct {
			ID   string `json:"id"`
			Town string `json:"town"`
			Role string `json:"role"`
		} `json:"items"`
	}
	h.do(t, req{method: "GET", path: "/api/v1/accounts", token: adminTok}).json(t, &list)
	require.NotEmpty(t, list.Items)
	for _, a := range list.Items {
		require.Equal(t, string(town), a.Town)
	}
	require.Equal(t, http.StatusNotFound, h.do(t, req{method: "GET", path: "/api/v1/accounts?town=" + string(other), token: adminTok}).StatusCode)
	patch := h.do(t, req{method: "PATCH", path: "/api/v1/accounts/" + otherAcc.ID, token: adminTok, body: map[string]string{"displayName": "改名"}})
	require.Equal(t, http.StatusNotFound, patch.StatusCode, "another town's account does not exist for a town administrator")
	promote := h.do(t, req{method: "PATCH", path: "/api/v1/accounts/" + created.ID, token: adminTok, body: map[string]string{"role": "county_inspector"}})
	require.Equal(t, http.StatusForbidden, promote.StatusCode)

	_, countyTok := h.account(t, auth.CountyAdmin, "")
	h.do(t, req{method: "GET", path: "/api/v1/accounts?town=" + string(other), token: countyTok}).json(t, &list)
	require.Len(t, list.Items, 1)
	require.Equal(t, otherAcc.ID, list.Items[0].ID)
}

func TestSettings_DefaultsThenChangesAnnounced(t *testing.T) {
	t.Parallel()
	h := gw(t)
	town := h.newTown(t)
	_, adminTok := h.account(t, auth.TownAdmin, town)
	_, cadreTok := h.account(t, auth.Cadre, town)
	path := "/api/v1/towns/" + string(town) + "/settings"

	var s map[string]any
	r := h.do(t, req{method: "GET", path: path, token: cadreTok})
	require.Equal(t, http.StatusOK, r.StatusCode)
	r.json(t, &s)
	require.Equal(t, "off", s["locationEvidence"])
	require.Equal(t, "optional", s["photoEvidence"])
	require.Equal(t, false, s["rankingsShown"])
	require.EqualValues(t, 15, s["responseDueDays"])
	require.EqualValues(t, 0, s["rev"])

	require.Equal(t, http.StatusForbidden, h.do(t, req{method: "PUT", path: path, token: cadreTok, body: defaultSettings}).StatusCode)
	bad := h.do(t, req{method: "PUT", path: path, token: adminTok, body: map[string]any{
		"locationEvidence": "always", "photoEvidence": "optional", "diaryVisibility": "branch", "responseDueDays": 0, "rankingsShown": false,
	}})
	require.Equal(t, http.StatusBadRequest, bad.StatusCode)
	require.Len(t, bad.problem(t)["errors"], 2)

	r = h.do(t, req{method: "PUT", path: path, token: adminTok, body: map[string]any{
		"locationEvidence": "optional", "photoEvidence": "off", "diaryVisibility": "town_office", "responseDueDays": 10, "rankingsShown": true,
	}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r.json(t, &s)
	require.EqualValues(t, 1, s["rev"])
	ev := awaitEvent(t, town, func(ev events.Envelope) bool { return ev.Type == events.SettingsChanged })
	var data map[string]any
	require.NoError(t, ev.Unmarshal(&data))
	require.Equal(t, string(town), data["town"])
	require.Equal(t, "optional", data["locationEvidence"])
	require.EqualValues(t, 10, data["responseDueDays"])
	require.EqualValues(t, 1, ev.Rev)
}

func TestCalendar_YearsHolidaysAndTownExtensions(t *testing.T) {
	t.Parallel()
	h := gw(t)
	town, other := h.newTown(t), h.newTown(t)
	_, countyTok := h.account(t, auth.CountyAdmin, "")
	_, otherAdminTok := h.account(t, auth.TownAdmin, other)
	_, ownAdminTok := h.account(t, auth.TownAdmin, town)

	var view struct {
		Years []struct {
			Year      int              `json:"year"`
			Overrides []map[string]any `json:"overrides"`
		} `json:"years"`
		Holidays struct {
			Years []struct {
				Year int `json:"year"`
			} `json:"years"`
		} `json:"holidays"`
	}
	h.do(t, req{method: "GET", path: "/api/v1/calendar", token: ownAdminTok}).json(t, &view)
	require.NotEmpty(t, view.Years, "the current programme year is set up at start")
	var holidayYears []int
	for _, y := range view.Holidays.Years {
		holidayYears = append(holidayYears, y.Year)
	}
	require.Contains(t, holidayYears, 2025)
	require.Contains(t, holidayYears, 2026)

	const year = "2031"
	programme := map[string]any{
		"year": 2031, "start": "2031-01-01", "end": "2031-12-31", "contactListDue": "04-15", "firstStayDue": "04-30",
		"monthlyReportDay": 5, "minStationingDaysPerMonth": 2, "stationingDayMinHours": 4,
		"yearEndReportDue": "12-25", "q1SummaryDue": "03-31", "shiftToNextWorkingDay": false,
	}
	r := h.do(t, req{method: "PUT", path: "/api/v1/calendar/years/" + year, token: ownAdminTok, body: programme})
	require.Equal(t, http.StatusForbidden, r.StatusCode)
	r = h.do(t, req{method: "PUT", path: "/api/v1/calendar/years/2032", token: countyTok, body: programme})
	require.Equal(t, http.StatusBadRequest, r.StatusCode)
	require.Equal(t, "year-mismatch", r.problem(t)["code"])
	r = h.do(t, req{method: "PUT", path: "/api/v1/calendar/years/" + year, token: countyTok, body: programme})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	override := func(due string) response {
		return h.do(t, req{method: "PUT", path: "/api/v1/towns/" + string(town) + "/calendar/overrides/monthly_report", token: countyTok,
			body: map[string]any{"year": 2031, "month": "2031-05", "due": due, "reason": "洪水"}})
	}
	r = override("2031-06-01")
	require.Equal(t, http.StatusBadRequest, r.StatusCode, "an extension cannot end before the regular deadline")
	r = override("2031-06-20")
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Contains(t, string(r.body), "洪水")

	countOverrides := func(tok string) int {
		h.do(t, req{method: "GET", path: "/api/v1/calendar", token: tok}).json(t, &view)
		for _, y := range view.Years {
			if y.Year == 2031 {
				n := 0
				for _, o := range y.Overrides {
					if o["town"] == string(town) {
						n++
					}
				}
				return n
			}
		}
		return -1
	}
	require.Equal(t, 1, countOverrides(ownAdminTok))
	require.Equal(t, 0, countOverrides(otherAdminTok), "a town sees only its own extensions")
	require.Equal(t, 1, countOverrides(countyTok))

	ev := awaitEvent(t, "", func(ev events.Envelope) bool {
		return ev.Type == events.CalendarChanged && ev.Subject == "programme-2031" && strings.Contains(string(ev.Data), string(town))
	})
	require.Contains(t, string(ev.Data), `"part":"programme"`)
}

func TestCreateTown_IdempotencyKeyReplaysTheFirstAnswer(t *testing.T) {
	t.Parallel()
	h := gw(t)
	_, countyTok := h.account(t, auth.CountyAdmin, "")
	code := testkitTown(t)
	body := map[string]any{"code": string(code), "name": "新镇", "countyName": "测试县"}
	key := map[string]string{"Idempotency-Key": "create-" + string(code)}
	first := h.do(t, req{method: "POST", path: "/api/v1/towns", token: countyTok, body: body, header: key})
	require.Equal(t, http.StatusCreated, first.StatusCode, string(first.body))
	again := h.do(t, req{method: "POST", path: "/api/v1/towns", token: countyTok, body: body, header: key})
	require.Equal(t, http.StatusCreated, again.StatusCode, "a retry gets the first answer, not a conflict")
	require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	require.Equal(t, string(first.body), string(again.body))
	dup := h.do(t, req{method: "POST", path: "/api/v1/towns", token: countyTok, body: body})
	require.Equal(t, http.StatusConflict, dup.StatusCode)
	require.Equal(t, "town-exists", dup.problem(t)["code"])
}

func TestCookieSession_RefusesCrossSiteMutations(t *testing.T) {
	t.Parallel()
	h := gw(t)
	town := h.newTown(t)
	_, tok := h.account(t, auth.TownAdmin, town)
	cookie := "dundian_session=" + tok
	path := "/api/v1/towns/" + string(town) + "/settings"
	r := h.do(t, req{method: "PUT", path: path, body: defaultSettings,
		header: map[string]string{"Cookie": cookie, "Origin": "http://evil.example"}})
	require.Equal(t, http.StatusForbidden, r.StatusCode)
	require.Equal(t, "cross-origin", r.problem(t)["code"])
	r = h.do(t, req{method: "PUT", path: path, body: defaultSettings,
		header: map[string]string{"Cookie": cookie, "Origin": h.url}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
}

func TestProxy_UnknownTownIs404ForCountyRolesAndNotForwarded(t *testing.T) {
	t.Parallel()
	h := gw(t)
	_, tok := h.account(t, auth.CountyInspector, "")
	id := "unknown-town-" + tok[len(tok)-12:]
	r := h.do(t, req{method: "GET", path: "/api/v1/towns/" + string(testkitTown(t)) + "/communities", token: tok,
		header: map[string]string{"X-Request-Id": id}})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	require.Equal(t, "town-not-found", r.problem(t)["code"])
	_, reached := h.up.got(id)
	require.False(t, reached)
}
