package uploads_test

import (
	"bytes"
	"context"
	"image"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/objects"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
	"dundian.local/libs/uploads"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func TestIsPhoto(t *testing.T) {
	t.Parallel()
	for typ, want := range map[string]bool{
		objects.TypeJPEG: true, objects.TypePNG: true, objects.TypeWebP: true,
		objects.TypePDF: false, objects.TypeZip: false, "image/gif": false, "text/plain; charset=utf-8": false,
	} {
		require.Equal(t, want, uploads.IsPhoto(typ), typ)
	}
}

func TestDimensions(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		typ     string
		head    []byte
		w, h    int
		wantErr bool
	}{
		"jpeg":                             {objects.TypeJPEG, jpegWithExif(t), 40, 30, false},
		"png":                              {objects.TypePNG, pngWithMeta(t), 40, 30, false},
		"webp":                             {objects.TypeWebP, webpWithExif(1200, 900), 1200, 900, false},
		"webp over a side":                 {objects.TypeWebP, webpWithExif(12001, 10), 0, 0, true},
		"a PNG declaring 100000×100000":    {objects.TypePNG, pngHeader(100_000, 100_000), 0, 0, true},
		"a PNG just over the pixel budget": {objects.TypePNG, pngHeader(10_000, 7_000), 0, 0, true},
		"a truncated header":               {objects.TypeJPEG, jpegWithExif(t)[:4], 0, 0, true},
		"not a photo":                      {objects.TypePDF, []byte("%PDF-1.7"), 0, 0, true},
		"webp header too short":            {objects.TypeWebP, []byte("RIFF\x00\x00\x00\x00WEBP"), 0, 0, true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, h, err := uploads.Dimensions(tc.typ, tc.head)
			if tc.wantErr {
				require.ErrorIs(t, err, uploads.ErrDimensions)
				return
			}
			require.NoError(t, err)
			require.Equal(t, [2]int{tc.w, tc.h}, [2]int{w, h})
		})
	}
}

func TestStrip_RemovesMetadataKeepsThePhotoAndHandsBackTheExif(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		typ    string
		in     []byte
		decode bool
	}{
		"jpeg": {objects.TypeJPEG, jpegWithExif(t), true},
		"png":  {objects.TypePNG, pngWithMeta(t), true},
		"webp": {objects.TypeWebP, webpWithExif(64, 48), false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.Contains(t, string(tc.in), secret)
			var out bytes.Buffer
			exif, err := uploads.Strip(tc.typ, &out, bytes.NewReader(tc.in))
			require.NoError(t, err)
			require.NotContains(t, out.String(), secret)
			require.Contains(t, string(exif), secret, "the EXIF block comes back for evidence")
			w, h, err := uploads.Dimensions(tc.typ, out.Bytes())
			require.NoError(t, err)
			if tc.decode {
				img, _, err := image.Decode(bytes.NewReader(out.Bytes()))
				require.NoError(t, err, "the stripped photo still decodes")
				require.Equal(t, image.Rect(0, 0, w, h), img.Bounds())
			}
		})
	}
}

func TestStrip_WebPKeepsItsLengthAndDropsTheFlag(t *testing.T) {
	t.Parallel()
	in := webpWithExif(64, 48)
	var out bytes.Buffer
	_, err := uploads.Strip(objects.TypeWebP, &out, bytes.NewReader(in))
	require.NoError(t, err)
	require.Len(t, out.Bytes(), len(in), "the RIFF size written first stays true")
	require.Zero(t, out.Bytes()[20]&0x08, "the VP8X header no longer announces EXIF")
	require.NotContains(t, out.String(), "EXIF")
}

func TestStrip_OtherFilesPassUnchanged(t *testing.T) {
	t.Parallel()
	in := []byte("%PDF-1.7\n" + secret)
	var out bytes.Buffer
	exif, err := uploads.Strip(objects.TypePDF, &out, bytes.NewReader(in))
	require.NoError(t, err)
	require.Nil(t, exif)
	require.Equal(t, in, out.Bytes())
}

