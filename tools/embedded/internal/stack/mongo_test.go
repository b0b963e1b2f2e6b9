package stack

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestQuietWire_DropsWireDumpsAndKeepsOtherWarnings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		level   slog.Level
		message string
		kept    bool
	}{
		{slog.LevelWarn, "Response header: length: 245, id: 7", false},
		{slog.LevelWarn, "Response message:\n{\"$k\": [\"ok\"]}", false},
		{slog.LevelError, "Response message:\n{\"$k\": [\"ok\"]}", false},
		{slog.LevelDebug, "Request message:\n{}", false},
		{slog.LevelWarn, "Failed to sync file", true},
		{slog.LevelError, "listener stopped", true},
		{slog.LevelInfo, "Listening on 127.0.0.1:27017", false},
	} {
		var buf bytes.Buffer
		log := slog.New(quietWire{slog.NewTextHandler(&buf, nil)})
		log.Log(context.Background(), tc.level, tc.message)
		require.Equal(t, tc.kept, buf.Len() > 0, tc.message)
	}
}
