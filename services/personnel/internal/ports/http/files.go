package http

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/httpx"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/xlsx"
	"dundian.local/services/personnel/internal/app"
)

func (h Handlers) GetFile(c *fiber.Ctx) error {
	out, err := h.app.Queries.File.Handle(c.UserContext(), c.Params("cadre"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// ExportFile is the personal file as an Excel workbook, headed by the cadre's name.
func (h Handlers) ExportFile(c *fiber.Ctx) error {
	id := c.Params("cadre")
	file, err := h.app.Queries.File.Handle(c.UserContext(), id)
	if err != nil {
		return err
	}
	cd, err := h.app.Queries.Cadre.Handle(c.UserContext(), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := writeFileXLSX(&buf, cd.Name, file); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, xlsx.ContentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="personal-file-`+id+`.xlsx"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

type transferRequest struct {
	Town   string `json:"town" validate:"required,towncode"`
	Reason string `json:"reason" validate:"required,max=200"`
}

func (h Handlers) TransferCadre(c *fiber.Ctx) error {
	var req transferRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	to, err := tenancy.ParseTown(req.Town)
	if err != nil {
		return app.ErrTransferTown
	}
	out, err := h.app.Commands.TransferCadre.Handle(c.UserContext(), app.TransferCadre{ID: c.Params("cadre"), To: to, Reason: req.Reason})
	if err != nil {
		return err
	}
	return c.JSON(out)
}
