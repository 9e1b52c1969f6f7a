package svcgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fast retries for tests: the waits are random below these.
var fast = RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond}

func newCaller(t *testing.T, base string, opts CallerOptions) *Caller {
	t.Helper()
	c, err := NewCaller(base, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// recorded is what a test server saw of a request.
type recorded struct {
	method, path, rawQuery string
	header                 http.Header
	body                   string
}

// recorder is a server that records each request and answers with the
// next of its steps (the last one repeats).
type recorder struct {
	mu    sync.Mutex
	seen  []recorded
	steps []step
}

// step is one answer: a status with headers, or a dropped connection.
type step struct {
	status     int
	retryAfter string
	drop       bool // close the connection without answering
	delay      time.Duration
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.seen = append(rec.seen, recorded{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), string(body)})
	attempt := len(rec.seen)
	s := step{status: http.StatusOK}
	if len(rec.steps) > 0 {
		s = rec.steps[min(attempt, len(rec.steps))-1]
	}
	rec.mu.Unlock()
	if s.delay > 0 {
		select {
		case <-time.After(s.delay):
		case <-r.Context().Done():
			return
		}
	}
	if s.drop {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	if s.retryAfter != "" {
		w.Header().Set("Retry-After", s.retryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(s.status)
	fmt.Fprintf(w, `{"attempt":%d}`, attempt)
}

func (rec *recorder) requests() []recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]recorded(nil), rec.seen...)
}

func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestCallerRequest(t *testing.T) {
	tests := []struct {
		name      string
		base      string // appended to the server's URL
		opts      CallerOptions
		call      Call
		wantPath  string
		wantQuery string
		wantHead  map[string]string
		wantBody  string
	}{
		{
			name:     "path escaped as given, base path kept",
			base:     "/gateway/",
			call:     Call{Method: "GET", Path: "/v1/orders/a%2Fb%20c"},
			wantPath: "/gateway/v1/orders/a%2Fb%20c",
			wantHead: map[string]string{"User-Agent": "svcgen-client", "Content-Type": ""},
		},
		{
			name:      "query, header, cookie",
			call:      Call{Method: "GET", Path: "/orders", Query: url.Values{"status": {"open", "paid"}, "q": {"a b&c"}}, Header: http.Header{"X-Request-Id": {"r1"}}, Cookies: []*http.Cookie{{Name: "session", Value: "s1"}}, Accept: "application/json"},
			wantPath:  "/orders",
			wantQuery: "q=a+b%26c&status=open&status=paid",
			wantHead:  map[string]string{"X-Request-Id": "r1", "Cookie": "session=s1", "Accept": "application/json"},
		},
		{
			name:     "JSON body with its type",
			opts:     CallerOptions{UserAgent: "orders-client/1"},
			call:     Call{Method: "POST", Path: "orders", Body: []byte(`{"qty":1}`), ContentType: "application/json"},
			wantPath: "/orders",
			wantHead: map[string]string{"Content-Type": "application/json", "Content-Length": "9", "User-Agent": "orders-client/1"},
			wantBody: `{"qty":1}`,
		},
		{
			name:     "a call's own User-Agent wins",
			call:     Call{Method: "DELETE", Path: "/orders/1", Header: http.Header{"User-Agent": {"mine"}}},
			wantPath: "/orders/1",
			wantHead: map[string]string{"User-Agent": "mine"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			srv := serve(t, rec)
			c := newCaller(t, srv.URL+tt.base, tt.opts)
			resp, err := c.Do(context.Background(), &tt.call)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != 200 || string(resp.Body) != `{"attempt":1}` || resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("response %d %q %v", resp.Status, resp.Body, resp.Header)
			}
			got := rec.requests()[0]
			if got.method != tt.call.Method || got.path != tt.wantPath || got.rawQuery != tt.wantQuery || got.body != tt.wantBody {
				t.Errorf("got %s %s ?%s body %q, want %s %s ?%s body %q", got.method, got.path, got.rawQuery, got.body, tt.call.Method, tt.wantPath, tt.wantQuery, tt.wantBody)
			}
			for k, want := range tt.wantHead {
				if v := got.header.Get(k); v != want {
					t.Errorf("header %s = %q, want %q", k, v, want)
				}
			}
		})
	}
}

