// Package svcgenhttp is the part of the runtime only a service's server
// needs: reading request bodies and parameters, writing responses and RFC
// 9457 problems, the request log, Prometheus metrics, health and readiness,
// and routing what Go's ServeMux refuses.
//
// svcgen copies this package into every service it generates, under
// internal/; edit it in svcgen's repository (runtime/internal/svcgenhttp),
// where it is tested.
package svcgenhttp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/trace"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

// Options configure a Server.
type Options struct {
	// Logger receives one line per request and every unexpected error.
	// Defaults to slog.Default(). Wrapped in LogHandler, its lines carry
	// the request's request_id, trace_id and span_id.
	Logger *slog.Logger
	// Spec is served at /openapi.yaml when set.
	Spec []byte
	// Version is the build's version, reported by /healthz when set.
	Version string
	// Ready reports whether the service can take traffic; /readyz answers
	// 503 while it returns an error. Nil means always ready.
	Ready func(r *http.Request) error
	// Versioned says the store versions resources (an event log): each
	// request carries its If-Match header to the store, and a successful
	// answer gets the ETag the store found (svcgen.Versioned).
	Versioned bool
	// MaxBodyBytes limits request bodies (413 beyond). Defaults to 1 MiB.
	MaxBodyBytes int64
	// BodyTimeout bounds the reading of a request's body, counted from
	// the end of its headers (http.Server's ReadHeaderTimeout bounds
	// those). Defaults to 30 seconds; negative means no bound. It stands
	// for http.Server's ReadTimeout, which would give every request a
	// timer of its own, a body or not. On a connection WatchConns watches
	// with a Body limit, that limit applies instead, without a timer.
	BodyTimeout time.Duration
	// Registry receives the request metrics and is served at /metrics.
	// Nil means a new registry with the Go runtime and process collectors.
	Registry *prometheus.Registry
	// TracerProvider makes the request spans. Nil means OpenTelemetry's
	// global provider (SetupTracing's).
	TracerProvider trace.TracerProvider
	// Authenticator checks the credentials of requests to the operations
	// the spec secures. Nil answers them 500: the service is not
	// configured.
	Authenticator Authenticator
}

// Server is what every generated server shares: the ServeMux its routes
// are added to, the request log and metrics around them, and the answers
// to errors, unknown routes and the built-in endpoints.
type Server struct {
	Log   *slog.Logger
	Limit int64 // request body limit in bytes

	opts     Options
	mux      *http.ServeMux
	routes   router // finds most requests' route before mux would
	metrics  *metrics
	scrape   http.Handler
	fallback map[string][]pathRoute
	forms    map[string]*ErrorForms // by route pattern: SetErrorForms
}

// NewServer returns a Server with no routes but "/", which answers 404 or
// 405 as problems.
func NewServer(opts Options) *Server {
	s := &Server{Log: opts.Logger, Limit: opts.MaxBodyBytes, opts: opts, mux: http.NewServeMux()}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.Limit <= 0 {
		s.Limit = 1 << 20
	}
	if s.opts.BodyTimeout == 0 {
		s.opts.BodyTimeout = 30 * time.Second
	}
	if s.opts.Registry == nil {
		s.opts.Registry = defaultRegistry()
	}
	s.metrics = newMetrics(s.opts.Registry)
	s.scrape = promhttp.HandlerFor(s.opts.Registry, promhttp.HandlerOpts{Registry: s.opts.Registry})
	s.mux.HandleFunc("/", s.NotFound)
	return s
}

// Handle routes a ServeMux pattern ("GET /orders/{id}") to h, which reads
// the path's wildcards with r.PathValue. Routes of the spec's operations
// are added with HandleOperation.
//
// The route's metric series are resolved here, once per method and status
// the route answers with, so that a request costs no label hashing. Add
// every route before the server serves its first request: the router,
// unlike ServeMux, is not safe to change while it is read.
func (s *Server) Handle(pattern string, h http.HandlerFunc) {
	s.handle(pattern, h, false)
}

// HandleOperation routes a ServeMux pattern to h, as Handle does, for a
// handler that reads the request's context with Context and the path's
// wildcards with Param, rather than r.Context() and r.PathValue: the
// server's own router then serves it whatever its wildcards, without a
// copy of the request.
func (s *Server) HandleOperation(pattern string, h http.HandlerFunc) {
	s.handle(pattern, h, true)
}

