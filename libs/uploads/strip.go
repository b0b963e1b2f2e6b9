package uploads

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"dundian.local/libs/objects"
)

// Strip copies a photo from src to dst without its metadata: EXIF (with the camera's time and
// GPS position), XMP, IPTC and comments. The pixels are not decoded; metadata is dropped as
// the stream passes, so a photo is never held whole. Other types are copied as they are. It
// returns the EXIF block it dropped (nil when none), for a service that keeps it as evidence.
func Strip(contentType string, dst io.Writer, src io.Reader) (exif []byte, err error) {
	switch contentType {
	case objects.TypeJPEG:
		return stripJPEG(dst, bufio.NewReader(src))
	case objects.TypePNG:
		return stripPNG(dst, src)
	case objects.TypeWebP:
		return scrubWebP(dst, src)
	}
	_, err = io.Copy(dst, src)
	return nil, err
}

// maxExif bounds the EXIF block kept: a JPEG segment cannot exceed it anyway.
const maxExif = 64 << 10

// ExifHeader starts a JPEG APP1 segment that holds EXIF rather than XMP.
var ExifHeader = []byte("Exif\x00\x00")

// stripJPEG drops the APP1 (EXIF, XMP), APP13 (IPTC) and COM segments before the scan; the
// scan and everything after it are copied unchanged.
func stripJPEG(dst io.Writer, src *bufio.Reader) (exif []byte, err error) {
	var soi [2]byte
	if _, err := io.ReadFull(src, soi[:]); err != nil || soi != [2]byte{0xff, 0xd8} {
		return nil, ErrCorrupt
	}
	if _, err := dst.Write(soi[:]); err != nil {
		return nil, err
	}
	for {
		var m [2]byte
		if _, err := io.ReadFull(src, m[:]); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		if m[0] != 0xff {
			return nil, ErrCorrupt
		}
		for m[1] == 0xff { // fill bytes before a marker
			b, err := src.ReadByte()
			if err != nil {
				return nil, ErrCorrupt
			}
			m[1] = b
		}
		var l [2]byte
		if _, err := io.ReadFull(src, l[:]); err != nil {
			return nil, ErrCorrupt
		}
		n := int64(binary.BigEndian.Uint16(l[:])) - 2
		if n < 0 {
			return nil, ErrCorrupt
		}
		if m[1] == 0xe1 || m[1] == 0xed || m[1] == 0xfe {
			seg := make([]byte, n)
			if _, err := io.ReadFull(src, seg); err != nil {
				return nil, ErrCorrupt
			}
			if m[1] == 0xe1 && exif == nil && bytes.HasPrefix(seg, ExifHeader) {
				exif = seg
			}
			continue
		}
		if _, err := dst.Write(append(m[:], l[:]...)); err != nil {
			return nil, err
		}
		if _, err := io.CopyN(dst, src, n); err != nil {
			return nil, truncated(err)
		}
		if m[1] == 0xda { // start of scan: the rest is image data
			_, err := io.Copy(dst, src)
			return exif, err
		}
	}
}

// pngDropped are the chunks that carry metadata rather than the image.
var pngDropped = map[string]bool{"eXIf": true, "tEXt": true, "zTXt": true, "iTXt": true, "tIME": true}

func stripPNG(dst io.Writer, src io.Reader) (exif []byte, err error) {
	sig := make([]byte, 8)
	if _, err := io.ReadFull(src, sig); err != nil || !bytes.Equal(sig, []byte("\x89PNG\r\n\x1a\n")) {
		return nil, ErrCorrupt
	}
	if _, err := dst.Write(sig); err != nil {
		return nil, err
	}
	for {
		var head [8]byte
		if _, err := io.ReadFull(src, head[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return exif, nil // nothing after IEND
			}
			return nil, ErrCorrupt
		}
		n := int64(binary.BigEndian.Uint32(head[:4])) + 4 // data and CRC
		if typ := string(head[4:]); pngDropped[typ] {
			if typ == "eXIf" && exif == nil && n-4 <= maxExif {
				chunk := make([]byte, n)
				if _, err := io.ReadFull(src, chunk); err != nil {
					return nil, ErrCorrupt
				}
				exif = chunk[:n-4] // without the CRC
				continue
			}
			if _, err := io.CopyN(io.Discard, src, n); err != nil {
				return nil, ErrCorrupt
			}
			continue
		}
		if _, err := dst.Write(head[:]); err != nil {
			return nil, err
		}
		if _, err := io.CopyN(dst, src, n); err != nil {
			return nil, truncated(err)
		}
		if string(head[4:]) == "IEND" {
			return exif, nil
		}
	}
}

// webpJunk replaces a metadata chunk's name: readers skip chunks they do not know.
var webpJunk = []byte("JUNK")

// scrubWebP blanks the EXIF and XMP chunks of a WebP file and clears their flags in the VP8X
// header. The chunks keep their length, zero-filled, so the RIFF size written at the start
// stays true and the file streams through without being held.
func scrubWebP(dst io.Writer, src io.Reader) (exif []byte, err error) {
	var riff [12]byte
	if _, err := io.ReadFull(src, riff[:]); err != nil || string(riff[:4]) != "RIFF" || string(riff[8:]) != "WEBP" {
		return nil, ErrCorrupt
	}
	if _, err := dst.Write(riff[:]); err != nil {
		return nil, err
	}
	for {
		var head [8]byte
		if _, err := io.ReadFull(src, head[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return exif, nil
			}
			return nil, ErrCorrupt
		}
		n := int64(binary.LittleEndian.Uint32(head[4:]))
		n += n & 1 // chunks are padded to an even length
		switch string(head[:4]) {
		case "VP8X":
			if n < 10 || n > 64 {
				return nil, ErrCorrupt
			}
			body := make([]byte, n)
			if _, err := io.ReadFull(src, body); err != nil {
				return nil, ErrCorrupt
			}
			body[0] &^= 0x08 | 0x04 // the EXIF and XMP flags
			if _, err := dst.Write(append(head[:], body...)); err != nil {
				return nil, err
			}
			continue
		case "EXIF", "XMP ":
			if string(head[:4]) == "EXIF" && exif == nil && n <= maxExif {
				chunk := make([]byte, n)
				if _, err := io.ReadFull(src, chunk); err != nil {
					return nil, ErrCorrupt
				}
				exif = chunk
			} else if _, err := io.CopyN(io.Discard, src, n); err != nil {
				return nil, ErrCorrupt
			}
			copy(head[:4], webpJunk)
			if _, err := dst.Write(head[:]); err != nil {
				return nil, err
			}
			if _, err := io.CopyN(dst, zeros{}, n); err != nil {
				return nil, err
			}
			continue
		}
		if _, err := dst.Write(head[:]); err != nil {
			return nil, err
		}
		if _, err := io.CopyN(dst, src, n); err != nil {
			return nil, truncated(err)
		}
	}
}

// truncated makes a file that ends inside a segment or chunk a damaged photo: a plain io.EOF
// would end the stored copy early as if it were complete. Errors writing dst pass as they are.
func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrCorrupt
	}
	return err
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