func TestCallerRetries(t *testing.T) {
	const body = `{"name":"x"}`
	tests := []struct {
		name     string
		method   string
		header   http.Header
		retry    RetryPolicy
		steps    []step
		attempts int
		status   int // 0: want a *CallError
	}{
		{name: "GET retried on 503 until it succeeds", method: "GET", steps: []step{{status: 503}, {status: 503}, {status: 200}}, attempts: 3, status: 200},
		{name: "HEAD retried on 502", method: "HEAD", steps: []step{{status: 502}, {status: 200}}, attempts: 2, status: 200},
		{name: "PUT retried on 504, body sent again", method: "PUT", steps: []step{{status: 504}, {status: 204}}, attempts: 2, status: 204},
		{name: "DELETE retried on 429 after Retry-After 0", method: "DELETE", steps: []step{{status: 429, retryAfter: "0"}, {status: 204}}, attempts: 2, status: 204},
		{name: "OPTIONS retried on 503", method: "OPTIONS", steps: []step{{status: 503}, {status: 200}}, attempts: 2, status: 200},
		{name: "GET retried after a dropped connection", method: "GET", steps: []step{{drop: true}, {status: 200}}, attempts: 2, status: 200},
		{name: "GET gives up after MaxAttempts with the last answer", method: "GET", steps: []step{{status: 503}}, attempts: 3, status: 503},
		{name: "GET gives up after MaxAttempts without an answer", method: "GET", steps: []step{{drop: true}}, attempts: 3},
		{name: "MaxAttempts 1 never retries", method: "GET", retry: RetryPolicy{MaxAttempts: 1}, steps: []step{{status: 503}}, attempts: 1, status: 503},
		{name: "MaxAttempts 5", method: "GET", retry: RetryPolicy{MaxAttempts: 5}, steps: []step{{status: 503}}, attempts: 5, status: 503},
		{name: "POST never retried on 503", method: "POST", steps: []step{{status: 503}, {status: 201}}, attempts: 1, status: 503},
		{name: "POST never retried after a dropped connection", method: "POST", steps: []step{{drop: true}, {status: 201}}, attempts: 1},
		{name: "PATCH never retried on 502", method: "PATCH", steps: []step{{status: 502}, {status: 200}}, attempts: 1, status: 502},
		{name: "POST with an Idempotency-Key retried", method: "POST", header: http.Header{"Idempotency-Key": {"k1"}}, steps: []step{{status: 503}, {status: 201}}, attempts: 2, status: 201},
		{name: "500 not retried", method: "GET", steps: []step{{status: 500}, {status: 200}}, attempts: 1, status: 500},
		{name: "404 not retried", method: "GET", steps: []step{{status: 404}, {status: 200}}, attempts: 1, status: 404},
		{name: "Retry-After longer than MaxDelay returned as it is", method: "GET", steps: []step{{status: 503, retryAfter: "60"}, {status: 200}}, attempts: 1, status: 503},
		{name: "Retry-After as a past HTTP date", method: "GET", steps: []step{{status: 503, retryAfter: "Sun, 06 Nov 1994 08:49:37 GMT"}, {status: 200}}, attempts: 2, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{steps: tt.steps}
			srv := serve(t, rec)
			retry := fast
			if tt.retry.MaxAttempts != 0 {
				retry.MaxAttempts = tt.retry.MaxAttempts
			}
			c := newCaller(t, srv.URL, CallerOptions{Retry: retry})
			call := &Call{Operation: "Op", Method: tt.method, Path: "/things/1", Header: tt.header}
			if tt.method != "GET" && tt.method != "HEAD" && tt.method != "DELETE" && tt.method != "OPTIONS" {
				call.Body, call.ContentType = []byte(body), "application/json"
			}
			resp, err := c.Do(context.Background(), call)
			seen := rec.requests()
			if len(seen) != tt.attempts {
				t.Errorf("%d attempts, want %d", len(seen), tt.attempts)
			}
			for i, r := range seen {
				if r.body != string(call.Body) {
					t.Errorf("attempt %d sent %q, want %q", i+1, r.body, call.Body)
				}
			}
			if tt.status == 0 {
				var ce *CallError
				if !errors.As(err, &ce) || resp != nil {
					t.Fatalf("got %v, %v; want a *CallError", resp, err)
				}
				if ce.Attempts != tt.attempts || ce.Operation != "Op" || ce.Method != tt.method {
					t.Errorf("CallError %+v", ce)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != tt.status {
				t.Errorf("status %d, want %d", resp.Status, tt.status)
			}
		})
	}
}

func TestCallerHonoursRetryAfter(t *testing.T) {
	// Retry-After as an HTTP date goes through the same wait; TestRetryAfter
	// reads both forms.
	rec := &recorder{steps: []step{{status: 503, retryAfter: "1"}, {status: 200}}}
	srv := serve(t, rec)
	c := newCaller(t, srv.URL, CallerOptions{Retry: RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 3 * time.Second}})
	start := time.Now()
	resp, err := c.Do(context.Background(), &Call{Method: "GET", Path: "/"})
	if err != nil || resp.Status != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	if elapsed := time.Since(start); elapsed < time.Second || elapsed > 3*time.Second {
		t.Errorf("retried after %v, want a second (Retry-After: 1)", elapsed)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"99999999999", 24 * time.Hour, true},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"Friday, 02-Jan-26 03:04:15 GMT", 10 * time.Second, true}, // RFC 850, still accepted
	}
	for _, tt := range tests {
		got, ok := retryAfter(tt.header, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoffFullJitter(t *testing.T) {
	c := newCaller(t, "http://x", CallerOptions{Retry: RetryPolicy{BaseDelay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond}})
	tests := []struct {
		attempt int
		ceiling time.Duration
	}{{1, 10 * time.Millisecond}, {2, 20 * time.Millisecond}, {3, 40 * time.Millisecond}, {4, 50 * time.Millisecond}, {40, 50 * time.Millisecond}, {100, 50 * time.Millisecond}}
	for _, tt := range tests {
		var most time.Duration
		for range 2000 {
			d, ok := c.backoff(tt.attempt, nil)
			if !ok || d < 0 || d > tt.ceiling {
				t.Fatalf("attempt %d: wait %v, %v; want within [0, %v]", tt.attempt, d, ok, tt.ceiling)
			}
			most = max(most, d)
		}
		if most < tt.ceiling/2 {
			t.Errorf("attempt %d: longest of 2000 waits %v, want close to %v: not jittered over the whole range", tt.attempt, most, tt.ceiling)
		}
	}
}

func TestCallerTimeouts(t *testing.T) {
	slow := []step{{status: 200, delay: 5 * time.Second}}
	tests := []struct {
		name    string
		timeout time.Duration
		ctx     time.Duration // deadline of the call's context, 0 none
		cancel  time.Duration // cancel the context after this, 0 never
		steps   []step
		status  int // 0: want a *CallError wrapping err
		err     error
	}{
		{name: "Timeout ends a slow call", timeout: 100 * time.Millisecond, steps: slow, err: context.DeadlineExceeded},
		{name: "a sooner context deadline wins", timeout: 10 * time.Second, ctx: 100 * time.Millisecond, steps: slow, err: context.DeadlineExceeded},
		{name: "a cancelled context ends the call", cancel: 100 * time.Millisecond, steps: slow, err: context.Canceled},
		{name: "no retry that cannot finish in time: the last answer", timeout: 300 * time.Millisecond, steps: []step{{status: 503, retryAfter: "2"}}, status: 503},
		{name: "the context ends during the wait: the last answer", cancel: 100 * time.Millisecond, steps: []step{{status: 503, retryAfter: "2"}}, status: 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{steps: tt.steps}
			srv := serve(t, rec)
			c := newCaller(t, srv.URL, CallerOptions{Timeout: tt.timeout, Retry: RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 3 * time.Second}})
			ctx := context.Background()
			if tt.ctx > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctx)
				defer cancel()
			}
			if tt.cancel > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				time.AfterFunc(tt.cancel, cancel)
			}
			start := time.Now()
			resp, err := c.Do(ctx, &Call{Operation: "Slow", Method: "GET", Path: "/slow"})
			// Well before the server's 5 s or a 2 s Retry-After, even on a
			// busy machine.
			if elapsed := time.Since(start); elapsed > 1500*time.Millisecond {
				t.Errorf("returned after %v", elapsed)
			}
			if tt.status != 0 {
				if err != nil || resp.Status != tt.status {
					t.Fatalf("got %v, %v; want status %d", resp, err, tt.status)
				}
				return
			}
			var ce *CallError
			if !errors.As(err, &ce) || !errors.Is(err, tt.err) {
				t.Fatalf("got %v (%T), want a *CallError wrapping %v", err, err, tt.err)
			}
			if len(rec.requests()) != 1 {
				t.Errorf("%d attempts, want 1", len(rec.requests()))
			}
		})
	}
}

