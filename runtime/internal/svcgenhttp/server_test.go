package svcgenhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

// logBuffer is a goroutine-safe log destination.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newTestServer returns a Server with its own registry, logging to the
// returned buffer.
func newTestServer(opts Options) (*Server, *logBuffer) {
	logs := &logBuffer{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
	}
	return NewServer(opts), logs
}

// do serves one request and returns the response.
func do(h http.Handler, method, target string, body io.Reader) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, body))
	return w
}

// problemOf decodes a problem response, failing unless it is one.
func problemOf(t *testing.T, w *httptest.ResponseRecorder) svcgen.Problem {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, body %q", ct, w.Body)
	}
	var p svcgen.Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem body %q: %v", w.Body, err)
	}
	if p.Status != w.Code || p.Title != http.StatusText(w.Code) || p.Type != "about:blank" {
		t.Errorf("problem %+v for status %d", p, w.Code)
	}
	return p
}

func ok200(w http.ResponseWriter, r *http.Request) {
	_ = WriteText(w, 200, "text/plain", r.Method+" "+r.Pattern)
}

func TestNewServerDefaults(t *testing.T) {
	s := NewServer(Options{Registry: prometheus.NewRegistry()})
	if s.Limit != 1<<20 || s.Log != slog.Default() {
		t.Errorf("Limit %d, Log %v", s.Limit, s.Log)
	}
	s = NewServer(Options{Registry: prometheus.NewRegistry(), MaxBodyBytes: 5})
	if s.Limit != 5 {
		t.Errorf("Limit %d", s.Limit)
	}
	// The default registry has the Go and process collectors.
	s = NewServer(Options{})
	w := do(http.HandlerFunc(s.Metrics), "GET", "/metrics", nil)
	if !strings.Contains(w.Body.String(), "go_goroutines") {
		t.Errorf("no Go collector in the default registry")
	}
}

func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	s, _ := newTestServer(Options{})
	s.Handle("GET /orders/{id}", ok200)
	s.Handle("DELETE /orders/{id}", ok200)
	s.Handle("POST /orders", ok200)
	s.Handle("HEAD /probe", ok200)
	s.Handle("PUT /probe", ok200)
	s.Handle("/any", ok200) // every method

	for _, tc := range []struct {
		method, target string
		status         int
		allow          string
		detail         string
	}{
		{"GET", "/orders/7", 200, "", ""},
		{"HEAD", "/orders/7", 200, "", ""}, // ServeMux answers HEAD with the GET route
		{"GET", "/nowhere", 404, "", "no route for /nowhere"},
		{"POST", "/nowhere", 404, "", "no route for /nowhere"},
		{"GET", "/", 404, "", "no route for /"},
		{"PUT", "/orders/7", 405, "GET, HEAD, DELETE", "this path does not support PUT"},
		{"POST", "/orders/7", 405, "GET, HEAD, DELETE", "this path does not support POST"},
		{"GET", "/orders", 405, "POST", "this path does not support GET"},
		{"HEAD", "/orders", 405, "POST", "this path does not support HEAD"},
		{"OPTIONS", "/orders", 405, "POST", "this path does not support OPTIONS"},
		{"PROPFIND", "/orders/7", 405, "GET, HEAD, DELETE", "this path does not support PROPFIND"},
		{"GET", "/probe", 405, "PUT, HEAD", "this path does not support GET"}, // a HEAD route without a GET one
		{"PATCH", "/any", 200, "", ""},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			w := do(s, tc.method, tc.target, nil)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if got := w.Header().Get("Allow"); got != tc.allow {
				t.Errorf("Allow %q, want %q", got, tc.allow)
			}
			if tc.status < 400 {
				return
			}
			p := problemOf(t, w)
			if p.Detail != tc.detail || p.Instance != tc.target {
				t.Errorf("problem %+v", p)
			}
		})
	}
}

