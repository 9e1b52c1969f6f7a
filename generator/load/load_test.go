package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestLoad runs the cases in testdata/*.txtar. Each archive holds the spec
// files, the root first, and a "want" file: the exact error, or what the
// loaded spec looks like and its warnings. Paths in it start with $DIR.
// go test -update rewrites "want".
func TestLoad(t *testing.T) {
	runCases(t)
}

// TestLoadEarly runs the cases with every root that early loading applies
// to loaded early (see startEarly): the outcome must be the same.
func TestLoadEarly(t *testing.T) {
	n := earlyMin
	t.Cleanup(func() { earlyMin = n }) // after the parallel subtests
	earlyMin = 0
	runCases(t)
}

// TestLoadKin runs the cases with no root loaded directly (see
// loadDirect): kin-openapi's loader must give the same outcome.
func TestLoadKin(t *testing.T) {
	t.Cleanup(func() { direct = true }) // after the parallel subtests
	direct = false
	runCases(t)
}

func runCases(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test cases: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			root := writeArchive(t, dir, ar)
			spec, warnings, err := Load(context.Background(), filepath.Join(dir, root))
			got := strings.ReplaceAll(render(spec, warnings, err), dir, "$DIR")
			compareWant(t, file, ar, got)
		})
	}
}

// writeArchive writes the spec files of ar into dir and returns the name
// of the first, the root.
func writeArchive(t *testing.T, dir string, ar *txtar.Archive) string {
	t.Helper()
	root := ""
	for _, f := range ar.Files {
		if f.Name == "want" {
			continue
		}
		if root == "" {
			root = f.Name
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if root == "" {
		t.Fatal("archive has no spec file")
	}
	return root
}

// render shows the outcome of Load: the error as is, or a summary of the
// spec followed by the warnings.
func render(spec *Spec, warnings []Warning, err error) string {
	if err != nil {
		return err.Error() + "\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "version: %s\n", spec.SourceVersion)
	fmt.Fprintf(&b, "openapi: %s\n", spec.Doc.OpenAPI)
	fmt.Fprintf(&b, "files: %s\n", strings.Join(spec.Files, " "))
	fmt.Fprintf(&b, "external: %v\n", spec.External)
	if ext, ok := spec.Doc.Extensions[eventsExtension].(map[string]any); ok {
		if text, ok := ext[asyncAPIDocument].(string); ok {
			var doc any
			if err := json.Unmarshal([]byte(text), &doc); err != nil {
				fmt.Fprintf(&b, "asyncapi: %v\n", err)
			}
			for _, ref := range refsIn(doc) {
				fmt.Fprintf(&b, "asyncapi $ref: %s\n", ref)
			}
		}
	}
	for _, s := range spec.Doc.Servers {
		fmt.Fprintf(&b, "server: %s\n", s.URL)
	}
	for _, w := range warnings {
		loc := w.File
		if w.Line > 0 {
			loc = fmt.Sprintf("%s:%d", loc, w.Line)
		}
		fmt.Fprintf(&b, "warning: %s: %s: %s\n", loc, w.Pointer, w.Message)
	}
	return b.String()
}

// compareWant checks got against the archive's "want", or rewrites it.
func compareWant(t *testing.T, file string, ar *txtar.Archive, got string) {
	t.Helper()
	var want *txtar.File
	for i := range ar.Files {
		if ar.Files[i].Name == "want" {
			want = &ar.Files[i]
		}
	}
	if *update {
		if want == nil {
			ar.Files = append(ar.Files, txtar.File{Name: "want"})
			want = &ar.Files[len(ar.Files)-1]
		}
		if string(want.Data) != got {
			t.Logf("%s: want changed:\n%s", file, got)
			want.Data = []byte(got)
			if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	if want == nil {
		t.Fatalf("%s has no want file; run go test -update", file)
	}
	if string(want.Data) != got {
		t.Errorf("%s:\ngot:\n%s\nwant:\n%s", file, got, want.Data)
	}
}

// TestLoadDetails checks what the golden files do not show.
func TestLoadDetails(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/ref_file_ok.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	root := filepath.Join(dir, writeArchive(t, dir, ar))
	spec, _, err := Load(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	if spec.Path != root {
		t.Errorf("Path = %q, want %q", spec.Path, root)
	}
	raw, _ := os.ReadFile(root)
	if !bytes.Equal(spec.Raw, raw) {
		t.Error("Raw is not the root file as read")
	}
	schema := spec.Doc.Paths.Value("/pets/{petId}").Get.Responses.Status(200).Value.Content.Get("application/json").Schema
	if schema.Value == nil || schema.Value.Properties["owner"].Value == nil {
		t.Error("the $refs across files are not resolved")
	}
}

func TestLoadErrorTypes(t *testing.T) {
	_, _, err := Load(context.Background(), filepath.Join(t.TempDir(), "missing.yaml"))
	var e *Error
	if !errors.As(err, &e) || e.Message != "cannot read the spec: file not found" {
		t.Errorf("missing file: got %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Load(ctx, "testdata/none.yaml"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: got %v", err)
	}

	es := Errors{{File: "a.yaml", Pointer: "#/x", Message: "one"}, {File: "a.yaml", Line: 3, Pointer: "#/y", Message: "two"}}
	if got, want := es.Error(), "a.yaml: #/x: one\na.yaml:3: #/y: two"; got != want {
		t.Errorf("Errors.Error() = %q, want %q", got, want)
	}
	if !errors.As(error(es), &e) || e.Message != "one" {
		t.Errorf("errors.As on Errors: got %v", e)
	}
}

func TestPointerTokens(t *testing.T) {
	for _, tc := range []struct{ token, escaped string }{
		{"/orders/{orderId}", "~1orders~1{orderId}"},
		{"a~b", "a~0b"},
		{"~1", "~01"},
		{"application/json", "application~1json"},
	} {
		if got := escapeToken(tc.token); got != tc.escaped {
			t.Errorf("escapeToken(%q) = %q, want %q", tc.token, got, tc.escaped)
		}
		if got := unescapeToken(tc.escaped); got != tc.token {
			t.Errorf("unescapeToken(%q) = %q, want %q", tc.escaped, got, tc.token)
		}
	}
}

// FuzzLoad feeds Load arbitrary bytes as a spec file: whatever they hold,
// Load must return without letting a panic escape, fail only with an
// *Error, and not need its own recover (which turns a panic into an
// internal error).
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range seeds {
		if ar, err := txtar.ParseFile(file); err == nil && len(ar.Files) > 0 {
			f.Add(ar.Files[0].Data)
		}
	}
	for _, doc := range oddDocs {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "spec.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var (
			spec *Spec
			err  error
		)
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic escaped Load: %v", r)
				}
			}()
			spec, _, err = Load(context.Background(), p)
		}()
		checkContract(t, spec, err)
	})
}

// checkContract fails t unless Load gave a document, or an *Error that is
// not an internal error (Load recovered from a panic: a bug here or in
// kin-openapi).
func checkContract(t *testing.T, spec *Spec, err error) {
	t.Helper()
	var e *Error
	switch {
	case err == nil && (spec == nil || spec.Doc == nil):
		t.Error("no error and no document")
	case err != nil && !errors.As(err, &e):
		t.Errorf("error of type %T: %v", err, err)
	case err != nil && strings.HasPrefix(e.Message, "internal error"):
		t.Errorf("%v\n%v", err, e.Err)
	}
}

// refsIn lists the $refs of a decoded JSON document, sorted.
func refsIn(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok {
			out = append(out, ref)
		}
		for _, x := range v {
			out = append(out, refsIn(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, refsIn(x)...)
		}
	}
	sort.Strings(out)
	return out
}
