package portrait_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/objects"
	"dundian.local/services/personnel/internal/domain/portrait"
)

func TestAccepted_OnlyPhotos(t *testing.T) {
	t.Parallel()
	for typ, want := range map[string]bool{
		objects.TypeJPEG: true, objects.TypePNG: true, objects.TypeWebP: true,
		objects.TypePDF: false, objects.TypeZip: false, "image/gif": false, "text/plain; charset=utf-8": false,
	} {
		require.Equal(t, want, portrait.Accepted(typ), typ)
	}
}
