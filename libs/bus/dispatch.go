package bus

import (
	"context"

	"dundian.local/libs/events"
)

// Dispatch routes events by type to their handlers; a consumer group reads whole topics, so
// types it does not handle are skipped (and committed) on purpose.
func Dispatch(handlers map[string]Handler) Handler {
	return func(ctx context.Context, ev events.Envelope) error {
		if h, ok := handlers[ev.Type]; ok {
			return h(ctx, ev)
		}
		return nil
	}
}
