package svcgenhttp

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ConnLimits bound how long an HTTP/1.1 connection may stay in each phase
// of its life. Zero leaves a phase unbounded.
type ConnLimits struct {
	// Header bounds the reading of a request's headers, from its first
	// byte (from the accept, for a connection's first request) to their
	// end: http.Server's ReadHeaderTimeout.
	Header time.Duration
	// Body bounds the reading of a request's body, from the end of its
	// headers: past it the handler's read fails (os.ErrDeadlineExceeded,
	// which the server answers 408) and the connection is closed after
	// the answer. It takes the place of Options.BodyTimeout, which would
	// cost each request with a body a timer of its own. It counts only for
	// requests served by a Server (ServeHTTP starts the body's phase).
	Body time.Duration
	// Answer bounds a request's handling, from the end of its headers to
	// the end of its answer: http.Server's WriteTimeout. The connection
	// is closed when it runs out, which also cancels the request's
	// context.
	Answer time.Duration
	// Idle bounds the wait for a kept-alive connection's next request:
	// http.Server's IdleTimeout.
	Idle time.Duration
	// Metrics, when set, receives http_connections_limited_total, by
	// limit (header, body, answer, idle): the connections each limit
	// closed, and for body the requests answered 408.
	Metrics prometheus.Registerer
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
// limit is enforced between its value and that plus two ticks. A body
// that overstays is not closed on but given a read deadline in the past,
// so that the server can still answer 408.
//
// The phases come from srv.ConnState and srv.ConnContext, which WatchConns
// sets (calling any hooks already set: set srv's own first), from the
// connection's reads and deadlines, and from Server.ServeHTTP. The
// connection also skips clearing a read or write deadline that is not
// set: net/http clears the read deadline five times a request and the
// write deadline once, each a lock and a timer update in the runtime's
// poller, and all but one of them find nothing set.
//
// The phases describe HTTP/1.1, in the clear or over TLS (a tls.Listener
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
	if limits.Metrics != nil {
		limited := register(limits.Metrics, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_connections_limited_total",
			Help: "Connections closed for overstaying a limit (header, answer, idle), and requests answered 408 for a late body (body).",
		}, []string{"limit"}))
		for i, name := range limitNames {
			w.limited[i] = limited.WithLabelValues(name)
		}
	}
	next := srv.ConnState
	srv.ConnState = func(c net.Conn, state http.ConnState) {
		if wc := w.watched(c, state); wc != nil {
			w.changed(wc, state)
		}
		if next != nil {
			next(c, state)
		}
	}
	nextContext := srv.ConnContext
	srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if nextContext != nil {
			ctx = nextContext(ctx, c)
		}
		if wc := w.watched(c, http.StateNew); wc != nil {
			ctx = context.WithValue(ctx, watchedConnKey{}, wc)
		}
		return ctx
	}
	go w.sweep()
	return w
}

// watchTick is how often the watch looks: a twentieth of the shortest
// limit, between 50 ms and 1 s.
func watchTick(l ConnLimits) time.Duration {
	tick := time.Second
	for _, d := range []time.Duration{l.Header, l.Body, l.Answer, l.Idle} {
		if d > 0 && d/20 < tick {
			tick = d / 20
		}
	}
	return max(tick, 50*time.Millisecond)
}

// Phases of a watched connection.
const (
	phaseGone     uint64 = iota // closed or hijacked: no longer watched
	phaseHeader                 // reading a request's headers
	phaseAnswer                 // handling a request
	phaseIdle                   // waiting for the next request
	phaseBody                   // handling a request, its body not yet read
	phaseBodyLate               // as phaseBody, past Body: reads fail

	phaseBits = 3
	phaseMask = 1<<phaseBits - 1
)

// The limits, as counted in http_connections_limited_total.
const (
	limitHeader = iota
	limitBody
	limitAnswer
	limitIdle
)

var limitNames = [...]string{limitHeader: "header", limitBody: "body", limitAnswer: "answer", limitIdle: "idle"}

// watchedConnKey is the key of the *watchedConn a request came on, in its
// context (ConnContext).
type watchedConnKey struct{}

type connWatch struct {
	net.Listener
	limits ConnLimits
	tick   time.Duration
	// limited counts what each limit did (ConnLimits.Metrics); nil
	// without metrics.
	limited [len(limitNames)]prometheus.Counter
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
	var over []overstay
	for {
		select {
		case <-w.done:
			return
		case now := <-t.C:
			over = w.look(now.UnixNano(), over[:0])
			for i, o := range over {
				if o.limit != limitBody {
					w.count(o.limit)
					o.c.Conn.Close() // net/http sees the error and ends the connection
				} else if o.c.bodyLate(o.phase) {
					w.count(o.limit)
				}
				over[i] = overstay{}
			}
		}
	}
}

// count adds one to what limit did, with metrics.
func (w *connWatch) count(limit int) {
	if c := w.limited[limit]; c != nil {
		c.Inc()
	}
}

// overstay is a connection past a limit, in the phase the watch saw.
type overstay struct {
	c     *watchedConn
	phase uint64
	limit int // limitHeader...
}

