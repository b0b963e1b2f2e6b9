package http

import (
	_ "embed"
	"encoding/json"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/calendar"
	"dundian.local/libs/tenancy"
)

// The public submission pages of a community (S3, T6): leave an opinion, a suggestion or an
// appeal, and see its status and reply by the tracking code. The form posts the petitions
// service's public JSON from a small local script, which solves the service's proof-of-work
// challenge first; the status page works without any script.

//go:embed pages/petitions.js
var petitionsScript []byte

//go:embed pages/petitions.css
var petitionsCSS []byte

var petitionTemplates = map[string]*template.Template{
	"submit": template.Must(template.ParseFS(pagesFS, "pages/layout.html", "pages/submit.html")),
	"track":  template.Must(template.ParseFS(pagesFS, "pages/layout.html", "pages/track.html")),
	"rate":   template.Must(template.ParseFS(pagesFS, "pages/layout.html", "pages/rate.html")),
}

// The submission page runs its own script; everything else stays as strict as the
// community page's policy.
const submitPolicy = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

type petitionPage struct {
	Title         string
	TownName      string
	CommunityName string
	Town          string
	Community     string
	Code          string
	Problem       string
	Tracked       *trackedOpinion
	Cadres        []ratedCadre
}

// ratedCadre is a cadre the public may rate, from petitions' public JSON.
type ratedCadre struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// trackedOpinion is petitions' public JSON of one submission.
type trackedOpinion struct {
	TrackingCode string `json:"trackingCode"`
	Kind         string `json:"kind"`
	Text         string `json:"text"`
	Phone        string `json:"phone"`
	Status       string `json:"status"`
	StatusZh     string `json:"statusZh"`
	ReceivedAt   string `json:"receivedAt"`
	Due          string `json:"due"`
	Response     string `json:"response"`
	RespondedAt  string `json:"respondedAt"`
}

func (s *Server) petitionPages(r *fiber.App) {
	r.Get("/p/static/petitions.js", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
		return c.Send(petitionsScript)
	})
	r.Get("/p/static/petitions.css", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
		return c.Send(petitionsCSS)
	})
	r.Get("/p/:town/:community/submit", s.submitPage)
	r.Get("/p/:town/:community/track", s.trackPage)
	r.Get("/p/:town/:community/rate", s.ratePage)
}

// petitionCommunity resolves the page's town and community like the community page does;
// ok is false when a page was already rendered instead.
func (s *Server) petitionCommunity(c *fiber.Ctx) (petitionPage, bool, error) {
	notFound := func() error {
		return renderPage(c, fiber.StatusNotFound, "notfound", communityPage{Title: "没有找到这个页面"})
	}
	unavailable := func() error {
		c.Set(fiber.HeaderRetryAfter, "30")
		return renderPage(c, fiber.StatusServiceUnavailable, "unavailable", communityPage{Title: "页面暂时无法显示"})
	}
	town, err := tenancy.ParseTown(c.Params("town"))
	if err != nil {
		return petitionPage{}, false, notFound()
	}
	community, err := tenancy.ParseCommunity(c.Params("community"))
	if err != nil || community.Town() != town {
		return petitionPage{}, false, notFound()
	}
	st, err := s.app.Directory.Lookup(c.UserContext(), town)
	if err != nil {
		return petitionPage{}, false, unavailable()
	}
	if !st.Exists {
		return petitionPage{}, false, notFound()
	}
	data, status, err := s.fetchPublic(c, "/api/v1/public/towns/"+string(town)+"/communities/"+string(community))
	switch {
	case err != nil || status >= 500:
		return petitionPage{}, false, unavailable()
	case status != fiber.StatusOK:
		return petitionPage{}, false, notFound()
	}
	var pc publicCommunity
	if err := json.Unmarshal(data, &pc); err != nil || pc.Community.Name == "" {
		return petitionPage{}, false, unavailable()
	}
	return petitionPage{TownName: st.Name, CommunityName: pc.Community.Name, Town: string(town), Community: string(community)}, true, nil
}

func (s *Server) submitPage(c *fiber.Ctx) error {
	page, ok, err := s.petitionCommunity(c)
	if !ok {
		return err
	}
	page.Title = page.CommunityName + " · 我要留言"
	c.Set("Content-Security-Policy", submitPolicy)
	return renderPetitionPage(c, fiber.StatusOK, "submit", page)
}

func (s *Server) ratePage(c *fiber.Ctx) error {
	page, ok, err := s.petitionCommunity(c)
	if !ok {
		return err
	}
	page.Title = page.CommunityName + " · 评价驻村干部"
	data, status, err := s.fetchPublic(c, "/api/v1/public/towns/"+page.Town+"/communities/"+page.Community+"/ratings/cadres")
	if err != nil || status != fiber.StatusOK {
		c.Set(fiber.HeaderRetryAfter, "30")
		return renderPage(c, fiber.StatusServiceUnavailable, "unavailable", communityPage{Title: "页面暂时无法显示"})
	}
	var list struct {
		Items []ratedCadre `json:"items"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return renderPage(c, fiber.StatusServiceUnavailable, "unavailable", communityPage{Title: "页面暂时无法显示"})
	}
	page.Cadres = list.Items
	c.Set("Content-Security-Policy", submitPolicy)
	return renderPetitionPage(c, fiber.StatusOK, "rate", page)
}

func (s *Server) trackPage(c *fiber.Ctx) error {
	page, ok, err := s.petitionCommunity(c)
	if !ok {
		return err
	}
	page.Title = page.CommunityName + " · 查询办理进度"
	page.Code = strings.ToUpper(strings.TrimSpace(c.Query("code")))
	if page.Code == "" {
		return renderPetitionPage(c, fiber.StatusOK, "track", page)
	}
	data, status, err := s.fetchPublic(c, "/api/v1/public/towns/"+page.Town+"/communities/"+page.Community+
		"/opinions/"+url.PathEscape(page.Code))
	switch {
	case err != nil || status >= 500:
		page.Problem = "暂时无法查询，请稍后再试。"
		return renderPetitionPage(c, fiber.StatusServiceUnavailable, "track", page)
	case status != fiber.StatusOK:
		page.Problem = "没有找到该查询码对应的留言，请核对查询码（10位字母和数字）。"
		return renderPetitionPage(c, fiber.StatusNotFound, "track", page)
	}
	var t trackedOpinion
	if err := json.Unmarshal(data, &t); err != nil {
		page.Problem = "暂时无法查询，请稍后再试。"
		return renderPetitionPage(c, fiber.StatusServiceUnavailable, "track", page)
	}
	t.ReceivedAt, t.Due, t.RespondedAt = day(t.ReceivedAt), day(t.Due), day(t.RespondedAt)
	page.Tracked = &t
	return renderPetitionPage(c, fiber.StatusOK, "track", page)
}

// day shows an RFC 3339 time as its date (the service's times are UTC; the date of a due
// time, the end of a Beijing day, is shown in Beijing).
func day(ts string) string {
	if len(ts) < 10 {
		return ""
	}
	if t, err := timeInBeijing(ts); err == nil {
		return t
	}
	return ts[:10]
}

func renderPetitionPage(c *fiber.Ctx, status int, name string, data petitionPage) error {
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store") // a tracking code's reply is nobody else's
	return petitionTemplates[name].ExecuteTemplate(c.Response().BodyWriter(), "layout", data)
}

func timeInBeijing(ts string) (string, error) {
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return "", err
	}
	return t.In(calendar.Beijing).Format("2006年1月2日"), nil
}