func TestCallerNoServer(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	c := newCaller(t, srv.URL, CallerOptions{Retry: fast})
	resp, err := c.Do(context.Background(), &Call{Operation: "GetOrder", Method: "GET", Path: "/orders/1", Query: url.Values{"api_key": {"secret"}}})
	var ce *CallError
	if resp != nil || !errors.As(err, &ce) || ce.Attempts != 3 {
		t.Fatalf("got %v, %v; want a *CallError after 3 attempts", resp, err)
	}
	want := "GetOrder: GET " + srv.URL + "/orders/1: 3 attempts: "
	if msg := err.Error(); !strings.HasPrefix(msg, want) || strings.Contains(msg, "secret") {
		t.Errorf("error %q, want it to start %q and hide the query", msg, want)
	}
}

func TestCallerResponseLimit(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", 100))
	}))
	for _, limit := range []int64{99, 100} {
		c := newCaller(t, srv.URL, CallerOptions{MaxResponseBytes: limit, Retry: fast})
		resp, err := c.Do(context.Background(), &Call{Method: "GET", Path: "/"})
		if limit < 100 {
			if !errors.Is(err, ErrResponseTooLarge) {
				t.Errorf("limit %d: got %v, want ErrResponseTooLarge", limit, err)
			}
			continue
		}
		if err != nil || len(resp.Body) != 100 {
			t.Errorf("limit %d: got %v, %v", limit, resp, err)
		}
	}
}

