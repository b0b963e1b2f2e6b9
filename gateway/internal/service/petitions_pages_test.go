package service_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPublicPetitionPages_SubmitTrackAndRate(t *testing.T) {
	t.Parallel()
	h := gw(t)
	town := h.newTown(t)
	base := "/p/" + string(town) + "/" + string(town) + "200"

	community := h.do(t, req{method: "GET", path: base, public: true})
	require.Equal(t, http.StatusOK, community.StatusCode)
	require.Contains(t, string(community.body), `href="`+string(town)+`200/submit"`, "the community page links the form")

	submit := h.do(t, req{method: "GET", path: base + "/submit", public: true})
	require.Equal(t, http.StatusOK, submit.StatusCode, string(submit.body))
	html := string(submit.body)
	require.Contains(t, html, `data-endpoint="opinions"`)
	require.Contains(t, html, `name="website"`, "the honeypot is in the form")
	require.Contains(t, html, `<script src="/p/static/petitions.js"></script>`)
	require.Contains(t, html, "城厢村&lt;script&gt;", "names are escaped")
	require.Contains(t, submit.Header.Get("Content-Security-Policy"), "script-src 'self'")
	require.NotContains(t, submit.Header.Get("Content-Security-Policy"), "unsafe")

	script := h.do(t, req{method: "GET", path: "/p/static/petitions.js", public: true})
	require.Equal(t, http.StatusOK, script.StatusCode)
	require.Contains(t, script.Header.Get("Content-Type"), "javascript")
	require.Contains(t, string(script.body), "sha256hex")
	require.NotContains(t, string(script.body), "http", "no outside host")

	track := h.do(t, req{method: "GET", path: base + "/track", public: true})
	require.Equal(t, http.StatusOK, track.StatusCode)
	require.Contains(t, string(track.body), `name="code"`)
	require.NotContains(t, string(track.body), "<script", "the status page needs no script")
	require.Equal(t, "no-store", track.Header.Get("Cache-Control"))

	rate := h.do(t, req{method: "GET", path: base + "/rate", public: true})
	require.Equal(t, http.StatusOK, rate.StatusCode, string(rate.body))

	for _, path := range []string{"/p/" + string(town) + "/130624100200/submit", "/p/" + string(town) + "/" + string(town) + "999/track"} {
		require.Equal(t, http.StatusNotFound, h.do(t, req{method: "GET", path: path, public: true}).StatusCode, path)
	}
}
