// Package prism runs each example service behind Stoplight Prism, an
// OpenAPI validator independent of svcgen, while a CRUD session goes
// through it: every answer Prism finds the spec does not allow fails the
// test. .ci/run installs Prism (the version .ci/prism/package-lock.json
// pins) and runs it once:
//
//	SVCGEN_PRISM=$PWD/.ci/.cache/prism-…/node_modules/.bin/prism go test -count=1 -v -run '^TestPrism' ./bench/prism
//
// Without SVCGEN_PRISM the test is skipped. Each example is generated as
// svcgen writes it, with the services it calls beside it, built and
// started on SQLite; an example whose answers depend on hand-written code
// (checkout) runs with that code, as svcgen's own tests run it. Prism
// proxies to it with --errors, so that a violation makes its answer an
// error too, reading a copy of the spec that scopes required properties
// by readOnly and writeOnly as OpenAPI does, inside unions too
// (scope_test.go).
package prism

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/generator/file"
	"github.com/svcgen/svcgen/generator/model"
)

// examples are the specs under spec/ whose services the session runs
// against.
var examples = []struct {
	name string
	// own runs the service with the example's hand-written code
	// (generator/testdata/examples/NAME.extra, its tests left out), as
	// svcgen's own tests run it, when what the service answers is that
	// code's to decide.
	own bool
	// prepare runs before the session, with the service and its
	// dependencies started.
	prepare func(s *session)
}{
	{name: "orders"},
	{name: "catalog"},
	// A quote's price comes from the catalog: as generated, the service
	// leaves it to completeQuote in service.go and stores zero values the
	// spec forbids (an empty currency), so it runs with the example's own
	// service.go, which asks the catalog, started beside it.
	{name: "checkout", own: true, prepare: catalogSells},
	{name: "petstore-v2"},
	{name: "hostile"},
	{name: "workshop"},
	{name: "shipping"}, // its events need a broker, its CRUD does not
}

// violation is one entry of Prism's sl-violations header.
type violation struct {
	Location []string `json:"location"`
	Severity string   `json:"severity"`
	Code     any      `json:"code"`
	Message  string   `json:"message"`
}

func TestPrism(t *testing.T) {
	prism := os.Getenv("SVCGEN_PRISM")
	if prism == "" {
		t.Skip("SVCGEN_PRISM is not set: .ci/run installs Prism and sets it")
	}
	prism, err := filepath.Abs(prism)
	if err != nil {
		t.Fatal(err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	var summary []string
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			s := newSession(t, goBin, prism, ex.name, ex.own)
			if ex.prepare != nil {
				ex.prepare(s)
			}
			s.run()
			n := len(s.violations)
			total += n
			summary = append(summary, fmt.Sprintf("%s: %d violations, %d requests, %d answers judged, %d invalid requests Prism refused as expected",
				ex.name, n, s.requests, s.judged, s.refused))
			for _, v := range s.violations {
				t.Errorf("Prism: %s", v)
			}
		})
	}
	t.Logf("Prism %s, validating proxy (--errors), CRUD session per example:\n%s\ntotal: %d violations",
		prismVersion(prism), strings.Join(summary, "\n"), total)
}

// session is one example's service behind Prism.
type session struct {
	t          *testing.T
	svc        *model.Service
	base       string // Prism's address: paths as the spec writes them
	requests   int
	judged     int // answers of the service Prism validated
	refused    int
	violations []string
	// deps are the base URLs (base path included) of the dependencies
	// started beside the service, by name.
	deps map[string]string
}

