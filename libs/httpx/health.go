package httpx

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// CheckTimeout bounds each readiness check, so a hung dependency answers "timeout" well
// within a Kubernetes probe's own timeout.
const CheckTimeout = 2 * time.Second

// Health registers GET /healthz (the process is alive: always 200) and GET /readyz (every
// check passes within CheckTimeout: 200, else 503). /readyz names each check's result as
// "ok", "fail" or "timeout" and logs the failure itself; error texts stay in the log because
// they carry host names and credentials' user names.
func Health(app fiber.Router, checks map[string]func(ctx context.Context) error) {
	app.Get("/healthz", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(fiber.Map{"status": "ok"})
	})
	app.Get("/readyz", func(c *fiber.Ctx) error {
		results := runChecks(c.UserContext(), checks)
		status, code := "ok", fiber.StatusOK
		for _, r := range results {
			if r != "ok" {
				status, code = "unavailable", fiber.StatusServiceUnavailable
			}
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Status(code).JSON(fiber.Map{"status": status, "checks": results})
	})
}

// runChecks runs the checks concurrently. A check that ignores its context is left behind
// after CheckTimeout rather than holding the probe.
func runChecks(ctx context.Context, checks map[string]func(ctx context.Context) error) map[string]string {
	results := make(map[string]string, len(checks))
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for name, check := range checks {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, CheckTimeout)
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- check(cctx) }()
			var err error
			select {
			case err = <-done:
			case <-cctx.Done():
				err = cctx.Err()
			}
			r := "ok"
			switch {
			case err == nil:
			case errors.Is(err, context.DeadlineExceeded):
				r = "timeout"
			default:
				r = "fail"
			}
			if err != nil {
				slog.WarnContext(ctx, "readiness check failed", "check", name, "error", err)
			}
			mu.Lock()
			results[name] = r
			mu.Unlock()
		})
	}
	wg.Wait()
	return results
}
