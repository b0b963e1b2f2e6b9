package attachment

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"dundian.local/libs/errs"
	"dundian.local/libs/objects"
)

// Strippable reports whether Strip removes metadata from files of this type.
func Strippable(contentType string) bool {
	return contentType == objects.TypeJPEG || contentType == objects.TypePNG
}

// Strip copies an image from src to dst without its metadata: EXIF (with the camera's time
// and GPS position), XMP, IPTC and comments. The pixels are not decoded; segments are
// dropped as the stream passes. Other types are copied as they are.
func Strip(contentType string, dst io.Writer, src io.Reader) error {
	switch contentType {
	case objects.TypeJPEG:
		return stripJPEG(dst, bufio.NewReader(src))
	case objects.TypePNG:
		return stripPNG(dst, src)
	}
	_, err := io.Copy(dst, src)
	return err
}

// ErrCorrupt refuses an image whose structure cannot be followed.
var ErrCorrupt = errs.Invalid("attachment-corrupt",
	"the image file is damaged; take or choose the photo again",
	"图片文件已损坏，请重新拍摄或选择")

// stripJPEG drops the APP1 (EXIF, XMP), APP13 (IPTC) and COM segments before the scan; the
// scan and everything after it are copied unchanged.
func stripJPEG(dst io.Writer, src *bufio.Reader) error {
	var soi [2]byte
	if _, err := io.ReadFull(src, soi[:]); err != nil || soi != [2]byte{0xff, 0xd8} {
		return ErrCorrupt
	}
	if _, err := dst.Write(soi[:]); err != nil {
		return err
	}
	for {
		var m [2]byte
		if _, err := io.ReadFull(src, m[:]); err != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		if m[0] != 0xff {
			return ErrCorrupt
		}
		for m[1] == 0xff { // fill bytes before a marker
			b, err := src.ReadByte()
			if err != nil {
				return ErrCorrupt
			}
			m[1] = b
		}
		var l [2]byte
		if _, err := io.ReadFull(src, l[:]); err != nil {
			return ErrCorrupt
		}
		n := int64(binary.BigEndian.Uint16(l[:])) - 2
		if n < 0 {
			return ErrCorrupt
		}
		if m[1] == 0xe1 || m[1] == 0xed || m[1] == 0xfe {
			if _, err := io.CopyN(io.Discard, src, n); err != nil {
				return ErrCorrupt
			}
			continue
		}
		if _, err := dst.Write(append(m[:], l[:]...)); err != nil {
			return err
		}
		if _, err := io.CopyN(dst, src, n); err != nil {
			return err
		}
		if m[1] == 0xda { // start of scan: the rest is image data
			_, err := io.Copy(dst, src)
			return err
		}
	}
}

// pngDropped are the chunks that carry metadata rather than the image.
var pngDropped = map[string]bool{"eXIf": true, "tEXt": true, "zTXt": true, "iTXt": true, "tIME": true}

func stripPNG(dst io.Writer, src io.Reader) error {
	sig := make([]byte, 8)
	if _, err := io.ReadFull(src, sig); err != nil || !bytes.Equal(sig, []byte("\x89PNG\r\n\x1a\n")) {
		return ErrCorrupt
	}
	if _, err := dst.Write(sig); err != nil {
		return err
	}
	for {
		var head [8]byte
		if _, err := io.ReadFull(src, head[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return nil // nothing after IEND
			}
			return ErrCorrupt
		}
		n := int64(binary.BigEndian.Uint32(head[:4])) + 4 // data and CRC
		if pngDropped[string(head[4:])] {
			if _, err := io.CopyN(io.Discard, src, n); err != nil {
				return ErrCorrupt
			}
			continue
		}
		if _, err := dst.Write(head[:]); err != nil {
			return err
		}
		if _, err := io.CopyN(dst, src, n); err != nil {
			return err
		}
		if string(head[4:]) == "IEND" {
			return nil
		}
	}
}