func TestFail(t *testing.T) {
	fieldErrs := svcgen.Errors{{In: "query", Field: "limit", Detail: "must be an integer"}}
	for _, tc := range []struct {
		name   string
		err    error
		status int
		detail string
		errs   []svcgen.FieldError
		logged string // in the log, "" for nothing at error level
	}{
		{"svcgen error", svcgen.NotFound("no order 7"), 404, "no order 7", nil, ""},
		{"wrapped svcgen error", fmt.Errorf("get: %w", svcgen.Conflict("taken")), 409, "taken", nil, ""},
		{"svcgen 5xx logged with its cause", &svcgen.Error{Status: 503, Detail: "try later", Err: errors.New("pool exhausted")}, 503, "try later", nil, "pool exhausted"},
		{"501 not logged", svcgen.ErrNotImplemented, 501, "this operation is not implemented yet", nil, ""},
		{"status out of range is a 500", &svcgen.Error{Status: 200, Detail: "fine?"}, 500, "", nil, "fine?"},
		{"field errors", fieldErrs, 400, "the request is invalid", fieldErrs, ""},
		{"wrapped field errors", fmt.Errorf("decode: %w", fieldErrs), 400, "the request is invalid", fieldErrs, ""},
		{"no route", ErrNoRoute, 404, "no route for /orders/7", nil, ""},
		{"other error: 500, message kept out", errors.New("pq: password authentication failed for user admin"), 500, "", nil, "password authentication failed"},
		{"no response", ErrNoResponse, 500, "", nil, "the service returned no response"},
		{"canceled while the client is still there", context.Canceled, 500, "", nil, "context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, logs := newTestServer(Options{})
			w := httptest.NewRecorder()
			s.Fail(w, httptest.NewRequest("GET", "/orders/7", nil), tc.err)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d", w.Code, tc.status)
			}
			p := problemOf(t, w)
			if p.Detail != tc.detail || !reflect.DeepEqual(p.Errors, tc.errs) {
				t.Errorf("problem %+v", p)
			}
			if w.Code == 500 && strings.Contains(w.Body.String(), tc.err.Error()) {
				t.Errorf("the error's text was sent: %s", w.Body)
			}
			errorLines := ""
			for _, line := range strings.Split(logs.String(), "\n") {
				if strings.Contains(line, "level=ERROR") {
					errorLines += line + "\n"
				}
			}
			if tc.logged == "" && errorLines != "" {
				t.Errorf("logged %q", errorLines)
			}
			if tc.logged != "" && !strings.Contains(errorLines, tc.logged) {
				t.Errorf("log %q does not contain %q", logs, tc.logged)
			}
		})
	}
}

func TestFailClientGone(t *testing.T) {
	s, logs := newTestServer(Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.Handle("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		s.Fail(w, r, fmt.Errorf("query: %w", r.Context().Err()))
	})
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", "/slow", nil).WithContext(ctx))
	if w.Code != statusClientClosed || w.Body.Len() != 0 {
		t.Errorf("status %d body %q, want 499 and nothing", w.Code, w.Body)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a client going away was logged as an error: %s", logs)
	}
	if !strings.Contains(logs.String(), "status=499") {
		t.Errorf("the request log does not record 499: %s", logs)
	}
	if got := counter(t, s, "GET", "GET /slow", "499"); got != 1 {
		t.Errorf("http_requests_total{status=499} = %v", got)
	}
}

func TestPanicRecovered(t *testing.T) {
	s, logs := newTestServer(Options{})
	s.Handle("GET /boom", func(w http.ResponseWriter, r *http.Request) { panic("secret internals") })
	s.Handle("GET /late", func(w http.ResponseWriter, r *http.Request) {
		_ = WriteText(w, 202, "text/plain", "partial")
		panic("after the header")
	})
	w := do(s, "GET", "/boom", nil)
	if w.Code != 500 {
		t.Fatalf("status %d", w.Code)
	}
	if p := problemOf(t, w); p.Detail != "" || strings.Contains(w.Body.String(), "secret") {
		t.Errorf("the panic value was sent: %s", w.Body)
	}
	if !strings.Contains(logs.String(), "secret internals") {
		t.Errorf("the panic was not logged: %s", logs)
	}
	if got := counter(t, s, "GET", "GET /boom", "500"); got != 1 {
		t.Errorf("http_requests_total{status=500} = %v", got)
	}

	// A panic after the status is sent adds nothing to the response.
	w = do(s, "GET", "/late", nil)
	if w.Code != 202 || w.Body.String() != "partial" {
		t.Errorf("status %d body %q", w.Code, w.Body)
	}

	// http.ErrAbortHandler goes on up, for net/http to abort quietly.
	s.Handle("GET /abort", func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) })
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		do(s, "GET", "/abort", nil)
	}()
}

