package uploads

import (
	"bytes"
	"encoding/binary"
	"image"
	_ "image/jpeg" // registers DecodeConfig for JPEG
	_ "image/png"  // registers DecodeConfig for PNG

	"dundian.local/libs/errs"
	"dundian.local/libs/objects"
)

// Photo limits: generous for any phone camera, far below a decompression bomb.
const (
	MaxSide   = 12_000
	MaxPixels = 60_000_000
	// HeadSize is how much of a photo is read to find its dimensions; a JPEG's frame header
	// follows its EXIF block, which stays within 64 KB.
	HeadSize = 256 << 10
)

var (
	ErrDimensions = errs.Invalid("image-dimensions",
		"the photo is too large in pixels (at most 12000 on a side, 60 megapixels) or its header is unreadable",
		"照片像素过大（单边不超过12000，总计不超过6000万像素）或无法读取照片尺寸")
	ErrCorrupt = errs.Invalid("image-corrupt",
		"the photo file is damaged; take or choose the photo again",
		"照片文件已损坏，请重新拍摄或选择")
)

// IsPhoto reports whether a sniffed content type is a photo format uploads measure and strip.
func IsPhoto(contentType string) bool {
	switch contentType {
	case objects.TypeJPEG, objects.TypePNG, objects.TypeWebP:
		return true
	}
	return false
}

// Dimensions reads a photo's declared width and height from the start of the file (head)
// without decoding its pixels, and refuses sizes over the limits.
func Dimensions(contentType string, head []byte) (w, h int, err error) {
	switch contentType {
	case objects.TypeWebP:
		w, h, err = webpSize(head)
	case objects.TypeJPEG, objects.TypePNG:
		var cfg image.Config
		cfg, _, err = image.DecodeConfig(bytes.NewReader(head))
		w, h = cfg.Width, cfg.Height
	default:
		return 0, 0, ErrDimensions
	}
	if err != nil || w <= 0 || h <= 0 || w > MaxSide || h > MaxSide || w*h > MaxPixels {
		return 0, 0, ErrDimensions
	}
	return w, h, nil
}

// webpSize reads the canvas size of a WebP file from its first chunk (VP8, VP8L or VP8X).
func webpSize(b []byte) (int, int, error) {
	if len(b) < 30 {
		return 0, 0, ErrDimensions
	}
	switch string(b[12:16]) {
	case "VP8 ": // lossy: frame tag, start code, then 14-bit width and height
		if b[23] != 0x9d || b[24] != 0x01 || b[25] != 0x2a {
			return 0, 0, ErrDimensions
		}
		return int(binary.LittleEndian.Uint16(b[26:]) & 0x3fff), int(binary.LittleEndian.Uint16(b[28:]) & 0x3fff), nil
	case "VP8L": // lossless: signature 0x2f, then 14 bits width-1, 14 bits height-1
		if b[20] != 0x2f {
			return 0, 0, ErrDimensions
		}
		v := binary.LittleEndian.Uint32(b[21:])
		return int(v&0x3fff) + 1, int(v>>14&0x3fff) + 1, nil
	case "VP8X": // extended: 24-bit canvas width-1 and height-1
		w := int(b[24]) | int(b[25])<<8 | int(b[26])<<16
		h := int(b[27]) | int(b[28])<<8 | int(b[29])<<16
		return w + 1, h + 1, nil
	}
	return 0, 0, ErrDimensions
}
