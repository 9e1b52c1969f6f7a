package svcgenhttp

import (
	"math/rand/v2"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"
)

// deadlineConn records the deadlines set on it. Its read deadline takes a
// while to set, yielding before and after, so that callers at once
// interleave.
type deadlineConn struct {
	net.Conn
	mu          sync.Mutex
	read, write time.Time
	calls       int
}

func (c *deadlineConn) SetReadDeadline(t time.Time) error {
	runtime.Gosched()
	c.mu.Lock()
	c.read, c.calls = t, c.calls+1
	c.mu.Unlock()
	runtime.Gosched()
	return nil
}

func (c *deadlineConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.write, c.calls = t, c.calls+1
	return nil
}

func (c *deadlineConn) state() (read, write time.Time, calls int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.read, c.write, c.calls
}

func newWatched(limits ConnLimits) (*watchedConn, *deadlineConn) {
	dc := &deadlineConn{}
	return &watchedConn{Conn: dc, w: &connWatch{limits: limits}}, dc
}

// Clearing a deadline that is not set reaches the connection only when it
// was set since the last clearing.
func TestWatchedConnDeadlines(t *testing.T) {
	c, dc := newWatched(ConnLimits{})
	at := time.Now().Add(time.Minute)
	steps := []struct {
		do    func() error
		calls int // calls the connection has had after the step
	}{
		{func() error { return c.SetReadDeadline(time.Time{}) }, 0},
		{func() error { return c.SetWriteDeadline(time.Time{}) }, 0},
		{func() error { return c.SetReadDeadline(at) }, 1},
		{func() error { return c.SetReadDeadline(time.Time{}) }, 2},
		{func() error { return c.SetReadDeadline(time.Time{}) }, 2},
		{func() error { return c.SetDeadline(at) }, 4},
		{func() error { return c.SetWriteDeadline(time.Time{}) }, 5},
		{func() error { return c.SetDeadline(time.Time{}) }, 6},
		{func() error { return c.SetDeadline(time.Time{}) }, 6},
	}
	for i, s := range steps {
		if err := s.do(); err != nil {
			t.Fatal(err)
		}
		if _, _, calls := dc.state(); calls != s.calls {
			t.Fatalf("step %d: %d calls reached the connection, want %d", i, calls, s.calls)
		}
	}
	if r, w, _ := dc.state(); !r.IsZero() || !w.IsZero() {
		t.Fatalf("deadlines left set: read %v, write %v", r, w)
	}
}

// Whatever goroutines set and clear at once, a clearing that follows them
// all leaves the connection without a deadline, and a setting with it.
func TestWatchedConnDeadlinesConcurrent(t *testing.T) {
	for round := range 200 {
		c, dc := newWatched(ConnLimits{})
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(round), uint64(g)))
				for range 50 {
					if rng.IntN(2) == 0 {
						c.SetReadDeadline(time.Time{})
					} else {
						c.SetReadDeadline(time.Unix(int64(1+rng.IntN(100)), 0))
					}
				}
			}()
		}
		wg.Wait()
		c.SetReadDeadline(time.Time{})
		if r, _, _ := dc.state(); !r.IsZero() {
			t.Fatalf("round %d: a read deadline of %v left after clearing", round, r)
		}
		at := time.Unix(7, 0)
		c.SetReadDeadline(at)
		if r, _, _ := dc.state(); !r.Equal(at) {
			t.Fatalf("round %d: read deadline %v, want %v", round, r, at)
		}
	}
}

// A body's phase ends when net/http clears the read deadline, whether the
// watch found the body late before (the deadline it set is cleared) or
// after (it sets none).
func TestWatchedConnBodyPhase(t *testing.T) {
	c, dc := newWatched(ConnLimits{Body: time.Second})
	c.set(phaseAnswer)
	if !c.watchBody() {
		t.Fatal("watchBody refused a connection in its answer")
	}
	seen := c.state.Load()
	if !c.bodyLate(seen) {
		t.Error("bodyLate reported a body in its phase not failed")
	}
	if r, _, _ := dc.state(); r.IsZero() {
		t.Fatal("a late body got no read deadline")
	}
	if p := c.state.Load() & phaseMask; p != phaseBodyLate {
		t.Fatalf("phase %d, want phaseBodyLate", p)
	}
	c.SetReadDeadline(time.Time{}) // net/http: the body is read
	if r, _, _ := dc.state(); !r.IsZero() {
		t.Fatal("the late body's deadline outlived its phase")
	}
	if p := c.state.Load() & phaseMask; p != phaseAnswer {
		t.Fatalf("phase %d after the body, want phaseAnswer", p)
	}

	c, dc = newWatched(ConnLimits{Body: time.Second})
	c.set(phaseAnswer)
	c.watchBody()
	seen = c.state.Load()
	c.SetReadDeadline(time.Time{})
	if c.bodyLate(seen) { // the watch looked before the body's end
		t.Error("bodyLate reported failing a body that had ended")
	}
	if _, _, calls := dc.state(); calls != 0 {
		t.Fatalf("%d deadline calls for a body read in time, want none", calls)
	}

	c, _ = newWatched(ConnLimits{})
	c.set(phaseAnswer)
	if c.watchBody() {
		t.Fatal("watchBody took a body the watch has no limit for")
	}
}
