package generator

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/generator/format"
	"github.com/svcgen/svcgen/generator/write"
)

// FuzzGenerate feeds arbitrary documents through the whole pipeline
// (load → model → plan → render → format). Whatever the input, Generate
// must not hit an internal error (a recovered panic or a template that
// renders invalid Go, or Go that format copies but gofmt would lay out
// otherwise: see TestMain), every output path must stay inside the
// service, and a second run must give the same bytes. Seeds are the
// example specs and the schema cycles of TestCycles.
func FuzzGenerate(f *testing.F) {
	seeds, _ := filepath.Glob("../spec/*.yaml")
	more, _ := filepath.Glob("testdata/specs/*.yaml")
	cycles, _ := filepath.Glob("testdata/cycles/*.yaml") // see TestCycles
	for _, p := range append(append(seeds, more...), cycles...) {
		if b, err := os.ReadFile(p); err == nil && !strings.Contains(string(b), "$ref: 'catalog-common") {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, spec []byte) {
		p := filepath.Join(t.TempDir(), "spec.yaml")
		if err := os.WriteFile(p, spec, 0o644); err != nil {
			t.Fatal(err)
		}
		a, err := Generate(context.Background(), Options{SpecPath: p})
		if err != nil {
			msg := err.Error()
			if strings.Contains(msg, "internal error") || strings.Contains(msg, "is not valid Go") || strings.Contains(msg, "executing template") ||
				errors.Is(err, format.ErrUnformatted) {
				t.Fatalf("generator bug: %v", err)
			}
			return // a spec error, reported as such
		}
		for _, file := range a.Files {
			if err := write.CheckPath(file.Path); err != nil {
				t.Fatalf("unsafe output path: %v", err)
			}
		}
		b, err := Generate(context.Background(), Options{SpecPath: p})
		if err != nil {
			t.Fatalf("second run failed: %v", err)
		}
		for i := range a.Files {
			if a.Files[i].Path != b.Files[i].Path || !bytes.Equal(a.Files[i].Content, b.Files[i].Content) {
				t.Fatalf("%s differs between two runs", a.Files[i].Path)
			}
		}
	})
}
