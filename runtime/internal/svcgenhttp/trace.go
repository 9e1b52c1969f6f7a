package svcgenhttp

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

// Tracing follows OpenTelemetry: each request gets a server span named by
// its route pattern ("GET /orders/{orderId}"), child of the caller's span
// when the request carries W3C trace context (traceparent). Spans are
// exported over OTLP when SetupTracing finds an endpoint configured, and
// cost next to nothing otherwise (OpenTelemetry's no-op provider).

// instrumentation is the name of the tracer the server's spans come from.
const instrumentation = "svcgenhttp"

// propagator reads and writes W3C trace context and baggage, whether or
// not spans are exported, so that trace ids pass through and reach the logs.
var propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// SetupTracing installs OpenTelemetry's SDK, exporting spans over OTLP
// (HTTP/protobuf) in batches, when OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, unless OTEL_SDK_DISABLED=true
// or OTEL_TRACES_EXPORTER=none. The exporter reads the other
// OTEL_EXPORTER_OTLP_* variables through getenv too (headers, timeout,
// compression, certificates: see newOTLPExporter); OpenTelemetry's SDK
// reads its own from the environment (OTEL_TRACES_SAMPLER, OTEL_BSP_*,
// OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES...).
// service and version name the service in the spans' resource unless
// OTEL_SERVICE_NAME says otherwise. shutdown flushes the spans not yet
// sent; with nothing configured it does nothing.
func SetupTracing(ctx context.Context, getenv func(string) string, service, version string) (shutdown func(context.Context) error, err error) {
	otel.SetTextMapPropagator(propagator)
	noop := func(context.Context) error { return nil }
	if getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" ||
		strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") || getenv("OTEL_TRACES_EXPORTER") == "none" {
		return noop, nil
	}
	exporter, err := newOTLPExporter(getenv)
	if err != nil {
		return noop, fmt.Errorf("OpenTelemetry OTLP exporter: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", service), attribute.String("service.version", version)),
		resource.WithFromEnv(), // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win
		resource.WithTelemetrySDK(),
		resource.WithHost(),
	)
	if err != nil && res == nil {
		return noop, err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	globalTracing.Store(true)
	return tp.Shutdown, nil
}

// globalTracing is set once SetupTracing installs a provider: until then
// OpenTelemetry's global provider makes no spans, and the server skips
// asking it for one (which costs allocations even when nothing records).
// A service that installs a provider of its own passes it in
// Options.TracerProvider.
var globalTracing atomic.Bool

// requestIDKey is the context key of a request's id.
type requestIDKey struct{}

// idContext is a request's context with its id: context.WithValue's
// valueCtx, but with the id a field, not an interface (which would cost an
// allocation of its own), and part of the request's exchange.
type idContext struct {
	context.Context
	id string
}

// Value answers requestIDKey with the idContext itself (a pointer, which
// an interface holds without allocating) and asks the parent the rest.
func (c *idContext) Value(key any) any {
	if _, ok := key.(requestIDKey); ok {
		return c
	}
	return c.Context.Value(key)
}

func (c *idContext) String() string { return "svcgenhttp.idContext(" + c.id + ")" }

// RequestID returns the id of the request ctx belongs to: the caller's
// X-Request-Id, or one the server made. The response carries it too.
func RequestID(ctx context.Context) string {
	if c, ok := ctx.Value(requestIDKey{}).(*idContext); ok {
		return c.id
	}
	return ""
}

// idPrefix starts every request id the process makes: 16 random hex
// digits, drawn once. idCount numbers the ids after it.
var (
	idPrefix = func() (p [16]byte) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		hex.Encode(p[:], b[:])
		return p
	}()
	idCount atomic.Uint64
)

// newRequestID writes into b an id no other request of this process or
// (with overwhelming odds) of any other has, and returns it: the process's
// random prefix, then a count, 32 hex digits in all. Ids are unique, not
// secret: callers choose their own (X-Request-Id) as they like.
//
// The string is b itself, not a copy (an allocation a request): b, a part
// of the request's exchange, is never written again.
func newRequestID(b *[32]byte) string {
	copy(b[:16], idPrefix[:])
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], idCount.Add(1))
	hex.Encode(b[16:], n[:])
	return unsafe.String(&b[0], len(b))
}

