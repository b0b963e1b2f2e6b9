package uploads_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/errs"
	"dundian.local/libs/objects"
	"dundian.local/libs/uploads"
)

// FuzzDimensions: reading a photo's size from its first bytes never panics, and a size is
// returned only when it is within the limits, so no photo that would decode to too many
// pixels gets past the header.
func FuzzDimensions(f *testing.F) {
	var p, j bytes.Buffer
	require.NoError(f, png.Encode(&p, image.NewGray(image.Rect(0, 0, 3, 2))))
	require.NoError(f, jpeg.Encode(&j, image.NewGray(image.Rect(0, 0, 3, 2)), nil))
	webp := []byte("RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x01\x00\x00")
	for _, seed := range []struct {
		typ  string
		head []byte
	}{
		{objects.TypePNG, p.Bytes()}, {objects.TypeJPEG, j.Bytes()}, {objects.TypeWebP, webp},
		{objects.TypeWebP, []byte("RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00\x00\x00\x00\x9d\x01\x2a\xff\xff\xff\xff")},
		{objects.TypeWebP, []byte("RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f\xff\xff\xff\xff")},
		{objects.TypePNG, []byte("\x89PNG\r\n\x1a\n")}, {objects.TypeJPEG, []byte{0xff, 0xd8}}, {objects.TypeWebP, nil},
	} {
		f.Add(seed.typ, seed.head)
	}
	f.Fuzz(func(t *testing.T, typ string, head []byte) {
		w, h, err := uploads.Dimensions(typ, head)
		if err != nil {
			require.ErrorIs(t, err, uploads.ErrDimensions)
			return
		}
		require.Positive(t, w)
		require.Positive(t, h)
		require.LessOrEqual(t, w, uploads.MaxSide)
		require.LessOrEqual(t, h, uploads.MaxSide)
		require.LessOrEqual(t, w*h, uploads.MaxPixels)
	})
}

// FuzzStrip: stripping metadata either copies an image without its metadata segments or
// refuses it as corrupt (a domain error, so the uploader hears why); the EXIF block it hands
// back is bounded.
func FuzzStrip(f *testing.F) {
	var p, j bytes.Buffer
	require.NoError(f, png.Encode(&p, image.NewGray(image.Rect(0, 0, 3, 2))))
	require.NoError(f, jpeg.Encode(&j, image.NewGray(image.Rect(0, 0, 3, 2)), nil))
	exif := append([]byte("Exif\x00\x00"), []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x32\x00\x02\x00\x00\x00\x14\x00\x00\x00\x1a\x00\x00\x00\x002026:05:01 08:00:00\x00")...)
	app1 := append([]byte{0xff, 0xe1, 0, 0}, exif...)
	binary.BigEndian.PutUint16(app1[2:], uint16(len(exif)+2))
	withExif := append(append([]byte{0xff, 0xd8}, app1...), j.Bytes()[2:]...)
	chunk := func(typ string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		return append(append(append(c, typ...), data...), 0, 0, 0, 0)
	}
	pngExif := append(append(append([]byte{}, p.Bytes()[:33]...), chunk("eXIf", exif[6:])...), p.Bytes()[33:]...)
	pngText := append(append(append([]byte{}, p.Bytes()[:33]...), chunk("tEXt", []byte("Comment\x00secret"))...), p.Bytes()[33:]...)
	for _, seed := range [][]byte{j.Bytes(), withExif, p.Bytes(), pngExif, pngText, j.Bytes()[:40], p.Bytes()[:40],
		{0xff, 0xd8, 0xff, 0xe1, 0x00, 0x01}, {0xff, 0xd8, 0xff, 0xda, 0x00, 0x02}, []byte("\x89PNG\r\n\x1a\n\xff\xff\xff\xffIDAT")} {
		f.Add(objects.TypeJPEG, seed)
		f.Add(objects.TypePNG, seed)
		f.Add(objects.TypeWebP, seed)
	}
	f.Add(objects.TypePDF, []byte{})
	f.Fuzz(func(t *testing.T, typ string, in []byte) {
		var out bytes.Buffer
		exif, err := uploads.Strip(typ, &out, bytes.NewReader(in))
		if err != nil {
			var de *errs.Error
			require.True(t, errors.As(err, &de), "a damaged image is a domain error, not %v", err)
			require.ErrorIs(t, err, uploads.ErrCorrupt)
			return
		}
		require.LessOrEqual(t, len(exif), 64<<10)
		if !uploads.IsPhoto(typ) {
			require.True(t, bytes.Equal(in, out.Bytes()), "other types pass unchanged")
			return
		}
		if typ == objects.TypePNG {
			for _, meta := range []string{"eXIf", "tEXt", "zTXt", "iTXt"} {
				require.False(t, pngHasChunk(out.Bytes(), meta), "%s kept", meta)
			}
		}
	})
}

// pngHasChunk walks a PNG's chunks and reports whether one of type typ is there.
func pngHasChunk(b []byte, typ string) bool {
	for i := 8; i+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		if string(b[i+4:i+8]) == typ {
			return true
		}
		if n < 0 || n > len(b) {
			return false
		}
		i += 12 + n
	}
	return false
}
