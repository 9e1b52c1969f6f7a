package load

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestLoadShallow runs the cases with every spec validated shallowly (see
// maxValidationVisits): a spec refused as a whole must be refused with
// the same errors, and a spec that loads must load, its warnings a subset
// of the full validation's (example checks are given up).
func TestLoadShallow(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test cases: %v", err)
	}
	limit := maxValidationVisits
	t.Cleanup(func() { maxValidationVisits = limit })
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		root := filepath.Join(dir, writeArchive(t, dir, ar))
		maxValidationVisits = limit
		_, fullWarnings, fullErr := Load(context.Background(), root)
		maxValidationVisits = 0
		_, warnings, err := Load(context.Background(), root)
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		switch {
		case fullErr != nil && (err == nil || err.Error() != fullErr.Error()):
			t.Errorf("%s: shallow: %v\nfull: %v", name, err, fullErr)
		case fullErr == nil && err != nil:
			t.Errorf("%s: shallow refused what full validation loads: %v", name, err)
		case fullErr == nil:
			for _, w := range warnings {
				if !slices.Contains(fullWarnings, w) {
					t.Errorf("%s: shallow validation warns %s, full validation does not", name, w)
				}
			}
		}
	}
}

// TestShallowChain: a long chain of components referring to each other is
// validated shallowly, and a problem deep in it is still found.
func TestShallowChain(t *testing.T) {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: T, version: \"1\"}\npaths:\n  /t:\n    get:\n      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/S0'}\ncomponents:\n  schemas:\n")
	const n = 1000
	for i := range n {
		b.WriteString("    S" + strconv.Itoa(i) + ":\n      type: object\n      properties:\n")
		if i+1 < n {
			b.WriteString("        next: {$ref: '#/components/schemas/S" + strconv.Itoa(i+1) + "'}\n")
		} else {
			b.WriteString("        bad: {type: string, multipleOf: -1}\n")
		}
	}
	dir := t.TempDir()
	ar := &txtar.Archive{Files: []txtar.File{{Name: "spec.yaml", Data: []byte(b.String())}}}
	root := filepath.Join(dir, writeArchive(t, dir, ar))
	l := newLoader(context.Background())
	if _, err := l.load(root); err == nil {
		t.Fatal("loaded a spec with multipleOf: -1")
	}
	if !costlyToValidate(validationRoots(l.doc), maxValidationVisits) {
		t.Errorf("a chain of %d schemas is not too costly to validate fully", n)
	}
	_, _, err := Load(context.Background(), root)
	if err == nil || !strings.Contains(err.Error(), "#/components/schemas/S999/properties/bad") {
		t.Errorf("error %v, want one at S999's bad property", err)
	}
}
