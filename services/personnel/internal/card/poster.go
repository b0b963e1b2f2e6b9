package card

import (
	"bytes"
	"fmt"
	"io"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// Poster is the disclosure board (S2) printed on A4: the community, its stationed cadres with
// the board's fields only, and a QR code to the community's public page.
type Poster struct {
	Community string
	Cadres    []PosterCadre
	URL       string
}

// PosterCadre is a cadre as the board shows them.
type PosterCadre struct {
	Name, Unit, Post, Phone string
}

// WritePoster writes the A4 poster.
func WritePoster(w io.Writer, p Poster) error {
	pdf := newDoc(fpdf.SizeType{Wd: a4W, Ht: a4H})
	pdf.AddPage()
	center := func(size, y float64, s string) {
		pdf.SetFont(font, "", size)
		pdf.SetXY(15, y)
		pdf.CellFormat(a4W-30, size*0.5, s, "", 0, "C", false, 0, "")
	}
	pdf.SetTextColor(180, 20, 30)
	center(30, 20, "驻村蹲点干部公示")
	pdf.SetTextColor(30, 30, 30)
	center(20, 38, p.Community)

	y := 58.0
	for _, c := range p.Cadres {
		pdf.SetDrawColor(200, 200, 200)
		pdf.SetLineWidth(0.2)
		pdf.Rect(20, y, a4W-40, 26, "D")
		pdf.SetFont(font, "", 16)
		pdf.SetXY(26, y+4)
		pdf.CellFormat(80, 8, c.Name, "", 0, "L", false, 0, "")
		pdf.SetFont(font, "", 14)
		pdf.SetXY(a4W-26-70, y+4)
		pdf.CellFormat(70, 8, c.Phone, "", 0, "R", false, 0, "")
		pdf.SetFont(font, "", 11)
		pdf.SetXY(26, y+15)
		pdf.CellFormat(a4W-52, 6, joinNonEmpty(c.Unit, c.Post), "", 0, "L", false, 0, "")
		y += 30
		if y > 190 { // the QR code keeps the foot of the page
			break
		}
	}

	png, err := qrcode.Encode(p.URL, qrcode.Medium, 768)
	if err != nil {
		return fmt.Errorf("qr code: %w", err)
	}
	pdf.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	const qr = 55.0
	pdf.ImageOptions("qr", (a4W-qr)/2, 215, qr, qr, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	center(12, 274, "有意见建议，请扫码留言")
	if err := pdf.Error(); err != nil {
		return err
	}
	return pdf.Output(w)
}

func joinNonEmpty(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + " " + b
}
