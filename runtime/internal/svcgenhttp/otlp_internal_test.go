package svcgenhttp

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/proto"
)

// collector is an OTLP/HTTP collector in the test: it keeps each request
// and answers from a script (then 200 with an empty response).
type collector struct {
	*httptest.Server
	mu       sync.Mutex
	requests []*http.Request
	bodies   [][]byte
	answers  []func(http.ResponseWriter)
}

func newCollector(t *testing.T, tlsServer bool, answers ...func(http.ResponseWriter)) *collector {
	c := &collector{answers: answers}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.requests = append(c.requests, r)
		c.bodies = append(c.bodies, body)
		var answer func(http.ResponseWriter)
		if len(c.answers) > 0 {
			answer, c.answers = c.answers[0], c.answers[1:]
		}
		c.mu.Unlock()
		if answer != nil {
			answer(w)
			return
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
		_, _ = w.Write(out)
	})
	c.Server = httptest.NewUnstartedServer(h)
	c.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes TestOTLPSends makes
	if tlsServer {
		c.StartTLS()
	} else {
		c.Start()
	}
	t.Cleanup(c.Close)
	return c
}

// received decodes the i-th request's body as a collector would.
func (c *collector) received(t *testing.T, i int) *coltrace.ExportTraceServiceRequest {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if i >= len(c.bodies) {
		t.Fatalf("the collector got %d requests, want at least %d", len(c.bodies), i+1)
	}
	body := c.bodies[i]
	if c.requests[i].Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	var req coltrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		t.Fatalf("the body is not an ExportTraceServiceRequest: %v", err)
	}
	return &req
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.requests)
}

// recordedSpans makes spans with everything OTLP carries: attributes of
// each type, events, links, statuses, a remote parent with trace state,
// two instrumentation scopes (one with a version, schema and attributes)
// and a resource with a schema URL.
func recordedSpans(t *testing.T) []sdktrace.ReadOnlySpan {
	rec := tracetest.NewSpanRecorder()
	res := resource.NewWithAttributes("https://opentelemetry.io/schemas/1.26.0",
		attribute.String("service.name", "orders"), attribute.String("service.version", "1.2.3"))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec), sdktrace.WithResource(res))
	defer func() { _ = tp.Shutdown(context.Background()) }()

	ts, err := trace.ParseTraceState("vendor=abc,other=1")
	if err != nil {
		t.Fatal(err)
	}
	remote := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
		TraceFlags: trace.FlagsSampled,
		TraceState: ts,
		Remote:     true,
	})
	ctx := trace.ContextWithRemoteSpanContext(context.Background(), remote)
	server := tp.Tracer("svcgenhttp")
	store := tp.Tracer("store", trace.WithInstrumentationVersion("0.9.0"),
		trace.WithSchemaURL("https://opentelemetry.io/schemas/1.24.0"),
		trace.WithInstrumentationAttributes(attribute.String("db.system", "sqlite")))

	ctx, root := server.Start(ctx, "POST /orders", trace.WithSpanKind(trace.SpanKindServer),
		trace.WithLinks(trace.Link{SpanContext: remote, Attributes: []attribute.KeyValue{attribute.String("why", "batch")}}))
	root.SetAttributes(
		attribute.Bool("ok", true), attribute.Int64("n", -42), attribute.Float64("ratio", 0.25),
		attribute.String("http.route", "/orders"),
		attribute.BoolSlice("bools", []bool{true, false}), attribute.Int64Slice("ints", []int64{1, 2}),
		attribute.Float64Slice("floats", []float64{1.5}), attribute.StringSlice("strings", []string{"a", "b"}),
	)
	root.AddEvent("validated", trace.WithAttributes(attribute.Int("fields", 3)))
	_, child := store.Start(ctx, "INSERT orders", trace.WithSpanKind(trace.SpanKindClient))
	child.RecordError(errors.New("disk full"))
	child.SetStatus(codes.Error, "disk full")
	child.End()
	_, ok := store.Start(ctx, "SELECT orders")
	ok.SetStatus(codes.Ok, "")
	ok.End()
	for _, kind := range []trace.SpanKind{trace.SpanKindProducer, trace.SpanKindConsumer, trace.SpanKindInternal} {
		_, s := server.Start(ctx, kind.String(), trace.WithSpanKind(kind))
		s.End()
	}
	root.End()
	return rec.Ended()
}

