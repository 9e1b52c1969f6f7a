package svcgenhttp

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// LogBuffer collects log lines in memory and writes them to the
// underlying writer in batches: when 32 KiB have gathered, every interval,
// and on Close. A request log line then costs a copy rather than a write
// system call per request. What a crash can lose is the last interval's
// lines; a panic while serving is recovered and logged, so it loses
// nothing.
type LogBuffer struct {
	mu   sync.Mutex
	w    *bufio.Writer
	err  error
	stop chan struct{}
	done chan struct{}
}

// NewLogBuffer starts buffering lines for w, flushed every interval.
func NewLogBuffer(w io.Writer, interval time.Duration) *LogBuffer {
	b := &LogBuffer{w: bufio.NewWriterSize(w, 32<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go b.flushEvery(interval)
	return b
}

// Write adds p (whole lines, as slog's handlers write them).
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return 0, b.err
	}
	return b.w.Write(p)
}

// Flush writes what is buffered.
func (b *LogBuffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.w.Flush(); err != nil && b.err == nil {
		b.err = err
	}
	return b.err
}

// Close stops the timer and flushes; later writes fail.
func (b *LogBuffer) Close() error {
	close(b.stop)
	<-b.done
	err := b.Flush()
	b.mu.Lock()
	if b.err == nil {
		b.err = io.ErrClosedPipe
	}
	b.mu.Unlock()
	return err
}

func (b *LogBuffer) flushEvery(interval time.Duration) {
	defer close(b.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			_ = b.Flush()
		}
	}
}
