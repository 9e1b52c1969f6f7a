package svcgenhttp_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/svcgen/svcgen/runtime/internal/svcgenhttp"
	"github.com/svcgen/svcgen/runtime/svcgen"
)

// A request carrying both Content-Length and Transfer-Encoding is answered
// and its connection closed (RFC 9112 §6.1): the request written behind it
// on the same connection is never served.
func TestFramingConflictClosesConnection(t *testing.T) {
	s := svcgenhttp.NewServer(svcgenhttp.Options{Logger: quiet, Registry: prometheus.NewRegistry()})
	var served []string
	s.Handle("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		served = append(served, r.URL.Path+" "+string(body))
		w.WriteHeader(http.StatusNoContent)
	})
	s.Handle("GET /smuggled", func(w http.ResponseWriter, r *http.Request) {
		served = append(served, r.URL.Path)
	})
	ts := httptest.NewServer(s)
	defer ts.Close()

	for _, tc := range []struct {
		name, headers string
		wantClose     bool
	}{
		{"both", "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", true},
		{"chunked", "Transfer-Encoding: chunked\r\n", true},
		{"length", "Content-Length: 3\r\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			served = nil
			conn, err := net.Dial("tcp", ts.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			body := "3\r\nabc\r\n0\r\n\r\n"
			if !strings.Contains(tc.headers, "chunked") {
				body = "abc"
			}
			req := "POST /echo HTTP/1.1\r\nHost: x\r\n" + tc.headers + "\r\n" + body +
				"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
			if _, err := io.WriteString(conn, req); err != nil {
				t.Fatal(err)
			}
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent || resp.Close != tc.wantClose {
				t.Fatalf("status %d, close %v; want 204, close %v", resp.StatusCode, resp.Close, tc.wantClose)
			}
			second, err := http.ReadResponse(br, nil)
			if tc.wantClose {
				if err == nil {
					t.Fatalf("a second response (%d) on a connection that should be closed; served %q", second.StatusCode, served)
				}
				if len(served) != 1 || served[0] != "/echo abc" {
					t.Fatalf("served %q, want only the first request", served)
				}
				return
			}
			if err != nil || second.StatusCode != http.StatusOK {
				t.Fatalf("second request on a kept connection: %v", err)
			}
		})
	}
}

// A body that stops arriving is cut off after Options.BodyTimeout and
// answered 408; a request without a body gets no read deadline at all, so
// a handler slower than the bound still answers.
func TestBodyTimeout(t *testing.T) {
	s := svcgenhttp.NewServer(svcgenhttp.Options{Logger: quiet, Registry: prometheus.NewRegistry(), BodyTimeout: 200 * time.Millisecond})
	s.Handle("POST /things", func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		if _, err := svcgenhttp.DecodeJSON(w, r, &v, svcgenhttp.BodyRules{Limit: s.Limit, Required: true}, new(svcgen.Errors)); err != nil {
			s.Fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	s.Handle("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(400 * time.Millisecond)
		w.WriteHeader(http.StatusOK)
	})
	ts := httptest.NewServer(s)
	defer ts.Close()

	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Ten bytes announced, one sent.
	if _, err := io.WriteString(conn, "POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("stalled body answered %d, want 408", resp.StatusCode)
	}

	for range 2 { // the second on the same connection, after the first's deadline
		resp, err := ts.Client().Get(ts.URL + "/slow")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET /slow answered %d", resp.StatusCode)
		}
	}
}