func newSession(t *testing.T, goBin, prism, name string, own bool) *session {
	dir := t.TempDir()
	res, err := generator.Generate(context.Background(), generator.Options{SpecPath: filepath.Join("..", "..", "spec", name+".yaml"), Module: "example.com/" + name})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, name)
	write(t, out, res.Files)
	if own {
		ownCode(t, filepath.Join("..", "..", "generator", "testdata", "examples", name+".extra"), out, res.Files)
	}
	// Each dependency with a spec is generated beside the service (its
	// go.mod replaces the module by that folder) and started on its own
	// database; the service finds it by its variable.
	var env []string
	deps := map[string]string{}
	for _, d := range res.Service.Dependencies {
		if d.Path == "" || d.Spec == "" {
			continue
		}
		dep, err := generator.Generate(context.Background(), generator.Options{SpecPath: filepath.Join("..", "..", "spec", filepath.FromSlash(d.Spec)), Module: d.Module})
		if err != nil {
			t.Fatalf("dependency %s: %v", d.Name, err)
		}
		depDir := filepath.Join(out, filepath.FromSlash(d.Path))
		write(t, depDir, dep.Files)
		addr := serve(t, goBin, depDir, d.Name, filepath.Join(dir, d.Name+".db"))
		env = append(env, d.Env+"=http://"+addr)
		deps[d.Name] = "http://" + addr + dep.Service.BasePath
	}
	svcAddr := serve(t, goBin, out, name, filepath.Join(dir, "data.db"), env...)

	spec := filepath.Join(out, filepath.FromSlash(res.Service.SpecFile))
	if scoped := scopeRequired(t, spec, dir); scoped != spec {
		t.Logf("Prism reads a copy of the spec whose answers do not require write-only properties, nor requests read-only ones, inside unions too (scopeRequired)")
		spec = scoped
	}
	base := startPrism(t, prism, spec, "http://"+svcAddr+res.Service.BasePath)
	return &session{t: t, svc: res.Service, base: base, deps: deps}
}

// serve builds the service at dir, starts it on SQLite at db with env
// added, waits until it is ready and returns its address.
func serve(t *testing.T, goBin, dir, name, db string, env ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	build := exec.Command(goBin, "build", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", name, err, b)
	}
	addr := freeAddr(t)
	host, port, _ := net.SplitHostPort(addr)
	start(t, name, exec.Command(bin), append([]string{"HOST=" + host, "PORT=" + port, "DATABASE_URL=sqlite:" + db, "LOG_LEVEL=warn"}, env...)...)
	waitFor(t, "http://"+addr+"/readyz")
	return addr
}

