package attachment_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/objects"
	"dundian.local/services/fieldwork/internal/domain/attachment"
)

// withExif puts an APP1 EXIF segment (carrying a fake GPS tag) right after the SOI of a JPEG.
func withExif(jpg []byte) []byte {
	payload := []byte("Exif\x00\x00MM\x00*GPSLatitude=38.8")
	seg := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

func TestStrip_RemovesExifAndKeepsTheImage(t *testing.T) {
	t.Parallel()
	img := image.NewRGBA(image.Rect(0, 0, 20, 10))
	var j bytes.Buffer
	require.NoError(t, jpeg.Encode(&j, img, nil))
	var p bytes.Buffer
	require.NoError(t, png.Encode(&p, img))
	raw := p.Bytes()
	// eXIf after IHDR (8-byte signature + 25-byte IHDR chunk).
	withText := append(append(append([]byte{}, raw[:33]...), pngChunk("eXIf", []byte("MM\x00*GPSLatitude=38.8"))...), raw[33:]...)

	for name, tc := range map[string]struct {
		typ string
		in  []byte
	}{
		"jpeg": {objects.TypeJPEG, withExif(j.Bytes())},
		"png":  {objects.TypePNG, withText},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.Contains(t, string(tc.in), "GPSLatitude")
			var out bytes.Buffer
			require.NoError(t, attachment.Strip(tc.typ, &out, bytes.NewReader(tc.in)))
			require.NotContains(t, out.String(), "GPSLatitude")
			got, _, err := image.Decode(bytes.NewReader(out.Bytes()))
			require.NoError(t, err, "the stripped file is still a valid image")
			require.Equal(t, img.Bounds(), got.Bounds())
		})
	}
}

func TestStrip_RefusesACorruptStructure(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.Error(t, attachment.Strip(objects.TypeJPEG, &out, bytes.NewReader([]byte("\xff\xd8\xff\xe1\xff"))))
	require.Error(t, attachment.Strip(objects.TypePNG, &out, bytes.NewReader([]byte("GIF89a"))))
}
