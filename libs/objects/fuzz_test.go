package objects

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// FuzzSniff: sniffing never loses or changes a byte of the upload, always names a type, and
// names one of ours only when the file starts with its signature.
func FuzzSniff(f *testing.F) {
	for _, seed := range []string{
		"", "%PDF-1.7\n", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "\xff\xd8\xff\xe0\x00\x10JFIF", "RIFF\x24\x00\x00\x00WEBPVP8 ",
		"PK\x03\x04\x14\x00", "PK\x05\x06", "<!DOCTYPE html><script>", "GIF89a/*", "MZ\x90\x00", "\xef\xbb\xbf<svg>",
		"RIFF\x00\x00\x00\x00WAVE", strings.Repeat("A", 600),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		typ, rest, err := Sniff(bytes.NewReader(b))
		require.NoError(t, err)
		require.NotEmpty(t, typ)
		got, err := io.ReadAll(rest)
		require.NoError(t, err)
		require.Equal(t, b, got, "the bytes read to sniff are replayed in order")
		want := map[string][]string{
			TypePDF: {"%PDF-"}, TypePNG: {"\x89PNG\r\n\x1a\n"}, TypeJPEG: {"\xff\xd8\xff"}, TypeZip: {"PK\x03\x04", "PK\x05\x06"},
		}
		if prefixes, ours := want[typ]; ours {
			require.True(t, hasAnyPrefix(b, prefixes), "%s without its signature: %q", typ, b)
		}
		if typ == TypeWebP {
			require.True(t, len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP")
		}
	})
}

func hasAnyPrefix(b []byte, prefixes []string) bool {
	for _, p := range prefixes {
		if bytes.HasPrefix(b, []byte(p)) {
			return true
		}
	}
	return false
}

// FuzzParseKey: an object name is accepted only as town/service/entity/id with no part that
// could climb out of its level; what is accepted prints back as the same name, and resolving
// it in another town's context answers "not found".
func FuzzParseKey(f *testing.F) {
	for _, seed := range []string{
		"130624100/fieldwork/attachment/0190f7c2-8a1e-7cc3-9b1d-2f0c4c1e9a55", "130624100/fieldwork/attachment/../x",
		"130624100/fieldwork/../attachment/x", "../130624100/fieldwork/attachment/x", "130624100//attachment/x",
		"130624100/fieldwork/attachment/x/y", "13062410/fieldwork/attachment/x", "130624100/FieldWork/attachment/x",
		"130624100/fieldwork/attachment/%2e%2e", "130624100/fieldwork/attachment/x\x00", "", "/", "130624100/a/b/.",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		k, err := parseKey(name)
		if err != nil {
			require.True(t, errors.Is(err, ErrInvalidKey), "%v", err)
			var de *errs.Error
			require.True(t, errors.As(err, &de), "a domain error: %v", err)
			return
		}
		require.Equal(t, name, k.String())
		require.Equal(t, 3, strings.Count(name, "/"))
		require.NotContains(t, name, "..")
		require.True(t, strings.HasPrefix(name, townPrefix(k.Town)))

		own := tenancy.WithTown(context.Background(), k.Town)
		got, err := objectName(own, k)
		require.NoError(t, err)
		require.Equal(t, name, got)
		other := tenancy.TownCode("999999999")
		if k.Town == other {
			other = "999999998"
		}
		_, err = objectName(tenancy.WithTown(context.Background(), other), k)
		require.ErrorIs(t, err, errs.ErrNotFound)
	})
}
