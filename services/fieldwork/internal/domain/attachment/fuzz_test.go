package attachment_test

import (
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/objects"
	"dundian.local/services/fieldwork/internal/domain/attachment"
)

var allowedTypes = []string{objects.TypeJPEG, objects.TypePNG, objects.TypeWebP, objects.TypePDF}

// FuzzCleanName: whatever name an upload arrives with, the stored name is one plain file name
// — no directory, no control or reserved characters, at most 120 characters before the
// extension — ending in the extension of the type the content was sniffed as.
func FuzzCleanName(f *testing.F) {
	for _, seed := range []string{
		"照片.jpg", "../../etc/passwd", `..\..\windows\system32\x.dll`, "a/b/c.png", "", ".", "..", "/", " ",
		"name\x00.pdf", "evil.html", "x.jpg.exe", strings.Repeat("长", 300) + ".png", "\u202egnp.exe", "con:aux?*<>|\"",
		"...", "..../", "a/...",
	} {
		for _, typ := range allowedTypes {
			f.Add(seed, typ)
		}
	}
	f.Add("...", "application/octet-stream") // once came back as ".."
	f.Fuzz(func(t *testing.T, name, typ string) {
		got := attachment.CleanName(name, typ)
		require.NotEmpty(t, got)
		require.True(t, utf8.ValidString(got) || !utf8.ValidString(name), "%q from %q", got, name)
		require.NotContains(t, got, "/")
		require.NotContains(t, got, `\`)
		ext := map[string]string{objects.TypeJPEG: ".jpg", objects.TypePNG: ".png", objects.TypeWebP: ".webp", objects.TypePDF: ".pdf"}[typ]
		require.NotContains(t, []string{".", ".."}, strings.TrimSuffix(got, ext), "a name that is a path element")
		for _, r := range got {
			require.False(t, r < 0x20 || r == 0x7f || strings.ContainsRune(`"/\:*?<>|`, r), "%q keeps %q", got, r)
		}
		require.True(t, strings.HasSuffix(got, ext))
		require.LessOrEqual(t, utf8.RuneCountInString(strings.TrimSuffix(got, ext)), 120)
	})
}

// FuzzReadEvidence: an EXIF block from an upload is read or ignored, never a panic, without
// allocating more than a few megabytes, and what is read is a plausible position.
func FuzzReadEvidence(f *testing.F) {
	// Once cost 8 GB: a tag declaring a billion values in a 30-byte block.
	f.Add([]byte("II*\x00\b\x00\x00\x000000\x04\x00\x01\x00\x00@00000000"))
	// Two directories that point at each other, plainly and through a negative tag count.
	f.Add([]byte("II*\x00\x08\x00\x00\x00\x00\x00\x0e\x00\x00\x00\x00\x00\x08\x00\x00\x00"))
	f.Add([]byte("II*\x00\b\x00\x00\x00\x00\x00\x0e\x00\x00\x00\xe5\xff\b\x00\x00\x00"))
	f.Add([]byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x32\x00\x02\x00\x00\x00\x14\x00\x00\x00\x1a\x00\x00\x00\x002026:05:01 08:00:00\x00"))
	f.Add([]byte("Exif\x00\x00II\x2a\x00\x08\x00\x00\x00\xff\xff"))
	f.Add([]byte("II\x2a\x00\x08\x00\x00\x00\x01\x00\x25\x88\x04\x00\x01\x00\x00\x00\xff\xff\xff\x7f\x00\x00\x00\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, block []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ev := attachment.ReadEvidence(block)
		runtime.ReadMemStats(&after)
		require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(16<<20), "reading %d bytes of EXIF", len(block))
		if ev == nil {
			return
		}
		if ev.Lat != nil {
			require.True(t, *ev.Lat >= -90 && *ev.Lat <= 90, "%v", *ev.Lat)
		}
		if ev.Lng != nil {
			require.True(t, *ev.Lng >= -180 && *ev.Lng <= 180, "%v", *ev.Lng)
		}
	})
}
