package generator

import (
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// otlpSpan is what the test collector keeps of a span.
type otlpSpan struct {
	service, name, trace, id, parent string
	attrs                            map[string]string
}

// TestTraceAcrossServices runs the two-service example with tracing on:
// both processes export over OTLP/HTTP to a collector in the test, which
// keeps the spans in memory. A quote sent to checkout with a W3C
// traceparent must come back as one trace: checkout's server span, named
// by its route, the child of the caller's span; checkout's client span for
// its call to the catalog, the child of that; the catalog's server span,
// the child of the call; and a database span for each store call, the
// child of its service's server span: the catalog's read of the product,
// checkout's insert of the quote. Second tier.
func TestTraceAcrossServices(t *testing.T) {
	if testing.Short() {
		t.Skip("second tier: skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("second tier: no go command on PATH")
	}
	var (
		mu    sync.Mutex
		spans []otlpSpan
	)
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var req coltrace.ExportTraceServiceRequest
		if r.URL.Path != "/v1/traces" || proto.Unmarshal(b, &req) != nil {
			http.Error(w, "want OTLP/HTTP protobuf at /v1/traces", http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		for _, rs := range req.ResourceSpans {
			var service string
			for _, a := range rs.GetResource().GetAttributes() {
				if a.Key == "service.name" {
					service = a.Value.GetStringValue()
				}
			}
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					sp := otlpSpan{service: service, name: s.Name, trace: hex.EncodeToString(s.TraceId),
						id: hex.EncodeToString(s.SpanId), parent: hex.EncodeToString(s.ParentSpanId), attrs: map[string]string{}}
					for _, a := range s.Attributes {
						if v := a.Value.GetStringValue(); v != "" {
							sp.attrs[a.Key] = v
						}
					}
					spans = append(spans, sp)
				}
			}
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
		_, _ = w.Write(out)
	}))
	defer collector.Close()

	base := t.TempDir()
	checkoutDir, _ := writeExample(t, base, "checkout", "../spec/checkout.yaml")
	catalogDir := filepath.Join(checkoutDir, "..", "catalog")
	bin := t.TempDir()
	for _, svc := range []struct{ dir, out string }{{catalogDir, "catalog"}, {checkoutDir, "checkout"}} {
		cmd := exec.Command(goBin, "build", "-o", filepath.Join(bin, svc.out), ".")
		cmd.Dir = svc.dir
		cmd.Env = append(cmd.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", svc.out, err, out)
		}
	}
	otel := "OTEL_EXPORTER_OTLP_ENDPOINT=" + collector.URL
	catalogAddr := freeAddr(t)
	stopCatalog := startService(t, filepath.Join(bin, "catalog"), catalogAddr, "sqlite:"+filepath.Join(base, "catalog.db"), otel)
	checkoutAddr := freeAddr(t)
	stopCheckout := startService(t, filepath.Join(bin, "checkout"), checkoutAddr, "sqlite:"+filepath.Join(base, "checkout.db"),
		"CATALOG_URL=http://"+catalogAddr, otel)

	product := `{"sku": "CUP-ESP-01", "name": "Espresso cup", "price": {"amount": 9.5, "currency": "EUR"}, "status": "active"}`
	if status, body := call(t, "POST", "http://"+catalogAddr+"/api/products", product); status != http.StatusCreated {
		t.Fatalf("creating the product in the catalog: %d %s", status, body)
	}
	const (
		traceID  = "4bf92f3577b34da6a3ce929d0e0e4736"
		callerID = "00f067aa0ba902b7"
	)
	req, _ := http.NewRequest("POST", "http://"+checkoutAddr+"/v1/quotes", strings.NewReader(`{"sku": "CUP-ESP-01", "quantity": 3}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Traceparent", "00-"+traceID+"-"+callerID+"-01")
	req.Header.Set("X-Request-Id", "quote-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("X-Request-Id") != "quote-1" {
		t.Fatalf("quote: %d, X-Request-Id %q", resp.StatusCode, resp.Header.Get("X-Request-Id"))
	}
	// Stopping flushes the spans each process has batched.
	stopCheckout()
	stopCatalog()

	mu.Lock()
	defer mu.Unlock()
	var inTrace []otlpSpan
	for _, s := range spans {
		if s.trace == traceID {
			inTrace = append(inTrace, s)
		}
	}
	var front, call, back, frontDB, backDB otlpSpan
	for _, s := range inTrace {
		switch {
		case s.service == "checkout" && s.name == "GET":
			call = s
		case s.service == "checkout" && strings.HasPrefix(s.name, "store."):
			frontDB = s
		case s.service == "checkout":
			front = s
		case s.service == "catalog" && strings.HasPrefix(s.name, "store."):
			backDB = s
		case s.service == "catalog":
			back = s
		}
	}
	if len(inTrace) != 5 {
		t.Fatalf("%d spans in trace %s, want checkout's server, client and database spans and the catalog's server and database spans: %+v", len(inTrace), traceID, spans)
	}
	if front.name != "POST /v1/quotes" || front.parent != callerID || front.attrs["http.route"] != "/v1/quotes" {
		t.Errorf("checkout's span %+v: want POST /v1/quotes, child of the caller's %s", front, callerID)
	}
	if call.parent != front.id || !strings.Contains(call.attrs["url.full"], "/api/products/") {
		t.Errorf("checkout's call %+v: want GET of /api/products/…, child of checkout's %s", call, front.id)
	}
	if !strings.HasPrefix(back.name, "GET /api/products/{") || back.parent != call.id {
		t.Errorf("the catalog's span %+v: want GET /api/products/{…}, child of checkout's call %s", back, call.id)
	}
	for _, db := range []struct {
		span, parent    otlpSpan
		name, operation string
	}{
		{backDB, back, "store.products.Get", "SELECT"},
		{frontDB, front, "store.quotes.Create", "INSERT"},
	} {
		if db.span.name != db.name || db.span.parent != db.parent.id || db.span.attrs["db.system"] != "sqlite" ||
			db.span.attrs["db.operation"] != db.operation || db.span.service != db.parent.service {
			t.Errorf("database span %+v: want %s (db.system sqlite, db.operation %s), child of %s's %s", db.span, db.name, db.operation, db.parent.service, db.parent.id)
		}
	}
	t.Logf("one trace %s of %d spans: caller %s → checkout %q %s → its call %q %s → catalog %q %s → %q %s; checkout → %q %s", traceID, len(inTrace),
		callerID, front.name, front.id, call.name, call.id, back.name, back.id, backDB.name, backDB.id, frontDB.name, frontDB.id)
}
