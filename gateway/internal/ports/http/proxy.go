package http

import (
	"context"
	"errors"
	"io"
	"net"
	nethttp "net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
	"dundian.local/libs/telemetry"
)

// Proxy forwards requests to the owning services. Bodies stream both ways: the request body
// is read from the client while it is sent on, and the response body is written to the
// client while it arrives, so an upload or a download of any size costs a few buffers.
// (Fiber's own proxy middleware reads both whole.)
type Proxy struct {
	upstreams map[string]*url.URL
	signer    *auth.Signer
	client    *nethttp.Client
	maxBody   int64
}

// NewProxy returns a proxy with one connection pool for every service. timeout bounds the
// wait for response headers; the body is not bounded here, so a long download is not cut.
// maxBody bounds a request body; the service applies its own, smaller limits per route.
func NewProxy(upstreams map[string]*url.URL, signer *auth.Signer, timeout time.Duration, maxBody int64) *Proxy {
	transport := &nethttp.Transport{
		Proxy:                 nil, // services are reached directly, never through HTTP_PROXY
		DialContext:           (&net.Dialer{Timeout: 3 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: timeout,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true, // pass the service's encoding through untouched
	}
	return &Proxy{
		upstreams: upstreams,
		signer:    signer,
		maxBody:   maxBody,
		client: &nethttp.Client{
			Transport: telemetry.HTTPTransport(transport),
			// A service's redirect goes back to the client as it is.
			CheckRedirect: func(*nethttp.Request, []*nethttp.Request) error { return nethttp.ErrUseLastResponse },
		},
	}
}

var (
	ErrUpstreamUnavailable = errs.Unavailable("service-unavailable",
		"the service is not reachable right now; nothing was changed, please retry shortly",
		"服务暂时无法访问，本次未作任何修改，请稍后重试")
	errUpstreamTimeout = fiber.NewError(fiber.StatusGatewayTimeout)
)

// hopHeaders are connection-level headers (RFC 9110 §7.6.1) that a proxy does not forward.
var hopHeaders = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true, "Proxy-Authorization": true,
	"Proxy-Connection": true, "Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
}

// dropRequestHeaders never reach a service: the client's credentials (the service gets the
// gateway's signed identity instead), any identity header a client made up, and what the
// gateway sets itself.
var dropRequestHeaders = map[string]bool{
	"Authorization": true, "Cookie": true, "Host": true, "Content-Length": true,
	nethttp.CanonicalHeaderKey(auth.InternalHeader):   true,
	nethttp.CanonicalHeaderKey(httpx.HeaderRequestID): true,
	"X-Forwarded-For": true, "X-Forwarded-Host": true, "X-Forwarded-Proto": true, "Forwarded": true,
	"Traceparent": true, "Tracestate": true, "Baggage": true, // the client span of this request is the parent
}

// Forward returns the handler that sends a request to owner. With identity, the verified
// principal travels as a freshly signed internal token; without, the request is anonymous
// (the public surface).
func (p *Proxy) Forward(owner string, identity bool) fiber.Handler {
	base := p.upstreams[owner]
	return func(c *fiber.Ctx) error {
		target := *base
		target.Path = strings.TrimSuffix(base.Path, "/") + c.Path()
		target.RawPath = ""
		target.RawQuery = string(c.Request().URI().QueryString())

		if int64(c.Request().Header.ContentLength()) > p.maxBody {
			return errBodyTooLarge
		}
		body := &guardedBody{r: requestBodyOrNil(c), left: p.maxBody}
		defer body.stop() // fasthttp reuses the request once the handler returns

		// The request outlives the handler (its response body is sent after it returns), so
		// it keeps the trace and values but not the handler's cancellation.
		ctx := context.WithoutCancel(c.UserContext())
		var reqBody io.Reader
		if body.r != nil {
			reqBody = body
		}
		req, err := nethttp.NewRequestWithContext(ctx, c.Method(), target.String(), reqBody)
		if err != nil {
			return err
		}
		req.ContentLength = int64(c.Request().Header.ContentLength())
		if reqBody == nil {
			req.ContentLength = 0
		} else if req.ContentLength < 0 {
			req.ContentLength = -1 // chunked from the client: chunked to the service
		}
		c.Request().Header.VisitAll(func(k, v []byte) {
			name := nethttp.CanonicalHeaderKey(string(k))
			if !hopHeaders[name] && !dropRequestHeaders[name] {
				req.Header.Add(name, string(v))
			}
		})
		if identity {
			pr, err := auth.FromContext(c.UserContext())
			if err != nil {
				return errs.ErrUnauthorized
			}
			tok, err := p.signer.Sign(pr)
			if err != nil {
				return err
			}
			req.Header.Set(auth.InternalHeader, tok)
		}
		req.Header.Set(httpx.HeaderRequestID, httpx.RequestID(c.UserContext()))
		req.Header.Set("X-Forwarded-For", c.IP())
		req.Header.Set("X-Forwarded-Host", c.Hostname())
		req.Header.Set("X-Forwarded-Proto", c.Protocol())

		resp, err := p.client.Do(req)
		if err != nil {
			return upstreamError(err)
		}
		c.Status(resp.StatusCode)
		for name, values := range resp.Header {
			if hopHeaders[name] || name == "Content-Length" || name == "Set-Cookie" {
				continue
			}
			for _, v := range values {
				c.Response().Header.Add(name, v)
			}
		}
		size := int(resp.ContentLength)
		if c.Method() == fiber.MethodHead || resp.StatusCode == fiber.StatusNoContent || resp.StatusCode == fiber.StatusNotModified {
			_ = resp.Body.Close()
			return nil
		}
		// fasthttp copies the body to the client after the handler returns and closes it.
		c.Context().SetBodyStream(resp.Body, size)
		return nil
	}
}

func requestBodyOrNil(c *fiber.Ctx) io.Reader {
	if s := c.Context().RequestBodyStream(); s != nil {
		if c.Request().Header.ContentLength() == 0 {
			return nil
		}
		return s
	}
	if b := c.Body(); len(b) > 0 {
		return strings.NewReader(string(b))
	}
	return nil
}

// upstreamError words a failed forward: the service is down or unreachable (503, retry) or
// too slow to answer (504).
func upstreamError(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errUpstreamTimeout
	}
	return httpx.RetryAfter(ErrUpstreamUnavailable, 5*time.Second)
}

// guardedBody hands the client's body stream to the HTTP client and cuts it off when the
// handler returns: the transport may still be reading from it in another goroutine, and
// fasthttp recycles the stream with the request.
// A body sent without a length is cut off at the proxy's limit, so the service sees a broken
// request rather than an endless one.
type guardedBody struct {
	mu      sync.Mutex
	r       io.Reader
	left    int64
	stopped bool
}

var errProxyBodyLimit = errors.New("request body exceeds the gateway's limit")

func (g *guardedBody) Read(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return 0, io.ErrUnexpectedEOF
	}
	if g.left <= 0 {
		return 0, errProxyBodyLimit
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	n, err := g.r.Read(p)
	g.left -= int64(n)
	return n, err
}

func (g *guardedBody) stop() {
	g.mu.Lock()
	g.stopped = true
	g.mu.Unlock()
}