func (s *Server) handle(pattern string, h http.HandlerFunc, params bool) {
	rm := &routeMetrics{m: s.metrics, pattern: pattern}
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if sw, ok := w.(*statusWriter); ok {
			sw.route = rm
		}
		h(w, r)
	})
	route := &fastRoute{pattern: pattern, handle: h, metrics: rm, direct: params}
	s.routes.add(pattern, route)
	if len(route.names) > 0 && !params {
		route.handle = nil // only ServeMux's match sets r.PathValue
	}
}

// routeMetrics holds the series of one route: a short list of (method,
// status) pairs, copied on write, that requests scan without locking.
type routeMetrics struct {
	m       *metrics
	pattern string
	series  atomic.Pointer[[]routeSeries]
	mu      sync.Mutex
}

type routeSeries struct {
	method string
	status int
	child
}

// maxRouteSeries bounds a route's list: methods are the client's to choose
// (HEAD, and any for a pattern without one); beyond it, series are looked
// up in metrics' shared cache.
const maxRouteSeries = 16

func (rm *routeMetrics) of(method string, status int) child {
	if list := rm.series.Load(); list != nil {
		for i := range *list {
			if e := &(*list)[i]; e.status == status && e.method == method {
				return e.child
			}
		}
	}
	c := rm.m.of(method, rm.pattern, status)
	rm.mu.Lock()
	defer rm.mu.Unlock()
	var list []routeSeries
	if old := rm.series.Load(); old != nil {
		list = *old
	}
	if len(list) < maxRouteSeries {
		list = append(list[:len(list):len(list)], routeSeries{method, status, c})
		rm.series.Store(&list)
	}
	return c
}

// metrics are the Prometheus series of every request.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec

	// children caches the series of each method, route and status, so that
	// a request costs a map lookup rather than label validation, hashing and
	// a status formatted to text. At most maxChildren entries: beyond that
	// (methods are the client's to choose) series are looked up each time.
	children sync.Map // childKey → child
	size     atomic.Int32
}

const maxChildren = 1024

type childKey struct {
	method, route string
	status        int
}

type child struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// of returns the series of a request's method, route and status.
func (m *metrics) of(method, route string, status int) child {
	k := childKey{method, route, status}
	if c, ok := m.children.Load(k); ok {
		return c.(child)
	}
	c := child{m.requests.WithLabelValues(method, route, strconv.Itoa(status)), m.duration.WithLabelValues(method, route)}
	if m.size.Load() < maxChildren {
		if _, loaded := m.children.LoadOrStore(k, c); !loaded {
			m.size.Add(1)
		}
	}
	return c
}

// newMetrics registers the request metrics in reg.
func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests by method, route pattern and status code.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by method and route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
	}
	m.requests = register(reg, m.requests)
	m.duration = register(reg, m.duration)
	return m
}

// register adds c to reg, reusing a collector already registered under the
// same name (two servers may share a registry).
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(err)
	}
	return c
}

// NewRegistry returns a registry with the Go runtime and process
// collectors, for Options.Registry when other parts of the service add
// their own metrics.
func NewRegistry() *prometheus.Registry { return defaultRegistry() }

// defaultRegistry is a registry with the Go runtime and process collectors.
func defaultRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// Metrics serves the registry in the Prometheus text format.
func (s *Server) Metrics(w http.ResponseWriter, r *http.Request) { s.scrape.ServeHTTP(w, r) }

// Invalid answers 400 listing every invalid part of the request.
func (s *Server) Invalid(w http.ResponseWriter, r *http.Request, errs svcgen.Errors) {
	s.problem(w, r, http.StatusBadRequest, "the request is invalid", errs)
}

// statusClientClosed is what the logs and metrics record when the client
// went away before the answer (nginx's convention); nobody receives it.
const statusClientClosed = 499

// ErrNoRoute is returned by a decoder when the path matched a route's
// pattern but not the literal text around one of its parameters
// ("/files/{name}.json"): the answer is 404, as for no route at all.
var ErrNoRoute = errors.New("no route for this path")

// ErrNoResponse is what a service method that returns neither a response
// nor an error is answered with (500).
var ErrNoResponse = errors.New("the service returned no response")

