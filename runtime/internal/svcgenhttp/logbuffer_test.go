package svcgenhttp_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/svcgen/svcgen/runtime/internal/svcgenhttp"
)

type countingWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	return c.buf.Write(p)
}

func (c *countingWriter) snapshot() (string, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String(), c.writes
}

// TestLogBuffer: lines are written in batches, on the timer and on Close,
// all of them and in order.
func TestLogBuffer(t *testing.T) {
	var w countingWriter
	b := svcgenhttp.NewLogBuffer(&w, 20*time.Millisecond)
	for i := range 100 {
		if _, err := b.Write([]byte(strings.Repeat("x", i%7) + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := w.snapshot(); got != "" {
		t.Errorf("written before any flush: %q", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if got, _ := w.snapshot(); strings.Count(got, "\n") == 100 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the timer did not flush the lines")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, writes := w.snapshot(); writes != 1 {
		t.Errorf("%d writes for 100 lines, want 1", writes)
	}
	_, _ = b.Write([]byte("last\n"))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.snapshot(); !strings.HasSuffix(got, "x\nlast\n") {
		t.Errorf("Close did not flush the last line: %q", got[max(0, len(got)-20):])
	}
	if _, err := b.Write([]byte("late\n")); err == nil {
		t.Error("a write after Close succeeded")
	}
}

// TestLogBufferLarge: 32 KiB of lines go out without waiting for the timer.
func TestLogBufferLarge(t *testing.T) {
	var w countingWriter
	b := svcgenhttp.NewLogBuffer(&w, time.Hour)
	defer b.Close()
	line := []byte(strings.Repeat("y", 1023) + "\n")
	for range 40 {
		_, _ = b.Write(line)
	}
	if got, _ := w.snapshot(); len(got) < 32<<10 {
		t.Errorf("%d bytes written after 40 KiB, want the first 32 KiB", len(got))
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestLogBufferError(t *testing.T) {
	b := svcgenhttp.NewLogBuffer(failingWriter{}, time.Hour)
	_, _ = b.Write([]byte("x\n"))
	if err := b.Close(); err == nil || err.Error() != "disk full" {
		t.Errorf("Close = %v, want the writer's error", err)
	}
	var _ io.Writer = b
}
