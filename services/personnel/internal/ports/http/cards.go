package http

import (
	"bytes"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"dundian.local/services/personnel/internal/app"
	"dundian.local/services/personnel/internal/card"
)

// cardOf is the printed card of a cadre: the QR code leads to the community's public page.
func (h Handlers) cardOf(d app.CardData) card.Card {
	return card.Card{Name: d.Cadre.Name, Unit: d.Cadre.Unit, Post: d.Cadre.Post, Phone: d.Cadre.Phone,
		Community: d.Assignment.CommunityName,
		URL:       h.publicBase + "/p/" + url.PathEscape(string(d.Cadre.Town)) + "/" + url.PathEscape(string(d.Assignment.Community))}
}

// Poster is the community's disclosure board as an A4 PDF, from the public data only.
func (h Handlers) Poster(c *fiber.Ctx) error {
	code, err := communityParam(c)
	if err != nil {
		return err
	}
	board, err := h.app.Queries.PublicCommunity.Handle(c.UserContext(), code)
	if err != nil {
		return err
	}
	p := card.Poster{Community: board.Community.Name,
		URL: h.publicBase + "/p/" + url.PathEscape(string(code.Town())) + "/" + url.PathEscape(string(code))}
	for _, cd := range board.Cadres {
		p.Cadres = append(p.Cadres, card.PosterCadre{Name: cd.Name, Unit: cd.Unit, Post: cd.Post, Phone: cd.Phone})
	}
	var buf bytes.Buffer
	if err := card.WritePoster(&buf, p); err != nil {
		return err
	}
	return sendPDF(c, buf.Bytes(), "poster-"+string(code)+".pdf")
}

func (h Handlers) GetCard(c *fiber.Ctx) error {
	d, err := h.app.Queries.Card.Handle(c.UserContext(), c.Params("cadre"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := card.One(&buf, h.cardOf(d)); err != nil {
		return err
	}
	return sendPDF(c, buf.Bytes(), "card-"+d.Cadre.ID+".pdf")
}

func (h Handlers) TownCards(c *fiber.Ctx) error {
	list, err := h.app.Queries.TownCards.Handle(c.UserContext())
	if err != nil {
		return err
	}
	cards := make([]card.Card, len(list))
	for i, d := range list {
		cards[i] = h.cardOf(d)
	}
	var buf bytes.Buffer
	if err := card.Sheets(&buf, cards); err != nil {
		return err
	}
	return sendPDF(c, buf.Bytes(), "cards.pdf")
}

func sendPDF(c *fiber.Ctx, b []byte, name string) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(b)
}
