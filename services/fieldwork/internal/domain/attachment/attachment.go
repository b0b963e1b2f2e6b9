// Package attachment holds photos and documents (D3): which types are allowed, how large they
// may be, and the check of an image's declared size before anything decodes it.
package attachment

import (
	"bytes"
	"encoding/binary"
	"image"
	_ "image/jpeg" // registers DecodeConfig for JPEG
	_ "image/png"  // registers DecodeConfig for PNG
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/errs"
	"dundian.local/libs/objects"
	"dundian.local/libs/tenancy"
)

// Record is the entry an attachment belongs to, whose authorisation it shares.
type Record struct {
	Kind string `json:"kind" bson:"kind"` // work_log, diary
	ID   string `json:"id" bson:"id"`
}

// Attachment is a stored file. Its object key is <town>/fieldwork/attachment/<id>.
type Attachment struct {
	ID          string           `json:"id" bson:"_id"`
	Town        tenancy.TownCode `json:"town" bson:"town"`
	Cadre       string           `json:"cadre" bson:"cadre"`
	Uploader    string           `json:"uploader" bson:"uploader"` // the account
	Name        string           `json:"name" bson:"name"`
	ContentType string           `json:"contentType" bson:"contentType"`
	Size        int64            `json:"size" bson:"size"`
	Width       int              `json:"width,omitempty" bson:"width,omitempty"`
	Height      int              `json:"height,omitempty" bson:"height,omitempty"`
	Record      *Record          `json:"record,omitempty" bson:"record,omitempty"`
	Uploaded    time.Time        `json:"uploaded" bson:"uploaded"`
	Rev         int64            `json:"rev" bson:"rev"`
}

// Limits per type. Photos from phones are a few MB; scanned PDFs more.
var limits = map[string]int64{
	objects.TypeJPEG: 15 << 20,
	objects.TypePNG:  15 << 20,
	objects.TypeWebP: 15 << 20,
	objects.TypePDF:  30 << 20,
}

// MaxSize is the largest upload of any type: the stream is cut there before the type is known.
const MaxSize = 30 << 20

// Image limits: generous for any phone camera, far below a decompression bomb.
const (
	MaxSide   = 12_000
	MaxPixels = 60_000_000
	// HeadSize is how much of an image is read to find its dimensions; a JPEG's frame header
	// follows its EXIF block, which stays within 64 KB.
	HeadSize = 256 << 10
	maxName  = 120
)

var (
	ErrNotFound = errs.NotFound("attachment-not-found", "no such attachment", "没有该附件")
	ErrType     = errs.Unsupported("attachment-type",
		"only JPEG, PNG and WebP photos and PDF documents can be attached",
		"只能上传JPEG、PNG、WebP格式的照片或PDF文件")
	ErrImage = errs.Invalid("attachment-image-dimensions",
		"the image is too large in pixels (at most 12000 on a side, 60 megapixels) or its header is unreadable",
		"图片像素过大（单边不超过12000，总计不超过6000万像素）或无法读取图片尺寸")
	ErrTaken = errs.Conflict("attachment-id-taken",
		"this attachment id is already used", "该附件编号已被使用")
	ErrLinked = errs.Conflict("attachment-linked",
		"the attachment already belongs to another record", "该附件已属于另一条记录")
	ErrNotOwner = errs.Forbidden("attachment-not-owner",
		"only the cadre's own attachments can be attached", "只能引用本人上传的附件")
)

// Limit is the size limit of a sniffed type, or ErrType for a type not allowed.
func Limit(contentType string) (int64, error) {
	l, ok := limits[contentType]
	if !ok {
		return 0, ErrType
	}
	return l, nil
}

// IsImage reports whether the type is one of the allowed image types.
func IsImage(contentType string) bool { return strings.HasPrefix(contentType, "image/") }

// Dimensions reads an image's declared width and height from the start of the file (head)
// without decoding its pixels, and refuses sizes over the limits.
func Dimensions(contentType string, head []byte) (w, h int, err error) {
	if contentType == objects.TypeWebP {
		w, h, err = webpSize(head)
	} else {
		var cfg image.Config
		cfg, _, err = image.DecodeConfig(bytes.NewReader(head))
		w, h = cfg.Width, cfg.Height
	}
	if err != nil || w <= 0 || h <= 0 || w > MaxSide || h > MaxSide || w*h > MaxPixels {
		return 0, 0, ErrImage
	}
	return w, h, nil
}

var errWebP = errs.Invalid("webp-header", "unreadable WebP header", "无法读取WebP图片")

// webpSize reads the canvas size of a WebP file from its first chunk (VP8, VP8L or VP8X).
func webpSize(b []byte) (int, int, error) {
	if len(b) < 30 {
		return 0, 0, errWebP
	}
	switch string(b[12:16]) {
	case "VP8 ": // lossy: frame tag, start code, then 14-bit width and height
		if b[23] != 0x9d || b[24] != 0x01 || b[25] != 0x2a {
			return 0, 0, errWebP
		}
		return int(binary.LittleEndian.Uint16(b[26:]) & 0x3fff), int(binary.LittleEndian.Uint16(b[28:]) & 0x3fff), nil
	case "VP8L": // lossless: signature 0x2f, then 14 bits width-1, 14 bits height-1
		if b[20] != 0x2f {
			return 0, 0, errWebP
		}
		v := binary.LittleEndian.Uint32(b[21:])
		return int(v&0x3fff) + 1, int(v>>14&0x3fff) + 1, nil
	case "VP8X": // extended: 24-bit canvas width-1 and height-1
		w := int(b[24]) | int(b[25])<<8 | int(b[26])<<16
		h := int(b[27]) | int(b[28])<<8 | int(b[29])<<16
		return w + 1, h + 1, nil
	}
	return 0, 0, errWebP
}

// CleanName keeps a safe display name for the download: the base name, at most 120
// characters, with the extension of the sniffed type.
func CleanName(name, contentType string) string {
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, "\\", "/")))
	name = strings.TrimSuffix(name, path.Ext(name))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`"/\:*?<>|`, r) {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." {
		name = "attachment"
	}
	if utf8.RuneCountInString(name) > maxName {
		name = string([]rune(name)[:maxName])
	}
	return name + extensions[contentType]
}

var extensions = map[string]string{
	objects.TypeJPEG: ".jpg", objects.TypePNG: ".png", objects.TypeWebP: ".webp", objects.TypePDF: ".pdf",
}