// ownCode copies the example's hand-written code under from (test files
// left out) into the service at dir, in place of svcgen's scaffold; a
// file svcgen owns is never replaced.
func ownCode(t *testing.T, from, dir string, generated []file.File) {
	t.Helper()
	copied := 0
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		for _, f := range generated {
			if f.Path == filepath.ToSlash(rel) && f.Class != file.Scaffold {
				return fmt.Errorf("%s would replace a file svcgen owns (%s)", rel, f.Class)
			}
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		copied++
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	if err == nil && copied == 0 {
		err = fmt.Errorf("no hand-written code under %s", from)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// catalogSells prepares checkout's session: the catalog sells the product
// the session quotes, and a quote for one it does not know is refused
// (422, the service's answer Prism judges too).
func catalogSells(s *session) {
	var q *model.Resource
	for _, r := range s.svc.Resources {
		if r.Name == "Quote" {
			q = r
		}
	}
	if q == nil || q.Create == nil {
		s.t.Fatal("checkout has no Quote resource with a create")
	}
	var sample struct {
		Sku string `json:"sku"`
	}
	if err := json.Unmarshal([]byte(q.Sample), &sample); err != nil || sample.Sku == "" {
		s.t.Fatalf("the quote's sample names no sku: %q", q.Sample)
	}
	product := fmt.Sprintf(`{"sku": %q, "name": "Espresso cup", "price": {"amount": 9.5, "currency": "EUR"}, "status": "active"}`, sample.Sku)
	resp, err := http.Post(s.deps["catalog"]+"/products", "application/json", strings.NewReader(product))
	if err != nil {
		s.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		s.t.Fatalf("the catalog refused the product: %d %s", resp.StatusCode, b)
	}
	s.call(q.Create, map[string]string{}, "", `{"sku": "NO-SUCH-SKU", "quantity": 1}`, http.StatusUnprocessableEntity)
}

// startPrism starts Prism as a validating proxy to upstream (its URL, base
// path included) and returns Prism's address. Prism matches paths as the
// spec writes them, without the servers' base path, and forwards them to
// the upstream URL with it.
func startPrism(t *testing.T, prism, spec, upstream string) string {
	t.Helper()
	proxyAddr := freeAddr(t)
	host, port, _ := net.SplitHostPort(proxyAddr)
	start(t, "prism", exec.Command(prism, "proxy", "--errors", "-h", host, "-p", port, spec, upstream))
	waitFor(t, "http://"+proxyAddr+"/")
	return "http://" + proxyAddr
}

// run drives every resource the service stores through its operations:
// create, get, list, replace, patch, delete, then a get and a delete of
// what is gone (404) and a create the spec does not allow, which Prism
// must refuse itself.
//
// The other operations are not sent: as generated they answer 501, and
// Prism's proxy answers an upstream 501 with a mock of its own (then
// judges that), so nothing of the service would be judged. (Sent anyway,
// orders' GET /categories gets a 500 for Prism's own mock of the
// recursive Category, and hostile's /files/{file.name} is not found by
// Prism: it matches no parameter whose name has a dot.)
func (s *session) run() {
	ran := 0
	for _, r := range s.svc.Resources {
		if r.Create == nil || r.Get == nil || !r.Testable() || !r.CreatableOverHTTP() {
			s.t.Logf("%s: not driven: no create and get with a valid example request", r.Name)
			continue
		}
		ran++
		params := map[string]string{}
		if r.Parent != nil {
			if !s.create(r.Parent, params) {
				continue
			}
		}
		if !s.create(r, params) {
			continue
		}
		id := params[r.Get.IDParam.Name]
		s.call(r.Get, params, "", "", http.StatusOK)
		if r.List != nil && r.List.Example.Valid {
			s.call(r.List, params, r.List.Example.Query, "", http.StatusOK)
		}
		if r.Replace != nil && r.Replace.Example.Valid {
			s.call(r.Replace, params, "", r.Sample, 0)
		}
		if r.Patch != nil && r.Patch.Example.Valid {
			s.call(r.Patch, params, "", r.Patch.Example.Body, 0)
		}
		if r.Delete != nil {
			s.call(r.Delete, params, "", "", 0)
			s.call(r.Get, params, "", "", http.StatusNotFound)
			s.call(r.Delete, params, "", "", http.StatusNotFound)
		}
		if inv := r.Create.Example.Invalid; inv != nil && inv.Body != "" && inv.Body != r.Create.Example.Body {
			s.refuse(r.Create, params, inv.Body, inv.Reason)
		}
		s.t.Logf("%s: id %s, session done", r.Name, id)
	}
	if ran == 0 {
		s.t.Errorf("no resource could be driven")
	}
}

// create makes a v of r (and of its parent), keeping the ids in params.
func (s *session) create(r *model.Resource, params map[string]string) bool {
	if r.Parent != nil && params[r.Create.ParentParam.Name] == "" {
		if !s.create(r.Parent, params) {
			return false
		}
	}
	status, body, header := s.call(r.Create, params, "", r.Sample, 0)
	if status < 200 || status > 299 {
		s.t.Errorf("create %s: status %d: %s", r.Name, status, body)
		return false
	}
	var created map[string]any
	_ = json.Unmarshal(body, &created)
	if r.AnsweredIn != "" { // the answer wraps the new item
		created, _ = created[r.AnsweredIn].(map[string]any)
	}
	if !s.keepID(r, params, created, header) {
		s.t.Errorf("create %s: no id in the answer: %s", r.Name, body)
		return false
	}
	return true
}

// keepID finds the id of a new r in created (or the Location header) and
// keeps it in params under the name of each path parameter holding it.
func (s *session) keepID(r *model.Resource, params map[string]string, created map[string]any, header http.Header) bool {
	id := ""
	if created[r.ID.Field.Name] != nil {
		id = fmt.Sprint(created[r.ID.Field.Name])
		if f, ok := created[r.ID.Field.Name].(float64); ok {
			id = fmt.Sprint(int64(f))
		}
	} else if loc := header.Get("Location"); loc != "" {
		id = loc[strings.LastIndex(loc, "/")+1:]
	}
	if id == "" {
		return false
	}
	params[r.Get.IDParam.Name] = id
	// A child's collection names its parent by the parameter of its own.
	for _, op := range []*model.Operation{r.Get, r.Replace, r.Patch, r.Delete} {
		if op != nil && op.IDParam != nil {
			params[op.IDParam.Name] = id
		}
	}
	return true
}

// call sends op through Prism (path parameters from params, the example's
// other required parameters) and records what Prism reports. want, when
// not 0, is the status the session expects.
func (s *session) call(op *model.Operation, params map[string]string, query, body string, want int) (int, []byte, http.Header) {
	s.t.Helper()
	resp, data := s.send(op, params, query, body)
	if resp == nil {
		return 0, nil, nil
	}
	s.record(op, resp, data)
	if want != 0 && resp.StatusCode != want {
		s.t.Errorf("%s %s: status %d, want %d: %s", op.Method, op.Path, resp.StatusCode, want, data)
	}
	return resp.StatusCode, data, resp.Header
}

// refuse sends a request the spec does not allow: Prism must answer 422
// itself, listing request violations only.
func (s *session) refuse(op *model.Operation, params map[string]string, body, reason string) {
	s.t.Helper()
	resp, data := s.send(op, params, "", body)
	if resp == nil {
		return
	}
	if resp.StatusCode != http.StatusUnprocessableEntity {
		s.record(op, resp, data)
		s.t.Errorf("%s %s (%s): status %d, want Prism's 422: %s", op.Method, op.Path, reason, resp.StatusCode, data)
		return
	}
	for _, v := range violations(resp) {
		if len(v.Location) == 0 || v.Location[0] != "request" {
			s.violations = append(s.violations, fmt.Sprintf("%s %s (invalid request): %s", op.Method, op.Path, v))
		}
	}
	s.refused++
}

func (s *session) send(op *model.Operation, params map[string]string, query, body string) (*http.Response, []byte) {
	path := op.Path
	for _, p := range op.Params {
		if p.In == model.InPath {
			v, ok := params[p.Name]
			if !ok {
				s.t.Errorf("%s %s: no value for path parameter %s", op.Method, op.Path, p.Name)
				return nil, nil
			}
			path = strings.Replace(path, "{"+p.Name+"}", url.PathEscape(v), 1)
		}
	}
	target := s.base + path
	if query != "" {
		target += "?" + query
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(op.Method, target, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != "" {
		ct := "application/json"
		if op.Body != nil && op.Body.ContentType != "" {
			ct = op.Body.ContentType
		}
		req.Header.Set("Content-Type", ct)
	}
	for _, h := range op.Example.Headers {
		req.Header.Set(h.Name, h.Value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Errorf("%s %s: %v", op.Method, path, err)
		return nil, nil
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	s.requests++
	return resp, data
}

// record keeps every violation Prism reports of an exchange that should
// have none.
func (s *session) record(op *model.Operation, resp *http.Response, data []byte) {
	vs := violations(resp)
	for _, v := range vs {
		s.violations = append(s.violations, fmt.Sprintf("%s %s → %d: %s", op.Method, op.Path, resp.StatusCode, v))
	}
	if resp.StatusCode >= 400 && bytes.Contains(data, []byte("stoplight.io/prism/errors")) && len(vs) == 0 {
		s.violations = append(s.violations, fmt.Sprintf("%s %s → %d: Prism: %s", op.Method, op.Path, resp.StatusCode, data))
	}
	if len(vs) == 0 {
		s.judged++
	}
}

func (v violation) String() string {
	return fmt.Sprintf("[%s] %s (%s)", v.Severity, v.Message, strings.Join(v.Location, "."))
}

func violations(resp *http.Response) []violation {
	h := resp.Header.Get("Sl-Violations")
	if h == "" {
		return nil
	}
	var out []violation
	if err := json.Unmarshal([]byte(h), &out); err != nil {
		return []violation{{Severity: "unreadable", Message: h}}
	}
	return out
}

func write(t *testing.T, dir string, files []file.File) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Content, os.FileMode(f.Mode)); err != nil {
			t.Fatal(err)
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start runs cmd until the test ends, showing its output when it fails.
func start(t *testing.T, what string, cmd *exec.Cmd, env ...string) {
	t.Helper()
	cmd.Env = append(os.Environ(), env...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("%s logged:\n%s", what, logs.String())
		}
	})
}

// waitFor waits until url answers at all.
func waitFor(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s does not answer", url)
}

func prismVersion(bin string) string {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return "(version unknown)"
	}
	return strings.TrimSpace(string(out))
}
