package wireproxy

import (
	"bufio"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The proxy is exercised against FerretDB in package stack; these tests cover what FerretDB
// never does (exhaust replies) and the proxy's own mechanics.

func TestProxy_DropsTheReplyToAnUnacknowledgedWriteAndRelaysExhaustReplies(t *testing.T) {
	t.Parallel()
	unacknowledged := newOpMsg(flagMoreToCome, command("insert", "stays", "$db", town))
	find := newOpMsg(0, command("find", "stays", "$db", town))
	dropped := newOpMsg(0, command("ok", "insert"))
	first := newOpMsg(flagMoreToCome, command("cursor", "first batch"))
	last := newOpMsg(0, command("cursor", "last batch"))

	upstream := listen(t)
	go func() {
		c, err := upstream.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		// Like FerretDB: a reply to every request, moreToCome or not.
		for _, replies := range [][][]byte{{dropped}, {first, last}} {
			buf := new([]byte)
			if _, err := readMessage(r, buf); err != nil {
				return
			}
			for _, m := range replies {
				if _, err := c.Write(m); err != nil {
					return
				}
			}
		}
	}()
	p := Serve(listen(t), upstream.Addr().String(), nil)
	t.Cleanup(func() { _ = p.Close() })

	client, err := net.Dial("tcp", p.ln.Addr().String())
	require.NoError(t, err)
	defer client.Close()
	require.NoError(t, client.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = client.Write(append(append([]byte{}, unacknowledged...), find...))
	require.NoError(t, err)

	r := bufio.NewReader(client)
	for _, want := range [][]byte{first, last} {
		got, err := readMessage(r, new([]byte))
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
}

func TestProxy_CloseEndsOpenConnections(t *testing.T) {
	t.Parallel()
	upstream := listen(t)
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := upstream.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	p := Serve(listen(t), upstream.Addr().String(), nil)

	client, err := net.Dial("tcp", p.ln.Addr().String())
	require.NoError(t, err)
	defer client.Close()
	up := <-accepted
	defer up.Close()

	require.NoError(t, p.Close())
	require.NoError(t, client.SetReadDeadline(time.Now().Add(10*time.Second)))
	_, err = client.Read(make([]byte, 1))
	require.Error(t, err)
	var timeout net.Error
	require.False(t, errors.As(err, &timeout) && timeout.Timeout(), "the proxy kept the client's connection open")
}

func TestLocks_AWriteExcludesWritesToItsDatabaseOnly(t *testing.T) {
	t.Parallel()
	var l locks
	l.dbs = map[string]*sync.Mutex{}
	write := func(db string) access { return access{scope: scopeDatabase, db: db} }

	unlockA := l.lock(write("town_a"))

	require.True(t, completes(func() { l.lock(access{scope: scopeNone})() }), "a read waited for a write")
	require.True(t, completes(func() { l.lock(write("town_b"))() }), "a write to another database waited")

	secondA := make(chan struct{})
	go func() { l.lock(write("town_a"))(); close(secondA) }()
	require.False(t, closedWithin(secondA, 50*time.Millisecond), "two writes to one database ran together")
	// Started only now: once it waits, it holds back new database writes too.
	server := make(chan struct{})
	go func() { l.lock(access{scope: scopeServer})(); close(server) }()
	require.False(t, closedWithin(server, 50*time.Millisecond), "a server-wide write ran beside a database write")

	unlockA()
	require.True(t, closedWithin(secondA, 10*time.Second))
	require.True(t, closedWithin(server, 10*time.Second))
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	return ln
}

func completes(f func()) bool {
	done := make(chan struct{})
	go func() { f(); close(done) }()
	return closedWithin(done, 10*time.Second)
}

func closedWithin(c <-chan struct{}, d time.Duration) bool {
	select {
	case <-c:
		return true
	case <-time.After(d):
		return false
	}
}
