package service_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/routes"
)

// heapPeak samples the heap in use while fn runs and returns the highest growth over the
// level before it.
func heapPeak(fn func()) uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base := m.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			var s runtime.MemStats
			runtime.ReadMemStats(&s)
			if s.HeapInuse > base && s.HeapInuse-base > peak.Load() {
				peak.Store(s.HeapInuse - base)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
	fn()
	close(done)
	wg.Wait()
	return peak.Load()
}

const bigBody = 50 << 20

// Not parallel: the heap measurement needs the process to itself.
func TestProxy_StreamsA50MBUploadAndDownloadWithoutHoldingThem(t *testing.T) {
	h := gw(t)
	town := h.newTown(t)
	_, tok := h.account(t, auth.TownAdmin, town)
	zeroSum := sha256.New()
	_, _ = io.Copy(zeroSum, io.LimitReader(zeros{}, bigBody))
	want := hex.EncodeToString(zeroSum.Sum(nil))

	for _, chunked := range []bool{false, true} {
		id := fmt.Sprintf("upload-%v-%d", chunked, time.Now().UnixNano())
		grew := heapPeak(func() {
			var body io.Reader = io.LimitReader(zeros{}, bigBody)
			if chunked {
				body = struct{ io.Reader }{body} // hides the length: sent chunked
			}
			hr, err := http.NewRequest("POST", h.url+"/api/v1/towns/"+string(town)+"/communities", body)
			require.NoError(t, err)
			if !chunked {
				hr.ContentLength = bigBody
			}
			hr.Header.Set("Authorization", "Bearer "+tok)
			hr.Header.Set("Content-Type", "application/octet-stream")
			hr.Header.Set("X-Request-Id", id)
			resp, err := h.client.Do(hr)
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
		})
		seen, ok := h.up.got(id)
		require.True(t, ok)
		require.EqualValues(t, bigBody, seen.BodySize, "chunked=%v", chunked)
		require.Equal(t, want, seen.BodySHA256, "chunked=%v", chunked)
		if chunked {
			require.True(t, seen.Chunked, "a body without length goes on chunked")
		} else {
			require.EqualValues(t, bigBody, seen.ContentLength)
		}
		t.Logf("upload chunked=%v: heap grew at most %d MiB", chunked, grew>>20)
		require.Less(t, grew, uint64(bigBody/3), "the gateway must not hold the body (chunked=%v)", chunked)
	}

	var got int64
	grew := heapPeak(func() {
		hr, err := http.NewRequest("GET", h.url+"/api/v1/towns/"+string(town)+"/communities?big=1", nil)
		require.NoError(t, err)
		hr.Header.Set("Authorization", "Bearer "+tok)
		resp, err := h.client.Do(hr)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.EqualValues(t, bigBody, resp.ContentLength)
		got, err = io.Copy(io.Discard, resp.Body)
		require.NoError(t, err)
	})
	require.EqualValues(t, bigBody, got)
	t.Logf("download: heap grew at most %d MiB", grew>>20)
	require.Less(t, grew, uint64(bigBody/3), "the gateway must not hold the response")
}

func TestProxy_BodyOverTheLimitIs413(t *testing.T) {
	t.Parallel()
	h := strict(t) // 1 MiB
	town := h.newTown(t)
	_, tok := h.account(t, auth.TownAdmin, town)
	r := h.do(t, req{method: "POST", path: "/api/v1/towns/" + string(town) + "/communities", token: tok, body: make([]byte, 2<<20)})
	require.Equal(t, http.StatusRequestEntityTooLarge, r.StatusCode)
}

func TestProxy_ServiceDown_Is503InChinese(t *testing.T) {
	t.Parallel()
	h := strict(t) // reporting is down
	_, tok := h.account(t, auth.CountyInspector, "")
	r := h.do(t, req{method: "GET", path: "/api/v1/county/comparison", token: tok})
	require.Equal(t, http.StatusServiceUnavailable, r.StatusCode)
	p := r.problem(t)
	require.Equal(t, "service-unavailable", p["code"])
	require.Contains(t, p["detail"], "服务暂时无法访问")
	require.NotEmpty(t, r.Header.Get("Retry-After"))
}

func TestRateLimit_PerClientAddress_Is429WithRetryAfter(t *testing.T) {
	t.Parallel()
	h := start(t, func(c *sConfig) { c.RatePerIP, c.BurstPerIP = 0.5, 3 })
	for range 3 {
		require.Equal(t, http.StatusUnauthorized, h.do(t, req{method: "GET", path: "/api/v1/me"}).StatusCode)
	}
	r := h.do(t, req{method: "GET", path: "/api/v1/me"})
	require.Equal(t, http.StatusTooManyRequests, r.StatusCode)
	p := r.problem(t)
	require.Equal(t, "rate-limited", p["code"])
	require.Equal(t, "请求过于频繁，请稍后再试", p["detail"])
	require.Equal(t, "2", r.Header.Get("Retry-After"))
}