func TestStrip_RefusesADamagedFile(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		typ string
		in  []byte
	}{
		"jpeg without start":   {objects.TypeJPEG, []byte("not a jpeg at all")},
		"jpeg cut in a header": {objects.TypeJPEG, jpegWithExif(t)[:5]},
		"jpeg cut mid-segment": {objects.TypeJPEG, jpegWithExif(t)[:len(jpegWithExif(t))/2]},
		"png bad signature":    {objects.TypePNG, []byte("\x89PNX\r\n\x1a\n")},
		"png cut mid-chunk":    {objects.TypePNG, pngWithMeta(t)[:40]},
		"webp not riff":        {objects.TypeWebP, []byte("RIFX\x00\x00\x00\x00WEBP")},
		"webp cut in a chunk":  {objects.TypeWebP, webpWithExif(64, 48)[:24]},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := uploads.Strip(tc.typ, &bytes.Buffer{}, bytes.NewReader(tc.in))
			require.ErrorIs(t, err, uploads.ErrCorrupt)
		})
	}
}

// store is an object store on the embedded stack's bucket.
func store(t *testing.T) *objects.Store {
	t.Helper()
	e := testkit.Stack(t)
	s, err := objects.New(objects.Config{Endpoint: e.S3Endpoint, AccessKey: e.S3AccessKey, SecretKey: e.S3SecretKey, Bucket: e.S3Bucket})
	require.NoError(t, err)
	require.NoError(t, s.EnsureBucket(context.Background()))
	return s
}

func TestStore_APhotoArrivesWithoutItsMetadata(t *testing.T) {
	t.Parallel()
	st := store(t)
	ctx := tenancy.WithTown(context.Background(), testkit.NewTown(t))
	key, err := objects.KeyFor(ctx, "fieldwork", "attachment", "photo")
	require.NoError(t, err)
	in := jpegWithExif(t)
	got, err := uploads.Store(ctx, st, key, objects.TypeJPEG, bytes.NewReader(in), int64(len(in)), 1<<20)
	require.NoError(t, err)
	require.Equal(t, [2]int{40, 30}, [2]int{got.Width, got.Height})
	require.Contains(t, string(got.EXIF), secret)

	r, info, err := st.Get(ctx, key)
	require.NoError(t, err)
	defer r.Close()
	stored, err := io.ReadAll(r)
	require.NoError(t, err)
	require.Equal(t, got.Size, info.Size)
	require.NotContains(t, string(stored), secret)
	_, _, err = image.Decode(bytes.NewReader(stored))
	require.NoError(t, err)
}

func TestStore_RefusesWhatBreaksTheRulesAndKeepsNothing(t *testing.T) {
	t.Parallel()
	st := store(t)
	town := testkit.NewTown(t)
	ctx := tenancy.WithTown(context.Background(), town)
	for name, tc := range map[string]struct {
		id    string
		typ   string
		in    []byte
		size  int64
		limit int64
		want  error
	}{
		"declared over the limit":   {"declared", objects.TypePDF, []byte("%PDF-1.7"), 2 << 20, 1 << 20, objects.ErrTooLarge},
		"streamed over the limit":   {"streamed", objects.TypePDF, bytes.Repeat([]byte("%PDF"), 1<<18+1), -1, 1 << 20, objects.ErrTooLarge},
		"a photo over the limit":    {"large", objects.TypePNG, append(append(pngHeader(40, 30), pngChunk("zTXt", make([]byte, 2<<20))...), pngWithMeta(t)[33:]...), -1, 1 << 20, objects.ErrTooLarge},
		"a decompression bomb":      {"bomb", objects.TypePNG, pngHeader(100_000, 100_000), -1, 1 << 20, uploads.ErrDimensions},
		"a photo cut off mid-chunk": {"cut", objects.TypePNG, pngWithMeta(t)[:60], -1, 1 << 20, uploads.ErrCorrupt},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			key, err := objects.KeyFor(ctx, "fieldwork", "attachment", tc.id)
			require.NoError(t, err)
			_, err = uploads.Store(ctx, st, key, tc.typ, bytes.NewReader(tc.in), tc.size, tc.limit)
			require.ErrorIs(t, err, tc.want)
			_, err = st.Stat(ctx, key)
			require.Error(t, err, "nothing is kept of a refused upload")
		})
	}
}
