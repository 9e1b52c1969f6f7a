package regen

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/pmezard/go-difflib/difflib"
	"go.yaml.in/yaml/v4"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/generator/file"
	"github.com/svcgen/svcgen/generator/write"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/scenarios/*.txtar")

// TestScenarios runs each testdata/scenarios/*.txtar: generate a service
// from v1.yaml, make the user's edits, replace the service's spec with
// v2.yaml, regenerate, and compare the report and the files named in want/
// sections. Every scenario also checks that a second regenerate changes
// nothing and that --check then passes. Scenarios whose comment says
// "build" are built, vetted and tested in the second tier.
//
// Files beside v1.yaml (an AsyncAPI document it names) are "v1/PATH"
// sections. v2.yaml replaces the service's copy of the spec, as JSON when
// the copy is.
//
// Edit sections:
//
//	-- edit PATH --    blocks of "@@ replace", old lines, "@@ with", new lines
//	-- append PATH --  text appended to the file
//	-- write PATH --   the whole file
//	-- delete PATH --  the file is removed
//
// Want sections: "want/report" (what regenerate did), "want/PATH" (the
// file's content after regenerate; "(absent)" when it must not exist).
func TestScenarios(t *testing.T) {
	paths, err := filepath.Glob("testdata/scenarios/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".txtar")
		t.Run(name, func(t *testing.T) { runScenario(t, p) })
	}
}

func runScenario(t *testing.T, archivePath string) {
	ar, err := txtar.ParseFile(archivePath)
	if err != nil {
		t.Fatal(err)
	}
	sec := map[string][]byte{}
	for _, f := range ar.Files {
		sec[f.Name] = f.Data
	}
	if sec["v1.yaml"] == nil || sec["v2.yaml"] == nil {
		t.Fatalf("%s: needs v1.yaml and v2.yaml sections", archivePath)
	}
	ctx := context.Background()
	tmp := t.TempDir()
	svcDir := filepath.Join(tmp, "svc")

	// v1: what new-service writes, from spec.yaml and the files beside it
	// (sections "v1/PATH").
	specPath := filepath.Join(tmp, "spec.yaml")
	mustWrite(t, specPath, sec["v1.yaml"])
	for name, data := range sec {
		if p, ok := strings.CutPrefix(name, "v1/"); ok {
			mustWrite(t, filepath.Join(tmp, filepath.FromSlash(p)), data)
		}
	}
	res, err := generator.Generate(ctx, generator.Options{SpecPath: specPath, Module: "example.com/widgets"})
	if err != nil {
		t.Fatalf("v1: %v", err)
	}
	files := res.Files
	if err := write.New(svcDir, files, write.Options{}); err != nil {
		t.Fatal(err)
	}

	// The user's edits, then v2 in the service's own copy of the spec.
	for _, f := range ar.Files {
		verb, p, ok := strings.Cut(f.Name, " ")
		if !ok {
			continue
		}
		applyEdit(t, svcDir, verb, p, f.Data)
	}
	v2 := sec["v2.yaml"]
	if strings.HasSuffix(res.Service.SpecFile, ".json") {
		v2 = asJSON(t, v2) // a copy bundled from several files is JSON
	}
	mustWrite(t, filepath.Join(svcDir, res.Service.SpecFile), v2)
	userTree := readAll(t, svcDir) // before regenerate, for the --check test

	plan, err := Make(ctx, Options{Dir: svcDir, AllowDestructive: strings.Contains(string(ar.Comment), "allow-destructive")})
	if err != nil {
		t.Fatalf("regenerate: %v", err)
	}
	// Planning (what --check and --dry-run do) writes nothing.
	if now := readAll(t, svcDir); !equalTrees(now, userTree) {
		t.Errorf("Make changed files on disk")
	}
	if !plan.Changed() {
		t.Errorf("regenerate after a spec change: plan changes nothing")
	}
	if err := plan.Apply(); err != nil {
		t.Fatalf("apply: %v", err)
	}

	got := map[string][]byte{"want/report": []byte(report(plan))}
	for _, f := range ar.Files {
		if p, ok := strings.CutPrefix(f.Name, "want/"); ok && p != "report" {
			b, err := os.ReadFile(filepath.Join(svcDir, filepath.FromSlash(p)))
			if os.IsNotExist(err) {
				b = []byte("(absent)\n")
			} else if err != nil {
				t.Fatal(err)
			}
			got[f.Name] = b
		}
	}
	compareWants(t, archivePath, ar, got)

	// A second run is a no-op.
	again, err := Make(ctx, Options{Dir: svcDir})
	if err != nil {
		t.Fatalf("second regenerate: %v", err)
	}
	for _, s := range again.Steps {
		if s.Changes() {
			t.Errorf("second regenerate would %s %s (%s)", s.Action, s.Path, s.Note)
		}
	}

	if buildMarker.Match(ar.Comment) {
		buildAndTest(t, svcDir)
	}
}

// asJSON rewrites a YAML document as JSON.
func asJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// buildMarker is the word "build" ending a line of a scenario's comment.
var buildMarker = regexp.MustCompile(`(?m)\bbuild$`)

// applyEdit makes one of the user's edits.
func applyEdit(t *testing.T, dir, verb, p string, data []byte) {
	t.Helper()
	name := filepath.Join(dir, filepath.FromSlash(p))
	switch verb {
	case "write":
		mustWrite(t, name, data)
	case "append":
		old, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		mustWrite(t, name, append(old, data...))
	case "delete":
		if err := os.Remove(name); err != nil {
			t.Fatal(err)
		}
	case "edit":
		old, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		s := string(old)
		for _, blk := range strings.Split(string(data), "@@ replace\n")[1:] {
			from, to, ok := strings.Cut(blk, "@@ with\n")
			if !ok {
				t.Fatalf("edit %s: a block lacks \"@@ with\"", p)
			}
			if strings.Count(s, from) != 1 {
				t.Fatalf("edit %s: %q found %d times, want once", p, from, strings.Count(s, from))
			}
			s = strings.Replace(s, from, to, 1)
		}
		mustWrite(t, name, []byte(s))
	default:
		t.Fatalf("unknown edit %q", verb)
	}
}

// report is what regenerate did, in a stable text form: API changes,
// file actions (bookkeeping under .svcgen/ counted, not listed), orphans.
func report(p *Plan) string {
	var b strings.Builder
	for _, c := range p.Changes {
		mark := "         "
		if c.Breaking {
			mark = "BREAKING "
		}
		fmt.Fprintf(&b, "api %s%s: %s\n", mark, c.Where, c.Message)
	}
	book := 0
	for _, s := range p.Steps {
		switch {
		case s.Changes() && s.Class == file.Manifest:
			book++
		case s.Changes():
			fmt.Fprintf(&b, "%-8s %s", s.Action, s.Path)
			if s.Note != "" {
				fmt.Fprintf(&b, " (%s)", s.Note)
			}
			b.WriteByte('\n')
		case s.Note != "":
			fmt.Fprintf(&b, "keep     %s (%s)\n", s.Path, s.Note)
		}
	}
	fmt.Fprintf(&b, "bookkeeping files changed: %d\n", book)
	for _, o := range p.Orphans {
		fmt.Fprintf(&b, "orphan   Service.%s in %s (%s)", o.Method, o.File, o.Operation)
		if o.RenamedTo != "" {
			fmt.Fprintf(&b, ", renamed to %s?", o.RenamedTo)
		}
		b.WriteByte('\n')
	}
	deferred := map[string]bool{}
	for _, m := range p.Destructive {
		deferred[m] = true
	}
	for _, m := range p.Pending {
		fmt.Fprintf(&b, "pending  %s\n", m)
	}
	for _, m := range p.Migrations {
		if deferred[m] {
			m += " [destructive: commented out]"
		}
		fmt.Fprintf(&b, "schema   %s\n", m)
	}
	return b.String()
}

// compareWants compares each want section with got, or rewrites them.
func compareWants(t *testing.T, archivePath string, ar *txtar.Archive, got map[string][]byte) {
	t.Helper()
	if *update {
		changed := false
		have := map[string]bool{}
		for i, f := range ar.Files {
			if g, ok := got[f.Name]; ok {
				have[f.Name] = true
				if !bytes.Equal(f.Data, g) {
					ar.Files[i].Data = g
					changed = true
				}
			}
		}
		if !have["want/report"] {
			ar.Files = append(ar.Files, txtar.File{Name: "want/report", Data: got["want/report"]})
			changed = true
		}
		if changed {
			if err := os.WriteFile(archivePath, txtar.Format(ar), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("rewrote %s", archivePath)
		}
		return
	}
	names := make([]string, 0, len(got))
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		var want []byte
		found := false
		for _, f := range ar.Files {
			if f.Name == n {
				want, found = f.Data, true
			}
		}
		if !found {
			t.Errorf("%s: no %s section (run go test ./generator/regen -update)", archivePath, n)
			continue
		}
		if !bytes.Equal(want, got[n]) {
			d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
				A: difflib.SplitLines(string(want)), B: difflib.SplitLines(string(got[n])),
				FromFile: "want", ToFile: "got", Context: 3,
			})
			t.Errorf("%s differs:\n%s", n, d)
		}
	}
}

// buildAndTest is the second tier: the regenerated service builds, vets
// and passes its own tests.
func buildAndTest(t *testing.T, dir string) {
	t.Helper()
	if testing.Short() {
		t.Log("second tier skipped with -short")
		return
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Log("second tier skipped: no go command on PATH")
		return
	}
	// vet type-checks every package, so a separate build adds nothing.
	for _, args := range [][]string{{"vet", "./..."}, {"test", "-count=1", "./..."}} {
		cmd := exec.Command(goBin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

func readAll(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func equalTrees(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}

func mustWrite(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
