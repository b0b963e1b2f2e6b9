// Command embedded runs, in one process, the stand-ins for the three servers Dundian needs:
// a MongoDB-wire server (FerretDB on SQLite), a Kafka broker (kfake) and an S3 server (Versity
// S3 gateway on a POSIX directory), all keeping their data under --data.
//
// When the three listen it prints exactly one JSON line to stdout (see stack.Endpoints); every
// log line goes to stderr. SIGTERM or SIGINT stops it cleanly, as does the end of standard input
// when started with --exit-on-stdin-eof.
//
// It is its own module, outside go.work, so that the servers' dependencies never enter the
// product's build list; libs/embedstack builds and starts it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"dundian.local/tools/embedded/internal/stack"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "embedded:", err)
		os.Exit(1)
	}
}

func run() error {
	var cfg stack.Config
	var exitOnEOF bool
	flag.StringVar(&cfg.DataDir, "data", "", "directory for the servers' data (required)")
	flag.StringVar(&cfg.MongoAddr, "mongo-addr", stack.DefaultAddr, "MongoDB-wire listen address")
	flag.StringVar(&cfg.KafkaAddr, "kafka-addr", stack.DefaultAddr, "Kafka listen address")
	flag.StringVar(&cfg.S3Addr, "s3-addr", stack.DefaultAddr, "S3 listen address")
	flag.StringVar(&cfg.S3AccessKey, "s3-access-key", stack.DefaultAccessKey, "S3 access key")
	flag.StringVar(&cfg.S3SecretKey, "s3-secret-key", stack.DefaultSecretKey, "S3 secret key")
	flag.StringVar(&cfg.Bucket, "bucket", stack.DefaultBucket, "S3 bucket created at start if missing")
	flag.BoolVar(&exitOnEOF, "exit-on-stdin-eof", false, "stop when standard input closes")
	flag.Parse()
	if cfg.DataDir == "" {
		flag.Usage()
		return fmt.Errorf("--data is required")
	}

	// stdout carries the ready line and nothing else: the libraries inside print to os.Stdout
	// (the S3 gateway's notices, for one), so they get stderr instead.
	ready := os.Stdout
	os.Stdout = os.Stderr

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg.Log = log

	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The signals stay caught until run returns: a SIGTERM that arrives while we are already
	// shutting down must not kill the process before kfake has written its state.
	ctx, stop := signal.NotifyContext(parent, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if exitOnEOF {
		// A parent that dies closes our stdin; without this the stack would outlive it.
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			cancel()
		}()
	}

	start := time.Now()
	s, err := stack.Start(ctx, cfg)
	if err != nil {
		return err
	}
	line, err := json.Marshal(s.Endpoints)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(ready, "%s\n", line); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "embedded: ready in %s (data %s)\n", time.Since(start).Round(time.Millisecond), cfg.DataDir)

	<-ctx.Done()
	return s.Close()
}
