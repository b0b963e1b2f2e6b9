package objects

import (
	"bytes"
	"errors"
	"io"
	"net/http"
)

// Content types Sniff recognises by signature. DOCX and XLSX files are zip packages and sniff
// as Zip: their first 512 bytes do not reliably tell them apart, so a caller that accepts
// Office documents allows Zip and keeps the file name's extension for the download.
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeWebP = "image/webp"
	TypeZip  = "application/zip"
	TypeMP4  = "video/mp4"
	TypeMOV  = "video/quicktime"
)

// sniffLen is how much http.DetectContentType looks at.
const sniffLen = 512

var signatures = []struct {
	typ   string
	match func(head []byte) bool
}{
	{TypePDF, prefix("%PDF-")},
	{TypePNG, prefix("\x89PNG\r\n\x1a\n")},
	{TypeJPEG, prefix("\xff\xd8\xff")},
	{TypeWebP, func(h []byte) bool { return len(h) >= 12 && string(h[:4]) == "RIFF" && string(h[8:12]) == "WEBP" }},
	{TypeMOV, ftyp("qt  ")},
	{TypeMP4, ftyp("isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "MSNV", "dash")},
	{TypeZip, prefix("PK\x03\x04")},
	{TypeZip, prefix("PK\x05\x06")}, // an empty zip
}

// ftyp matches an ISO media file (MP4, QuickTime) of one of the major brands: the "ftyp" box
// comes first. HEIC photos are ISO media files too, with brands of their own.
func ftyp(brands ...string) func([]byte) bool {
	return func(h []byte) bool {
		if len(h) < 12 || string(h[4:8]) != "ftyp" {
			return false
		}
		for _, b := range brands {
			if string(h[8:12]) == b {
				return true
			}
		}
		return false
	}
}

func prefix(magic string) func([]byte) bool {
	return func(h []byte) bool { return bytes.HasPrefix(h, []byte(magic)) }
}

// Sniff reads the first 512 bytes of r and says what the content is, by signature and
// otherwise by http.DetectContentType. rest replays those bytes and then the remainder of r,
// so the caller streams the whole upload on after sniffing. Compare the type with an
// allow-list; never trust the Content-Type a client sent.
func Sniff(r io.Reader) (contentType string, rest io.Reader, err error) {
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", nil, err
	}
	head = head[:n]
	return detect(head), io.MultiReader(bytes.NewReader(head), r), nil
}

func detect(head []byte) string {
	for _, s := range signatures {
		if s.match(head) {
			return s.typ
		}
	}
	return http.DetectContentType(head)
}
