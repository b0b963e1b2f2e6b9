package attachment_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/services/fieldwork/internal/domain/attachment"
	"dundian.local/services/fieldwork/internal/testphoto"
)

func TestReadEvidence_TheCamerasTimeAndPosition(t *testing.T) {
	t.Parallel()
	ev := attachment.ReadEvidence(testphoto.Exif("2026:05:12 09:30:00", [3]uint32{38, 51, 0}, [3]uint32{114, 9, 0}))
	require.NotNil(t, ev)
	require.NotNil(t, ev.Taken)
	require.Equal(t, time.Date(2026, 5, 12, 1, 30, 0, 0, time.UTC), *ev.Taken, "EXIF time is Beijing time")
	require.InDelta(t, 38.85, *ev.Lat, 1e-9)
	require.InDelta(t, 114.15, *ev.Lng, 1e-9)
}

func TestReadEvidence_NothingUsable(t *testing.T) {
	t.Parallel()
	for name, block := range map[string][]byte{
		"none":      nil,
		"not exif":  []byte("Exif\x00\x00MM\x00*GPSLatitude=38.8"),
		"truncated": testphoto.Exif("2026:05:12 09:30:00", [3]uint32{38, 51, 0}, [3]uint32{114, 9, 0})[:40],
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.Nil(t, attachment.ReadEvidence(block))
		})
	}
}