// TestOTLPMatchesOpenTelemetry: what the exporter sends decodes, as the
// collector's ExportTraceServiceRequest, to exactly what OpenTelemetry's
// own OTLP/HTTP exporter sends for the same spans.
func TestOTLPMatchesOpenTelemetry(t *testing.T) {
	spans := recordedSpans(t)
	theirs, ours := newCollector(t, false), newCollector(t, false)
	ctx := context.Background()

	official, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(theirs.URL+"/v1/traces"))
	if err != nil {
		t.Fatal(err)
	}
	if err := official.ExportSpans(ctx, spans); err != nil {
		t.Fatal(err)
	}
	_ = official.Shutdown(ctx)

	e, err := newOTLPExporter(mapEnv(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": ours.URL}))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ExportSpans(ctx, spans); err != nil {
		t.Fatal(err)
	}
	want, got := theirs.received(t, 0), ours.received(t, 0)
	if n := len(got.ResourceSpans); n != 1 || len(got.ResourceSpans[0].ScopeSpans) != 2 {
		t.Fatalf("got %d resources, want 1 with 2 scopes:\n%v", n, got)
	}
	// One difference on purpose: a link carries its span's trace state,
	// which OTLP has a field for and OpenTelemetry's exporter leaves out.
	root := got.ResourceSpans[0].ScopeSpans[1].Spans[len(got.ResourceSpans[0].ScopeSpans[1].Spans)-1]
	if len(root.Links) != 1 || root.Links[0].TraceState != "vendor=abc,other=1" {
		t.Fatalf("the root span's links: %v, want one with the remote span's trace state", root.Links)
	}
	root.Links[0].TraceState = ""
	if !proto.Equal(got, want) {
		t.Errorf("the request differs from OpenTelemetry's exporter's:\n got %v\nwant %v", got, want)
	}
	if r := ours.requests[0]; r.Method != "POST" || r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
		t.Errorf("got %s %s of %q, want a POST /v1/traces of application/x-protobuf", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}

	if err := e.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.ExportSpans(ctx, spans); err == nil {
		t.Error("an export after shutdown succeeded")
	}
	if n := ours.count(); n != 1 {
		t.Errorf("the collector got %d requests, want 1 (none after shutdown)", n)
	}
}

func mapEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// TestOTLPSettings: each variable is read, the traces-specific one wins,
// and a value the exporter cannot use is an error naming its variable.
func TestOTLPSettings(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		url     string
		header  http.Header
		timeout time.Duration
		gzip    bool
		err     string
	}{
		{name: "defaults", env: map[string]string{},
			url: "http://localhost:4318/v1/traces", timeout: 10 * time.Second},
		{name: "base endpoint", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://otel.example:4318/"},
			url: "https://otel.example:4318/v1/traces", timeout: 10 * time.Second},
		{name: "traces endpoint as is", env: map[string]string{
			"OTEL_EXPORTER_OTLP_ENDPOINT":        "http://ignored:4318",
			"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:9999/custom/path"},
			url: "http://collector:9999/custom/path", timeout: 10 * time.Second},
		{name: "headers, timeout, gzip", env: map[string]string{
			"OTEL_EXPORTER_OTLP_HEADERS":     "api-key=secret%20value, x-tenant = acme ",
			"OTEL_EXPORTER_OTLP_TIMEOUT":     "2500",
			"OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
			"OTEL_EXPORTER_OTLP_PROTOCOL":    "http/protobuf"},
			url: "http://localhost:4318/v1/traces", timeout: 2500 * time.Millisecond, gzip: true,
			header: http.Header{"Api-Key": {"secret value"}, "X-Tenant": {"acme"}}},
		{name: "traces variables win", env: map[string]string{
			"OTEL_EXPORTER_OTLP_HEADERS":            "a=1",
			"OTEL_EXPORTER_OTLP_TRACES_HEADERS":     "b=2",
			"OTEL_EXPORTER_OTLP_TIMEOUT":            "bad",
			"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT":     "100",
			"OTEL_EXPORTER_OTLP_COMPRESSION":        "gzip",
			"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "none"},
			url: "http://localhost:4318/v1/traces", timeout: 100 * time.Millisecond, header: http.Header{"B": {"2"}}},
		{name: "grpc", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
			err: "OTEL_EXPORTER_OTLP_PROTOCOL=grpc: the service exports traces over http/protobuf only"},
		{name: "not a URL", env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "collector:4318"},
			err: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "collector:4318" is not an http or https URL`},
		{name: "base not a URL", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"},
			err: `OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" is not an http or https URL`},
		{name: "bad header", env: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "a=1,novalue"},
			err: `OTEL_EXPORTER_OTLP_HEADERS: "novalue" is not a key=value pair`},
		{name: "bad timeout", env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "10s"},
			err: "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT=10s: want a positive number of milliseconds"},
		{name: "bad compression", env: map[string]string{"OTEL_EXPORTER_OTLP_COMPRESSION": "zstd"},
			err: "OTEL_EXPORTER_OTLP_COMPRESSION=zstd: want gzip or none"},
		{name: "certificate not PEM", env: map[string]string{"OTEL_EXPORTER_OTLP_CERTIFICATE": notPEM},
			err: "OTEL_EXPORTER_OTLP_CERTIFICATE: no PEM certificate in " + notPEM},
		{name: "certificate missing", env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE": filepath.Join(dir, "none.pem")},
			err: "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: open "},
		{name: "client certificate without key", env: map[string]string{"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": notPEM},
			err: "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY go together"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := newOTLPExporter(mapEnv(tc.env))
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
					t.Fatalf("got error %v, want one starting %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if e.url != tc.url || e.timeout != tc.timeout || e.gzip != tc.gzip {
				t.Errorf("got %s, %v, gzip %v; want %s, %v, gzip %v", e.url, e.timeout, e.gzip, tc.url, tc.timeout, tc.gzip)
			}
			for k, v := range tc.header {
				if got := e.header.Values(k); !slices.Equal(got, v) {
					t.Errorf("header %s: got %q, want %q", k, got, v)
				}
			}
		})
	}
}

