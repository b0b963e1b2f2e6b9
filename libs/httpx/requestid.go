package httpx

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
)

// HeaderRequestID carries the request id in both directions.
const HeaderRequestID = "X-Request-Id"

type requestIDKey struct{}

// RequestIDMiddleware keeps a sane incoming X-Request-Id (the gateway's, so one id follows
// the request through every service) or makes a UUIDv7, answers with it and puts it on the
// UserContext. Anything else a client sends is replaced, so ids are safe to log.
func RequestIDMiddleware() fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := c.Get(HeaderRequestID)
		if saneRequestID(id) {
			id = string([]byte(id)) // the header buffer is reused after the request
		} else {
			id = uuid.Must(uuid.NewV7()).String()
		}
		c.Set(HeaderRequestID, id)
		c.SetUserContext(WithRequestID(c.UserContext(), id))
		return c.Next()
	}
}

// WithRequestID returns a context carrying the request id (for work started from a request
// and for tests).
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id the context carries, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// saneRequestID accepts 1 to 128 characters from the set used by UUIDs, ULIDs, hex and
// base64url ids; nothing that could forge a log line or a header.
func saneRequestID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		case b == '-' || b == '_' || b == '.' || b == ':':
		default:
			return false
		}
	}
	return true
}
