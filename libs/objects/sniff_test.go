package objects_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/objects"
)

func TestSniff_RecognisesTheTypeAndReplaysTheWholeStream(t *testing.T) {
	t.Parallel()
	long := func(head string) []byte { return append([]byte(head), bytes.Repeat([]byte{0x01, 0xfe}, 2000)...) }
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"pdf", long("%PDF-1.7\n"), objects.TypePDF},
		{"png", long("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), objects.TypePNG},
		{"jpeg", long("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), objects.TypeJPEG},
		{"webp", long("RIFF\x24\x00\x00\x00WEBPVP8 "), objects.TypeWebP},
		{"riff that is not webp", long("RIFF\x24\x00\x00\x00WAVEfmt "), "audio/wave"},
		{"android video", long("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), objects.TypeMP4},
		{"iphone video", long("\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  "), objects.TypeMOV},
		{"heic photo is no video", long("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), "application/octet-stream"},
		{"docx is a zip", long("PK\x03\x04\x14\x00\x06\x00\x08\x00[Content_Types].xml"), objects.TypeZip},
		{"empty zip", []byte("PK\x05\x06" + string(make([]byte, 18))), objects.TypeZip},
		{"html claiming nothing", []byte("<!DOCTYPE html><html><script>alert(1)</script>"), "text/html; charset=utf-8"},
		{"plain text", []byte("走访记录：张家村"), "text/plain; charset=utf-8"},
		{"short binary", []byte{0x00, 0x01, 0x02}, "application/octet-stream"},
		{"empty", nil, "text/plain; charset=utf-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// One byte per Read: Sniff must not depend on getting 512 bytes at once.
			typ, rest, err := objects.Sniff(iotest.OneByteReader(bytes.NewReader(tc.in)))
			require.NoError(t, err)
			require.Equal(t, tc.want, typ)
			got, err := io.ReadAll(rest)
			require.NoError(t, err)
			require.Equal(t, len(tc.in), len(got))
			require.True(t, bytes.Equal(tc.in, got), "the stream after Sniff differs from the input")
		})
	}
}

func TestSniff_ReportsAReadError(t *testing.T) {
	t.Parallel()
	broken := errors.New("connection reset")
	_, _, err := objects.Sniff(io.MultiReader(bytes.NewReader([]byte("%PDF-")), iotest.ErrReader(broken)))
	require.ErrorIs(t, err, broken)
}
