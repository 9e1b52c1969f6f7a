package svcgenhttp

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// The request line written without slog is byte for byte the line slog's
// JSON handler writes for the same record through LogHandler.
func TestRequestLineMatchesSlog(t *testing.T) {
	at := time.Date(2026, 12, 6, 16, 4, 5, 987654321, time.FixedZone("", 3600))
	traced := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{0x4b, 0xf9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14},
		SpanID:  trace.SpanID{0, 0xf0, 1, 2, 3, 4, 5, 6},
	}))
	for i, tc := range []struct {
		ctx          context.Context
		method, path string
	}{
		{context.Background(), "GET", "/pets/42"},
		{context.WithValue(context.Background(), requestIDKey{}, "req-\"7\""), "POST", "/a<b>&c/é/\u2028/\x01\t\"\\/\xff"},
		{context.WithValue(traced, requestIDKey{}, "0123456789abcdef"), "DELETE", "/x"},
	} {
		at := at
		if i == 0 {
			at = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) // no fraction
		}
		var want bytes.Buffer
		h := LogHandler(slog.NewJSONHandler(&want, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				a.Value = slog.TimeValue(at)
			}
			return a
		}}))
		slog.New(h).LogAttrs(tc.ctx, slog.LevelInfo, "request",
			slog.String("method", tc.method), slog.String("path", tc.path),
			slog.Int("status", 201), slog.Duration("duration", 1234567*time.Nanosecond))
		got := appendRequestLine(nil, at, tc.ctx, tc.method, tc.path, 201, 1234567*time.Nanosecond)
		if string(got) != want.String() {
			t.Errorf("request line\n%s\nslog writes\n%s", got, want.String())
		}
	}
}

// requestLine writes only at info and below, and only for the handler
// NewJSONLogHandler made.
func TestRequestLineLevels(t *testing.T) {
	var out bytes.Buffer
	info := NewJSONLogHandler(&out, slog.LevelInfo).(logHandler)
	if !info.requestLine(context.Background(), "GET", "/", 200, time.Millisecond) || out.Len() == 0 {
		t.Error("nothing written at info")
	}
	out.Reset()
	warn := NewJSONLogHandler(&out, slog.LevelWarn).(logHandler)
	if !warn.requestLine(context.Background(), "GET", "/", 200, time.Millisecond) || out.Len() != 0 {
		t.Errorf("written at warn: %q", out.String())
	}
	other := LogHandler(slog.NewJSONHandler(&out, nil)).(logHandler)
	if other.requestLine(context.Background(), "GET", "/", 200, time.Millisecond) {
		t.Error("a handler svcgen did not make took the fast path")
	}
	with := info.WithAttrs([]slog.Attr{slog.String("k", "v")}).(logHandler)
	if with.requestLine(context.Background(), "GET", "/", 200, time.Millisecond) {
		t.Error("a handler with attributes of its own took the fast path")
	}
}

func BenchmarkRequestLine(b *testing.B) {
	ctx := context.WithValue(context.Background(), requestIDKey{}, "0123456789abcdef0123456789abcdef")
	h := NewJSONLogHandler(discard{}, slog.LevelInfo).(logHandler)
	b.ReportAllocs()
	for b.Loop() {
		h.requestLine(ctx, "POST", "/pets", 201, time.Millisecond)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
