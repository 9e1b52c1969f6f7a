package svcgenhttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/svcgen/svcgen/runtime/internal/svcgenhttp"
	"github.com/svcgen/svcgen/runtime/svcgen"
)

// recorded returns a tracer provider that keeps every ended span in memory.
func recorded() (*sdktrace.TracerProvider, *tracetest.SpanRecorder) {
	rec := tracetest.NewSpanRecorder()
	return sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)), rec
}

func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

// TestSpansAcrossTwoServices: a request comes into the front service with
// a traceparent; serving it, the front service calls the back one through
// the client runtime over TracedHTTPClient. The two services (each its own
// tracer provider and in-memory recorder, as two processes would be) make
// one trace: the front's server span is the child of the incoming parent,
// its client span the child of that, the back's server span the child of
// the client span; server spans are named by their route pattern.
func TestSpansAcrossTwoServices(t *testing.T) {
	const (
		traceID  = "4bf92f3577b34da6a3ce929d0e0e4736"
		callerID = "00f067aa0ba902b7"
	)
	backTP, backRec := recorded()
	back := svcgenhttp.NewServer(svcgenhttp.Options{Logger: quiet, TracerProvider: backTP})
	back.Handle("GET /stock/{sku}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	backSrv := httptest.NewServer(back)
	defer backSrv.Close()
	caller, err := svcgen.NewCaller(backSrv.URL, svcgen.CallerOptions{HTTPClient: svcgenhttp.TracedHTTPClient()})
	if err != nil {
		t.Fatal(err)
	}

	frontTP, frontRec := recorded()
	front := svcgenhttp.NewServer(svcgenhttp.Options{Logger: quiet, TracerProvider: frontTP})
	front.Handle("POST /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		resp, err := caller.Do(r.Context(), &svcgen.Call{Operation: "GetStock", Method: "GET", Path: "/stock/a1"})
		if err != nil {
			front.Fail(w, r, err)
			return
		}
		w.WriteHeader(resp.Status)
	})
	frontSrv := httptest.NewServer(front)
	defer frontSrv.Close()

	req, _ := http.NewRequest("POST", frontSrv.URL+"/orders/7", nil)
	req.Header.Set("Traceparent", "00-"+traceID+"-"+callerID+"-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status %d", resp.StatusCode)
	}

	fronts, backs := frontRec.Ended(), backRec.Ended()
	if len(fronts) != 2 || len(backs) != 1 {
		t.Fatalf("%d front and %d back spans, want the front's server and client spans and the back's server span", len(fronts), len(backs))
	}
	c, f, b := fronts[0], fronts[1], backs[0] // the client span ends first
	if c.SpanKind() != trace.SpanKindClient || c.Name() != "GET" || c.Parent().SpanID() != f.SpanContext().SpanID() ||
		attrs(c)["http.response.status_code"].AsInt64() != 204 || !strings.HasSuffix(attrs(c)["url.full"].AsString(), "/stock/a1") {
		t.Errorf("client span %q (%v), parent %s, attributes %v: want GET, a client span, child of the front's server span", c.Name(), c.SpanKind(), c.Parent().SpanID(), c.Attributes())
	}
	check := func(s sdktrace.ReadOnlySpan, name, route string, parent trace.SpanID, status int64) {
		t.Helper()
		if s.Name() != name || s.SpanKind() != trace.SpanKindServer {
			t.Errorf("span %q (%v), want %q, a server span", s.Name(), s.SpanKind(), name)
		}
		if got := s.SpanContext().TraceID().String(); got != traceID {
			t.Errorf("%s: trace %s, want the caller's %s", name, got, traceID)
		}
		if s.Parent().SpanID() != parent || !s.Parent().IsRemote() {
			t.Errorf("%s: parent %s (remote %v), want %s across the wire", name, s.Parent().SpanID(), s.Parent().IsRemote(), parent)
		}
		a := attrs(s)
		if a["http.route"].AsString() != route || a["http.response.status_code"].AsInt64() != status || a["http.request.method"].AsString() != strings.Fields(name)[0] {
			t.Errorf("%s: attributes %v", name, s.Attributes())
		}
	}
	caller0, _ := trace.SpanIDFromHex(callerID)
	check(f, "POST /orders/{id}", "/orders/{id}", caller0, 204)
	check(b, "GET /stock/{sku}", "/stock/{sku}", c.SpanContext().SpanID(), 204)
	t.Logf("one trace %s: caller %s → front %s → its call %s → back %s", traceID, callerID, f.SpanContext().SpanID(), c.SpanContext().SpanID(), b.SpanContext().SpanID())
}

