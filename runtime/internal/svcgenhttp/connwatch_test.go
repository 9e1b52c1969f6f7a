package svcgenhttp_test

import (
	"bufio"
	"errors"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/runtime/internal/svcgenhttp"
	"github.com/svcgen/svcgen/runtime/svcgen"
)

// watched serves h with limits on a loopback listener and returns its
// address.
func watched(t *testing.T, limits svcgenhttp.ConnLimits, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	wl := svcgenhttp.WatchConns(srv, ln, limits)
	go srv.Serve(wl)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// closedAfter reports how long the server took to close c, reading (and
// discarding) whatever it answers, or fails after within.
func closedAfter(t *testing.T, c net.Conn, start time.Time, within time.Duration) time.Duration {
	t.Helper()
	c.SetReadDeadline(start.Add(within))
	_, err := io.Copy(io.Discard, c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the connection is still open after %v", within)
	}
	return time.Since(start)
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })

// roundTrip sends a GET on c and reads its answer.
func roundTrip(t *testing.T, c net.Conn, br *bufio.Reader) {
	t.Helper()
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

// Headers that stop arriving get the connection closed once Header has
// passed, not before, on a new connection and on a kept-alive one alike
// (where the wait before the first byte counts as idle, not as headers).
func TestWatchConnsHeader(t *testing.T) {
	const limit = 300 * time.Millisecond
	addr := watched(t, svcgenhttp.ConnLimits{Header: limit, Idle: 10 * time.Second}, ok)

	t.Run("new connection", func(t *testing.T) {
		c := dial(t, addr)
		start := time.Now()
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n") // no end
		if took := closedAfter(t, c, start, 3*time.Second); took < limit {
			t.Errorf("closed after %v, before the limit of %v", took, limit)
		}
	})
	t.Run("kept alive", func(t *testing.T) {
		c := dial(t, addr)
		br := bufio.NewReader(c)
		roundTrip(t, c, br)
		time.Sleep(2 * limit) // idle: within its own limit
		start := time.Now()
		io.WriteString(c, "GET / HT")
		if took := closedAfter(t, c, start, 3*time.Second); took < limit {
			t.Errorf("closed after %v, before the limit of %v", took, limit)
		}
	})
}

// A kept-alive connection is closed once Idle has passed without a
// request, and requests spaced within it keep it open.
func TestWatchConnsIdle(t *testing.T) {
	const limit = 400 * time.Millisecond
	var conns atomic.Int32
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: ok, ConnState: func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}}
	go srv.Serve(svcgenhttp.WatchConns(srv, ln, svcgenhttp.ConnLimits{Header: limit, Answer: limit, Idle: limit}))
	defer srv.Close()

	c := dial(t, ln.Addr().String())
	br := bufio.NewReader(c)
	for range 6 { // 1.2 s in all: three times each limit
		roundTrip(t, c, br)
		time.Sleep(limit / 2)
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections for requests spaced within the limits, want 1 (the hook set before WatchConns runs too)", n)
	}
	start := time.Now()
	if took := closedAfter(t, c, start, 3*time.Second); took < limit/2 {
		t.Errorf("closed after %v idle (plus %v before), before the limit of %v", took, limit/2, limit)
	}
}

// A request whose handling outlasts Answer has its connection closed and
// its context cancelled.
func TestWatchConnsAnswer(t *testing.T) {
	const limit = 300 * time.Millisecond
	cancelled := make(chan time.Duration, 1)
	addr := watched(t, svcgenhttp.ConnLimits{Header: time.Second, Answer: limit}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		select {
		case <-r.Context().Done():
			cancelled <- time.Since(start)
		case <-time.After(5 * time.Second):
			cancelled <- -1
		}
	}))
	c := dial(t, addr)
	start := time.Now()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if took := closedAfter(t, c, start, 3*time.Second); took < limit {
		t.Errorf("closed after %v, before the limit of %v", took, limit)
	}
	if took := <-cancelled; took < 0 {
		t.Error("the request's context was not cancelled")
	}
}

