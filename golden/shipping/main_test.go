package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestRun starts the service in-process, waits for /healthz and shuts it
// down through the context.
func TestRun(t *testing.T) {
	port := freePort(t)
	env := map[string]string{"PORT": strconv.Itoa(port), "HOST": "127.0.0.1", "LOG_LEVEL": "warn",
		"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "test.db")}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, func(k string) string { return env[k] }, io.Discard, io.Discard) }()

	base := "http://127.0.0.1:" + strconv.Itoa(port)
	waitFor(t, base+"/healthz")
	for _, p := range []string{"/healthz", "/readyz", "/metrics", "/openapi.yaml", "/asyncapi.yaml"} {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", p, resp.StatusCode)
		}
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health struct{ Status, Version string }
	err = json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if err != nil || health.Version != version {
		t.Errorf("/healthz: version %q (%v), want %q", health.Version, err, version)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after its context was cancelled")
	}
}

func TestRunRejectsBadLogLevel(t *testing.T) {
	env := map[string]string{"LOG_LEVEL": "loud", "DATABASE_URL": "sqlite::memory:"}
	err := run(context.Background(), nil, func(k string) string { return env[k] }, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("run accepted LOG_LEVEL=loud")
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitFor polls url until the server answers or 10 seconds pass.
func waitFor(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s did not answer within 10s", url)
}
