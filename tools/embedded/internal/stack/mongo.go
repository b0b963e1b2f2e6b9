package stack

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"

	"github.com/FerretDB/FerretDB/ferretdb"

	"dundian.local/tools/embedded/internal/wireproxy"
)

type mongoServer struct {
	uri string
	// directURI reaches FerretDB without the proxy, for comparisons in tests only: writes sent
	// there are not atomic.
	directURI string
	close     func() error
}

// startMongo runs FerretDB with its SQLite backend (one SQLite file per database under dir) on
// an internal loopback port, and serves addr with a wireproxy in front of it: FerretDB v1's
// updates and deletes are not atomic on their own (see package wireproxy).
func startMongo(dir, addr string, log *slog.Logger) (*mongoServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("stack: mongo: %w", err)
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:    slog.New(quietWire{log.Handler()}),
		Handler:   "sqlite",
		SQLiteURL: (&url.URL{Scheme: "file", Path: dir + "/"}).String(),
	})
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("stack: mongo: %w", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx) // always nil; it returns once listeners, connections and SQLite are closed
	}()
	stop := func() {
		cancel()
		<-done
	}

	// The listener is bound in New, so FerretDB's address is known now.
	direct := f.MongoDBURI()
	u, err := url.Parse(direct)
	if err != nil {
		stop()
		_ = ln.Close()
		return nil, fmt.Errorf("stack: mongo: %w", err)
	}
	proxy := wireproxy.Serve(ln, u.Host, log)

	return &mongoServer{
		uri:       (&url.URL{Scheme: "mongodb", Host: ln.Addr().String(), Path: "/"}).String(),
		directURI: direct,
		close: func() error {
			err := proxy.Close()
			stop()
			return err
		},
	}, nil
}

// quietWire drops FerretDB's wire-message dumps. FerretDB logs the whole request and response of
// every failed command at WARN, and tests provoke failures on purpose (duplicate keys, version
// conflicts), so left alone a test run would print kilobytes of BSON for expected outcomes.
// Everything else at WARN and above passes through.
type quietWire struct{ slog.Handler }

func (h quietWire) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h quietWire) Handle(ctx context.Context, r slog.Record) error {
	for _, dump := range []string{"Response header", "Response message", "Proxy response", "Request header", "Request message", "Header diff"} {
		if strings.HasPrefix(r.Message, dump) {
			return nil
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h quietWire) WithAttrs(as []slog.Attr) slog.Handler {
	return quietWire{h.Handler.WithAttrs(as)}
}

func (h quietWire) WithGroup(name string) slog.Handler {
	return quietWire{h.Handler.WithGroup(name)}
}
