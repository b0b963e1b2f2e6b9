package httpx

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
)

// Headers of the Idempotency-Key protocol (draft-ietf-httpapi-idempotency-key-header).
const (
	HeaderIdempotencyKey     = "Idempotency-Key"
	HeaderIdempotentReplayed = "Idempotent-Replayed"
)

// maxIdempotencyKeyLen bounds a client's key; UUIDs and ULIDs fit with room to spare.
const maxIdempotencyKeyLen = 128

// Idempotency errors. A store returns ErrIdempotencyInFlight and ErrIdempotencyKeyReused
// (wrapped or not) from Begin; the middleware answers 409 and 422.
var (
	ErrInvalidIdempotencyKey = errs.Invalid("invalid-idempotency-key",
		"the Idempotency-Key header must be 1 to 128 visible ASCII characters",
		"Idempotency-Key 请求头应为 1 至 128 个可见 ASCII 字符")
	ErrIdempotencyInFlight = errs.Conflict("idempotency-in-flight",
		"the same request is still being processed; wait a moment and retry",
		"相同的请求正在处理中，请稍候再试")
	ErrIdempotencyKeyReused = errs.Invalid("idempotency-key-reused",
		"this Idempotency-Key was already used for a different request",
		"该 Idempotency-Key 已用于另一个不同的请求")
)

// StoredResponse is the finished answer to a request, replayed for its repeats.
type StoredResponse struct {
	Status      int
	ContentType string
	Location    string
	Body        []byte
}

// IdempotencyStore remembers requests by scoped key.
type IdempotencyStore interface {
	// Begin reserves key for a request whose body hashes to bodyHash. It returns the stored
	// response when the same request finished earlier, ErrIdempotencyInFlight while it is
	// still running, ErrIdempotencyKeyReused when the key came with another body, and
	// (nil, nil) when the caller now holds the reservation and must Finish or Abandon it.
	Begin(ctx context.Context, key string, bodyHash string) (stored *StoredResponse, err error)
	// Finish stores the response of a reserved key.
	Finish(ctx context.Context, key string, resp StoredResponse) error
	// Abandon releases a reserved key (the request failed with a 5xx), so a retry runs again.
	Abandon(ctx context.Context, key string) error
}

// Idempotency makes a POST carrying an Idempotency-Key safe to retry: the first request runs
// and its response (if below 500) is stored; a repeat with the same key and body gets the
// stored response with Idempotent-Replayed: true. POSTs without the header, and other methods,
// pass through.
//
// Keys are scoped by the caller's account, the method and the path, so mount it after
// auth.Middleware (and after auth.TownParam when the store picks the town's database).
// Anonymous callers (public forms) share one scope per path; a guessed key only replays a
// response to the very same body.
func Idempotency(store IdempotencyStore) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodPost {
			return c.Next()
		}
		raw := c.Get(HeaderIdempotencyKey)
		if raw == "" {
			return c.Next()
		}
		if !validIdempotencyKey(raw) {
			return ErrInvalidIdempotencyKey
		}
		ctx := c.UserContext()
		key := scopedKey(ctx, c.Method(), c.Path(), raw)
		sum := sha256.Sum256(c.Request().Body())
		stored, err := store.Begin(ctx, key, hex.EncodeToString(sum[:]))
		switch {
		case errors.Is(err, ErrIdempotencyKeyReused):
			return withStatus(fiber.StatusUnprocessableEntity, err)
		case err != nil:
			return err
		case stored != nil:
			return replay(c, stored)
		}

		defer func() {
			if r := recover(); r != nil {
				_ = store.Abandon(ctx, key)
				panic(r)
			}
		}()
		// Render a returned error now: the response must be final before it is stored.
		if err := c.Next(); err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = store.Abandon(ctx, key)
				return herr
			}
		}
		res := c.Response()
		if res.StatusCode() >= 500 {
			if err := store.Abandon(ctx, key); err != nil {
				slog.WarnContext(ctx, "idempotency key not released", "error", err, "request_id", RequestID(ctx))
			}
			return nil
		}
		resp := StoredResponse{
			Status:      res.StatusCode(),
			ContentType: string(res.Header.ContentType()),
			Location:    string(res.Header.Peek(fiber.HeaderLocation)),
			Body:        append([]byte(nil), res.Body()...),
		}
		if err := store.Finish(ctx, key, resp); err != nil {
			// The work is done; answering it is right. A retry will see the key in flight
			// until the reservation lapses, which is safer than running the work twice.
			slog.ErrorContext(ctx, "idempotent response not stored", "error", err, "request_id", RequestID(ctx))
		}
		return nil
	}
}

func replay(c *fiber.Ctx, s *StoredResponse) error {
	c.Status(s.Status)
	if s.ContentType != "" {
		c.Set(fiber.HeaderContentType, s.ContentType)
	}
	if s.Location != "" {
		c.Set(fiber.HeaderLocation, s.Location)
	}
	c.Set(HeaderIdempotentReplayed, "true")
	return c.Send(s.Body)
}

// scopedKey names a key within its caller, method and path. It is a hash so that any
// account id, path or key yields a fixed-length, unambiguous document id.
func scopedKey(ctx context.Context, method, path, key string) string {
	account := ""
	if p, err := auth.FromContext(ctx); err == nil {
		account = p.AccountID
	}
	h := sha256.New()
	for _, part := range []string{account, method, path, key} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func validIdempotencyKey(s string) bool {
	if len(s) == 0 || len(s) > maxIdempotencyKeyLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