// Fail answers an error returned by the service or the decoder: an
// *svcgen.Error with its status, svcgen.Errors with 400, anything else
// with 500 (logged, never sent).
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) {
	ctx := Context(w, r)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		s.Log.DebugContext(ctx, "client went away", "method", r.Method, "path", r.URL.Path)
		w.WriteHeader(statusClientClosed)
		return
	}
	if errors.Is(err, ErrNoRoute) {
		WriteProblem(w, r, http.StatusNotFound, "no route for "+r.URL.Path, nil)
		return
	}
	var e *svcgen.Error
	if errors.As(err, &e) && e.Status >= 400 && e.Status <= 599 {
		if e.Status >= 500 && e.Status != http.StatusNotImplemented {
			s.Log.ErrorContext(ctx, "request failed", "method", r.Method, "path", r.URL.Path, "error", err)
		}
		s.problem(w, r, e.Status, e.Detail, nil)
		return
	}
	var fields svcgen.Errors
	if errors.As(err, &fields) {
		s.Invalid(w, r, fields)
		return
	}
	s.Log.ErrorContext(ctx, "request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	s.problem(w, r, http.StatusInternalServerError, "", nil)
}

// LogWriteError logs a response that could not be written in full (the
// client went away, say): the status is sent already, nothing else can be.
func (s *Server) LogWriteError(w http.ResponseWriter, r *http.Request, operation string, err error) {
	s.Log.ErrorContext(Context(w, r), "writing the response failed", "operation", operation, "error", err)
}

// NotFound answers requests no route matches: 405 with an Allow header
// when the path exists with other methods, else 404.
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "HEAD"} {
		if m == r.Method || m == "GET" && r.Method == "HEAD" || m == "HEAD" && slices.Contains(allow, "HEAD") {
			continue // HEAD last: a path may have a HEAD route and no GET one
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			if strings.HasSuffix(pattern, catchAll) {
				if route, _ := s.fallbackRoute(m, probe); route == nil {
					continue // the catch-all route of m, with no operation for this path
				}
			}
			allow = append(allow, m)
			if m == "GET" {
				allow = append(allow, "HEAD") // ServeMux answers HEAD with GET routes
			}
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		WriteProblem(w, r, http.StatusMethodNotAllowed, "this path does not support "+r.Method, nil)
		return
	}
	WriteProblem(w, r, http.StatusNotFound, "no route for "+r.URL.Path, nil)
}

// Healthz answers 200 while the process runs, with Options.Version.
func (s *Server) Healthz(w http.ResponseWriter, r *http.Request) {
	body := map[string]string{"status": "ok"}
	if s.opts.Version != "" {
		body["version"] = s.opts.Version
	}
	_ = WriteJSONMap(w, http.StatusOK, "application/json", &body)
}

// Readyz answers 200 when Options.Ready accepts, else 503.
func (s *Server) Readyz(w http.ResponseWriter, r *http.Request) {
	if s.opts.Ready != nil {
		if err := s.opts.Ready(r); err != nil {
			s.Log.WarnContext(r.Context(), "not ready", "error", err)
			WriteProblem(w, r, http.StatusServiceUnavailable, "not ready", nil)
			return
		}
	}
	_ = WriteJSONMap(w, http.StatusOK, "application/json", &map[string]string{"status": "ready"})
}

// Spec serves Options.Spec, the service's OpenAPI description.
func (s *Server) Spec(w http.ResponseWriter, r *http.Request) {
	if s.opts.Spec == nil {
		// Not s.NotFound: it would find this route's own GET pattern and
		// answer 405, inviting the client to try HEAD.
		WriteProblem(w, r, http.StatusNotFound, "no route for "+r.URL.Path, nil)
		return
	}
	w.Header().Set("Content-Type", "application/yaml")
	_, _ = w.Write(s.opts.Spec)
}

// exchange is what ServeHTTP makes of each request, in one allocation
// rather than five: the writer that remembers the status, the context that
// carries the request's id, and the X-Request-Id header's value and text.
type exchange struct {
	statusWriter
	idContext
	idHeader [1]string
	idBytes  [32]byte
}

// statusWriter remembers the status code for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
	// versioned, when set, holds the ETag the store found for a
	// successful answer (Options.Versioned).
	versioned *svcgen.Versioned
	// route is the series of the route that answered (set by Handle).
	route *routeMetrics
	// ctx is the context the request is served with (Context).
	ctx context.Context
	// names and values are the path's wildcards when the server's router
	// found the route (Param), rather than ServeMux (r.PathValue).
	names  []string
	values [maxWildcards]string
}