// TestRequestIDAndTraceInLogs: every response carries X-Request-Id (the
// caller's when sensible, else a new one) and every log line of the request
// carries request_id, trace_id and span_id, the ids of the request's span.
func TestRequestIDAndTraceInLogs(t *testing.T) {
	tp, rec := recorded()
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(svcgenhttp.LogHandler(slog.NewJSONHandler(lockedWriter{&mu, &logs}, nil)))
	s := svcgenhttp.NewServer(svcgenhttp.Options{Logger: logger, TracerProvider: tp})
	s.Handle("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		s.Log.InfoContext(r.Context(), "looking", "id", r.PathValue("id"))
		if r.PathValue("id") == "boom" {
			s.Fail(w, r, io.ErrUnexpectedEOF)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	srv := httptest.NewServer(s)
	defer srv.Close()

	hexID := regexp.MustCompile(`^[0-9a-f]{32}$`)
	for _, tt := range []struct {
		id, sent string
		want     func(string) bool
	}{
		{"1", "req-42", func(got string) bool { return got == "req-42" }},
		{"2", "", hexID.MatchString},
		{"3", "has space", hexID.MatchString},
		{"boom", strings.Repeat("x", 129), hexID.MatchString},
	} {
		logs.Reset()
		req, _ := http.NewRequest("GET", srv.URL+"/things/"+tt.id, nil)
		if tt.sent != "" {
			req.Header.Set("X-Request-Id", tt.sent)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		id := resp.Header.Get("X-Request-Id")
		if !tt.want(id) {
			t.Errorf("X-Request-Id %q sent, %q answered", tt.sent, id)
		}
		spans := rec.Ended()
		span := spans[len(spans)-1].SpanContext()
		mu.Lock()
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		mu.Unlock()
		want := 2 // the handler's line and the request log
		if tt.id == "boom" {
			want = 3 // and the error
			if st := spans[len(spans)-1].Status(); st.Code != codes.Error {
				t.Errorf("a 500 left the span's status %v", st)
			}
		}
		if len(lines) != want {
			t.Fatalf("%d log lines, want %d:\n%s", len(lines), want, logs.String())
		}
		for _, line := range lines {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
			if rec["request_id"] != id || rec["trace_id"] != span.TraceID().String() || rec["span_id"] != span.SpanID().String() {
				t.Errorf("log line %s: want request_id %s, trace_id %s, span_id %s", line, id, span.TraceID(), span.SpanID())
			}
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestSetupTracing: without an OTLP endpoint nothing is installed; with
// one, the spans of requests reach it over OTLP/HTTP when shutdown flushes
// them. The collector is an httptest server counting what it receives.
func TestSetupTracing(t *testing.T) {
	t.Cleanup(func() { otel.SetTracerProvider(noop.NewTracerProvider()) })
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	before := otel.GetTracerProvider()
	shutdown, err := svcgenhttp.SetupTracing(context.Background(), getenv, "orders", "1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	if otel.GetTracerProvider() != before {
		t.Error("a tracer provider was installed without an endpoint")
	}
	_ = shutdown(context.Background())

	var mu sync.Mutex
	var posts []string
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		posts = append(posts, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type"))
		mu.Unlock()
		if len(body) == 0 {
			t.Error("empty OTLP request")
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
	}))
	defer collector.Close()
	env["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.URL
	shutdown, err = svcgenhttp.SetupTracing(context.Background(), getenv, "orders", "1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	s := svcgenhttp.NewServer(svcgenhttp.Options{Logger: quiet})
	s.Handle("GET /x", func(w http.ResponseWriter, r *http.Request) {})
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posts) == 0 || posts[0] != "POST /v1/traces application/x-protobuf" {
		t.Errorf("the collector got %q, want a POST /v1/traces of protobuf", posts)
	}
}

// TestTraceWithoutSpans: with no provider set up, the server makes no
// spans, yet the caller's trace context still reaches the log lines.
func TestTraceWithoutSpans(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(svcgenhttp.LogHandler(slog.NewJSONHandler(lockedWriter{&mu, &logs}, nil)))
	s := svcgenhttp.NewServer(svcgenhttp.Options{Logger: logger})
	s.Handle("GET /x", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	const traceID, spanID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	req := httptest.NewRequest("GET", "/x", nil)
	req.Header.Set("Traceparent", "00-"+traceID+"-"+spanID+"-01")
	s.ServeHTTP(httptest.NewRecorder(), req)
	var rec map[string]any
	mu.Lock()
	defer mu.Unlock()
	if err := json.Unmarshal(bytes.TrimSpace(logs.Bytes()), &rec); err != nil {
		t.Fatalf("%v: %s", err, logs.String())
	}
	if rec["trace_id"] != traceID || rec["span_id"] != spanID {
		t.Errorf("log line %v: want the caller's trace %s and span %s", rec, traceID, spanID)
	}
}
