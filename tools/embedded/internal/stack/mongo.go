package stack

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/FerretDB/FerretDB/ferretdb"
)

type mongoServer struct {
	uri   string
	close func() error
}

// startMongo runs FerretDB with its SQLite backend: one SQLite file per database under dir.
func startMongo(dir, addr string, log *slog.Logger) (*mongoServer, error) {
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Logger:    slog.New(quietWire{log.Handler()}),
		Handler:   "sqlite",
		SQLiteURL: (&url.URL{Scheme: "file", Path: dir + "/"}).String(),
	})
	if err != nil {
		return nil, fmt.Errorf("stack: mongo: %w", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx) // always nil; it returns once listeners, connections and SQLite are closed
	}()

	return &mongoServer{
		// The listener is bound in New, so the URI is known now.
		uri: f.MongoDBURI(),
		close: func() error {
			cancel()
			<-done
			return nil
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
