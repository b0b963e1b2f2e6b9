// Package wireproxy is a MongoDB-wire proxy that makes each single-document write on the
// embedded FerretDB atomic.
//
// FerretDB v1 runs update, findAndModify and delete as a read-modify-write in Go: it queries
// the matching documents, applies the change, then writes each one back by _id, with no
// transaction or lock around the three steps. Two concurrent writes to one document therefore
// lose one of them, and a guarded filter such as {_id: x, rev: 3} matches for both. MongoDB
// makes every single-document write atomic, and Dundian relies on it (the outbox's guarded
// pushes and pulls, optimistic concurrency on read models).
//
// The proxy reads each request whole, and a write waits until no other write to the same
// database is running; it holds that lock until FerretDB's reply has been read back. Reads take
// no lock: FerretDB writes each document with a single SQL statement, so a read sees a document
// before or after a write, never half of one. Each client connection gets its own goroutine and
// its own connection to FerretDB, and requests are relayed one at a time, as drivers send them.
package wireproxy

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Proxy relays MongoDB wire messages between the clients of a listener and an upstream server.
type Proxy struct {
	ln       net.Listener
	upstream string
	log      *slog.Logger
	locks    locks

	mu     sync.Mutex
	conns  map[net.Conn]struct{} // open client and upstream connections, closed by Close
	closed bool
	wg     sync.WaitGroup
}

// Serve relays the connections that ln accepts to the server at upstream (host:port) until
// Close. log receives connection failures; nil discards them.
func Serve(ln net.Listener, upstream string, log *slog.Logger) *Proxy {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Proxy{ln: ln, upstream: upstream, log: log, conns: map[net.Conn]struct{}{}}
	p.locks.dbs = map[string]*sync.Mutex{}
	p.wg.Go(p.accept)
	return p
}

// Close stops accepting, closes every open connection and waits for their goroutines.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	err := p.ln.Close()
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			// Running out of file descriptors, for one, passes; retry as net/http does.
			p.log.Warn("mongo proxy: accept", "err", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if !p.track(c) {
			return
		}
		p.wg.Go(func() { p.serve(c) })
	}
}

// track registers c so that Close can close it; it closes c and reports false once the proxy
// is closed.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		_ = c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) release(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	_ = c.Close()
}

func (p *Proxy) serve(client net.Conn) {
	defer p.release(client)
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		p.log.Warn("mongo proxy: connecting to FerretDB", "err", err)
		return
	}
	if !p.track(up) {
		return
	}
	defer p.release(up)

	s := session{
		client:       client,
		upstream:     up,
		fromClient:   bufio.NewReaderSize(client, readBufferSize),
		fromUpstream: bufio.NewReaderSize(up, readBufferSize),
	}
	for {
		buf := buffers.Get().(*[]byte)
		err := p.roundTrip(&s, buf)
		if cap(*buf) <= maxPooledBuffer {
			buffers.Put(buf)
		}
		if err != nil {
			// A peer that hangs up, or Close, ends the session quietly; a corrupt stream does not.
			if errors.Is(err, errBadLength) {
				p.log.Warn("mongo proxy: closing connection", "err", err)
			}
			return
		}
	}
}

const (
	readBufferSize = 16 << 10
	// maxPooledBuffer keeps the buffer of one large insert from staying in the pool.
	maxPooledBuffer = 1 << 20
)

var buffers = sync.Pool{New: func() any {
	b := make([]byte, 0, readBufferSize)
	return &b
}}

type session struct {
	client, upstream         net.Conn
	fromClient, fromUpstream *bufio.Reader
}

// roundTrip relays one request and its replies, holding the request's lock until the last reply
// is in hand.
func (p *Proxy) roundTrip(s *session, buf *[]byte) error {
	req, err := readMessage(s.fromClient, buf)
	if err != nil {
		return err
	}
	a := classify(req)
	unlock := p.locks.lock(a)
	locked := true
	defer func() {
		if locked {
			unlock()
		}
	}()

	if _, err := s.upstream.Write(req); err != nil {
		return err
	}
	for {
		res, err := readMessage(s.fromUpstream, buf)
		if err != nil {
			return err
		}
		if a.noReply {
			// FerretDB v1 answers every request, moreToCome or not (an unacknowledged write, for
			// one). The client reads no reply, so the proxy drops it; waiting for it also keeps
			// the write inside its lock.
			return nil
		}
		more := moreToCome(res)
		if !more {
			// The write is done once its reply is here; the client's reading is not our concern.
			unlock()
			locked = false
		}
		if _, err := s.client.Write(res); err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
}

var errBadLength = errors.New("wireproxy: bad message length")

// readMessage reads one whole wire message into *buf, growing it when needed.
func readMessage(r *bufio.Reader, buf *[]byte) ([]byte, error) {
	head, err := r.Peek(4)
	if err != nil {
		return nil, err
	}
	n := int(int32(binary.LittleEndian.Uint32(head)))
	if n < headerLen || n > maxMessageLen {
		return nil, fmt.Errorf("%w: %d", errBadLength, n)
	}
	if cap(*buf) < n {
		*buf = make([]byte, n)
	}
	msg := (*buf)[:n]
	if _, err := io.ReadFull(r, msg); err != nil {
		return nil, err
	}
	return msg, nil
}

// moreToCome reports whether a reply is an OP_MSG that another reply follows (an exhaust cursor).
func moreToCome(msg []byte) bool {
	return len(msg) >= headerLen+4 &&
		binary.LittleEndian.Uint32(msg[12:16]) == opMsg &&
		binary.LittleEndian.Uint32(msg[headerLen:])&flagMoreToCome != 0
}

// locks holds one mutex per database, under a server-wide lock that the database locks share.
type locks struct {
	server sync.RWMutex
	mu     sync.Mutex
	dbs    map[string]*sync.Mutex
}

func (l *locks) lock(a access) (unlock func()) {
	switch a.scope {
	case scopeNone:
		return func() {}
	case scopeDatabase:
		l.server.RLock()
		l.mu.Lock()
		m := l.dbs[a.db]
		if m == nil {
			m = new(sync.Mutex)
			l.dbs[a.db] = m
		}
		l.mu.Unlock()
		m.Lock()
		return func() {
			m.Unlock()
			l.server.RUnlock()
		}
	default:
		l.server.Lock()
		return l.server.Unlock
	}
}
