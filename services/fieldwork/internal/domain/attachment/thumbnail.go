package attachment

import (
	"bytes"
	"image"
	"image/jpeg"
	"io"

	"golang.org/x/image/draw"

	"dundian.local/libs/uploads"
	_ "golang.org/x/image/webp" // registers Decode for WebP
)

// Thumbnails are small JPEG copies for lists and previews on a phone.
const (
	ThumbnailSide = 480
	// MaxThumbnailPixels bounds the memory a thumbnail takes to make (a decoded photo is held
	// whole); larger photos are shown without one.
	MaxThumbnailPixels = 24_000_000
	thumbnailQuality   = 80
)

// Thumbnailable reports whether a photo of this type and size gets a thumbnail.
func (a Attachment) Thumbnailable() bool {
	return IsImage(a.ContentType) && a.Width > 0 && a.Height > 0 && a.Width*a.Height <= MaxThumbnailPixels
}

// Thumbnail decodes a photo and scales it to fit a ThumbnailSide square, as a JPEG. The copy
// is encoded anew, so it carries no metadata of the original.
func Thumbnail(src io.Reader) ([]byte, error) {
	img, _, err := image.Decode(src)
	if err != nil {
		return nil, uploads.ErrCorrupt
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > ThumbnailSide || h > ThumbnailSide {
		if w >= h {
			w, h = ThumbnailSide, max(1, h*ThumbnailSide/w)
		} else {
			w, h = max(1, w*ThumbnailSide/h), ThumbnailSide
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: thumbnailQuality}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
