// Command backup exports one town — its database, its objects, its control-plane records and
// its rows in the county database — into one archive, and restores such an archive into a
// deployment:
//
//	go run ./tools/backup export -town 130624100 -out town.tar.gz
//	go run ./tools/backup restore -in town.tar.gz [-replace]
//
// It reaches MongoDB and S3 through the variables the processes read (MONGO_URI, S3_ENDPOINT,
// S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET, S3_REGION, S3_USE_SSL). docs/operations.md says
// what an archive holds and what to do after a restore.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"dundian.local/libs/objects"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"
)

// version is set at build time, as for the other binaries:
// go build -ldflags "-X main.version=$(git describe --always --dirty)" ./tools/backup
var version = "devel"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "backup:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  backup export -town <9-digit code> -out <file.tar.gz>
  backup restore -in <file.tar.gz> [-replace]`

// run is the whole command; getenv reads the configuration, progress and messages go to log.
func run(ctx context.Context, args []string, getenv func(string) string, log io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("backup "+args[0], flag.ContinueOnError)
	fs.SetOutput(log)
	switch args[0] {
	case "export":
		town := fs.String("town", "", "the town's 9-digit division code")
		out := fs.String("out", "", "the archive to write (.tar.gz)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		code, err := tenancy.ParseTown(*town)
		if err != nil {
			return fmt.Errorf("-town: %w", err)
		}
		if *out == "" {
			return errors.New("-out is required")
		}
		return withDeployment(ctx, getenv, func(d Deployment) error {
			return exportFile(ctx, d, code, *out, NewProgress(log, "export "+code.String()))
		})
	case "restore":
		in := fs.String("in", "", "the archive to restore (.tar.gz)")
		replace := fs.Bool("replace", false, "erase and overwrite the town when the deployment has it")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *in == "" {
			return errors.New("-in is required")
		}
		return withDeployment(ctx, getenv, func(d Deployment) error {
			m, err := Restore(ctx, d, *in, RestoreOptions{Replace: *replace}, NewProgress(log, "restore "+filepath.Base(*in)))
			if err != nil {
				return err
			}
			fmt.Fprintf(log, "restored town %s as of %s: %d collections, %d documents, %d objects\n",
				m.Town, m.CreatedAt.Format("2006-01-02 15:04:05Z07:00"), m.Totals.Collections, m.Totals.Documents, m.Totals.Objects)
			return nil
		})
	}
	return errors.New(usage)
}

// exportFile writes the archive next to path first and renames it once it is complete, so that
// a failed or interrupted export never leaves a file that looks like a backup.
func exportFile(ctx context.Context, d Deployment, town tenancy.TownCode, path string, p *Progress) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	m, err := Export(ctx, d, town, tmp, p)
	if err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	p.Step("wrote %s: %d collections, %d documents, %d objects", path, m.Totals.Collections, m.Totals.Documents, m.Totals.Objects)
	return nil
}

// config is what the command reads from the environment.
type config struct {
	MongoURI string
	Objects  objects.Config
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		MongoURI: getenv("MONGO_URI"),
		Objects: objects.Config{
			Endpoint:  getenv("S3_ENDPOINT"),
			AccessKey: getenv("S3_ACCESS_KEY"),
			SecretKey: getenv("S3_SECRET_KEY"),
			Bucket:    getenv("S3_BUCKET"),
			Region:    getenv("S3_REGION"),
		},
	}
	var problems []error
	if c.MongoURI == "" {
		problems = append(problems, errors.New("MONGO_URI is required"))
	}
	if v := getenv("S3_USE_SSL"); v != "" {
		ssl, err := strconv.ParseBool(v)
		if err != nil {
			problems = append(problems, fmt.Errorf("S3_USE_SSL: %w", err))
		}
		c.Objects.UseSSL = ssl
	}
	if c.Objects.Bucket == "" {
		c.Objects.Bucket = objects.DefaultBucket
	}
	if err := c.Objects.Validate(); err != nil {
		problems = append(problems, err)
	}
	return c, errors.Join(problems...)
}

func withDeployment(ctx context.Context, getenv func(string) string, fn func(Deployment) error) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	mc, err := store.Connect(cfg.MongoURI, store.Options{AppName: "dundian-backup"})
	if err != nil {
		return err
	}
	defer func() { _ = mc.Close(context.WithoutCancel(ctx)) }()
	obj, err := objects.New(cfg.Objects)
	if err != nil {
		return err
	}
	return fn(Deployment{Mongo: mc, Objects: obj})
}
