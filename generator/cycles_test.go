package generator

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCycles generates from each spec in testdata/cycles, schemas that
// include themselves through allOf, oneOf, anyOf, $ref, items or
// properties, alone or through others. The first line of each says what
// must happen: "# want: ok", or the words the refusal must contain (the
// cycle's members). Before these were handled, several of them overflowed
// the stack, which no recover catches.
func TestCycles(t *testing.T) {
	specs, err := filepath.Glob("testdata/cycles/*.yaml")
	if err != nil || len(specs) == 0 {
		t.Fatalf("no cycle specs: %v", err)
	}
	for _, p := range specs {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".yaml"), func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := bytes.Cut(b, []byte("\n"))
			want, ok := strings.CutPrefix(string(first), "# want: ")
			if !ok {
				t.Fatalf("%s does not start with # want:", p)
			}
			_, err = Generate(context.Background(), Options{SpecPath: p})
			switch {
			case want == "ok" && err != nil:
				t.Fatalf("want it generated, got %v", err)
			case want != "ok" && err == nil:
				t.Fatalf("generated; want a refusal naming %q", want)
			case want != "ok" && !strings.Contains(err.Error(), want):
				t.Fatalf("error %q\nwant it to contain %q", err, want)
			case err != nil && strings.Contains(err.Error(), "internal error"):
				t.Fatalf("a generator bug: %v", err)
			}
		})
	}
}