// TestOTLPSends: gzip, headers and TLS with a certificate authority of
// the user's reach the collector as asked.
func TestOTLPSends(t *testing.T) {
	spans := recordedSpans(t)
	ctx := context.Background()

	c := newCollector(t, false)
	e, err := newOTLPExporter(mapEnv(map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT":    c.URL,
		"OTEL_EXPORTER_OTLP_HEADERS":     "authorization=Bearer%20t0ken",
		"OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ExportSpans(ctx, spans); err != nil {
		t.Fatal(err)
	}
	if got := c.received(t, 0); len(got.ResourceSpans) != 1 || len(got.ResourceSpans[0].ScopeSpans[0].Spans) == 0 {
		t.Errorf("the gzipped request holds no spans: %v", got)
	}
	if r := c.requests[0]; r.Header.Get("Content-Encoding") != "gzip" || r.Header.Get("Authorization") != "Bearer t0ken" {
		t.Errorf("headers %v, want gzip and the bearer token", r.Header)
	}

	secure := newCollector(t, true)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: secure.Certificate().Raw})
	if err := os.WriteFile(ca, block, 0o600); err != nil {
		t.Fatal(err)
	}
	untrusting, err := newOTLPExporter(mapEnv(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": secure.URL}))
	if err != nil {
		t.Fatal(err)
	}
	if err := untrusting.ExportSpans(ctx, spans); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("exporting to an unknown certificate: got %v, want a certificate error", err)
	}
	trusting, err := newOTLPExporter(mapEnv(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": secure.URL, "OTEL_EXPORTER_OTLP_CERTIFICATE": ca}))
	if err != nil {
		t.Fatal(err)
	}
	if err := trusting.ExportSpans(ctx, spans); err != nil {
		t.Errorf("exporting with the collector's certificate trusted: %v", err)
	}
	if n := secure.count(); n != 1 {
		t.Errorf("the TLS collector got %d requests, want 1", n)
	}
}

// TestOTLPAnswers: the exporter retries what the specification says to
// retry, waiting as long as Retry-After asks, gives up on the rest with
// the collector's message, and reports a partial success.
func TestOTLPAnswers(t *testing.T) {
	spans := recordedSpans(t)
	ctx := context.Background()
	unavailable := func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	statusAnswer := func(code int, msg string) func(http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			out, _ := proto.Marshal(&status.Status{Code: 3, Message: msg})
			w.Header().Set("Content-Type", "application/x-protobuf")
			w.WriteHeader(code)
			_, _ = w.Write(out)
		}
	}
	exporter := func(c *collector, timeout string) *otlpExporter {
		e, err := newOTLPExporter(mapEnv(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": c.URL, "OTEL_EXPORTER_OTLP_TIMEOUT": timeout}))
		if err != nil {
			t.Fatal(err)
		}
		return e
	}

	c := newCollector(t, false, unavailable, statusAnswer(http.StatusTooManyRequests, "slow down"))
	if err := exporter(c, "10000").ExportSpans(ctx, spans); err != nil {
		t.Errorf("503 then 429 then 200: %v", err)
	}
	if n := c.count(); n != 3 {
		t.Errorf("the collector got %d requests, want 3", n)
	}

	c = newCollector(t, false, statusAnswer(http.StatusBadRequest, "span 3 has no trace id"))
	err := exporter(c, "10000").ExportSpans(ctx, spans)
	if err == nil || !strings.Contains(err.Error(), "400 Bad Request") || !strings.HasSuffix(err.Error(), ": span 3 has no trace id") {
		t.Errorf("400: got %v, want the status and the collector's message", err)
	}
	if n := c.count(); n != 1 {
		t.Errorf("a 400 was tried %d times, want once", n)
	}

	// A proxy's text answer is quoted, squeezed and cut.
	c = newCollector(t, false, func(w http.ResponseWriter) {
		http.Error(w, "upstream\n  refused: "+strings.Repeat("x", 300), http.StatusForbidden)
	})
	err = exporter(c, "10000").ExportSpans(ctx, spans)
	if err == nil || !strings.Contains(err.Error(), "403 Forbidden") || !strings.Contains(err.Error(), ": upstream refused: xxx") || !strings.HasSuffix(err.Error(), "x…") {
		t.Errorf("403 with text: got %v, want the status and the text's start", err)
	}

	// Retried until the export's time runs out, then the last error.
	always := make([]func(http.ResponseWriter), 100)
	for i := range always {
		always[i] = func(w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) }
	}
	c = newCollector(t, false, always...)
	if err := exporter(c, "1200").ExportSpans(ctx, spans); err == nil || !strings.Contains(err.Error(), "502 Bad Gateway") {
		t.Errorf("always 502: got %v, want the 502", err)
	}
	if n := c.count(); n < 2 || n >= 100 {
		t.Errorf("always 502: %d tries, want a few", n)
	}

	var handled []error
	var mu sync.Mutex
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		handled = append(handled, err)
	}))
	t.Cleanup(func() { otel.SetErrorHandler(otel.ErrorHandlerFunc(func(error) {})) })
	partial := func(w http.ResponseWriter) {
		out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{PartialSuccess: &coltrace.ExportTracePartialSuccess{
			RejectedSpans: 2, ErrorMessage: "attributes too long"}})
		_, _ = w.Write(out)
	}
	c = newCollector(t, false, partial)
	if err := exporter(c, "10000").ExportSpans(ctx, spans); err != nil {
		t.Errorf("a partial success is a success: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(handled) != 1 || !strings.Contains(handled[0].Error(), "rejected 2 spans: attributes too long") {
		t.Errorf("reported %v, want the 2 spans rejected and why", handled)
	}
}