// Context returns the context a request is served with: its id, the
// caller's trace context, the store's versioning and what Authenticate
// added. Handlers added with HandleOperation read it here: the server
// serves them r as net/http made it, whose r.Context() lacks these values,
// rather than a copy of r with another context (an allocation of a few
// hundred bytes a request). Other handlers find it in r.Context() too.
func Context(w http.ResponseWriter, r *http.Request) context.Context {
	if sw, ok := w.(*statusWriter); ok && sw.ctx != nil {
		return sw.ctx
	}
	return r.Context()
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 { // 1xx (103 Early Hints) comes before the status
		w.status = code
		if w.versioned != nil && w.versioned.ETag != "" && code < 300 {
			w.Header().Set("ETag", w.versioned.ETag)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// epoch is the time monotonic counts from.
var epoch = time.Now()

// monotonic reads the monotonic clock alone: time.Now reads the wall
// clock too, which a request's duration has no need for.
func monotonic() time.Duration { return time.Since(epoch) }

// ServeHTTP traces, logs and measures each request and turns a panic into
// a 500 problem. A valid W3C traceparent header goes into the request's
// context, so that the clients the service calls other services with pass
// it on (naming the request's span as their parent when spans are made).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := monotonic()
	if len(r.TransferEncoding) > 0 && r.ProtoMajor == 1 {
		// RFC 9112 §6.1: a request with both Transfer-Encoding and
		// Content-Length must have its connection closed after the answer,
		// lest a request smuggled behind it be read. net/http drops
		// Content-Length from such a request before any handler runs, so
		// every request framed by Transfer-Encoding gets it: a client
		// streaming a body pays a new connection, nothing worse.
		w.Header().Set("Connection", "close")
	}
	ctx := r.Context()
	if r.Body != http.NoBody && r.Body != nil {
		// The connection's watch bounds the body (ConnLimits.Body), or else
		// a read deadline does, which net/http clears once the body is read
		// to its end.
		wc, ok := ctx.Value(watchedConnKey{}).(*watchedConn)
		if (!ok || !wc.watchBody()) && s.opts.BodyTimeout > 0 {
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.opts.BodyTimeout))
		}
	}
	// net/http has made the names canonical: no need for Header.Values'.
	parent, traced := r.Header["Traceparent"]
	if len(parent) == 1 && svcgen.ValidTraceparent(parent[0]) {
		state := strings.Join(r.Header["Tracestate"], ",")
		ctx = svcgen.WithTraceparent(ctx, parent[0], state)
	}
	x := &exchange{statusWriter: statusWriter{ResponseWriter: w}}
	sw := &x.statusWriter
	if s.opts.Versioned {
		sw.versioned = &svcgen.Versioned{IfMatch: r.Header.Get("If-Match")}
		ctx = svcgen.WithVersioned(ctx, sw.versioned)
	}
	ctx, span := s.startRequest(x, r, ctx, traced)
	sw.ctx = ctx
	route := s.routes.find(r, &sw.values)
	if route == nil || !route.direct {
		// A handler that reads r.Context() gets ctx there: one copy of
		// the request, whatever ctx carries.
		r = r.WithContext(ctx)
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.Log.ErrorContext(sw.ctx, "panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v))
			if sw.status == 0 {
				WriteProblem(sw, r, http.StatusInternalServerError, "", nil)
			}
		}
		if sw.status == 0 {
			sw.status = http.StatusOK // nothing written: net/http sends 200
		}
		elapsed := monotonic() - start
		var series child
		if sw.route != nil {
			series = sw.route.of(r.Method, sw.status)
		} else {
			series = s.metrics.of(r.Method, r.Pattern, sw.status)
		}
		series.requests.Inc()
		series.duration.Observe(elapsed.Seconds())
		if lh, ok := s.Log.Handler().(logHandler); !ok || !lh.requestLine(sw.ctx, r.Method, r.URL.Path, sw.status, elapsed) {
			s.Log.LogAttrs(sw.ctx, slog.LevelInfo, "request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", sw.status),
				slog.Duration("duration", elapsed))
		}
		endRequest(span, r, sw.status)
	}()
	if route != nil {
		// As ServeMux would have routed it, through Handle's closure.
		sw.names = route.names
		r.Pattern = route.pattern
		sw.route = route.metrics
		route.handle(sw, r)
		return
	}
	s.mux.ServeHTTP(sw, r)
}
