// Package card renders the contact card (连心卡, S3): a print-ready PDF at the standard card
// size (ISO/IEC 7810 ID-1, 85.6 × 54 mm) with the cadre's name, post, phone, community and a
// QR code to the community's public page, and a town's cards in one run on A4 sheets. The CJK
// text is set in Droid Sans Fallback (Apache-2.0), embedded as a subset of the glyphs used.
package card

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

//go:embed font/DroidSansFallbackFull.ttf
var droidSans []byte

// Card is what one card shows.
type Card struct {
	Name      string
	Unit      string
	Post      string
	Phone     string
	Community string
	URL       string // the community's public page
}

// Card size and the A4 sheet layout (two columns of five, with cutting margins).
const (
	width, height  = 85.6, 54.0
	a4W, a4H       = 210.0, 297.0
	cols, rows     = 2, 5
	sheetMarginTop = (a4H - rows*height) / 2
	sheetMarginL   = (a4W - cols*width) / 2
	font           = "droid"
)

// One writes the PDF of a single card, page size = card size.
func One(w io.Writer, c Card) error {
	pdf := newDoc(fpdf.SizeType{Wd: width, Ht: height})
	pdf.AddPage()
	if err := draw(pdf, c, 0, 0, "qr-0"); err != nil {
		return err
	}
	return pdf.Output(w)
}

// Sheets writes every card on A4 pages, ten a page, each framed by a thin cutting line.
func Sheets(w io.Writer, cards []Card) error {
	pdf := newDoc(fpdf.SizeType{Wd: a4W, Ht: a4H})
	for i, c := range cards {
		if i%(cols*rows) == 0 {
			pdf.AddPage()
		}
		n := i % (cols * rows)
		x := sheetMarginL + float64(n%cols)*width
		y := sheetMarginTop + float64(n/cols)*height
		pdf.SetDrawColor(190, 190, 190)
		pdf.SetLineWidth(0.1)
		pdf.Rect(x, y, width, height, "D")
		if err := draw(pdf, c, x, y, fmt.Sprintf("qr-%d", i)); err != nil {
			return err
		}
	}
	if len(cards) == 0 {
		pdf.AddPage()
	}
	return pdf.Output(w)
}

func newDoc(size fpdf.SizeType) *fpdf.Fpdf {
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: size})
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes(font, "", droidSans)
	pdf.SetTitle("连心卡", true)
	return pdf
}

// draw lays one card out at (x, y): text on the left, the QR code on the right.
func draw(pdf *fpdf.Fpdf, c Card, x, y float64, imageName string) error {
	png, err := qrcode.Encode(c.URL, qrcode.Medium, 512)
	if err != nil {
		return fmt.Errorf("qr code: %w", err)
	}
	pdf.RegisterImageOptionsReader(imageName, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	const qr = 30.0
	pdf.ImageOptions(imageName, x+width-qr-4, y+(height-qr)/2-2, qr, qr, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")

	text := func(size, top float64, s string) {
		pdf.SetFont(font, "", size)
		pdf.SetXY(x+5, y+top)
		pdf.CellFormat(width-qr-12, size*0.45, s, "", 0, "L", false, 0, "")
	}
	pdf.SetTextColor(180, 20, 30)
	text(13, 5, "连心卡")
	pdf.SetTextColor(30, 30, 30)
	text(15, 15, c.Name)
	text(8, 23, joinNonEmpty(c.Unit, c.Post))
	text(11, 30, c.Phone)
	text(8, 40, c.Community)
	pdf.SetFont(font, "", 6)
	pdf.SetXY(x+width-qr-4, y+(height+qr)/2-2)
	pdf.CellFormat(qr, 3, "扫码留言", "", 0, "C", false, 0, "")
	return pdf.Error()
}
