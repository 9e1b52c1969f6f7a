package svcgenhttp

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkinstrumentation "go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// otlpExporter sends spans to an OpenTelemetry collector over OTLP/HTTP
// with protobuf bodies (the protocol OTLP calls http/protobuf), set up
// from the standard OTEL_EXPORTER_OTLP_* variables.
//
// OpenTelemetry's own exporter for this (otlptracehttp) links gRPC and
// grpc-gateway through a configuration package it shares with the gRPC
// exporter and through the collector's generated service package
// (opentelemetry-go#2579), though it uses neither. Every garbage
// collection then marks what their package initialisation left behind,
// about a fifth of a served request's collection cost
// (bench/README.md). This exporter keeps OpenTelemetry's SDK (batching,
// sampling, resources) and its protobuf types, and does the last step
// itself: the body is a TracesData message, which the OTLP specification
// makes identical on the wire to the ExportTraceServiceRequest a
// collector takes.
type otlpExporter struct {
	client  *http.Client
	url     string
	header  http.Header
	gzip    bool
	timeout time.Duration
	stopped atomic.Bool
}

// newOTLPExporter reads the exporter's settings, the traces-specific
// variable (OTEL_EXPORTER_OTLP_TRACES_X) winning over the general one
// (OTEL_EXPORTER_OTLP_X):
//
//   - ENDPOINT: the collector. The general one is a base URL, to which
//     /v1/traces is added; the traces one is used as it is. Default
//     http://localhost:4318.
//   - HEADERS: key=value pairs, comma-separated, values percent-encoded.
//   - TIMEOUT: milliseconds an export may take, retries included
//     (default 10000).
//   - COMPRESSION: gzip or none.
//   - CERTIFICATE, CLIENT_CERTIFICATE, CLIENT_KEY: PEM files of the
//     certificate authority to trust and of a client certificate, for
//     https endpoints.
//   - PROTOCOL: http/protobuf, the only one this exporter speaks.
//
// A value it cannot use is an error naming the variable.
func newOTLPExporter(getenv func(string) string) (*otlpExporter, error) {
	get := func(name string) (value, variable string) {
		if v := getenv("OTEL_EXPORTER_OTLP_TRACES_" + name); v != "" {
			return v, "OTEL_EXPORTER_OTLP_TRACES_" + name
		}
		return getenv("OTEL_EXPORTER_OTLP_" + name), "OTEL_EXPORTER_OTLP_" + name
	}
	e := &otlpExporter{timeout: 10 * time.Second, header: http.Header{}}

	if p, name := get("PROTOCOL"); p != "" && p != "http/protobuf" {
		return nil, fmt.Errorf("%s=%s: the service exports traces over http/protobuf only", name, p)
	}
	endpoint, name := get("ENDPOINT")
	switch {
	case endpoint == "":
		e.url = "http://localhost:4318/v1/traces"
	case name == "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT":
		e.url = endpoint
	default:
		e.url = strings.TrimSuffix(endpoint, "/") + "/v1/traces"
	}
	if u, err := url.Parse(e.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s: %q is not an http or https URL", name, endpoint)
	}

	if v, name := get("HEADERS"); v != "" {
		for _, pair := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(pair, "=")
			k = strings.TrimSpace(k)
			val, err := url.PathUnescape(strings.TrimSpace(val))
			if !ok || k == "" || err != nil {
				return nil, fmt.Errorf("%s: %q is not a key=value pair with a percent-encoded value", name, strings.TrimSpace(pair))
			}
			e.header.Add(k, val)
		}
	}
	e.header.Set("Content-Type", "application/x-protobuf")

	if v, name := get("TIMEOUT"); v != "" {
		ms, err := strconv.ParseInt(v, 10, 64)
		if err != nil || ms <= 0 || ms > math.MaxInt64/int64(time.Millisecond) {
			return nil, fmt.Errorf("%s=%s: want a positive number of milliseconds", name, v)
		}
		e.timeout = time.Duration(ms) * time.Millisecond
	}

	switch v, name := get("COMPRESSION"); v {
	case "", "none":
	case "gzip":
		e.gzip = true
		e.header.Set("Content-Encoding", "gzip")
	default:
		return nil, fmt.Errorf("%s=%s: want gzip or none", name, v)
	}

	tlsConfig, err := otlpTLS(get)
	if err != nil {
		return nil, err
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = tlsConfig
	e.client = &http.Client{Transport: transport}
	return e, nil
}

