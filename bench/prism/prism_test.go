// Package prism runs each example service behind Stoplight Prism, an
// OpenAPI validator independent of svcgen, while a CRUD session goes
// through it: every answer Prism finds the spec does not allow fails the
// test. .ci/run installs Prism (the version .ci/prism/package-lock.json
// pins) and runs it once:
//
//	SVCGEN_PRISM=$PWD/.ci/.cache/prism-…/node_modules/.bin/prism go test -count=1 -v -run '^TestPrism$' ./bench/prism
//
// Without SVCGEN_PRISM the test is skipped. Each example is generated as
// svcgen writes it (without the hand-written code some examples' tests
// add), built and started on SQLite; Prism proxies to it with --errors, so
// that a violation makes its answer an error too.
package prism

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
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
// against, with the reason when one is left out.
var examples = []struct{ name, skip string }{
	{"orders", ""},
	{"catalog", ""},
	{"checkout", "as generated, a quote cannot be made from the request alone: its price comes from the catalog, in the hand-written service (generator/testdata/examples/checkout.extra), which services_test.go runs; svcgen generates no CRUD test for it either"},
	{"petstore-v2", ""},
	{"hostile", "a spec of naming hazards (Go keywords, colliding names) with no CRUD to speak of: svcgen finds no valid create request for its resources and generates no CRUD test for it either"},
	{"workshop", ""},
	{"shipping", ""}, // its events need a broker, its CRUD does not
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
			if ex.skip != "" {
				t.Skip(ex.skip)
			}
			s := newSession(t, goBin, prism, ex.name)
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
}

func newSession(t *testing.T, goBin, prism, name string) *session {
	dir := t.TempDir()
	res, err := generator.Generate(context.Background(), generator.Options{SpecPath: filepath.Join("..", "..", "spec", name+".yaml"), Module: "example.com/" + name})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, name)
	write(t, out, res.Files)
	for _, d := range res.Service.Dependencies {
		if d.Path == "" || d.Spec == "" {
			continue
		}
		dep, err := generator.Generate(context.Background(), generator.Options{SpecPath: filepath.Join("..", "..", "spec", filepath.FromSlash(d.Spec)), Module: d.Module})
		if err != nil {
			t.Fatalf("dependency %s: %v", d.Name, err)
		}
		write(t, filepath.Join(out, filepath.FromSlash(d.Path)), dep.Files)
	}
	bin := filepath.Join(dir, "service")
	build := exec.Command(goBin, "build", "-o", bin, ".")
	build.Dir = out
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}

	svcAddr := freeAddr(t)
	host, port, _ := net.SplitHostPort(svcAddr)
	start(t, "service", exec.Command(bin), "HOST="+host, "PORT="+port, "DATABASE_URL=sqlite:"+filepath.Join(dir, "data.db"), "LOG_LEVEL=warn")
	waitFor(t, "http://"+svcAddr+"/readyz")

	spec := filepath.Join(out, filepath.FromSlash(res.Service.SpecFile))
	if scoped := scopeRequired(t, spec, dir); scoped != spec {
		t.Logf("Prism reads a copy of the spec whose answers do not require write-only properties, nor requests read-only ones, inside unions too (scopeRequired)")
		spec = scoped
	}
	base := startPrism(t, prism, spec, "http://"+svcAddr+res.Service.BasePath)
	return &session{t: t, svc: res.Service, base: base}
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
