package process

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/errs"
	"dundian.local/libs/routes"
)

// StreamUploads lets the routes named (a service's uploads) read their request bodies as they
// arrive, to stream them to the object store, instead of the server reading them whole first.
// Every other route keeps the process's body limit. Call it before Mount.
func (p *Process) StreamUploads(ids ...string) error {
	var uploads []*regexp.Regexp
	for _, id := range ids {
		i := slices.IndexFunc(routes.Table, func(r routes.Route) bool { return r.ID == id })
		if i < 0 {
			return fmt.Errorf("process: no route %q to stream", id)
		}
		uploads = append(uploads, pathPattern(routes.Table[i]))
	}
	srv := p.App.Server()
	srv.StreamRequestBody = true
	// A photo or a scan over a village's slow line takes minutes, not the usual 30 seconds.
	srv.ReadTimeout, srv.WriteTimeout = TransferTimeout, TransferTimeout
	p.App.Use(closeAfterRefusedBody, limitBodies(p.Config.BodyLimit, func(c *fiber.Ctx) bool {
		return slices.ContainsFunc(uploads, func(re *regexp.Regexp) bool { return re.MatchString(c.Method() + " " + c.Path()) })
	}))
	return nil
}

// pathPattern matches "<METHOD> <path>" of a route, any value in its {parameters}.
func pathPattern(r routes.Route) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^" + regexp.QuoteMeta(r.Method+" "))
	for _, seg := range strings.Split(strings.TrimPrefix(r.Path, "/"), "/") {
		b.WriteByte('/')
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			b.WriteString("[^/]+")
		} else {
			b.WriteString(regexp.QuoteMeta(seg))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

var errBodyTooLarge = errs.TooLarge("body-too-large", "the request body is too large", "请求内容过大")

// limitBodies keeps the body limit where bodies stream. fasthttp hands any body over its
// limit to the handler as a stream, and reading that with c.Body() would read it all; this
// reads at most limit bytes of such a body into memory and refuses the rest.
func limitBodies(limit int, streamed func(*fiber.Ctx) bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if streamed(c) || !c.Request().IsBodyStream() {
			return c.Next()
		}
		if n := c.Request().Header.ContentLength(); n > limit {
			return errBodyTooLarge
		}
		b, err := io.ReadAll(io.LimitReader(c.Context().RequestBodyStream(), int64(limit)+1))
		if err != nil {
			return err
		}
		if len(b) > limit {
			return errBodyTooLarge
		}
		c.Request().SetBody(b)
		return c.Next()
	}
}