// requestID returns the request's X-Request-Id when it is a sensible one
// (up to 128 visible ASCII characters), else a new one, made in buf.
func requestID(r *http.Request, buf *[32]byte) string {
	// net/http has made the names canonical: no need for Header.Get's work.
	if ids := r.Header["X-Request-Id"]; len(ids) > 0 && ids[0] != "" && len(ids[0]) <= 128 {
		id := ids[0]
		ok := true
		for i := 0; i < len(id); i++ {
			if id[i] <= ' ' || id[i] > '~' {
				ok = false
				break
			}
		}
		if ok {
			return id
		}
	}
	return newRequestID(buf)
}

// startRequest gives the request its id (echoed in the response) and its
// server span, a child of the caller's when it sent trace context; it
// returns the context the request is served with. traced says whether the
// request has a Traceparent header.
func (s *Server) startRequest(x *exchange, r *http.Request, ctx context.Context, traced bool) (context.Context, trace.Span) {
	x.id = requestID(r, &x.idBytes)
	x.idHeader[0] = x.id
	x.ResponseWriter.Header()["X-Request-Id"] = x.idHeader[:]
	x.Context = ctx
	ctx = &x.idContext
	tp := s.opts.TracerProvider
	if tp == nil {
		if !globalTracing.Load() {
			// No spans are made: the caller's trace context goes on
			// unchanged to the logs (here) and to clients (ServeHTTP).
			if traced {
				ctx = propagator.Extract(ctx, propagation.HeaderCarrier(r.Header))
			}
			return ctx, nil
		}
		tp = otel.GetTracerProvider()
	}
	ctx = propagator.Extract(ctx, propagation.HeaderCarrier(r.Header))
	parent := trace.SpanContextFromContext(ctx)
	attrs := trace.WithAttributes(
		attribute.String("http.request.method", r.Method),
		attribute.String("url.path", r.URL.Path),
	)
	ctx, span := tp.Tracer(instrumentation).Start(ctx, r.Method, trace.WithSpanKind(trace.SpanKindServer), attrs)
	// A span of our own is the parent of the calls the service makes while
	// serving: the client sends the traceparent the context carries. With
	// no span made (tracing off), the caller's goes on unchanged.
	if sc := span.SpanContext(); sc.IsValid() && sc.SpanID() != parent.SpanID() {
		carrier := propagation.MapCarrier{}
		propagation.TraceContext{}.Inject(ctx, carrier)
		ctx = svcgen.WithTraceparent(ctx, carrier["traceparent"], carrier["tracestate"])
	}
	return ctx, span
}

// endRequest names the span by the route that answered and records the
// status; 5xx answers mark it failed. A nil span is none made.
func endRequest(span trace.Span, r *http.Request, status int) {
	if span == nil {
		return
	}
	if !span.IsRecording() {
		span.End()
		return
	}
	if route := routeOf(r.Pattern); route != "" {
		span.SetName(r.Method + " " + route)
		span.SetAttributes(attribute.String("http.route", route))
	}
	span.SetAttributes(attribute.Int("http.response.status_code", status))
	if status >= 500 {
		span.SetStatus(codes.Error, http.StatusText(status))
	}
	span.End()
}

// routeOf is the path part of a ServeMux pattern ("GET /orders/{id}" →
// "/orders/{id}"); "" for the catch-all "/" that answers 404 and 405.
func routeOf(pattern string) string {
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		pattern = pattern[i+1:]
	}
	if pattern == "/" {
		return ""
	}
	return pattern
}

// LogHandler wraps h so that every record logged with a request's context
// carries its request_id, trace_id and span_id, which tie a log line to the
// request and to its trace.
func LogHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(logHandler); ok {
		return h
	}
	return logHandler{Handler: h}
}

type logHandler struct {
	slog.Handler
	// w and level are set by NewJSONLogHandler: the handler under it is
	// slog's JSON handler writing to w, so the request line can be written
	// without it (requestLine).
	w     io.Writer
	level slog.Leveler
}

