package generator

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// contractProbe is a test put into the orders service's generated
// internal/contract package: a handler answers each case as it says,
// wrapped in contract.Handler with a reporter that keeps what it is told.
// Every answer the spec does not allow must be reported, and none that it
// allows. The expected verdicts are written by hand from
// spec/orders.yaml, not derived from the generated check.
const contractProbe = `package contract_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"example.com/orders/internal/contract"
)

type reporter struct{ got []string }

func (r *reporter) Errorf(format string, args ...any) { r.got = append(r.got, fmt.Sprintf(format, args...)) }

func TestInjectedAnswers(t *testing.T) {
	const customer = "/v1/customers/7f8c3a52-1d2e-4b6a-9c0d-2e3f4a5b6c7d"
	valid := ` + "`" + `{"id": "7f8c3a52-1d2e-4b6a-9c0d-2e3f4a5b6c7d", "email": "ada@example.com", "name": "Ada", "createdAt": "2026-12-06T10:00:00Z", "updatedAt": "2026-12-06T10:00:00Z"}` + "`" + `
	for _, c := range []struct {
		name, method, path string
		status             int
		contentType, body  string
		allowed            bool
	}{
		{"a customer", "GET", customer, 200, "application/json", valid, true},
		{"a customer, with a charset", "GET", customer, 200, "application/json; charset=utf-8", valid, true},
		{"a declared problem", "GET", customer, 404, "application/problem+json", ` + "`" + `{"title": "Not Found", "status": 404}` + "`" + `, true},
		{"no body, as declared", "DELETE", customer, 204, "", "", true},
		{"not an operation's route", "GET", "/healthz", 200, "text/plain", "ok", true},

		{"an undeclared success", "GET", customer, 202, "application/json", valid, false},
		{"another media type", "GET", customer, 200, "text/plain", valid, false},
		{"no Content-Type", "GET", customer, 200, "", valid, false},
		{"a required property missing", "GET", customer, 200, "application/json", ` + "`" + `{"id": "x", "name": "Ada"}` + "`" + `, false},
		{"a required read-only property missing", "GET", customer, 200, "application/json", ` + "`" + `{"id": "7f8c3a52-1d2e-4b6a-9c0d-2e3f4a5b6c7d", "email": "ada@example.com", "name": "Ada", "createdAt": "2026-12-06T10:00:00Z"}` + "`" + `, false},
		{"a property of the wrong type", "GET", customer, 200, "application/json", ` + "`" + `{"email": "ada@example.com", "name": 7}` + "`" + `, false},
		{"a format broken", "GET", customer, 200, "application/json", ` + "`" + `{"email": "not an address", "name": "Ada"}` + "`" + `, false},
		{"a length broken", "GET", customer, 200, "application/json", ` + "`" + `{"email": "ada@example.com", "name": ""}` + "`" + `, false},
		{"an item's pattern broken", "GET", customer, 200, "application/json", ` + "`" + `{"email": "ada@example.com", "name": "Ada", "tags": ["no spaces allowed"]}` + "`" + `, false},
		{"null", "GET", customer, 200, "application/json", "null", false},
		{"not JSON", "GET", customer, 200, "application/json", "{", false},
		{"a body where none is declared", "DELETE", customer, 204, "application/json", "{}", false},
		{"a problem breaking its schema", "GET", customer, 404, "application/problem+json", ` + "`" + `{"title": "Not Found", "status": "404"}` + "`" + `, false},
		{"an error not in the default's form", "GET", customer, 418, "text/plain", "teapot", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			answer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if c.contentType != "" {
					w.Header().Set("Content-Type", c.contentType)
				}
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			})
			rep := &reporter{}
			rec := httptest.NewRecorder()
			contract.Handler(rep, answer).ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
			if rec.Code != c.status || rec.Body.String() != c.body {
				t.Errorf("the answer did not pass through: %d %q", rec.Code, rec.Body)
			}
			switch {
			case c.allowed && len(rep.got) > 0:
				t.Errorf("an answer the spec allows was reported: %s", strings.Join(rep.got, "; "))
			case !c.allowed && len(rep.got) == 0:
				t.Errorf("an answer the spec does not allow passed the check")
			default:
				t.Logf("reported: %q", rep.got)
			}
		})
	}
}
`

// TestContractCheckFails proves that the contract check the generated
// tests run can fail: answers the spec does not allow, injected into the
// orders service's generated check, are each reported, and those it
// allows are not. Second tier: it compiles part of the service.
func TestContractCheckFails(t *testing.T) {
	if testing.Short() {
		t.Skip("second tier: skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("second tier: no go command on PATH")
	}
	dir, _ := writeExample(t, t.TempDir(), "orders", "../spec/orders.yaml")
	if err := os.WriteFile(filepath.Join(dir, "internal", "contract", "probe_test.go"), []byte(contractProbe), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goBin, "test", "-count=1", "-v", "./internal/contract")
	cmd.Dir = dir
	cmd.Env = append(cmd.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the injected answers were not judged as the spec says: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
