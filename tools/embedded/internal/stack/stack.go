// Package stack runs the three embedded servers that stand in for MongoDB, Kafka and S3 during
// development and tests: FerretDB on SQLite (behind a wire proxy that makes its single-document
// writes atomic, see package wireproxy), kfake and the Versity S3 gateway on a POSIX directory.
// All three keep their data under one directory, so a stack can be stopped and started again
// without losing documents, messages, committed offsets or objects.
package stack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
)

// Config says where the stack keeps its data and where it listens. An address with port 0
// (the default) lets the stack choose a free port.
type Config struct {
	DataDir string

	MongoAddr string
	KafkaAddr string
	S3Addr    string

	S3AccessKey string
	S3SecretKey string
	// Bucket is created at start when it does not exist yet.
	Bucket string

	// Log receives the servers' warnings and errors; nil discards them.
	Log *slog.Logger
}

// Defaults used when a Config field is empty.
const (
	DefaultAddr      = "127.0.0.1:0"
	DefaultAccessKey = "dundian"
	DefaultSecretKey = "dundian-secret-key"
	DefaultBucket    = "dundian"
)

// Folders under the data directory, one per server.
const (
	mongoDir = "mongo"
	kafkaDir = "kafka"
	s3Dir    = "s3"
	// S3 object metadata where the file system lacks extended attributes. Not "s3…": the
	// gateway refuses a metadata folder whose path merely starts with its root's path.
	s3MetaDir = "objmeta"
)

func (c *Config) setDefaults() {
	for _, a := range []*string{&c.MongoAddr, &c.KafkaAddr, &c.S3Addr} {
		if *a == "" {
			*a = DefaultAddr
		}
	}
	if c.S3AccessKey == "" {
		c.S3AccessKey = DefaultAccessKey
	}
	if c.S3SecretKey == "" {
		c.S3SecretKey = DefaultSecretKey
	}
	if c.Bucket == "" {
		c.Bucket = DefaultBucket
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// Endpoints is the one JSON line the binary prints when all three servers listen; libs/embedstack
// reads it, so the field names are a contract.
type Endpoints struct {
	Ready        bool   `json:"ready"`
	MongoURI     string `json:"mongoURI"`
	KafkaBrokers string `json:"kafkaBrokers"`
	S3Endpoint   string `json:"s3Endpoint"`
	S3AccessKey  string `json:"s3AccessKey"`
	S3SecretKey  string `json:"s3SecretKey"`
	Bucket       string `json:"bucket"`
}

// Stack is a running set of the three servers.
type Stack struct {
	Endpoints Endpoints

	closers   []func() error
	closeOnce sync.Once
	closeErr  error
}

// Start starts the three servers and returns once all of them accept connections and the bucket
// exists. The S3 gateway changes the process's working directory to its root, so Start makes
// every path absolute first.
func Start(ctx context.Context, cfg Config) (*Stack, error) {
	cfg.setDefaults()
	if cfg.DataDir == "" {
		return nil, errors.New("stack: a data directory is required")
	}
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("stack: data directory: %w", err)
	}
	for _, d := range []string{mongoDir, kafkaDir, s3Dir} {
		if err := os.MkdirAll(filepath.Join(dataDir, d), 0o755); err != nil {
			return nil, fmt.Errorf("stack: %w", err)
		}
	}

	s := &Stack{Endpoints: Endpoints{
		Ready:       true,
		S3AccessKey: cfg.S3AccessKey,
		S3SecretKey: cfg.S3SecretKey,
		Bucket:      cfg.Bucket,
	}}

	mongo, err := startMongo(filepath.Join(dataDir, mongoDir), cfg.MongoAddr, cfg.Log.With("server", "mongo"))
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, mongo.close)
	s.Endpoints.MongoURI = mongo.uri

	kafka, err := startKafka(filepath.Join(dataDir, kafkaDir), cfg.KafkaAddr, cfg.Log.With("server", "kafka"))
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	s.closers = append(s.closers, kafka.close)
	s.Endpoints.KafkaBrokers = kafka.brokers

	s3, err := startS3(ctx, s3Config{
		root:      filepath.Join(dataDir, s3Dir),
		metaDir:   filepath.Join(dataDir, s3MetaDir),
		addr:      cfg.S3Addr,
		accessKey: cfg.S3AccessKey,
		secretKey: cfg.S3SecretKey,
		bucket:    cfg.Bucket,
	})
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	s.closers = append(s.closers, s3.close)
	s.Endpoints.S3Endpoint = s3.endpoint

	return s, nil
}

// Close stops the three servers at once (the S3 gateway alone may wait up to 10 s for open
// connections) and returns their errors joined. kfake writes its state to the data directory here.
func (s *Stack) Close() error {
	s.closeOnce.Do(func() {
		errs := make([]error, len(s.closers))
		var wg sync.WaitGroup
		for i, c := range s.closers {
			wg.Go(func() { errs[i] = c() })
		}
		wg.Wait()
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}