// counter reads http_requests_total for the labels, from the server's
// /metrics.
func counter(t *testing.T, s *Server, method, route, status string) float64 {
	t.Helper()
	w := do(http.HandlerFunc(s.Metrics), "GET", "/metrics", nil)
	want := fmt.Sprintf(`http_requests_total{method=%q,route=%q,status=%q} `, method, route, status)
	for _, line := range strings.Split(w.Body.String(), "\n") {
		if v, ok := strings.CutPrefix(line, want); ok {
			var f float64
			_, _ = fmt.Sscan(v, &f)
			return f
		}
	}
	return 0
}

func TestMetricsAndRequestLog(t *testing.T) {
	s, logs := newTestServer(Options{})
	s.Handle("GET /metrics", s.Metrics)
	s.Handle("GET /orders/{id}", ok200)
	s.Handle("POST /orders", func(w http.ResponseWriter, r *http.Request) { _ = WriteEmpty(w, 201) })
	for range 3 {
		do(s, "GET", "/orders/1", nil)
	}
	do(s, "POST", "/orders", nil)
	do(s, "GET", "/nowhere", nil)

	w := do(s, "GET", "/metrics", nil)
	body := w.Body.String()
	for _, want := range []string{
		`http_requests_total{method="GET",route="GET /orders/{id}",status="200"} 3`,
		`http_requests_total{method="POST",route="POST /orders",status="201"} 1`,
		`http_requests_total{method="GET",route="/",status="404"} 1`,
		`http_request_duration_seconds_count{method="GET",route="GET /orders/{id}"} 3`,
		`# TYPE http_request_duration_seconds histogram`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// Paths are not labels: one series per route, not per order.
	if strings.Contains(body, "/orders/1") {
		t.Errorf("a path became a label")
	}
	for _, want := range []string{"method=GET path=/orders/1 status=200", "method=POST path=/orders status=201", "path=/nowhere status=404"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("request log lacks %q:\n%s", want, logs)
		}
	}
}

// A handler that writes nothing answers 200, and so say the log and the
// metrics.
func TestNothingWrittenIs200(t *testing.T) {
	s, logs := newTestServer(Options{})
	s.Handle("GET /quiet", func(http.ResponseWriter, *http.Request) {})
	w := do(s, "GET", "/quiet", nil)
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	if got := counter(t, s, "GET", "GET /quiet", "200"); got != 1 {
		t.Errorf("http_requests_total{status=200} = %v; /metrics:\n%s", got, do(http.HandlerFunc(s.Metrics), "GET", "/metrics", nil).Body)
	}
	if !strings.Contains(logs.String(), "status=200") {
		t.Errorf("log: %s", logs)
	}
}

// An informational 1xx before the answer is not the request's status.
func TestEarlyHintsNotTheStatus(t *testing.T) {
	s, logs := newTestServer(Options{})
	s.Handle("GET /page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		_ = WriteText(w, http.StatusCreated, "text/plain", "made")
	})
	do(s, "GET", "/page", nil)
	if got := counter(t, s, "GET", "GET /page", "201"); got != 1 {
		t.Errorf("http_requests_total{status=201} = %v", got)
	}
	if !strings.Contains(logs.String(), "status=201") {
		t.Errorf("log: %s", logs)
	}
}

// Two servers may share a registry (two APIs in one process).
func TestSharedRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	a := NewServer(Options{Registry: reg, Logger: slog.New(slog.DiscardHandler)})
	b := NewServer(Options{Registry: reg, Logger: slog.New(slog.DiscardHandler)})
	a.Handle("GET /a", ok200)
	b.Handle("GET /b", ok200)
	do(a, "GET", "/a", nil)
	do(b, "GET", "/b", nil)
	if counter(t, a, "GET", "GET /a", "200") != 1 || counter(t, a, "GET", "GET /b", "200") != 1 {
		t.Errorf("metrics of both servers are not in the shared registry")
	}
}

