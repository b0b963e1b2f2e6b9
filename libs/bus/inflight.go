package bus

import (
	"hash/fnv"
	"sync"

	"github.com/segmentio/kafka-go"
)

// inflight keeps, per partition, the fetched messages in fetch order until they are done,
// and tells which offset may be committed: that of the last message of the partition's
// done prefix. Events of different towns finish out of order; a message done after one
// still being applied waits for it, so a commit never passes an event that is not applied
// (committing a later offset silently skips an earlier one).
type inflight struct {
	mu     sync.Mutex
	queues map[partition][]*delivery
	ready  map[partition]kafka.Message // committable, not yet committed
	signal chan struct{}               // one pending wake-up for the committer
}

type partition struct {
	topic string
	id    int
}

// delivery is one fetched message on its way through a lane.
type delivery struct {
	msg  kafka.Message
	done bool
}

func newInflight() *inflight {
	return &inflight{
		queues: map[partition][]*delivery{},
		ready:  map[partition]kafka.Message{},
		signal: make(chan struct{}, 1),
	}
}

// add records a fetched message; messages must be added in fetch order.
func (f *inflight) add(msg kafka.Message) *delivery {
	d := &delivery{msg: msg}
	p := partition{msg.Topic, msg.Partition}
	f.mu.Lock()
	f.queues[p] = append(f.queues[p], d)
	f.mu.Unlock()
	return d
}

// finish marks a message applied (or dead-lettered) and advances its partition's
// committable offset past every done message at the head of the queue.
func (f *inflight) finish(d *delivery) {
	p := partition{d.msg.Topic, d.msg.Partition}
	f.mu.Lock()
	defer f.mu.Unlock()
	d.done = true
	q := f.queues[p]
	n := 0
	for n < len(q) && q[n].done {
		n++
	}
	if n == 0 {
		return
	}
	f.ready[p] = q[n-1].msg
	clear(q[:n]) // let the collector have the messages' buffers
	f.queues[p] = q[n:]
	select {
	case f.signal <- struct{}{}:
	default:
	}
}

// take returns the messages to commit now, one per partition, and forgets them.
func (f *inflight) take() []kafka.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	msgs := make([]kafka.Message, 0, len(f.ready))
	for p, m := range f.ready {
		msgs = append(msgs, m)
		delete(f.ready, p)
	}
	return msgs
}

// lane picks the lane of a message by its key (the town), so that one town's events are
// applied one after another in their order while other towns' events go alongside.
func lane(key []byte, lanes int) int {
	h := fnv.New32a()
	_, _ = h.Write(key)
	return int(h.Sum32() % uint32(lanes))
}
