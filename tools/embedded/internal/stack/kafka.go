package stack

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

type kafkaServer struct {
	brokers string
	close   func() error
}

// startKafka runs a one-broker kfake cluster that persists its log and the groups' committed
// offsets under dir.
func startKafka(dir, addr string, log *slog.Logger) (*kafkaServer, error) {
	c, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.DataDir(dir),
		// kfake binds 127.0.0.1:<port>; listening ourselves honours the host of addr too.
		kfake.ListenFn(func(network, _ string) (net.Listener, error) { return net.Listen(network, addr) }),
		// Consumers in tests join and leave groups constantly; the broker default (6 s) would make
		// every rebalance after a crashed member that slow.
		kfake.GroupMinSessionTimeout(time.Second),
		kfake.AllowAutoTopicCreation(),
		kfake.ClusterID("dundian-embedded"),
		kfake.WithLogger(kfakeLog{log}),
	)
	if err != nil {
		return nil, fmt.Errorf("stack: kafka: %w", err)
	}
	return &kafkaServer{
		brokers: strings.Join(c.ListenAddrs(), ","),
		close: func() error {
			c.Close() // writes the state to dir
			return nil
		},
	}, nil
}

// kfakeLog passes kfake's warnings and errors to slog; its info and debug levels log every request.
type kfakeLog struct{ log *slog.Logger }

func (l kfakeLog) Logf(level kfake.LogLevel, format string, args ...any) {
	var sl slog.Level
	switch level {
	case kfake.LogLevelError:
		sl = slog.LevelError
	case kfake.LogLevelWarn:
		sl = slog.LevelWarn
	default:
		return
	}
	l.log.Log(context.Background(), sl, fmt.Sprintf(format, args...))
}
