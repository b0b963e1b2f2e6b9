package http

import (
	"context"
	"embed"
	"encoding/json"
	"html/template"
	"io"
	nethttp "net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/httpx"
	"dundian.local/libs/routes"
	"dundian.local/libs/tenancy"
)

// The public community page (连心卡 landing, disclosure board): plain server-rendered HTML
// for a phone, no script, rendered from the owning service's public JSON.

//go:embed pages/*.html pages/page.css
var pagesFS embed.FS

var pageTemplates = map[string]*template.Template{
	"community":   template.Must(template.ParseFS(pagesFS, "pages/layout.html", "pages/community.html")),
	"notfound":    template.Must(template.ParseFS(pagesFS, "pages/layout.html", "pages/notfound.html")),
	"unavailable": template.Must(template.ParseFS(pagesFS, "pages/layout.html", "pages/unavailable.html")),
}

// publicCommunity is personnel's public JSON of one community.
type publicCommunity struct {
	Community struct {
		Code               string `json:"code"`
		Name               string `json:"name"`
		DemonstrationPoint bool   `json:"demonstrationPoint"`
	} `json:"community"`
	Cadres []struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Unit     string `json:"unit"`
		Post     string `json:"post"`
		Phone    string `json:"phone"`
		Portrait bool   `json:"portrait"` // served by personnel's public portrait route
	} `json:"cadres"`
}

type communityPage struct {
	Title    string
	Town     string
	TownName string
	publicCommunity
}

func (s *Server) publicPages(r *fiber.App) error {
	css, err := pagesFS.ReadFile("pages/page.css")
	if err != nil {
		return err
	}
	r.Use("/p", func(c *fiber.Ctx) error {
		c.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
		return c.Next()
	})
	r.Get("/p/static/page.css", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
		return c.Send(css)
	})
	s.petitionPages(r) // before the community page: its /p/static/ files would match :town/:community
	r.Get("/p/:town/:community", s.communityPage)
	r.All("/*", func(c *fiber.Ctx) error {
		return renderPage(c, fiber.StatusNotFound, "notfound", communityPage{Title: "没有找到这个页面"})
	})
	return nil
}

func (s *Server) communityPage(c *fiber.Ctx) error {
	notFound := func() error {
		return renderPage(c, fiber.StatusNotFound, "notfound", communityPage{Title: "没有找到这个页面"})
	}
	unavailable := func() error {
		c.Set(fiber.HeaderRetryAfter, "30")
		return renderPage(c, fiber.StatusServiceUnavailable, "unavailable", communityPage{Title: "页面暂时无法显示"})
	}
	town, err := tenancy.ParseTown(c.Params("town"))
	if err != nil {
		return notFound()
	}
	community, err := tenancy.ParseCommunity(c.Params("community"))
	if err != nil || community.Town() != town {
		return notFound()
	}
	st, err := s.app.Directory.Lookup(c.UserContext(), town)
	if err != nil {
		return unavailable()
	}
	if !st.Exists {
		return notFound()
	}
	data, status, err := s.fetchPublic(c, "/api/v1/public/towns/"+string(town)+"/communities/"+string(community))
	switch {
	case err != nil || status >= 500:
		return unavailable()
	case status != fiber.StatusOK:
		return notFound()
	}
	var pc publicCommunity
	if err := json.Unmarshal(data, &pc); err != nil || pc.Community.Name == "" {
		return unavailable()
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	return renderPage(c, fiber.StatusOK, "community", communityPage{
		Title: pc.Community.Name + " · 连心卡", Town: string(town), TownName: st.Name, publicCommunity: pc,
	})
}

// fetchPublic reads a public JSON document from the service that owns path.
func (s *Server) fetchPublic(c *fiber.Ctx, path string) ([]byte, int, error) {
	owner := ""
	for _, rt := range routes.Table {
		if rt.Public && rt.Method == fiber.MethodGet && matches(rt.Path, path) {
			owner = rt.Owner
		}
	}
	base := s.cfg.Upstreams[owner]
	if base == nil {
		base = s.cfg.Upstreams[routes.Personnel]
	}
	if base == nil {
		return nil, 0, nethttp.ErrServerClosed
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 5*time.Second)
	defer cancel()
	u := *base
	u.Path = u.Path + path
	req, err := nethttp.NewRequestWithContext(ctx, fiber.MethodGet, (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String(), nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set(fiber.HeaderAccept, fiber.MIMEApplicationJSON)
	req.Header.Set(httpx.HeaderRequestID, httpx.RequestID(c.UserContext()))
	resp, err := s.proxy.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return data, resp.StatusCode, err
}

// matches reports whether a concrete path fits an OpenAPI path pattern.
func matches(pattern, path string) bool {
	ps, xs := splitPath(pattern), splitPath(path)
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if len(ps[i]) > 1 && ps[i][0] == '{' {
			continue
		}
		if ps[i] != xs[i] {
			return false
		}
	}
	return true
}

func splitPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}

func renderPage(c *fiber.Ctx, status int, name string, data communityPage) error {
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	if status != fiber.StatusOK {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return pageTemplates[name].ExecuteTemplate(c.Response().BodyWriter(), "layout", data)
}
