// Package objects keeps attachments in one S3 bucket (MinIO, the Versity S3 gateway or any
// other S3-compatible server) under keys `<town>/<service>/<entity>/<id>`.
//
// The town part of a key comes from the context, never from a free string: every operation on
// one object refuses a key whose town is not the town the context carries, so a handler that
// mixed up an id cannot read, overwrite or hand out another town's file. Downloads are
// short-lived presigned URLs; the caller issues one only after the same authorisation check as
// the record the file belongs to.
package objects

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"

	"dundian.local/libs/errs"
)

// Config says where the object store is. The caller reads it from S3_ENDPOINT, S3_ACCESS_KEY,
// S3_SECRET_KEY, S3_BUCKET, S3_REGION, S3_USE_SSL and S3_PUBLIC_ENDPOINT.
type Config struct {
	// Endpoint is the server as this process reaches it: "host:port", or a URL whose http or
	// https scheme then decides TLS instead of UseSSL.
	Endpoint  string
	AccessKey string
	SecretKey string
	Bucket    string // default "dundian"
	Region    string // default "us-east-1"
	UseSSL    bool
	// PublicEndpoint is the server as browsers reach it, when that differs from Endpoint (an
	// ingress in front of an in-cluster service). Presigned URLs are signed for this host: a
	// SigV4 signature covers the Host header, so rewriting the host of a URL signed for the
	// internal name afterwards would make every download fail with 403.
	PublicEndpoint string
}

// Defaults applied to empty Config fields.
const (
	DefaultBucket = "dundian"
	DefaultRegion = "us-east-1"
)

func (c *Config) setDefaults() {
	if c.Bucket == "" {
		c.Bucket = DefaultBucket
	}
	if c.Region == "" {
		c.Region = DefaultRegion
	}
}

// Validate names the variable behind every bad or missing value at once.
func (c Config) Validate() error {
	var problems []error
	if c.Endpoint == "" {
		problems = append(problems, errors.New("S3_ENDPOINT is required"))
	} else if _, _, err := parseEndpoint(c.Endpoint, c.UseSSL); err != nil {
		problems = append(problems, fmt.Errorf("S3_ENDPOINT: %w", err))
	}
	if c.AccessKey == "" {
		problems = append(problems, errors.New("S3_ACCESS_KEY is required"))
	}
	if c.SecretKey == "" {
		problems = append(problems, errors.New("S3_SECRET_KEY is required"))
	}
	if err := s3utils.CheckValidBucketNameStrict(c.Bucket); err != nil {
		problems = append(problems, fmt.Errorf("S3_BUCKET %q: %w", c.Bucket, err))
	}
	if c.PublicEndpoint != "" {
		if _, _, err := parseEndpoint(c.PublicEndpoint, c.UseSSL); err != nil {
			problems = append(problems, fmt.Errorf("S3_PUBLIC_ENDPOINT: %w", err))
		}
	}
	return errors.Join(problems...)
}

// parseEndpoint accepts "host:port" or "http(s)://host:port"; a scheme decides TLS.
func parseEndpoint(raw string, useSSL bool) (host string, secure bool, err error) {
	if !strings.Contains(raw, "://") {
		if raw == "" || strings.ContainsAny(raw, "/?#@ ") {
			return "", false, fmt.Errorf("%q is not host:port", raw)
		}
		return raw, useSSL, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false, err
	}
	switch u.Scheme {
	case "http":
	case "https":
		secure = true
	default:
		return "", false, fmt.Errorf("%q: scheme must be http or https", raw)
	}
	// S3 clients address the bucket themselves; a path prefix cannot be honoured.
	if u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return "", false, fmt.Errorf("%q: only a scheme, host and port are allowed", raw)
	}
	return u.Host, secure, nil
}

// Store is the process's one object-store client.
type Store struct {
	client *minio.Client
	// presigner signs download URLs for the host browsers use; it is client itself when
	// there is no separate public endpoint. It never sends a request: the region is fixed,
	// so no bucket-location lookup is needed.
	presigner *minio.Client
	bucket    string
	region    string
}

// New builds the client; it does not contact the server, so a process can start while the
// store is still coming up and report it on /readyz through Ping.
func New(cfg Config) (*Store, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	client, err := newClient(cfg, cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	s := &Store{client: client, presigner: client, bucket: cfg.Bucket, region: cfg.Region}
	if cfg.PublicEndpoint != "" {
		if s.presigner, err = newClient(cfg, cfg.PublicEndpoint); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func newClient(cfg Config, endpoint string) (*minio.Client, error) {
	host, secure, err := parseEndpoint(endpoint, cfg.UseSSL)
	if err != nil {
		return nil, err
	}
	c, err := minio.New(host, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: secure,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("object store %s: %w", host, err)
	}
	return c, nil
}

// Bucket is the one bucket every object lives in.
func (s *Store) Bucket() string { return s.bucket }

// EnsureBucket creates the bucket when it does not exist yet; several processes may race to
// do it at start-up, and losing that race is fine.
func (s *Store) EnsureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return classify(fmt.Errorf("check bucket %q: %w", s.bucket, err))
	}
	if ok {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: s.region})
	switch s3Code(err) {
	case minio.BucketAlreadyOwnedByYou, minio.BucketAlreadyExists:
		return nil
	}
	if err != nil {
		return classify(fmt.Errorf("create bucket %q: %w", s.bucket, err))
	}
	return nil
}

// Ping is the readiness check: the server answers and the bucket exists.
func (s *Store) Ping(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return classify(fmt.Errorf("object store: %w", err))
	}
	if !ok {
		return fmt.Errorf("object store: bucket %q does not exist", s.bucket)
	}
	return nil
}

// classify turns the S3 errors a caller must tell apart into domain errors: a missing object
// is errs.ErrNotFound, an unreachable server errs.ErrUnavailable. Anything else stays an
// internal error with its detail for the log.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if s3Code(err) == minio.NoSuchKey {
		return fmt.Errorf("%w: %v", errs.ErrNotFound, err)
	}
	var ne net.Error // connection refused, reset, timeouts (context deadlines included)
	if errors.As(err, &ne) {
		return fmt.Errorf("%w: %v", errs.ErrUnavailable, err)
	}
	return err
}

// s3Code is the S3 error code inside err, or "".
func s3Code(err error) string {
	var r minio.ErrorResponse
	if errors.As(err, &r) {
		return r.Code
	}
	return ""
}
