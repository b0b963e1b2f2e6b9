package attachment_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/objects"
	"dundian.local/services/fieldwork/internal/domain/attachment"
)

// pngHeader is the signature and IHDR chunk of a PNG declaring w×h: all a decompression bomb
// needs to look harmless in bytes.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func smallPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 40, 30))))
	return b.Bytes()
}

func TestDimensions(t *testing.T) {
	t.Parallel()
	vp8x := append([]byte("RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00"), 0x7f, 0x07, 0x00, 0x37, 0x04, 0x00)
	for name, tc := range map[string]struct {
		typ  string
		head []byte
		w, h int
		err  error
	}{
		"a small PNG":                      {objects.TypePNG, smallPNG(t), 40, 30, nil},
		"a PNG declaring 100000×100000":    {objects.TypePNG, pngHeader(100_000, 100_000), 0, 0, attachment.ErrImage},
		"a PNG just over the pixel budget": {objects.TypePNG, pngHeader(10_000, 7_000), 0, 0, attachment.ErrImage},
		"a truncated header":               {objects.TypePNG, pngHeader(100, 100)[:20], 0, 0, attachment.ErrImage},
		"a WebP VP8X canvas 1920×1080":     {objects.TypeWebP, vp8x, 1920, 1080, nil},
		"garbage as JPEG":                  {objects.TypeJPEG, []byte("\xff\xd8\xffnot really"), 0, 0, attachment.ErrImage},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, h, err := attachment.Dimensions(tc.typ, tc.head)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, [2]int{tc.w, tc.h}, [2]int{w, h})
		})
	}
}

func TestLimit_AllowsOnlyImagesAndPDF(t *testing.T) {
	t.Parallel()
	for typ, ok := range map[string]bool{
		objects.TypeJPEG: true, objects.TypePNG: true, objects.TypeWebP: true, objects.TypePDF: true,
		"text/html; charset=utf-8": false, objects.TypeZip: false, "application/octet-stream": false,
	} {
		l, err := attachment.Limit(typ)
		if ok {
			require.NoError(t, err, typ)
			require.LessOrEqual(t, l, int64(attachment.MaxSize), typ)
		} else {
			require.ErrorIs(t, err, attachment.ErrType, typ)
		}
	}
}

func TestCleanName_KeepsTheBaseAndTheSniffedExtension(t *testing.T) {
	t.Parallel()
	require.Equal(t, "走访照片.jpg", attachment.CleanName("C:\\相册\\走访照片.png", objects.TypeJPEG))
	require.Equal(t, "attachment.pdf", attachment.CleanName("", objects.TypePDF))
	require.Equal(t, "evil.jpg", attachment.CleanName("../../evil\".html", objects.TypeJPEG))
}