// otlpTLS is the TLS configuration the CERTIFICATE, CLIENT_CERTIFICATE and
// CLIENT_KEY variables ask for, or nil when they are unset.
func otlpTLS(get func(string) (string, string)) (*tls.Config, error) {
	ca, caName := get("CERTIFICATE")
	cert, certName := get("CLIENT_CERTIFICATE")
	key, keyName := get("CLIENT_KEY")
	if ca == "" && cert == "" && key == "" {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", caName, err)
		}
		c.RootCAs = x509.NewCertPool()
		if !c.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no PEM certificate in %s", caName, ca)
		}
	}
	if (cert == "") != (key == "") {
		return nil, fmt.Errorf("%s and %s go together: set both or neither", certName, keyName)
	}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("%s, %s: %w", certName, keyName, err)
		}
		c.Certificates = []tls.Certificate{pair}
	}
	return c, nil
}

// ExportSpans sends spans in one request, retrying what the OTLP
// specification says to retry (429, 502, 503 and 504, and requests that
// got no answer) with a growing, jittered wait or the collector's
// Retry-After, for as long as the export's time allows.
func (e *otlpExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if e.stopped.Load() {
		return errors.New("OTLP exporter: shut down")
	}
	if len(spans) == 0 {
		return nil
	}
	body, err := proto.Marshal(tracesData(spans))
	if err != nil {
		return fmt.Errorf("OTLP exporter: encoding spans: %w", err)
	}
	if e.gzip {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write(body) // a bytes.Buffer does not fail
		_ = zw.Close()
		body = b.Bytes()
	}
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	wait := 500 * time.Millisecond
	for {
		retry, after, err := e.send(ctx, body)
		if err == nil || !retry {
			return err
		}
		if after <= 0 {
			after = wait/2 + rand.N(wait) // 0.5 to 1.5 times the wait
			wait = min(2*wait, 8*time.Second)
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < after {
			return err
		}
		t := time.NewTimer(after)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// send makes one request. retry says whether another may succeed, after
// the wait the collector asked for (Retry-After), if it did.
func (e *otlpExporter) send(ctx context.Context, body []byte) (retry bool, after time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(body))
	if err != nil {
		return false, 0, fmt.Errorf("OTLP exporter: %w", err)
	}
	req.Header = e.header.Clone()
	resp, err := e.client.Do(req)
	if err != nil {
		// No answer: the collector may be restarting. A certificate it
		// was refused for will not be better next time.
		var cert *tls.CertificateVerificationError
		return ctx.Err() == nil && !errors.As(err, &cert), 0, fmt.Errorf("OTLP exporter: %w", err)
	}
	defer resp.Body.Close()
	// Answers are small: a status, or a partial success's count and message.
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		if rejected, msg := partialSuccess(answer); rejected > 0 || msg != "" {
			otel.Handle(fmt.Errorf("OTLP exporter: the collector rejected %d spans: %s", rejected, msg))
		}
		return false, 0, nil
	}
	err = fmt.Errorf("OTLP exporter: %s from %s", resp.Status, e.url)
	if msg := answerMessage(resp.Header.Get("Content-Type"), answer); msg != "" {
		err = fmt.Errorf("%w: %s", err, msg)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, retryAfter(resp.Header.Get("Retry-After")), err
	}
	return false, 0, err
}

// retryAfter is a Retry-After header's wait, in seconds or until a date;
// 0 when there is none.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// partialSuccess reads an ExportTraceServiceResponse's partial_success
// (field 1): the spans rejected (its field 1) and why (its field 2).
func partialSuccess(b []byte) (rejected int64, msg string) {
	ps, ok := protoField(b, 1, protowire.BytesType)
	if !ok {
		return 0, ""
	}
	if v, ok := protoField(ps, 1, protowire.VarintType); ok {
		n, _ := protowire.ConsumeVarint(v)
		rejected = int64(n)
	}
	if v, ok := protoField(ps, 2, protowire.BytesType); ok {
		msg = string(v)
	}
	return rejected, msg
}

// answerMessage is what a failed export's answer says: the message (field
// 2) of the google.rpc.Status a collector answers with, or the start of a
// text answer (a proxy's), or "".
func answerMessage(contentType string, b []byte) string {
	if strings.HasPrefix(contentType, "application/x-protobuf") {
		v, _ := protoField(b, 2, protowire.BytesType)
		return string(v)
	}
	if !strings.HasPrefix(contentType, "text/") && !strings.HasPrefix(contentType, "application/json") || !utf8.Valid(b) {
		return ""
	}
	msg := strings.Join(strings.Fields(string(b)), " ")
	if len(msg) > 200 {
		msg = strings.ToValidUTF8(msg[:200], "") + "…"
	}
	return msg
}

// protoField finds the last occurrence of field num, of wire type typ, in
// the protobuf message b: the value's bytes (for a varint, its encoding).
// A malformed message has no fields.
func protoField(b []byte, num protowire.Number, typ protowire.Type) (value []byte, ok bool) {
	for len(b) > 0 {
		n, t, l := protowire.ConsumeTag(b)
		if l < 0 {
			return nil, false
		}
		b = b[l:]
		size := protowire.ConsumeFieldValue(n, t, b)
		if size < 0 {
			return nil, false
		}
		if n == num && t == typ {
			value, ok = b[:size], true
			if t == protowire.BytesType {
				value, _ = protowire.ConsumeBytes(b[:size])
			}
		}
		b = b[size:]
	}
	return value, ok
}

// Shutdown stops the exporter: later exports fail.
func (e *otlpExporter) Shutdown(ctx context.Context) error {
	e.stopped.Store(true)
	e.client.CloseIdleConnections()
	return ctx.Err()
}

// tracesData groups spans by resource, then by instrumentation scope, in
// the order they come.
func tracesData(spans []sdktrace.ReadOnlySpan) *tracepb.TracesData {
	type scopeKey struct {
		resource attribute.Distinct
		scope    sdkinstrumentation.Scope
	}
	data := &tracepb.TracesData{}
	resources := map[attribute.Distinct]*tracepb.ResourceSpans{}
	scopes := map[scopeKey]*tracepb.ScopeSpans{}
	for _, s := range spans {
		if s == nil {
			continue
		}
		res := s.Resource()
		rk := res.Equivalent()
		rs := resources[rk]
		if rs == nil {
			rs = &tracepb.ResourceSpans{Resource: otlpResource(res), SchemaUrl: res.SchemaURL()}
			resources[rk] = rs
			data.ResourceSpans = append(data.ResourceSpans, rs)
		}
		scope := s.InstrumentationScope()
		sk := scopeKey{rk, scope}
		ss := scopes[sk]
		if ss == nil {
			ss = &tracepb.ScopeSpans{SchemaUrl: scope.SchemaURL}
			if scope != (sdkinstrumentation.Scope{}) {
				ss.Scope = &commonpb.InstrumentationScope{
					Name:       scope.Name,
					Version:    scope.Version,
					Attributes: otlpAttributes(scope.Attributes.ToSlice()),
				}
			}
			scopes[sk] = ss
			rs.ScopeSpans = append(rs.ScopeSpans, ss)
		}
		ss.Spans = append(ss.Spans, otlpSpan(s))
	}
	return data
}

func otlpResource(r *resource.Resource) *resourcepb.Resource {
	if r == nil {
		return nil
	}
	return &resourcepb.Resource{Attributes: otlpAttributes(r.Attributes())}
}

func otlpSpan(s sdktrace.ReadOnlySpan) *tracepb.Span {
	sc := s.SpanContext()
	tid, sid := sc.TraceID(), sc.SpanID()
	span := &tracepb.Span{
		TraceId:                tid[:],
		SpanId:                 sid[:],
		TraceState:             sc.TraceState().String(),
		Flags:                  spanFlags(sc.TraceFlags(), s.Parent().IsRemote()),
		Name:                   s.Name(),
		Kind:                   otlpKind(s.SpanKind()),
		StartTimeUnixNano:      unixNano(s.StartTime()),
		EndTimeUnixNano:        unixNano(s.EndTime()),
		Attributes:             otlpAttributes(s.Attributes()),
		DroppedAttributesCount: droppedCount(s.DroppedAttributes()),
		DroppedEventsCount:     droppedCount(s.DroppedEvents()),
		DroppedLinksCount:      droppedCount(s.DroppedLinks()),
		Status:                 otlpStatus(s.Status()),
	}
	if p := s.Parent(); p.SpanID().IsValid() {
		psid := p.SpanID()
		span.ParentSpanId = psid[:]
	}
	for _, ev := range s.Events() {
		span.Events = append(span.Events, &tracepb.Span_Event{
			TimeUnixNano:           unixNano(ev.Time),
			Name:                   ev.Name,
			Attributes:             otlpAttributes(ev.Attributes),
			DroppedAttributesCount: droppedCount(ev.DroppedAttributeCount),
		})
	}
	for _, l := range s.Links() {
		tid, sid := l.SpanContext.TraceID(), l.SpanContext.SpanID()
		span.Links = append(span.Links, &tracepb.Span_Link{
			TraceId:                tid[:],
			SpanId:                 sid[:],
			TraceState:             l.SpanContext.TraceState().String(),
			Attributes:             otlpAttributes(l.Attributes),
			DroppedAttributesCount: droppedCount(l.DroppedAttributeCount),
			Flags:                  spanFlags(l.SpanContext.TraceFlags(), l.SpanContext.IsRemote()),
		})
	}
	return span
}

// spanFlags are the W3C trace flags in the low byte, and whether the
// parent (or a link's span) is remote, with the bit that says that is
// known.
func spanFlags(f trace.TraceFlags, remote bool) uint32 {
	flags := uint32(f) | uint32(tracepb.SpanFlags_SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK)
	if remote {
		flags |= uint32(tracepb.SpanFlags_SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK)
	}
	return flags
}

func otlpKind(k trace.SpanKind) tracepb.Span_SpanKind {
	switch k {
	case trace.SpanKindInternal:
		return tracepb.Span_SPAN_KIND_INTERNAL
	case trace.SpanKindServer:
		return tracepb.Span_SPAN_KIND_SERVER
	case trace.SpanKindClient:
		return tracepb.Span_SPAN_KIND_CLIENT
	case trace.SpanKindProducer:
		return tracepb.Span_SPAN_KIND_PRODUCER
	case trace.SpanKindConsumer:
		return tracepb.Span_SPAN_KIND_CONSUMER
	}
	return tracepb.Span_SPAN_KIND_UNSPECIFIED
}

// otlpStatus carries the description only with an error, as OpenTelemetry
// sets it only then.
func otlpStatus(s sdktrace.Status) *tracepb.Status {
	switch s.Code {
	case codes.Error:
		return &tracepb.Status{Code: tracepb.Status_STATUS_CODE_ERROR, Message: s.Description}
	case codes.Ok:
		return &tracepb.Status{Code: tracepb.Status_STATUS_CODE_OK}
	}
	return &tracepb.Status{Code: tracepb.Status_STATUS_CODE_UNSET}
}

func otlpAttributes(attrs []attribute.KeyValue) []*commonpb.KeyValue {
	if len(attrs) == 0 {
		return nil
	}
	out := make([]*commonpb.KeyValue, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, &commonpb.KeyValue{Key: string(a.Key), Value: otlpValue(a.Value)})
	}
	return out
}

