package stack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/versity/versitygw/backend/meta"
	"github.com/versity/versitygw/backend/posix"
	"github.com/versity/versitygw/embedgw"
	"github.com/versity/versitygw/s3api"
)

type s3Config struct {
	root, metaDir        string
	addr                 string
	accessKey, secretKey string
	bucket               string
}

type s3Server struct {
	endpoint string
	close    func() error
}

// s3StartTimeout bounds the wait for the gateway's listener; it binds within milliseconds.
const s3StartTimeout = 30 * time.Second

// startS3 runs the Versity S3 gateway on a POSIX directory and makes sure the bucket exists.
func startS3(ctx context.Context, cfg s3Config) (*s3Server, error) {
	// The gateway cannot report the port it bound, so a free one is chosen here. Another process
	// can take it in between; then the gateway fails to bind and a new port is tried.
	const attempts = 3
	var err error
	for range attempts {
		var addr string
		var chosen bool
		addr, chosen, err = resolvePort(cfg.addr)
		if err != nil {
			return nil, fmt.Errorf("stack: s3: %w", err)
		}
		var srv *s3Server
		srv, err = runGateway(cfg, addr)
		if err == nil {
			if err = ensureBucket(ctx, srv.endpoint, cfg); err != nil {
				_ = srv.close()
				return nil, fmt.Errorf("stack: s3: bucket %q: %w", cfg.bucket, err)
			}
			return srv, nil
		}
		if !chosen {
			break
		}
	}
	return nil, fmt.Errorf("stack: s3: %w", err)
}

func runGateway(cfg s3Config, addr string) (*s3Server, error) {
	be, err := newBackend(cfg.root, cfg.metaDir)
	if err != nil {
		return nil, err
	}

	ctx, cancel := context.WithCancel(context.Background())
	listening := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- embedgw.RunVersityGW(ctx, be, &embedgw.Config{
			RootUserAccess: cfg.accessKey,
			RootUserSecret: cfg.secretKey,
			Ports:          []string{addr},
			// The gateway refuses to start without these three.
			MaxConnections:    1000,
			MaxRequests:       1000,
			MultipartMaxParts: 10000,
			// Without Quiet it prints a banner and one line per request to stdout.
			Quiet:     true,
			S3Options: []s3api.Option{s3api.WithOnListen(func() { close(listening) })},
			KeepAlive: true,
		})
	}()

	select {
	case <-listening:
	case err := <-done:
		cancel()
		if err == nil {
			err = errors.New("gateway stopped before it listened")
		}
		return nil, err
	case <-time.After(s3StartTimeout):
		cancel()
		return nil, fmt.Errorf("gateway did not listen on %s within %s", addr, s3StartTimeout)
	}

	return &s3Server{
		endpoint: addr,
		close: func() error {
			cancel()
			return <-done
		},
	}, nil
}

// newBackend keeps object metadata in extended attributes where the file system has them
// (ext4, xfs) and in a side directory where it does not (older tmpfs).
func newBackend(root, metaDir string) (*posix.Posix, error) {
	if err := (meta.XattrMeta{}).Test(root); err == nil {
		return posix.New(root, meta.XattrMeta{}, posix.PosixOpts{})
	}
	if err := os.MkdirAll(metaDir, 0o755); err != nil {
		return nil, err
	}
	sc, err := meta.NewSideCar(metaDir)
	if err != nil {
		return nil, err
	}
	return posix.New(root, sc, posix.PosixOpts{SideCarDir: metaDir})
}

// resolvePort turns a port 0 into a concrete free port and reports whether it did.
func resolvePort(addr string) (resolved string, chosen bool, err error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", false, err
	}
	if port != "0" && port != "" {
		return addr, false, nil
	}
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", false, err
	}
	resolved = l.Addr().String()
	return resolved, true, l.Close()
}

// ensureBucket creates the bucket through the S3 API, as any client would, so that the gateway
// records its owner and ACL the usual way.
func ensureBucket(ctx context.Context, endpoint string, cfg s3Config) error {
	mc, err := minio.New(endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.accessKey, cfg.secretKey, ""),
		Secure: false,
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s3StartTimeout)
	defer cancel()
	ok, err := mc.BucketExists(ctx, cfg.bucket)
	if err != nil || ok {
		return err
	}
	return mc.MakeBucket(ctx, cfg.bucket, minio.MakeBucketOptions{})
}
