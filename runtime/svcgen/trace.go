package svcgen

import "context"

// The W3C trace context (https://www.w3.org/TR/trace-context/) of the
// request being served travels in the context, so that a call to another
// service made while serving it carries the same trace. The server puts an
// incoming traceparent there, the client sends it on. Neither takes part in
// the trace (no span of its own): each forwards the headers unchanged, as
// the recommendation allows of a component that does not trace.

type traceKey struct{}

type traceContext struct{ parent, state string }

// maxTracestate is the length of tracestate kept: the recommendation asks
// that at least 512 characters be passed on and lets longer values go.
const maxTracestate = 512

// WithTraceparent returns ctx carrying the W3C traceparent and tracestate
// header values. An invalid traceparent leaves ctx as it is; an invalid or
// longer than 512 characters tracestate is dropped.
func WithTraceparent(ctx context.Context, traceparent, tracestate string) context.Context {
	if !ValidTraceparent(traceparent) {
		return ctx
	}
	if !validTracestate(tracestate) {
		tracestate = ""
	}
	return context.WithValue(ctx, traceKey{}, traceContext{traceparent, tracestate})
}

// TraceparentFrom returns the traceparent and tracestate ctx carries, or
// empty strings.
func TraceparentFrom(ctx context.Context) (traceparent, tracestate string) {
	tc, _ := ctx.Value(traceKey{}).(traceContext)
	return tc.parent, tc.state
}

// ValidTraceparent reports whether s is a traceparent header value:
// version-traceid-parentid-flags in lower-case hex, neither id all zeros.
// A version after 00 may add fields after another "-".
func ValidTraceparent(s string) bool {
	if len(s) < 55 || s[2] != '-' || s[35] != '-' || s[52] != '-' {
		return false
	}
	version, traceID, parentID, flags := s[0:2], s[3:35], s[36:52], s[53:55]
	if !lowerHex(version) || version == "ff" || !lowerHex(traceID) || !lowerHex(parentID) || !lowerHex(flags) {
		return false
	}
	if allZeros(traceID) || allZeros(parentID) {
		return false
	}
	if version == "00" {
		return len(s) == 55
	}
	return len(s) == 55 || s[55] == '-'
}

func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func allZeros(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return true
}

// validTracestate accepts a value that can be sent on as it is: printable
// ASCII, at most maxTracestate long. The list members are not checked one
// by one: the client only forwards the value.
func validTracestate(s string) bool {
	if len(s) > maxTracestate {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
