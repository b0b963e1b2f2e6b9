package attachment_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/objects"
	"dundian.local/libs/uploads"
	"dundian.local/services/fieldwork/internal/domain/attachment"
)

func TestThumbnail_FitsTheSideAndKeepsTheShape(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		w, h         int
		wantW, wantH int
	}{
		{"landscape", 1600, 1200, 480, 360},
		{"portrait", 900, 1600, 270, 480},
		{"already small", 200, 100, 200, 100},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			img := image.NewRGBA(image.Rect(0, 0, tc.w, tc.h))
			for x := range tc.w {
				img.Set(x, tc.h/2, color.RGBA{R: 200, A: 255})
			}
			var src bytes.Buffer
			require.NoError(t, png.Encode(&src, img))
			thumb, err := attachment.Thumbnail(&src)
			require.NoError(t, err)
			got, err := jpeg.Decode(bytes.NewReader(thumb))
			require.NoError(t, err)
			require.Equal(t, tc.wantW, got.Bounds().Dx())
			require.Equal(t, tc.wantH, got.Bounds().Dy())
		})
	}
}

func TestThumbnail_RefusesWhatIsNotAnImage(t *testing.T) {
	t.Parallel()
	_, err := attachment.Thumbnail(bytes.NewReader([]byte("%PDF-1.7")))
	require.ErrorIs(t, err, uploads.ErrCorrupt)
}

func TestThumbnailable_PhotosWithinTheMemoryBound(t *testing.T) {
	t.Parallel()
	require.True(t, attachment.Attachment{ContentType: objects.TypeJPEG, Width: 4000, Height: 3000}.Thumbnailable())
	require.False(t, attachment.Attachment{ContentType: objects.TypeJPEG, Width: 8000, Height: 6000}.Thumbnailable())
	require.False(t, attachment.Attachment{ContentType: objects.TypePDF}.Thumbnailable())
}
