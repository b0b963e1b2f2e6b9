// Package portrait holds a cadre's photo for the disclosure board (S2): which files are
// accepted and how large they may be. The checks every photo gets (pixel size before
// decoding, metadata removal) are libs/uploads'.
package portrait

import (
	"time"

	"dundian.local/libs/errs"
	"dundian.local/libs/uploads"
)

// Portrait describes the stored photo of a cadre; the file itself is in the object store
// under <town>/personnel/portrait/<cadre>.
type Portrait struct {
	ContentType string    `json:"contentType" bson:"contentType"`
	Size        int64     `json:"size" bson:"size"`
	Width       int       `json:"width" bson:"width"`
	Height      int       `json:"height" bson:"height"`
	Updated     time.Time `json:"updated" bson:"updated"`
}

// MaxSize is the largest portrait accepted: a phone photo is a few MB.
const MaxSize = 8 << 20

var (
	ErrType = errs.Unsupported("portrait-type",
		"a portrait is a JPEG, PNG or WebP photo", "照片只能是JPEG、PNG或WebP格式")
	ErrNotFound = errs.NotFound("portrait-not-found", "this cadre has no portrait here", "该干部没有照片")
)

// Accepted reports whether a sniffed content type may be a portrait.
func Accepted(contentType string) bool { return uploads.IsPhoto(contentType) }
