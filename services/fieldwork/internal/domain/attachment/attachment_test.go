package attachment_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/objects"
	"dundian.local/services/fieldwork/internal/domain/attachment"
)

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