func TestHealthReadySpec(t *testing.T) {
	ready := errors.New("database down")
	s, logs := newTestServer(Options{
		Spec:  []byte("openapi: 3.1.0\n"),
		Ready: func(*http.Request) error { return ready },
	})
	s.Handle("GET /healthz", s.Healthz)
	s.Handle("GET /readyz", s.Readyz)
	s.Handle("GET /openapi.yaml", s.Spec)

	w := do(s, "GET", "/healthz", nil)
	if w.Code != 200 || w.Body.String() != `{"status":"ok"}` || w.Header().Get("Content-Type") != "application/json" {
		t.Errorf("healthz %d %q", w.Code, w.Body)
	}

	w = do(s, "GET", "/readyz", nil)
	if w.Code != 503 {
		t.Fatalf("readyz while not ready: %d", w.Code)
	}
	if p := problemOf(t, w); p.Detail != "not ready" || strings.Contains(w.Body.String(), "database") {
		t.Errorf("readyz problem %s", w.Body)
	}
	if !strings.Contains(logs.String(), "database down") {
		t.Errorf("the reason is not logged: %s", logs)
	}
	ready = nil
	w = do(s, "GET", "/readyz", nil)
	if w.Code != 200 || w.Body.String() != `{"status":"ready"}` {
		t.Errorf("readyz when ready: %d %q", w.Code, w.Body)
	}

	w = do(s, "GET", "/openapi.yaml", nil)
	if w.Code != 200 || w.Body.String() != "openapi: 3.1.0\n" || w.Header().Get("Content-Type") != "application/yaml" {
		t.Errorf("spec %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body)
	}

	// Without Ready the service is always ready.
	s2, _ := newTestServer(Options{})
	if w := do(http.HandlerFunc(s2.Readyz), "GET", "/readyz", nil); w.Code != 200 {
		t.Errorf("readyz without Ready: %d", w.Code)
	}
}

// Without a spec, /openapi.yaml is a path like any unknown one: 404, not a
// 405 that invites another method.
func TestSpecAbsent(t *testing.T) {
	s, _ := newTestServer(Options{})
	s.Handle("GET /openapi.yaml", s.Spec)
	for _, method := range []string{"GET", "HEAD"} {
		w := do(s, method, "/openapi.yaml", nil)
		if w.Code != 404 || w.Header().Get("Allow") != "" {
			t.Errorf("%s without a spec: %d, Allow %q", method, w.Code, w.Header().Get("Allow"))
		}
	}
}

func TestInvalid(t *testing.T) {
	s, _ := newTestServer(Options{})
	w := httptest.NewRecorder()
	errs := svcgen.Errors{{In: "path", Field: "id", Detail: "must be a UUID"}}
	s.Invalid(w, httptest.NewRequest("GET", "/orders/x", nil), errs)
	if p := problemOf(t, w); w.Code != 400 || p.Detail != "the request is invalid" || !reflect.DeepEqual(p.Errors, []svcgen.FieldError(errs)) {
		t.Errorf("%d %+v", w.Code, p)
	}
}

func TestLogWriteError(t *testing.T) {
	s, logs := newTestServer(Options{})
	s.LogWriteError(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), "ListOrders", errors.New("broken pipe"))
	if l := logs.String(); !strings.Contains(l, "level=ERROR") || !strings.Contains(l, "operation=ListOrders") || !strings.Contains(l, "broken pipe") {
		t.Errorf("log %q", l)
	}
}

// The status writer lets http.ResponseController reach the connection's
// writer (flushing a stream, say).
func TestStatusWriterUnwraps(t *testing.T) {
	s, _ := newTestServer(Options{})
	s.Handle("GET /stream", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "a")
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("Flush: %v", err)
		}
	})
	w := do(s, "GET", "/stream", nil)
	if !w.Flushed || w.Code != 200 {
		t.Errorf("flushed %v, status %d", w.Flushed, w.Code)
	}
}
