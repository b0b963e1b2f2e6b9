package http

import (
	"bytes"
	"io"

	"github.com/gofiber/fiber/v2"

	"dundian.local/services/personnel/internal/app"
)

// UploadPortrait streams the request body (the photo itself, not a form) to the object
// store: the service runs with StreamRequestBody, so the body is read as it arrives.
func (h Handlers) UploadPortrait(c *fiber.Ctx) error {
	size := int64(c.Request().Header.ContentLength())
	if size < 0 {
		size = -1 // chunked: unknown
	}
	var body io.Reader = c.Context().RequestBodyStream()
	if body == nil {
		body = bytes.NewReader(c.Body())
	}
	out, err := h.app.Commands.UploadPortrait.Handle(c.UserContext(), app.UploadPortrait{Cadre: c.Params("cadre"), Size: size, Body: body})
	if err != nil {
		// The rest of a refused upload is still on the wire; close the connection rather
		// than read it, or parse it as the next request.
		c.Context().SetConnectionClose()
		return err
	}
	return c.JSON(out)
}

func (h Handlers) RemovePortrait(c *fiber.Ctx) error {
	if err := h.app.Commands.RemovePortrait.Handle(c.UserContext(), c.Params("cadre")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// PublicPortrait streams a stationed cadre's photo for the community's public page.
func (h Handlers) PublicPortrait(c *fiber.Ctx) error {
	code, err := communityParam(c)
	if err != nil {
		return err
	}
	r, info, err := h.app.Queries.PublicPortrait.Handle(c.UserContext(), code, c.Params("cadre"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, info.ContentType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.SendStream(r, int(info.Size))
}