func otlpValue(v attribute.Value) *commonpb.AnyValue {
	switch v.Type() {
	case attribute.BOOL:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_BoolValue{BoolValue: v.AsBool()}}
	case attribute.INT64:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: v.AsInt64()}}
	case attribute.FLOAT64:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: v.AsFloat64()}}
	case attribute.STRING:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v.AsString()}}
	case attribute.BOOLSLICE:
		return otlpArray(v.AsBoolSlice(), func(b bool) *commonpb.AnyValue {
			return &commonpb.AnyValue{Value: &commonpb.AnyValue_BoolValue{BoolValue: b}}
		})
	case attribute.INT64SLICE:
		return otlpArray(v.AsInt64Slice(), func(n int64) *commonpb.AnyValue {
			return &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: n}}
		})
	case attribute.FLOAT64SLICE:
		return otlpArray(v.AsFloat64Slice(), func(f float64) *commonpb.AnyValue {
			return &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: f}}
		})
	case attribute.STRINGSLICE:
		return otlpArray(v.AsStringSlice(), func(s string) *commonpb.AnyValue {
			return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: s}}
		})
	}
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "INVALID"}}
}

func otlpArray[T any](vs []T, value func(T) *commonpb.AnyValue) *commonpb.AnyValue {
	arr := &commonpb.ArrayValue{Values: make([]*commonpb.AnyValue, len(vs))}
	for i, v := range vs {
		arr.Values[i] = value(v)
	}
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_ArrayValue{ArrayValue: arr}}
}

// unixNano is t in nanoseconds since 1970, 0 for the zero time.
func unixNano(t time.Time) uint64 {
	if t.IsZero() || t.Before(time.Unix(0, 0)) {
		return 0
	}
	return uint64(t.UnixNano())
}

// droppedCount clamps a count of dropped things into the protocol's uint32.
func droppedCount(n int) uint32 {
	return uint32(min(max(n, 0), math.MaxUint32))
}