// look sets the clock to now and returns the connections over their
// limits. A phase's start was recorded at most a tick early (the clock
// lags), so a connection is over when more than limit plus a tick has
// passed since. A connection to close leaves the watch here; one whose
// body is late stays, to be closed if its answer is late too.
func (w *connWatch) look(now int64, over []overstay) []overstay {
	w.now.Store(now)
	w.mu.Lock()
	defer w.mu.Unlock()
	past := func(p uint64, limit time.Duration) bool {
		return limit > 0 && now-int64(p>>phaseBits) > int64(limit+w.tick)
	}
	for c := range w.conns {
		p := c.state.Load()
		var limit time.Duration
		var which int
		switch p & phaseMask {
		case phaseHeader:
			limit, which = w.limits.Header, limitHeader
		case phaseAnswer, phaseBodyLate:
			limit, which = w.limits.Answer, limitAnswer
		case phaseBody:
			if past(p, w.limits.Body) && !past(p, w.limits.Answer) {
				over = append(over, overstay{c, p, limitBody})
				continue
			}
			limit, which = w.limits.Answer, limitAnswer
		case phaseIdle:
			limit, which = w.limits.Idle, limitIdle
		default:
			continue
		}
		if past(p, limit) {
			c.state.Store(phaseGone)
			over = append(over, overstay{c, phaseGone, which})
		}
	}
	return over
}

// watchedConn is an accepted connection with its phase: the phase in the
// low phaseBits of state, the watch's clock when it began above them.
type watchedConn struct {
	net.Conn
	w     *connWatch
	state atomic.Uint64
	// body orders the end of a body's phase (net/http clearing the read
	// deadline once the body is read) against the watch finding it late
	// (setting one in the past), so that the deadline the connection is
	// left with is the last one asked for.
	body sync.Mutex
	// read and write are the connection's deadlines as far as they were
	// set through it.
	read, write deadline
}

func (c *watchedConn) set(phase uint64) {
	c.state.Store(uint64(c.w.now.Load())<<phaseBits | phase)
}

// Read moves an idle connection to reading headers when the next request's
// first bytes arrive.
func (c *watchedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		if p := c.state.Load(); p&phaseMask == phaseIdle {
			c.state.CompareAndSwap(p, uint64(c.w.now.Load())<<phaseBits|phaseHeader)
		}
	}
	return n, err
}

// watchBody starts the phase of a request's body, from the end of its
// headers, and reports whether the watch bounds it (ConnLimits.Body). The
// phase ends when net/http has read the body to its end and clears the
// read deadline, or with the request.
func (c *watchedConn) watchBody() bool {
	if c.w.limits.Body <= 0 {
		return false
	}
	p := c.state.Load()
	return p&phaseMask == phaseAnswer && c.state.CompareAndSwap(p, p&^phaseMask|phaseBody)
}

// bodyRead ends the phase of a request's body: net/http has read it to its
// end. A deadline the watch set meanwhile is cleared by the caller,
// SetReadDeadline, which holds c.body until then.
func (c *watchedConn) bodyRead() {
	p := c.state.Load()
	if ph := p & phaseMask; ph == phaseBody || ph == phaseBodyLate {
		c.state.CompareAndSwap(p, p&^phaseMask|phaseAnswer)
	}
}

// bodyLate fails the reads of a body still in phase (the phase the watch
// saw) with a deadline in the past, as http.Server's ReadTimeout would,
// and reports whether it did (the body may have ended meanwhile).
func (c *watchedConn) bodyLate(phase uint64) bool {
	c.body.Lock()
	defer c.body.Unlock()
	if !c.state.CompareAndSwap(phase, phase&^phaseMask|phaseBodyLate) {
		return false
	}
	_ = c.SetReadDeadline(time.Unix(1, 0))
	return true
}

// deadline follows one of a connection's deadlines, so that clearing it
// when it is not set costs nothing. sets counts the settings once the
// connection has made them; cleared is the count the last clearing read
// before it began. A clearing that finds cleared equal to sets follows
// every setting made since that clearing began: nothing is left to clear.
// (A setting still in progress is concurrent with it, so either order is
// right; two clearings storing out of order only make cleared smaller,
// which costs a clearing that was not needed.)
type deadline struct {
	sets, cleared atomic.Uint64
}

// clearing begins a clearing: the count it begins at, and whether the
// connection's deadline may be set (the clearing must reach it).
func (d *deadline) clearing() (uint64, bool) {
	n := d.sets.Load()
	return n, d.cleared.Load() != n
}

// clearedAt records a clearing begun at n, once the connection has made it
// (err nil), and returns err.
func (d *deadline) clearedAt(n uint64, err error) error {
	if err == nil {
		d.cleared.Store(n)
	}
	return err
}

// SetReadDeadline sets the connection's read deadline. A zero t from
// net/http during a body's phase means the body is read: the phase ends.
func (c *watchedConn) SetReadDeadline(t time.Time) error {
	if !t.IsZero() {
		defer c.read.sets.Add(1)
		return c.Conn.SetReadDeadline(t)
	}
	if ph := c.state.Load() & phaseMask; ph == phaseBody || ph == phaseBodyLate {
		c.body.Lock()
		defer c.body.Unlock()
		c.bodyRead()
	}
	n, needed := c.read.clearing()
	if !needed {
		return nil
	}
	return c.read.clearedAt(n, c.Conn.SetReadDeadline(t))
}

// SetWriteDeadline sets the connection's write deadline.
func (c *watchedConn) SetWriteDeadline(t time.Time) error {
	if !t.IsZero() {
		defer c.write.sets.Add(1)
		return c.Conn.SetWriteDeadline(t)
	}
	n, needed := c.write.clearing()
	if !needed {
		return nil
	}
	return c.write.clearedAt(n, c.Conn.SetWriteDeadline(t))
}

// SetDeadline sets both deadlines, through SetReadDeadline and
// SetWriteDeadline so that they are followed.
func (c *watchedConn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
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
