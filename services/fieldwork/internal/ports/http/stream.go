package http

import (
	"io"
	"regexp"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/errs"
)

// uploadPath is the one route whose body streams to the object store.
var uploadPath = regexp.MustCompile(`^/api/v1/towns/[^/]+/attachments/[^/]+$`)

var errBodyTooLarge = errs.TooLarge("body-too-large", "the request body is too large", "请求内容过大")

// LimitBodies keeps the ordinary body limit on every route but the upload. The server streams
// request bodies (so that an upload is never held in memory whole), and fasthttp then hands
// any body over its limit to the handler as a stream; reading that with c.Body() would read
// it all. This reads at most limit bytes of such a body into memory and refuses the rest.
func LimitBodies(limit int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() == fiber.MethodPut && uploadPath.MatchString(c.Path()) {
			return c.Next()
		}
		if !c.Request().IsBodyStream() {
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
