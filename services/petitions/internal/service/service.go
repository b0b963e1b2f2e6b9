// Package service wires petitions together; main and the component tests share it.
package service

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/process"
	"dundian.local/libs/routes"
	"dundian.local/services/petitions/internal/adapters"
)

// Name is the service's name, collection prefix and consumer group.
const Name = "petitions"

// Start builds petitions on a process: its routes of the table and the preparation of every
// new town's collections.
func Start(ctx context.Context, p *process.Process) error {
	if err := routes.Mount(p.App, routes.Petitions, p.Identity(), map[string]fiber.Handler{}); err != nil {
		return err
	}
	return p.PrepareTowns(Name, adapters.Collections, adapters.Indexes)
}
