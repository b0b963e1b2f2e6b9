package http

import (
	"bytes"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/httpx"
	"dundian.local/libs/xlsx"
	"dundian.local/services/personnel/internal/app"
	"dundian.local/services/personnel/internal/domain/contactlist"
)

func listRef(c *fiber.Ctx) (app.ListRef, error) {
	year, err := yearParam(c)
	if err != nil {
		return app.ListRef{}, err
	}
	return app.ListRef{Cadre: c.Params("cadre"), Year: year}, nil
}

func (h Handlers) GetContactList(c *fiber.Ctx) error {
	ref, err := listRef(c)
	if err != nil {
		return err
	}
	out, err := h.app.Queries.List.Handle(c.UserContext(), ref)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type setContactRequest struct {
	Name     string `json:"name" validate:"required,max=60"`
	Phone    string `json:"phone" validate:"required,max=20"`
	Address  string `json:"address" validate:"required,max=120"`
	Details  string `json:"details" validate:"max=60"`
	Hardship string `json:"hardship" validate:"max=60"`
}

func (h Handlers) SetContact(c *fiber.Ctx) error {
	ref, err := listRef(c)
	if err != nil {
		return err
	}
	var req setContactRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.SetContact.Handle(c.UserContext(), app.SetContact{ListRef: ref,
		Kind: contactlist.Kind(c.Params("kind")), Name: req.Name, Phone: req.Phone, Address: req.Address,
		Details: req.Details, Hardship: req.Hardship})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) SubmitContactList(c *fiber.Ctx) error {
	ref, err := listRef(c)
	if err != nil {
		return err
	}
	out, err := h.app.Commands.SubmitList.Handle(c.UserContext(), ref)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) AcceptContactList(c *fiber.Ctx) error {
	ref, err := listRef(c)
	if err != nil {
		return err
	}
	out, err := h.app.Commands.DecideList.Handle(c.UserContext(), app.DecideList{ListRef: ref, Accept: true})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type returnRequest struct {
	Comment string `json:"comment" validate:"required,max=300"`
}

func (h Handlers) ReturnContactList(c *fiber.Ctx) error {
	ref, err := listRef(c)
	if err != nil {
		return err
	}
	var req returnRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	out, err := h.app.Commands.DecideList.Handle(c.UserContext(), app.DecideList{ListRef: ref, Comment: req.Comment})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) RevealContact(c *fiber.Ctx) error {
	ref, err := listRef(c)
	if err != nil {
		return err
	}
	tel, err := h.app.Commands.RevealContact.Handle(c.UserContext(), app.RevealContact{ListRef: ref, Kind: contactlist.Kind(c.Params("kind"))})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"phone": tel})
}

func (h Handlers) TownContactLists(c *fiber.Ctx) error {
	year, err := yearParam(c)
	if err != nil {
		return err
	}
	out, err := h.app.Queries.TownLists.Handle(c.UserContext(), year)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) ForwardContactLists(c *fiber.Ctx) error {
	year, err := yearParam(c)
	if err != nil {
		return err
	}
	out, err := h.app.Commands.ForwardLists.Handle(c.UserContext(), year)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h Handlers) CountyContactLists(c *fiber.Ctx) error {
	year, err := yearParam(c)
	if err != nil {
		return err
	}
	out, err := h.app.Queries.CountyLists.Handle(c.UserContext(), year)
	if err != nil {
		return err
	}
	if c.Query("format") == "xlsx" {
		var buf bytes.Buffer
		if err := writeCountyXLSX(&buf, out); err != nil {
			return err
		}
		return sendXLSX(c, buf.Bytes(), fmt.Sprintf("county-contact-lists-%d.xlsx", year))
	}
	return c.JSON(out)
}

func (h Handlers) ExportContactLists(c *fiber.Ctx) error {
	year, err := yearParam(c)
	if err != nil {
		return err
	}
	out, err := h.app.Queries.ExportLists.Handle(c.UserContext(), year)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := writeXLSX(&buf, out); err != nil {
		return err
	}
	return sendXLSX(c, buf.Bytes(), fmt.Sprintf("contact-lists-%d.xlsx", year))
}

func sendXLSX(c *fiber.Ctx, b []byte, name string) error {
	c.Set(fiber.HeaderContentType, xlsx.ContentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b)
}