func TestCallerCredentials(t *testing.T) {
	bearer := &Scheme{Name: "bearerAuth", Kind: "bearer", Auth: "Bearer"}
	basic := &Scheme{Name: "basicAuth", Kind: "basic", Auth: "Basic"}
	oauth := &Scheme{Name: "oauth", Kind: "oauth2", Auth: "Bearer"}
	headerKey := &Scheme{Name: "headerKey", Kind: "apiKey", In: "header", Param: "X-API-Key"}
	queryKey := &Scheme{Name: "queryKey", Kind: "apiKey", In: "query", Param: "api_key"}
	cookieKey := &Scheme{Name: "cookieKey", Kind: "apiKey", In: "cookie", Param: "key"}
	all := StaticCredentials(
		Credentials{Scheme: "bearerAuth", Token: "tok"},
		Credentials{Scheme: "basicAuth", Username: "ann", Password: "pw:1"},
		Credentials{Scheme: "oauth", Token: "otok"},
		Credentials{Scheme: "headerKey", Token: "hk"},
		Credentials{Scheme: "queryKey", Token: "q k"},
		Credentials{Scheme: "cookieKey", Token: "ck"},
	)
	req := func(ss ...*Scheme) Requirement {
		r := Requirement{}
		for _, s := range ss {
			r = append(r, Use{Scheme: s})
		}
		return r
	}
	tests := []struct {
		name     string
		creds    func(context.Context, string) (Credentials, bool)
		security []Requirement
		auth     []string // Authorization headers
		header   string   // X-API-Key
		query    string
		cookie   string
	}{
		{name: "bearer", creds: all, security: []Requirement{req(bearer)}, auth: []string{"Bearer tok"}},
		{name: "basic", creds: all, security: []Requirement{req(basic)}, auth: []string{"Basic YW5uOnB3OjE="}},
		{name: "oauth2 sends a bearer token", creds: all, security: []Requirement{req(oauth)}, auth: []string{"Bearer otok"}},
		{name: "API key in a header", creds: all, security: []Requirement{req(headerKey)}, header: "hk"},
		{name: "API key in the query", creds: all, security: []Requirement{req(queryKey)}, query: "api_key=q+k"},
		{name: "API key in a cookie", creds: all, security: []Requirement{req(cookieKey)}, cookie: "key=ck"},
		{name: "two schemes together", creds: all, security: []Requirement{req(basic, bearer)}, auth: []string{"Basic YW5uOnB3OjE=", "Bearer tok"}},
		{name: "the first alternative met", creds: StaticCredentials(Credentials{Scheme: "headerKey", Token: "hk"}), security: []Requirement{req(bearer), req(headerKey), req(queryKey)}, header: "hk"},
		{name: "an alternative half met is skipped", creds: StaticCredentials(Credentials{Scheme: "bearerAuth", Token: "tok"}), security: []Requirement{req(bearer, headerKey), req(bearer)}, auth: []string{"Bearer tok"}},
		{name: "optional security: credentials sent when there are some", creds: all, security: []Requirement{{}, req(bearer)}, auth: []string{"Bearer tok"}},
		{name: "no alternative met: nothing sent", creds: StaticCredentials(Credentials{Scheme: "other"}), security: []Requirement{req(bearer)}},
		{name: "no credentials configured", security: []Requirement{req(bearer)}},
		{name: "no security: credentials not sent", creds: all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			srv := serve(t, rec)
			c := newCaller(t, srv.URL, CallerOptions{Credentials: tt.creds})
			if _, err := c.Do(context.Background(), &Call{Method: "GET", Path: "/", Security: tt.security}); err != nil {
				t.Fatal(err)
			}
			got := rec.requests()[0]
			if auth := got.header.Values("Authorization"); strings.Join(auth, "|") != strings.Join(tt.auth, "|") {
				t.Errorf("Authorization %q, want %q", auth, tt.auth)
			}
			if v := got.header.Get("X-API-Key"); v != tt.header {
				t.Errorf("X-API-Key %q, want %q", v, tt.header)
			}
			if got.rawQuery != tt.query {
				t.Errorf("query %q, want %q", got.rawQuery, tt.query)
			}
			if v := got.header.Get("Cookie"); v != tt.cookie {
				t.Errorf("Cookie %q, want %q", v, tt.cookie)
			}
		})
	}
}

