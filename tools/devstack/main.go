// Command devstack runs the whole system on one machine with no Docker: the embedded
// MongoDB-wire, Kafka and S3 servers in one process, then the gateway and the five services
// as separate processes pointed at them. It seeds the demo county on first start, prints the
// console URL and the demo accounts, and stops everything on Ctrl-C. State persists in the
// data directory; --reset starts over.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	var o options
	flag.StringVar(&o.data, "data", ".dundian/devstack", "data directory (state survives restarts)")
	flag.StringVar(&o.addr, "addr", "127.0.0.1:8080", "console and API listen address")
	flag.StringVar(&o.publicAddr, "public-addr", "127.0.0.1:8090", "public pages listen address (/p/…)")
	flag.BoolVar(&o.reset, "reset", false, "delete the data directory first and seed again")
	flag.BoolVar(&o.noSeed, "no-seed", false, "do not seed the demo county")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "devstack:", err)
		os.Exit(1)
	}
}

type options struct {
	data, addr, publicAddr string
	reset, noSeed          bool
}

func run(ctx context.Context, o options) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	if !filepath.IsAbs(o.data) {
		o.data = filepath.Join(root, o.data)
	}
	if o.reset {
		step("removing %s", o.data)
		if err := os.RemoveAll(o.data); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(o.data, "logs"), 0o755); err != nil {
		return err
	}
	secrets, err := loadSecrets(o.data)
	if err != nil {
		return err
	}

	started := time.Now()
	bins, err := build(ctx, root, o.data)
	if err != nil {
		return err
	}
	sys, err := start(ctx, o, bins, secrets)
	defer sys.stop()
	if err != nil {
		return err
	}
	step("everything is ready in %s", time.Since(started).Round(100*time.Millisecond))

	if !o.noSeed {
		if err := seed(ctx, o, root, secrets); err != nil {
			return err
		}
	}
	printWelcome(o, secrets)
	<-ctx.Done()
	fmt.Println()
	step("stopping…")
	return nil
}

// step prints one line of progress, so a start-up is never silent.
func step(format string, a ...any) {
	fmt.Printf("[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, a...))
}
