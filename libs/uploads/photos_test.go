package uploads_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/stretchr/testify/require"
)

// secret stands for the camera's position in a photo's metadata.
const secret = "GPS 39.9N 116.4E"

func picture(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, x%h, color.RGBA{R: 200, A: 255})
	}
	return img
}

// jpegWithExif is a small JPEG whose APP1 segment is an EXIF block holding secret.
func jpegWithExif(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, picture(40, 30), nil))
	b := buf.Bytes()
	seg := append([]byte("Exif\x00\x00MM\x00*"), secret...)
	app1 := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	return append(append(append([]byte{}, b[:2]...), append(app1, seg...)...), b[2:]...)
}

// pngWithMeta is a small PNG with an eXIf chunk and a tEXt chunk holding secret, after IHDR.
func pngWithMeta(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, picture(40, 30)))
	b := buf.Bytes()
	meta := append(pngChunk("eXIf", []byte("MM\x00*"+secret)), pngChunk("tEXt", []byte("Comment\x00"+secret))...)
	return append(append(append([]byte{}, b[:33]...), meta...), b[33:]...)
}

func pngChunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// pngHeader declares a w×h image in a few bytes: all a decompression bomb needs.
func pngHeader(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	return append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
}

// webpWithExif is an extended WebP header of w×h announcing and holding an EXIF chunk with
// secret (no image data: the rules read headers only).
func webpWithExif(w, h int) []byte {
	vp8x := []byte{0x08, 0, 0, 0, byte(w - 1), byte((w - 1) >> 8), byte((w - 1) >> 16), byte(h - 1), byte((h - 1) >> 8), byte((h - 1) >> 16)}
	chunk := func(typ string, data []byte) []byte {
		out := append([]byte(typ), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
		out = append(out, data...)
		if len(data)%2 == 1 {
			out = append(out, 0)
		}
		return out
	}
	body := append(chunk("VP8X", vp8x), chunk("EXIF", []byte("MM\x00*"+secret+"!"))...)
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(4+len(body)))...), append([]byte("WEBP"), body...)...)
}