func TestCallerTraceContext(t *testing.T) {
	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	tests := []struct {
		name                  string
		parent, state         string
		wantParent, wantState string
	}{
		{"none", "", "", "", ""},
		{"traceparent", parent, "", parent, ""},
		{"with tracestate", parent, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", parent, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"},
		{"invalid traceparent: neither sent", "00-abc", "congo=1", "", ""},
		{"tracestate with a newline dropped", parent, "a=1\nb=2", parent, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			srv := serve(t, rec)
			c := newCaller(t, srv.URL, CallerOptions{})
			ctx := WithTraceparent(context.Background(), tt.parent, tt.state)
			if _, err := c.Do(ctx, &Call{Method: "GET", Path: "/"}); err != nil {
				t.Fatal(err)
			}
			h := rec.requests()[0].header
			if h.Get("Traceparent") != tt.wantParent || h.Get("Tracestate") != tt.wantState {
				t.Errorf("sent traceparent %q tracestate %q, want %q %q", h.Get("Traceparent"), h.Get("Tracestate"), tt.wantParent, tt.wantState)
			}
		})
	}
}

func TestValidTraceparent(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", true},
		{"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true},
		{"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later", true}, // a later version may add fields
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later", false},
		{"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", false},
		{"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false},
		{"00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", false}, // upper case
		{"00-00000000000000000000000000000000-00f067aa0ba902b7-01", false},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", false},
		{"00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01", false},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g", false},
		{"00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidTraceparent(tt.s); got != tt.want {
			t.Errorf("ValidTraceparent(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
	if p, s := TraceparentFrom(context.Background()); p != "" || s != "" {
		t.Errorf("empty context carries %q %q", p, s)
	}
}

func TestResponseError(t *testing.T) {
	problem := `{"type":"about:blank","title":"Bad Request","status":400,"detail":"the request is invalid","errors":[{"in":"body","field":"items[0].qty","pointer":"#/items/0/qty","detail":"must be at least 1"},{"in":"query","field":"limit","detail":"must be an integer"}]}`
	type typed404 struct{ Message string }
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		typed       any
		want        string // Error(); "" for no error
		fields      int    // len(Problem.Errors); -1 for no Problem
	}{
		{name: "200 is no error", status: 200, contentType: "application/json", body: `{}`},
		{name: "302 is no error", status: 302},
		{name: "problem with field errors", status: 400, contentType: "application/problem+json", body: problem,
			want: "CreateOrder: 400 Bad Request: the request is invalid: items[0].qty: must be at least 1; limit: must be an integer", fields: 2},
		{name: "problem with parameters in the media type", status: 404, contentType: "application/problem+json; charset=utf-8", body: `{"title":"Not Found","status":404,"detail":"no order 7"}`,
			want: "CreateOrder: 404 Not Found: no order 7", fields: 0},
		{name: "declared JSON error body", status: 404, contentType: "application/json", body: `{"message":"gone"}`, typed: &typed404{"gone"},
			want: `CreateOrder: 404 Not Found: "{\"message\":\"gone\"}"`, fields: -1},
		{name: "text body shortened", status: 502, contentType: "text/html", body: strings.Repeat("<p>bad gateway</p>", 20),
			want: `CreateOrder: 502 Bad Gateway: "` + strings.Repeat(`<p>bad gateway</p>`, 12)[:200] + `…"`, fields: -1},
		{name: "malformed problem kept as body", status: 500, contentType: "application/problem+json", body: `{"status":`,
			want: `CreateOrder: 500 Internal Server Error: "{\"status\":"`, fields: -1},
		{name: "binary body not shown", status: 503, body: "\xff\xfe", want: "CreateOrder: 503 Service Unavailable", fields: -1},
		{name: "unknown status", status: 499, want: "CreateOrder: 499", fields: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &Response{Operation: "CreateOrder", Status: tt.status, Header: http.Header{}, Body: []byte(tt.body)}
			if tt.contentType != "" {
				resp.Header.Set("Content-Type", tt.contentType)
			}
			err := resp.Err(tt.typed)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			wrapped := fmt.Errorf("placing the order: %w", err)
			var re *ResponseError
			if !errors.As(wrapped, &re) {
				t.Fatalf("errors.As found no *ResponseError in %v", wrapped)
			}
			if got := re.Error(); got != tt.want {
				t.Errorf("Error()\n got %s\nwant %s", got, tt.want)
			}
			if re.Status != tt.status || string(re.Body) != tt.body || re.Response != tt.typed {
				t.Errorf("ResponseError %+v", re)
			}
			switch {
			case tt.fields < 0 && re.Problem != nil:
				t.Errorf("Problem %+v, want none", re.Problem)
			case tt.fields >= 0 && (re.Problem == nil || len(re.Problem.Errors) != tt.fields || re.Problem.Status != tt.status):
				t.Errorf("Problem %+v, want %d field errors", re.Problem, tt.fields)
			}
			var fields Errors
			if errors.As(wrapped, &fields) {
				t.Errorf("errors.As found field errors: a caller's server would answer 400 with them")
			}
		})
	}
}

// otherError stands for the *Error of another service's copy of this
// package: another type with the same method.
type otherError struct{ status int }

func (e otherError) Error() string   { return http.StatusText(e.status) }
func (e otherError) HTTPStatus() int { return e.status }

func TestResponseErrorIs(t *testing.T) {
	for _, tt := range []struct {
		status int
		target error
		want   bool
	}{
		{401, otherError{401}, true},
		{401, otherError{403}, false},
		{401, errors.New("401"), false},
		{401, ErrUnauthorized, true},
		{403, ErrForbidden, true},
		{501, ErrNotImplemented, true},
		{403, ErrUnauthorized, false},
		{404, NotFound(""), true},
	} {
		err := fmt.Errorf("wrapped: %w", (&Response{Status: tt.status, Header: http.Header{}}).Err(nil))
		if got := errors.Is(err, tt.target); got != tt.want {
			t.Errorf("errors.Is(%d, %v) = %v", tt.status, tt.target, got)
		}
	}
}

func TestResponseDecodeJSON(t *testing.T) {
	tests := []struct {
		contentType, body string
		want              string // error text, "" for none
	}{
		{"application/json", `{"id":7}`, ""},
		{"application/vnd.api+json; charset=utf-8", `{"id":7}`, ""},
		{"", `{"id":7}`, ""},
		{"text/plain", `{"id":7}`, "GetOrder: the 200 response is text/plain, not JSON"},
		{"application/json", `{"id":"7"}`, "GetOrder: decoding the 200 response: json: cannot unmarshal string into Go struct field .id of type int"},
	}
	for _, tt := range tests {
		resp := &Response{Operation: "GetOrder", Status: 200, Header: http.Header{"Content-Type": {tt.contentType}}, Body: []byte(tt.body)}
		var v struct {
			ID int `json:"id"`
		}
		err := resp.DecodeJSON(&v)
		if got := fmt.Sprint(err); tt.want == "" && err != nil || tt.want != "" && got != tt.want {
			t.Errorf("%s %s: got %v, want %q", tt.contentType, tt.body, err, tt.want)
		}
		if err == nil && v.ID != 7 {
			t.Errorf("decoded %+v", v)
		}
	}
}

func TestNewCaller(t *testing.T) {
	tests := []struct {
		base string
		ok   bool
	}{
		{"http://orders:8080", true},
		{"https://api.example.com/v1/", true},
		{"orders:8080", false},
		{"/v1", false},
		{"ftp://x", false},
		{"http://", false},
		{"http://x/?a=1", false},
		{"http://x/#f", false},
		{"http://user:pw@x", false},
		{"http://x/%zz", false},
	}
	for _, tt := range tests {
		_, err := NewCaller(tt.base, CallerOptions{})
		if (err == nil) != tt.ok {
			t.Errorf("NewCaller(%q): %v, want ok %v", tt.base, err, tt.ok)
		}
	}
}

func TestCallerConcurrent(t *testing.T) {
	rec := &recorder{}
	srv := serve(t, rec)
	c := newCaller(t, srv.URL, CallerOptions{Credentials: StaticCredentials(Credentials{Scheme: "k", Token: "t"})})
	security := []Requirement{{{Scheme: &Scheme{Name: "k", Kind: "apiKey", In: "query", Param: "key"}}}}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			call := &Call{Method: "GET", Path: "/items/" + strconv.Itoa(i), Query: url.Values{"n": {strconv.Itoa(i)}}, Security: security}
			if _, err := c.Do(context.Background(), call); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, r := range rec.requests() {
		n := strings.TrimPrefix(r.path, "/items/")
		if r.rawQuery != "key=t&n="+n {
			t.Errorf("%s ?%s: calls mixed up", r.path, r.rawQuery)
		}
	}
}

// getOrderResponse stands for a generated operation's sealed response type.
type getOrderResponse interface{ isGetOrderResponse() }

type getOrder200 struct{ ID int }
type getOrder404 struct{ Message string }

func (*getOrder200) isGetOrderResponse() {}
func (*getOrder404) isGetOrderResponse() {}

func TestResult(t *testing.T) {
	decodeErr := errors.New("GetOrder: decoding the 200 response: bad")
	tests := []struct {
		name      string
		status    int
		typed     getOrderResponse
		decodeErr error
		want      getOrderResponse // returned response
		wantErr   error            // returned error, when not a *ResponseError
		respErr   bool             // want a *ResponseError
		inErr     getOrderResponse // its Response
	}{
		{name: "declared success", status: 200, typed: &getOrder200{7}, want: &getOrder200{7}},
		{name: "declared success that does not decode", status: 200, typed: &getOrder200{}, decodeErr: decodeErr, wantErr: decodeErr},
		{name: "undeclared success", status: 202, respErr: true},
		{name: "declared error", status: 404, typed: &getOrder404{"gone"}, respErr: true, inErr: &getOrder404{"gone"}},
		{name: "declared error that does not decode", status: 404, typed: &getOrder404{}, decodeErr: decodeErr, respErr: true},
		{name: "undeclared error", status: 500, respErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &Response{Operation: "GetOrder", Status: tt.status, Header: http.Header{}}
			got, err := Result(resp, tt.typed, tt.decodeErr)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("response %v, want %v", got, tt.want)
			}
			var re *ResponseError
			switch {
			case tt.respErr:
				if !errors.As(err, &re) || re.Status != tt.status || fmt.Sprint(re.Response) != fmt.Sprint(tt.inErr) {
					t.Errorf("error %v (%T), want a *ResponseError with %v", err, err, tt.inErr)
				}
				if tt.inErr == nil && re != nil && re.Response != nil {
					t.Errorf("ResponseError.Response %#v, want nil", re.Response)
				}
			case err != tt.wantErr:
				t.Errorf("error %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestCallBuilders(t *testing.T) {
	var call Call
	call.AddQuery("tag", "a", "b")
	call.AddQuery("tag", "c")
	call.AddQueryValues(url.Values{"f[x]": {"1"}})
	call.SetHeader("X-Trace", "1")
	call.SetHeader("X-Trace", "2")
	call.AddCookie("s", "v")
	if got := call.Query.Encode(); got != "f%5Bx%5D=1&tag=a&tag=b&tag=c" {
		t.Errorf("query %s", got)
	}
	if got := call.Header.Values("X-Trace"); len(got) != 1 || got[0] != "2" {
		t.Errorf("header %q", got)
	}
	if len(call.Cookies) != 1 || call.Cookies[0].String() != "s=v" {
		t.Errorf("cookies %v", call.Cookies)
	}
}

func TestWithHeader(t *testing.T) {
	rec := &recorder{steps: []step{{status: 503}, {status: 201}}}
	srv := serve(t, rec)
	c := newCaller(t, srv.URL, CallerOptions{Retry: fast})
	ctx := WithHeader(context.Background(), "Idempotency-Key", "k1")
	ctx = WithHeader(ctx, "X-Tenant", "t1")
	ctx = WithHeader(ctx, "X-Request-Id", "from-ctx")
	call := &Call{Method: "POST", Path: "/orders", Header: http.Header{"X-Request-Id": {"from-call"}}, Body: []byte("{}"), ContentType: "application/json"}
	resp, err := c.Do(ctx, call)
	if err != nil || resp.Status != 201 {
		t.Fatalf("got %v, %v; want the POST retried thanks to its Idempotency-Key", resp, err)
	}
	seen := rec.requests()
	if len(seen) != 2 {
		t.Fatalf("%d attempts, want 2", len(seen))
	}
	for _, r := range seen {
		if r.header.Get("Idempotency-Key") != "k1" || r.header.Get("X-Tenant") != "t1" || r.header.Get("X-Request-Id") != "from-call" {
			t.Errorf("headers %v: want the context's, the call's own winning", r.header)
		}
	}
	if h := callHeaders(context.Background()); h != nil {
		t.Errorf("empty context carries %v", h)
	}
	// The context a header was added to is unchanged.
	base := WithHeader(context.Background(), "A", "1")
	_ = WithHeader(base, "B", "2")
	if got := callHeaders(base); got.Get("B") != "" {
		t.Errorf("WithHeader changed its parent's headers: %v", got)
	}
}