func TestRateLimit_PerTown_DoesNotTouchOtherTowns(t *testing.T) {
	t.Parallel()
	h := strict(t) // bursts of two per town
	busy, quiet := h.newTown(t), h.newTown(t)
	_, busyTok := h.account(t, auth.Cadre, busy)
	_, quietTok := h.account(t, auth.Cadre, quiet)
	get := func(town, tok string) int {
		return h.do(t, req{method: "GET", path: "/api/v1/towns/" + town + "/communities", token: tok}).StatusCode
	}
	require.Equal(t, http.StatusOK, get(string(busy), busyTok))
	require.Equal(t, http.StatusOK, get(string(busy), busyTok))
	require.Equal(t, http.StatusTooManyRequests, get(string(busy), busyTok))
	require.Equal(t, http.StatusOK, get(string(quiet), quietTok))
	// A town role knocking on another town's door spends its own town's allowance only.
	for range 3 {
		require.Equal(t, http.StatusTooManyRequests, get(string(quiet), busyTok))
	}
	require.Equal(t, http.StatusOK, get(string(quiet), quietTok), "the other town's allowance is untouched")
}

func TestPublicListener_ServesOnlyThePublicSurface(t *testing.T) {
	t.Parallel()
	h := gw(t)
	town := h.newTown(t)
	page := h.do(t, req{method: "GET", path: "/p/" + string(town) + "/" + string(town) + "200", public: true})
	require.Equal(t, http.StatusOK, page.StatusCode, string(page.body))
	require.Equal(t, "text/html; charset=utf-8", page.Header.Get("Content-Type"))
	html := string(page.body)
	require.Contains(t, html, "城厢村&lt;script&gt;", "names are escaped")
	require.Contains(t, html, "测试镇"+string(town[5:]))
	require.Contains(t, html, "张三")
	require.Contains(t, html, `href="tel:13800000000"`)
	require.Contains(t, html, "示范点")
	require.NotContains(t, html, "<script")
	require.Contains(t, page.Header.Get("Content-Security-Policy"), "default-src 'none'")

	for name, path := range map[string]string{
		"unknown town":                "/p/999999999/999999999200",
		"community of another town":   "/p/" + string(town) + "/130624100200",
		"community the service lacks": "/p/" + string(town) + "/" + string(town) + "999",
		"not a code":                  "/p/abc/def",
		"anything else":               "/p/",
	} {
		r := h.do(t, req{method: "GET", path: path, public: true})
		require.Equal(t, http.StatusNotFound, r.StatusCode, name)
		require.Contains(t, string(r.body), "没有找到这个页面", name)
	}

	id := "public-" + string(town)
	r := h.do(t, req{method: "GET", path: "/api/v1/public/towns/" + string(town) + "/communities/" + string(town) + "200", public: true,
		header: map[string]string{"X-Request-Id": id, auth.InternalHeader: "forged"}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	seen, ok := h.up.got(id)
	require.True(t, ok)
	require.Empty(t, seen.Header.Get(auth.InternalHeader), "the public surface forwards no identity")

	for _, path := range []string{"/api/v1/towns", "/api/v1/me", "/api/v1/auth/login", "/api/v1/openapi.json", "/", "/metrics"} {
		require.Equal(t, http.StatusNotFound, h.do(t, req{method: "GET", path: path, public: true}).StatusCode, path)
	}
	require.Equal(t, http.StatusOK, h.do(t, req{method: "GET", path: "/healthz", public: true}).StatusCode)
	require.Equal(t, http.StatusNotFound, h.do(t, req{method: "GET", path: "/p/" + string(town) + "/" + string(town) + "200"}).StatusCode,
		"the intranet listener does not serve the public pages")
}

func TestConsole_IsServedWithTypesCachingCompressionAndCSP(t *testing.T) {
	t.Parallel()
	h := gw(t)
	get := func(path string, header map[string]string) response {
		return h.do(t, req{method: "GET", path: path, header: header})
	}
	index := get("/", nil)
	require.Equal(t, http.StatusOK, index.StatusCode)
	require.Equal(t, "text/html; charset=utf-8", index.Header.Get("Content-Type"))
	require.Equal(t, "no-cache", index.Header.Get("Cache-Control"))
	csp := index.Header.Get("Content-Security-Policy")
	require.Contains(t, csp, "default-src 'self'")
	require.Contains(t, csp, "frame-ancestors 'none'")
	require.NotContains(t, csp, "unsafe-inline")
	require.Contains(t, string(index.body), "蹲点")

	js := get("/js/app.js", nil)
	require.Equal(t, http.StatusOK, js.StatusCode)
	require.Equal(t, "text/javascript; charset=utf-8", js.Header.Get("Content-Type"))
	require.Equal(t, "nosniff", js.Header.Get("X-Content-Type-Options"))
	etag := js.Header.Get("ETag")
	require.NotEmpty(t, etag)
	require.Equal(t, http.StatusNotModified, get("/js/app.js", map[string]string{"If-None-Match": etag}).StatusCode)

	gz := get("/js/app.js", map[string]string{"Accept-Encoding": "gzip"})
	require.Equal(t, "gzip", gz.Header.Get("Content-Encoding"))
	require.Less(t, len(gz.body), len(js.body))

	spa := get("/towns", nil)
	require.Equal(t, http.StatusOK, spa.StatusCode, "page addresses get the console")
	require.Equal(t, string(index.body), string(spa.body))
	require.Equal(t, http.StatusNotFound, get("/missing.js", nil).StatusCode)
	require.Equal(t, http.StatusNotFound, get("/api/v1/nothing-here", nil).StatusCode)

	spec := get("/api/v1/openapi.json", nil)
	require.Equal(t, http.StatusOK, spec.StatusCode)
	for _, rt := range routes.Table {
		require.Contains(t, string(spec.body), `"`+rt.Path+`"`)
	}
	require.True(t, strings.HasPrefix(spec.Header.Get("Content-Type"), "application/json"))
}
