package httpx

import (
	"encoding/json"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
)

// DefaultBodyLimit caps a request body unless a process sets fiber.Config.BodyLimit itself
// (the gateway raises it on the upload routes' listener).
const DefaultBodyLimit = 1 << 20

// FiberConfig is the server configuration every process starts from; change fields of the
// returned value for special cases (BodyLimit, StreamRequestBody for uploads).
//
// Immutable is ON: every string Fiber hands out (params, query, headers, body) is a copy, so
// a town code kept past the handler — in a goroutine, a closure, a cache key — cannot turn
// into another request's town when fasthttp reuses its buffers. The allocations are cheap
// next to a MongoDB round trip; the bug it prevents crosses tenants.
//
// Proxy headers are not trusted (ProxyHeader empty, no trusted proxies): c.IP() is the peer.
// A process behind a known ingress may set EnableTrustedProxyCheck, TrustedProxies and
// ProxyHeader explicitly.
func FiberConfig(name string, log *slog.Logger) fiber.Config {
	return fiber.Config{
		AppName:               name,
		ErrorHandler:          ErrorHandler(log),
		BodyLimit:             DefaultBodyLimit,
		Immutable:             true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           90 * time.Second,
		ReadBufferSize:        16 << 10, // identity token + cookies fit in the headers
		DisableStartupMessage: true,
		JSONEncoder:           json.Marshal,
		JSONDecoder:           json.Unmarshal,
		ProxyHeader:           "",
		Network:               fiber.NetworkTCP, // Fiber v2 defaults to IPv4 only
	}
}
