package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServicesCallEachOther runs the two-service example as an operator
// would: the catalog and checkout services are generated, checkout with
// its hand-written service.go (generator/testdata/examples/checkout.extra), built, and started as
// processes, checkout told where catalog is by CATALOG_URL. A quote asks
// the catalog for the product's price through catalog's generated client;
// an unknown product is refused with 422; with the catalog stopped, a
// quote is answered 503 as a problem, quickly, and nothing is stored. It
// is part of the second tier (skipped with -short).
func TestServicesCallEachOther(t *testing.T) {
	if testing.Short() {
		t.Skip("second tier: skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("second tier: no go command on PATH")
	}
	base := t.TempDir()
	checkoutDir, res := writeExample(t, base, "checkout", "../spec/checkout.yaml")
	if len(res.Service.Dependencies) != 1 || res.Service.Dependencies[0].Name != "catalog" {
		t.Fatalf("checkout's dependencies: %+v", res.Service.Dependencies)
	}
	catalogDir := filepath.Join(checkoutDir, "..", "catalog")
	bin := t.TempDir()
	for _, svc := range []struct{ dir, out string }{{catalogDir, "catalog"}, {checkoutDir, "checkout"}} {
		cmd := exec.Command(goBin, "build", "-o", filepath.Join(bin, svc.out), ".")
		cmd.Dir = svc.dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", svc.out, err, out)
		}
	}

	catalogAddr := freeAddr(t)
	stopCatalog := startService(t, filepath.Join(bin, "catalog"), catalogAddr, "sqlite:"+filepath.Join(base, "catalog.db"))
	checkoutAddr := freeAddr(t)
	startService(t, filepath.Join(bin, "checkout"), checkoutAddr, "sqlite:"+filepath.Join(base, "checkout.db"),
		"CATALOG_URL=http://"+catalogAddr)

	// The catalog sells one product.
	product := `{"sku": "CUP-ESP-01", "name": "Espresso cup", "price": {"amount": 9.5, "currency": "EUR"}, "status": "active"}`
	if status, body := call(t, "POST", "http://"+catalogAddr+"/api/products", product); status != http.StatusCreated {
		t.Fatalf("creating the product in the catalog: %d %s", status, body)
	}

	quotes := "http://" + checkoutAddr + "/v1/quotes"
	status, body := call(t, "POST", quotes, `{"sku": "CUP-ESP-01", "quantity": 3}`)
	if status != http.StatusCreated {
		t.Fatalf("a quote for a product the catalog sells: %d %s", status, body)
	}
	var q struct {
		ID        string  `json:"id"`
		Currency  string  `json:"currency"`
		UnitPrice float64 `json:"unitPrice"`
		Total     float64 `json:"total"`
	}
	if err := json.Unmarshal(body, &q); err != nil || q.ID == "" || q.Currency != "EUR" || q.UnitPrice != 9.5 || q.Total != 28.5 {
		t.Fatalf("the quote does not carry the catalog's price: %v %s", err, body)
	}
	if status, body := call(t, "GET", quotes+"/"+q.ID, ""); status != http.StatusOK {
		t.Fatalf("the stored quote: %d %s", status, body)
	}

	status, body = call(t, "POST", quotes, `{"sku": "NO-SUCH-SKU", "quantity": 1}`)
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "NO-SUCH-SKU") {
		t.Fatalf("a product the catalog does not know: %d %s, want 422 naming it", status, body)
	}

	// The catalog goes away: checkout answers 503 at once, as a problem.
	stopCatalog()
	start := time.Now()
	status, body = call(t, "POST", quotes, `{"sku": "CUP-ESP-01", "quantity": 1}`)
	elapsed := time.Since(start)
	if status != http.StatusServiceUnavailable {
		t.Fatalf("with the catalog down: %d %s, want 503", status, body)
	}
	var p struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(body, &p); err != nil || p.Status != 503 || !strings.Contains(p.Detail, "catalog") {
		t.Fatalf("with the catalog down, the problem does not say so: %v %s", err, body)
	}
	if elapsed > 10*time.Second {
		t.Errorf("with the catalog down, the answer took %s", elapsed)
	}
	status, body = call(t, "GET", quotes, "")
	if status != http.StatusOK || strings.Count(string(body), `"sku"`) != 1 {
		t.Fatalf("after the failed quote, the list holds: %d %s, want the one quote", status, body)
	}
}

// freeAddr returns a loopback address with a port free at the moment.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startService starts a built service listening on addr with its database
// at dbURL, waits until /readyz answers 200, and returns a function that
// stops it (also called when the test ends).
func startService(t *testing.T, bin, addr, dbURL string, env ...string) (stop func()) {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), append([]string{"HOST=" + host, "PORT=" + port, "DATABASE_URL=" + dbURL, "LOG_LEVEL=warn"}, env...)...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("%s logged:\n%s", filepath.Base(bin), logs.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return stop
			}
		}
		select {
		case <-done:
			t.Fatalf("%s exited at start:\n%s", filepath.Base(bin), logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("%s not ready within 30s:\n%s", filepath.Base(bin), logs.String())
	return nil
}

// call sends a request with a JSON body (none when body is "") and returns
// the status and body of the answer.
func call(t *testing.T, method, url, body string) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}
