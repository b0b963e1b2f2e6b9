// Command gateway serves the console, the API and the public pages of Dundian: identity and
// the control plane itself, every other route proxied to its owning service.
package main

import (
	"context"
	"fmt"
	"os"

	"dundian.local/libs/process"

	"dundian.local/gateway/internal/service"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "gateway:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cfg, err := service.LoadConfig()
	if err != nil {
		return err
	}
	pcfg, err := process.LoadConfig("gateway")
	if err != nil {
		return err
	}
	pcfg.HTTPAddr = cfg.Addr
	p, err := process.NewWithConfig(ctx, pcfg, version)
	if err != nil {
		return err
	}
	if _, err := service.New(ctx, p, cfg); err != nil {
		return err
	}
	return p.Run(ctx)
}
