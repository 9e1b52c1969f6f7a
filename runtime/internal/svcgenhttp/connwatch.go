package svcgenhttp

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// ConnLimits bound how long an HTTP/1.1 connection may stay in each phase
// of its life. Zero leaves a phase unbounded.
type ConnLimits struct {
	// Header bounds the reading of a request's headers, from its first
	// byte (from the accept, for a connection's first request) to their
	// end: http.Server's ReadHeaderTimeout.
	Header time.Duration
	// Answer bounds a request's handling, from the end of its headers to
	// the end of its answer: http.Server's WriteTimeout. The connection
	// is closed when it runs out, which also cancels the request's
	// context.
	Answer time.Duration
	// Idle bounds the wait for a kept-alive connection's next request:
	// http.Server's IdleTimeout.
	Idle time.Duration
}

// WatchConns enforces limits on the connections srv accepts from ln and
// returns the listener to serve: srv.Serve(WatchConns(srv, ln, limits)).
//
// http.Server's own timeouts do the same with deadlines on the socket,
// which cost each request three to four timer updates and as many clock
// reads, about 7 % of what a small GET costs the server in all. Here each
// connection records its phase and when it began (two atomic stores a
// request, against a clock that one goroutine advances), and that
// goroutine closes the connections that overstay, once a tick: a
// twentieth of the shortest limit, at least 50 ms and at most a second. A
// limit is enforced between its value and that plus two ticks.
//
// The phases come from srv.ConnState, which WatchConns sets (calling any
// hook already set: set srv's own first), and from the connection's
// reads. They describe HTTP/1.1, in the clear or over TLS (a tls.Listener
// over the one WatchConns returns); a connection that negotiates HTTP/2
// leaves the watch once its first request is read, so serve HTTP/2 with
// http.Server's timeouts. The watch stops when the returned listener is
// closed, as srv.Shutdown and srv.Close do.
func WatchConns(srv *http.Server, ln net.Listener, limits ConnLimits) net.Listener {
	w := &connWatch{
		Listener: ln,
		limits:   limits,
		tick:     watchTick(limits),
		conns:    make(map[*watchedConn]struct{}),
		done:     make(chan struct{}),
	}
	w.now.Store(time.Now().UnixNano())
	next := srv.ConnState
	srv.ConnState = func(c net.Conn, state http.ConnState) {
		if wc := w.watched(c, state); wc != nil {
			w.changed(wc, state)
		}
		if next != nil {
			next(c, state)
		}
	}
	go w.sweep()
	return w
}

// watchTick is how often the watch looks: a twentieth of the shortest
// limit, between 50 ms and 1 s.
func watchTick(l ConnLimits) time.Duration {
	tick := time.Second
	for _, d := range []time.Duration{l.Header, l.Answer, l.Idle} {
		if d > 0 && d/20 < tick {
			tick = d / 20
		}
	}
	return max(tick, 50*time.Millisecond)
}

// Phases of a watched connection.
const (
	phaseGone   uint64 = iota // closed or hijacked: no longer watched
	phaseHeader               // reading a request's headers
	phaseAnswer               // handling a request
	phaseIdle                 // waiting for the next request
)

type connWatch struct {
	net.Listener
	limits ConnLimits
	tick   time.Duration
	// now is the watch's clock in Unix nanoseconds: the time of its last
	// look, at most a tick behind.
	now atomic.Int64

	mu    sync.Mutex
	conns map[*watchedConn]struct{}

	closeOnce sync.Once
	done      chan struct{}
}

func (w *connWatch) Accept() (net.Conn, error) {
	c, err := w.Listener.Accept()
	if err != nil {
		return nil, err
	}
	wc := &watchedConn{Conn: c, w: w}
	wc.set(phaseHeader)
	w.mu.Lock()
	w.conns[wc] = struct{}{}
	w.mu.Unlock()
	return wc, nil
}

func (w *connWatch) Close() error {
	w.closeOnce.Do(func() { close(w.done) })
	return w.Listener.Close()
}

// watched returns the watched connection c is or wraps (a TLS listener
// over the watch's), or nil. HTTP/2 over TLS leaves the watch: its phases
// are the connection's streams', not a request's.
func (w *connWatch) watched(c net.Conn, state http.ConnState) *watchedConn {
	if wc, ok := c.(*watchedConn); ok {
		return wc
	}
	tc, ok := c.(*tls.Conn)
	if !ok {
		return nil
	}
	wc, ok := tc.NetConn().(*watchedConn)
	if !ok {
		return nil
	}
	if state == http.StateActive && tc.ConnectionState().NegotiatedProtocol == "h2" {
		w.changed(wc, http.StateClosed)
		return nil
	}
	return wc
}

func (w *connWatch) changed(c *watchedConn, state http.ConnState) {
	switch state {
	case http.StateActive: // a request's headers have been read
		c.set(phaseAnswer)
	case http.StateIdle:
		c.set(phaseIdle)
	case http.StateHijacked, http.StateClosed:
		c.set(phaseGone)
		w.mu.Lock()
		delete(w.conns, c)
		w.mu.Unlock()
	}
}

// sweep advances the clock and closes the connections over their limits
// until the listener is closed.
func (w *connWatch) sweep() {
	t := time.NewTicker(w.tick)
	defer t.Stop()
	var over []*watchedConn
	for {
		select {
		case <-w.done:
			return
		case now := <-t.C:
			over = w.look(now.UnixNano(), over[:0])
			for i, c := range over {
				c.Conn.Close() // net/http sees the error and ends the connection
				over[i] = nil
			}
		}
	}
}

// look sets the clock to now and returns the connections over their
// limits. A phase's start was recorded at most a tick early (the clock
// lags), so a connection is over when more than limit plus a tick has
// passed since.
func (w *connWatch) look(now int64, over []*watchedConn) []*watchedConn {
	w.now.Store(now)
	w.mu.Lock()
	defer w.mu.Unlock()
	for c := range w.conns {
		p := c.state.Load()
		var limit time.Duration
		switch p & 3 {
		case phaseHeader:
			limit = w.limits.Header
		case phaseAnswer:
			limit = w.limits.Answer
		case phaseIdle:
			limit = w.limits.Idle
		default:
			continue
		}
		if limit > 0 && now-int64(p>>2) > int64(limit+w.tick) {
			c.state.Store(phaseGone)
			over = append(over, c)
		}
	}
	return over
}

// watchedConn is an accepted connection with its phase: the phase in the
// low two bits of state, the watch's clock when it began above them.
type watchedConn struct {
	net.Conn
	w     *connWatch
	state atomic.Uint64
}

func (c *watchedConn) set(phase uint64) {
	c.state.Store(uint64(c.w.now.Load())<<2 | phase)
}

// Read moves an idle connection to reading headers when the next request's
// first bytes arrive.
func (c *watchedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		if p := c.state.Load(); p&3 == phaseIdle {
			c.state.CompareAndSwap(p, uint64(c.w.now.Load())<<2|phaseHeader)
		}
	}
	return n, err
}

// CloseWrite and ReadFrom keep what net/http finds on a *net.TCPConn: a
// graceful close after an error answer, and sendfile for files.
func (c *watchedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c *watchedConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}
