package auth

import (
	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Errors of the tenant check.
var (
	ErrInvalidTown = errs.Invalid("invalid-town",
		"a town code has exactly 9 digits", "乡镇代码应为 9 位数字")
	// ErrTownNotFound answers for a town the caller may not see, exactly as for one that does
	// not exist, so a town's existence is not revealed.
	ErrTownNotFound = errs.NotFound("town-not-found", "no such town", "找不到该乡镇")
)

// Middleware verifies the identity token in InternalHeader and puts the principal on the
// request's UserContext. A missing or bad token is errs.ErrUnauthorized (401).
func Middleware(v *Verifier) fiber.Handler {
	return func(c *fiber.Ctx) error {
		tok := c.Get(InternalHeader)
		if tok == "" {
			return errs.ErrUnauthorized
		}
		p, err := v.Verify(tok)
		if err != nil {
			return err
		}
		c.SetUserContext(WithPrincipal(c.UserContext(), p))
		return c.Next()
	}
}

// RequireRoles lets the request through only if the principal holds one of roles
// (errs.ErrForbidden, 403, otherwise). Mount it after Middleware.
func RequireRoles(roles ...Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := FromContext(c.UserContext())
		if err != nil {
			return errs.ErrUnauthorized
		}
		if !p.Has(roles...) {
			return errs.ErrForbidden
		}
		return c.Next()
	}
}

// TownParam takes the town from the route parameter param, checks that the principal may
// act in it and puts it on the UserContext (tenancy.WithTown), where the store finds it.
// A malformed code is 400; a town the caller may not see is 404 ErrTownNotFound. Mount it
// after Middleware.
func TownParam(param string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := FromContext(c.UserContext())
		if err != nil {
			return errs.ErrUnauthorized
		}
		town, err := tenancy.ParseTown(c.Params(param))
		if err != nil {
			return ErrInvalidTown
		}
		if !p.CanAccessTown(town) {
			return ErrTownNotFound
		}
		c.SetUserContext(tenancy.WithTown(c.UserContext(), town))
		return c.Next()
	}
}