// Without limits nothing is closed; a hijacked connection is the
// handler's, whatever the limits.
func TestWatchConnsUnbounded(t *testing.T) {
	hijacked := make(chan net.Conn, 1)
	addr := watched(t, svcgenhttp.ConnLimits{Header: 200 * time.Millisecond, Answer: 200 * time.Millisecond}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		hijacked <- c
	}))
	c := dial(t, addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	hc := <-hijacked
	defer hc.Close()
	time.Sleep(600 * time.Millisecond)
	if _, err := io.WriteString(hc, "still here"); err != nil {
		t.Fatalf("the hijacked connection was closed: %v", err)
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	got := make([]byte, len("still here"))
	if _, err := io.ReadFull(c, got); err != nil || string(got) != "still here" {
		t.Fatalf("read %q, %v from the hijacked connection", got, err)
	}

	idle := watched(t, svcgenhttp.ConnLimits{}, ok)
	c2 := dial(t, idle)
	br := bufio.NewReader(c2)
	roundTrip(t, c2, br)
	time.Sleep(300 * time.Millisecond)
	roundTrip(t, c2, br) // still open
}

// Over TLS the watch sees through the tls.Conn: a kept-alive HTTP/1.1
// connection lives past the Header limit between requests spaced within
// Idle.
func TestWatchConnsTLS(t *testing.T) {
	const limit = 300 * time.Millisecond
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(ok)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Listener = svcgenhttp.WatchConns(srv.Config, srv.Listener, svcgenhttp.ConnLimits{Header: limit, Answer: limit, Idle: 4 * limit})
	srv.StartTLS()
	defer srv.Close()

	client := srv.Client()
	for range 4 { // 1.2 s in all, four times the Header limit
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.ProtoMajor != 1 {
			t.Fatalf("answered over HTTP/%d, want HTTP/1.1", resp.ProtoMajor)
		}
		time.Sleep(limit)
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections, want 1: the watch closed a kept-alive TLS connection", n)
	}
}

// bodyServer is a Server whose POST /things reads a JSON body and answers
// 201 after pause, or 500 if the request's context was cancelled by then.
func bodyServer(pause time.Duration, opts svcgenhttp.Options) *svcgenhttp.Server {
	opts.Logger, opts.Registry = quiet, prometheus.NewRegistry()
	s := svcgenhttp.NewServer(opts)
	s.HandleOperation("POST /things", func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		if _, err := svcgenhttp.DecodeJSON(w, r, &v, svcgenhttp.BodyRules{Limit: s.Limit, Required: true}, new(svcgen.Errors)); err != nil {
			s.Fail(w, r, err)
			return
		}
		time.Sleep(pause)
		if err := svcgenhttp.Context(w, r).Err(); err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	return s
}

// post writes a request with a 10-byte body in two parts, pause apart,
// and reads the answer.
func post(t *testing.T, c net.Conn, br *bufio.Reader, pause time.Duration) *http.Response {
	t.Helper()
	io.WriteString(c, "POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"a\":")
	time.Sleep(pause)
	io.WriteString(c, "\"bc\"}")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// A body that stops arriving is answered 408 once Body has passed, and its
// connection closed; one that arrives within Body is served however long
// its handler then takes (the body's phase ends with the body: its
// context is not cancelled), and the connection is kept. Options'
// BodyTimeout does not count on a watched connection.
func TestWatchConnsBody(t *testing.T) {
	const limit = 300 * time.Millisecond
	srv := bodyServer(3*limit, svcgenhttp.Options{BodyTimeout: limit / 3})
	addr := watched(t, svcgenhttp.ConnLimits{Header: time.Second, Body: limit, Answer: 10 * limit, Idle: 10 * limit}, srv)

	c := dial(t, addr)
	start := time.Now()
	io.WriteString(c, "POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{")
	c.SetReadDeadline(start.Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	if took := time.Since(start); resp.StatusCode != http.StatusRequestTimeout || took < limit {
		t.Errorf("stalled body answered %d after %v, want 408 after %v", resp.StatusCode, took, limit)
	}
	closedAfter(t, c, start, 5*time.Second)

	c2 := dial(t, addr)
	br := bufio.NewReader(c2)
	for i := range 2 { // the second on the same connection
		if resp := post(t, c2, br, limit/2); resp.StatusCode != http.StatusCreated {
			t.Errorf("request %d: a body within the limit and a slow handler answered %d", i, resp.StatusCode)
		}
	}
}

// Without a Body limit, Options.BodyTimeout bounds the body on a watched
// connection too.
func TestWatchConnsNoBodyLimit(t *testing.T) {
	const limit = 200 * time.Millisecond
	srv := bodyServer(0, svcgenhttp.Options{BodyTimeout: limit})
	addr := watched(t, svcgenhttp.ConnLimits{Header: time.Second, Answer: 10 * limit}, srv)
	c := dial(t, addr)
	if resp := post(t, c, bufio.NewReader(c), 3*limit); resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("a body later than BodyTimeout answered %d, want 408", resp.StatusCode)
	}
}

// Over TLS the body's phase works as in the clear for HTTP/1.1 (net/http
// clears the deadline through the tls.Conn); an HTTP/2 connection has left
// the watch, and its bodies get Options.BodyTimeout's deadline instead.
func TestWatchConnsBodyTLS(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		srv := httptest.NewUnstartedServer(bodyServer(400*time.Millisecond, svcgenhttp.Options{BodyTimeout: time.Second}))
		srv.EnableHTTP2 = h2
		srv.Listener = svcgenhttp.WatchConns(srv.Config, srv.Listener, svcgenhttp.ConnLimits{Header: time.Second, Body: 200 * time.Millisecond, Answer: 5 * time.Second})
		srv.StartTLS()
		for range 2 {
			resp, err := srv.Client().Post(srv.URL+"/things", "application/json", strings.NewReader(`{"a":"bc"}`))
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if want := map[bool]int{false: 1, true: 2}[h2]; resp.ProtoMajor != want {
				t.Fatalf("answered over HTTP/%d, want %d", resp.ProtoMajor, want)
			}
			if resp.StatusCode != http.StatusCreated {
				t.Errorf("HTTP/%d: a body in time and a handler slower than Body answered %d", resp.ProtoMajor, resp.StatusCode)
			}
		}
		srv.Close()
	}
}

// With Metrics set, http_connections_limited_total counts what each limit
// did: one connection closed in its headers, one in its answer, one idle,
// and one request answered 408 for its body.
func TestWatchConnsMetrics(t *testing.T) {
	const limit = 200 * time.Millisecond
	srv := bodyServer(0, svcgenhttp.Options{})
	srv.HandleOperation("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		<-svcgenhttp.Context(w, r).Done() // until the answer limit closes the connection
	})
	reg := prometheus.NewRegistry()
	addr := watched(t, svcgenhttp.ConnLimits{Header: limit, Body: limit, Answer: 5 * limit, Idle: limit, Metrics: reg}, srv)

	header, body, answer, idle := dial(t, addr), dial(t, addr), dial(t, addr), dial(t, addr)
	start := time.Now()
	io.WriteString(header, "GET / HTTP/1.1\r\nHost: x\r\n") // no end
	io.WriteString(body, "POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{")
	io.WriteString(answer, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp := post(t, idle, bufio.NewReader(idle), 0); resp.StatusCode != http.StatusCreated {
		t.Fatalf("a whole body answered %d", resp.StatusCode)
	}
	for _, c := range []net.Conn{header, body, answer, idle} {
		closedAfter(t, c, start, 5*time.Second)
	}

	// The 408 can reach the client before the watch has counted it.
	want := map[string]float64{"header": 1, "body": 1, "answer": 1, "idle": 1}
	var got map[string]float64
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		got = limitedCounts(t, reg)
		if maps.Equal(got, want) || time.Now().After(deadline) {
			break
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("http_connections_limited_total: got %v, want %v", got, want)
	}
}

func limitedCounts(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	got := map[string]float64{}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "http_connections_limited_total" {
			for _, m := range f.GetMetric() {
				got[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
			}
		}
	}
	return got
}
