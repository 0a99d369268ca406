package pgledger_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// fault is where a proxy cuts the connection that runs the statement it is
// armed for.
type fault int

const (
	// cutBeforeCommit drops the statement's Bind (or Query) message and
	// closes the connection: the server never runs it.
	cutBeforeCommit fault = iota + 1
	// cutAfterCommit forwards the statement, lets the server run and
	// commit it (autocommit commits before ReadyForQuery), then drops the
	// whole reply and closes the connection.
	cutAfterCommit
)

func (f fault) String() string {
	if f == cutBeforeCommit {
		return "BeforeCommit"
	}
	return "AfterCommit"
}

// proxy is a TCP proxy between a pool and the server that speaks enough of
// the PostgreSQL wire protocol (version 3, no TLS) to find one statement and
// cut the connection that runs it, before or after the server commits it.
type proxy struct {
	ln   net.Listener
	dial func() (net.Conn, error)

	mu     sync.Mutex
	fault  fault
	prefix string        // the statement's SQL starts with it
	fired  chan struct{} // closed when the fault happened
	conns  []net.Conn
	closed bool
}

// newProxy listens on a loopback TCP port and forwards every connection to
// what dial returns; it closes when t ends.
func newProxy(t *testing.T, dial func() (net.Conn, error)) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &proxy{ln: ln, dial: dial}
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// port is the proxy's TCP port.
func (p *proxy) port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// arm makes the proxy cut, once, the first connection that runs a statement
// whose SQL starts with prefix. The returned channel closes when it has.
func (p *proxy) arm(f fault, prefix string) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault, p.prefix, p.fired = f, prefix, make(chan struct{})
	return p.fired
}

// trigger reports whether a statement with sql is the armed one, and
// disarms the proxy if so.
func (p *proxy) trigger(sql string) (fault, chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fault == 0 || !strings.HasPrefix(strings.TrimSpace(sql), p.prefix) {
		return 0, nil
	}
	f, fired := p.fault, p.fired
	p.fault = 0
	return f, fired
}

func (p *proxy) close() {
	p.mu.Lock()
	p.closed = true
	conns := p.conns
	p.mu.Unlock()
	p.ln.Close()
	for _, c := range conns {
		c.Close()
	}
}

func (p *proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns = append(p.conns, c)
	return !p.closed
}

func (p *proxy) accept() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := p.dial()
		if err != nil {
			client.Close()
			continue
		}
		if !p.track(client) || !p.track(server) {
			client.Close()
			server.Close()
			return
		}
		go p.serve(client, server)
	}
}

// serve relays one connection, message by message.
func (p *proxy) serve(client, server net.Conn) {
	var once sync.Once
	closeBoth := func() { once.Do(func() { client.Close(); server.Close() }) }
	defer closeBoth()

	dropReply := make(chan chan struct{}, 1) // the backend side drops the reply, then closes
	done := make(chan struct{})
	go func() { // server → client
		defer close(done)
		defer closeBoth()
		var dropping chan struct{}
		for {
			typ, msg, err := readMessage(server)
			if err != nil {
				return
			}
			if dropping == nil {
				select {
				case dropping = <-dropReply:
				default:
				}
			}
			if dropping != nil {
				if typ == 'Z' { // ReadyForQuery: the statement ran and committed
					close(dropping)
					return
				}
				continue
			}
			if _, err := client.Write(msg); err != nil {
				return
			}
		}
	}()

	// client → server: the startup message has no type byte.
	startup, err := readStartup(client)
	if err != nil {
		return
	}
	if _, err := server.Write(startup); err != nil {
		return
	}
	stmts := map[string]string{} // prepared statement name → SQL
	for {
		typ, msg, err := readMessage(client)
		if err != nil {
			return
		}
		sql := ""
		body := msg[5:]
		switch typ {
		case 'P': // Parse: name, query, …
			name, rest := cstring(body)
			query, _ := cstring(rest)
			stmts[name] = query
		case 'B': // Bind: portal, statement, …
			_, rest := cstring(body)
			name, _ := cstring(rest)
			sql = stmts[name]
		case 'Q': // simple Query
			sql, _ = cstring(body)
		}
		if sql != "" {
			switch f, fired := p.trigger(sql); f {
			case cutBeforeCommit:
				closeBoth()
				close(fired)
				return
			case cutAfterCommit:
				dropReply <- fired
			}
		}
		if _, err := server.Write(msg); err != nil {
			return
		}
	}
}

// readStartup reads an untyped message: a 4-byte length, then the rest.
func readStartup(r io.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n < 4 || n > 1<<20 {
		return nil, errors.New("proxy: bad startup message length")
	}
	msg := make([]byte, n)
	copy(msg, hdr[:])
	_, err := io.ReadFull(r, msg[4:])
	return msg, err
}

// readMessage reads a typed message and returns its type and all its bytes.
func readMessage(r io.Reader) (byte, []byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n < 4 || n > 1<<30 {
		return 0, nil, fmt.Errorf("proxy: bad message length %d", n)
	}
	msg := make([]byte, 1+n)
	copy(msg, hdr[:])
	_, err := io.ReadFull(r, msg[5:])
	return hdr[0], msg, err
}

// cstring splits b after its first NUL-terminated string.
func cstring(b []byte) (string, []byte) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return string(b), nil
	}
	return string(b[:i]), b[i+1:]
}
