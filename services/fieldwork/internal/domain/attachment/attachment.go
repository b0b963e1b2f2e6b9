// Package attachment holds photos and documents (D3): which types are allowed, how large they
// may be, their names, thumbnails and the camera's evidence. The checks every upload gets
// (pixel size, metadata removal) are libs/uploads'.
package attachment

import (
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/errs"
	"dundian.local/libs/objects"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/uploads"
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
	Evidence    *PhotoEvidence   `json:"evidence,omitempty" bson:"evidence,omitempty"`
	// Thumbnail says a small JPEG copy is stored beside the photo, for lists and previews.
	Thumbnail bool      `json:"thumbnail,omitempty" bson:"thumbnail,omitempty"`
	Uploaded  time.Time `json:"uploaded" bson:"uploaded"`
	// Discarded is when an upload never attached to a record was removed with its file.
	Discarded *time.Time `json:"discarded,omitempty" bson:"discarded,omitempty"`
	Rev       int64      `json:"rev" bson:"rev"`
}

// Limits per type. Photos from phones are a few MB, scanned PDFs more, and a phone's
// minute or two of a meeting or a lecture (T2) about a hundred: videos stay under the
// gateway's proxy limit (128 MB).
var limits = map[string]int64{
	objects.TypeJPEG: 15 << 20,
	objects.TypePNG:  15 << 20,
	objects.TypeWebP: 15 << 20,
	objects.TypePDF:  30 << 20,
	objects.TypeMP4:  MaxSize,
	objects.TypeMOV:  MaxSize,
}

// OrphanGrace is how long an upload may wait for its record (a cadre's entry can sit on a
// phone without signal for a day) before it and its file are discarded.
const OrphanGrace = 48 * time.Hour

// Discard marks an upload that never joined a record as removed.
func (a *Attachment) Discard(now time.Time) error {
	if a.Record != nil {
		return ErrLinked
	}
	at := now.UTC().Truncate(time.Millisecond)
	a.Discarded = &at
	return nil
}

// MaxSize is the largest upload of any type: the stream is cut there before the type is known.
const MaxSize = 120 << 20

// maxName bounds a file's display name.
const maxName = 120

var (
	ErrNotFound = errs.NotFound("attachment-not-found", "no such attachment", "没有该附件")
	ErrType     = errs.Unsupported("attachment-type",
		"only JPEG, PNG and WebP photos, PDF documents and MP4 or MOV videos can be attached",
		"只能上传JPEG、PNG、WebP格式的照片、PDF文件或MP4、MOV格式的视频")
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

// IsImage reports whether the type is one of the allowed photo types.
func IsImage(contentType string) bool { return uploads.IsPhoto(contentType) }

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
	if name == "" || name == "." || name == ".." {
		name = "attachment"
	}
	if utf8.RuneCountInString(name) > maxName {
		name = string([]rune(name)[:maxName])
	}
	return name + extensions[contentType]
}

var extensions = map[string]string{
	objects.TypeJPEG: ".jpg", objects.TypePNG: ".png", objects.TypeWebP: ".webp", objects.TypePDF: ".pdf",
	objects.TypeMP4: ".mp4", objects.TypeMOV: ".mov",
}
