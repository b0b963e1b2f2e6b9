package http

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLimitedReader_PassesTheLimitAndFailsOneByteMore(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		size     int
		exceeded bool
	}{{0, false}, {99, false}, {100, false}, {101, true}, {10_000, true}} {
		l := &limitedReader{r: strings.NewReader(strings.Repeat("x", tc.size)), left: 100}
		n, err := io.Copy(io.Discard, l)
		require.Equal(t, tc.exceeded, l.exceeded, "size %d", tc.size)
		if tc.exceeded {
			require.ErrorIs(t, err, errLimit)
		} else {
			require.NoError(t, err)
			require.EqualValues(t, tc.size, n)
		}
	}
}

func TestGuardedBody_StopsAtTheLimitAndAfterStop(t *testing.T) {
	t.Parallel()
	g := &guardedBody{r: strings.NewReader(strings.Repeat("y", 50)), left: 20}
	b, err := io.ReadAll(g)
	require.ErrorIs(t, err, errProxyBodyLimit)
	require.Len(t, b, 20)

	g = &guardedBody{r: strings.NewReader("abc"), left: 10}
	g.stop()
	_, err = g.Read(make([]byte, 3))
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

func TestMatches_OpenAPIPathPatterns(t *testing.T) {
	t.Parallel()
	p := "/api/v1/public/towns/{town}/communities/{community}"
	require.True(t, matches(p, "/api/v1/public/towns/130624100/communities/130624100200"))
	require.False(t, matches(p, "/api/v1/public/towns/130624100/communities"))
	require.False(t, matches(p, "/api/v1/towns/130624100/communities/130624100200"))
}

func TestClip_KeepsWholeCharacters(t *testing.T) {
	t.Parallel()
	require.Equal(t, "abc", clip("abc", 5))
	require.Equal(t, "阜", clip("阜平镇", 4), "a cut inside a character drops it")
	require.Equal(t, "阜平", clip("阜平镇", 6))
}

func TestHashedAssetNames(t *testing.T) {
	t.Parallel()
	require.True(t, hashed.MatchString("js/app.3f9a1c2b.js"))
	require.False(t, hashed.MatchString("js/app.js"))
	require.False(t, hashed.MatchString("index.html"))
}