// NewJSONLogHandler returns LogHandler over slog's JSON handler writing to
// w at level. The server writes its line per request (the one hot log
// call) itself, byte for byte as slog's handler would, at a fraction of
// its cost; every other record goes through slog.
func NewJSONLogHandler(w io.Writer, level slog.Leveler) slog.Handler {
	return logHandler{Handler: slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}), w: w, level: level}
}

func (h logHandler) Handle(ctx context.Context, rec slog.Record) error {
	if id := RequestID(ctx); id != "" {
		rec.AddAttrs(slog.String("request_id", id))
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		rec.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logHandler{Handler: h.Handler.WithAttrs(attrs)} // slog writes what it adds
}

func (h logHandler) WithGroup(name string) slog.Handler {
	return logHandler{Handler: h.Handler.WithGroup(name)}
}

// TracedHTTPClient returns the HTTP client for the clients of the services
// this one calls (their Options.HTTPClient): each call, each retry
// included, gets an OpenTelemetry client span, the child of the request
// being served, and carries its W3C trace context. Every service has its
// own copy of the client runtime, which cannot read what another copy put
// in the context; OpenTelemetry's context is shared by all of them.
func TracedHTTPClient() *http.Client {
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: tracingTransport{base}}
}

type tracingTransport struct{ base http.RoundTripper }

func (t tracingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	tp := trace.SpanFromContext(ctx).TracerProvider()
	u := *req.URL
	u.RawQuery, u.Fragment, u.User = "", "", nil // query strings may hold credentials
	attrs := trace.WithAttributes(
		attribute.String("http.request.method", req.Method),
		attribute.String("server.address", req.URL.Hostname()),
		attribute.String("url.full", u.String()),
	)
	ctx, span := tp.Tracer(instrumentation).Start(ctx, req.Method, trace.WithSpanKind(trace.SpanKindClient), attrs)
	defer span.End()
	req = req.Clone(ctx)
	propagator.Inject(ctx, propagation.HeaderCarrier(req.Header))
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
		return nil, err
	}
	span.SetAttributes(attribute.Int("http.response.status_code", resp.StatusCode))
	if resp.StatusCode >= 400 {
		span.SetStatus(codes.Error, http.StatusText(resp.StatusCode))
	}
	return resp, nil
}

// lineBuffers holds the buffers request lines are written in.
var lineBuffers = sync.Pool{New: func() any { return new([]byte) }}

// requestLine writes the request's log line as slog's JSON handler writes
// the record ServeHTTP would log, and reports whether it did (h must be
// NewJSONLogHandler's and info enabled).
func (h logHandler) requestLine(ctx context.Context, method, path string, status int, elapsed time.Duration) bool {
	if h.w == nil || h.level.Level() > slog.LevelInfo {
		return h.w != nil // below the level: nothing to write
	}
	bp := lineBuffers.Get().(*[]byte)
	b := appendRequestLine((*bp)[:0], time.Now(), ctx, method, path, status, elapsed)
	_, _ = h.w.Write(b)
	*bp = b
	lineBuffers.Put(bp)
	return true
}

// appendRequestLine appends the JSON line of a request record, with the
// attributes logHandler.Handle adds.
func appendRequestLine(b []byte, t time.Time, ctx context.Context, method, path string, status int, elapsed time.Duration) []byte {
	b = append(b, `{"time":"`...)
	b = t.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","level":"INFO","msg":"request","method":`...)
	b = appendLogString(b, method)
	b = append(b, `,"path":`...)
	b = appendLogString(b, path)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"duration":`...)
	b = strconv.AppendInt(b, int64(elapsed), 10)
	if id := RequestID(ctx); id != "" {
		b = append(b, `,"request_id":`...)
		b = appendLogString(b, id)
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		tid, sid := sc.TraceID(), sc.SpanID()
		b = append(b, `,"trace_id":"`...)
		b = hex.AppendEncode(b, tid[:])
		b = append(b, `","span_id":"`...)
		b = hex.AppendEncode(b, sid[:])
		b = append(b, '"')
	}
	return append(b, "}\n"...)
}

// appendLogString quotes s as slog's JSON handler does: encoding/json's
// escapes, without escaping <, > and &.
func appendLogString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, `\u00`...)
				b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, `\u202`...)
				b = append(b, "0123456789abcdef"[r&0xf])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
