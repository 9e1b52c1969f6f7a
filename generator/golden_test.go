package generator

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/svcgen/svcgen/generator/file"
	"github.com/svcgen/svcgen/generator/format"
)

var update = flag.Bool("update", false, "rewrite the golden trees in golden/")

// examples lists the bundled example specs: every file in spec/ that
// describes a service (files only referred to by others have no paths and
// end in -common).
func examples(t *testing.T) map[string]string {
	t.Helper()
	matches, err := filepath.Glob("../spec/*")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range matches {
		ext := filepath.Ext(m)
		if ext != ".yaml" && ext != ".yml" && ext != ".json" {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(m), ext)
		if strings.HasSuffix(name, "-common") {
			continue
		}
		out[name] = m
	}
	if len(out) == 0 {
		t.Fatal("no example specs in spec/")
	}
	return out
}

func generateExample(t testing.TB, name, specPath string) *Result {
	t.Helper()
	res, err := Generate(context.Background(), Options{SpecPath: specPath, Module: "example.com/" + name})
	if err != nil {
		t.Fatalf("generate %s: %v", specPath, err)
	}
	return res
}

// TestGolden compares the generated tree of every example with
// golden/<name>/, file by file and both ways. -update rewrites the trees.
func TestGolden(t *testing.T) {
	for name, specPath := range examples(t) {
		t.Run(name, func(t *testing.T) {
			res := generateExample(t, name, specPath)
			dir := filepath.Join("..", "golden", name)
			got := map[string][]byte{}
			for _, f := range res.Files {
				got[f.Path] = f.Content
			}
			want, err := readTree(dir)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			if *update {
				rewriteTree(t, dir, got, want)
				return
			}
			for _, p := range sortedPaths(got) {
				w, ok := want[p]
				switch {
				case !ok:
					t.Errorf("%s: generated but not in %s (run go test ./generator -update)", p, dir)
				case !bytes.Equal(w, got[p]):
					t.Errorf("%s differs from the golden file:\n%s", p, unifiedDiff(filepath.Join(dir, p), "generated", w, got[p]))
				}
			}
			for _, p := range sortedPaths(want) {
				if _, ok := got[p]; !ok {
					t.Errorf("%s: in %s but no longer generated", p, dir)
				}
			}
		})
	}
}

// TestDeterministic generates each example twice: the bytes must match.
func TestDeterministic(t *testing.T) {
	for name, specPath := range examples(t) {
		a := generateExample(t, name, specPath)
		b := generateExample(t, name, specPath)
		if len(a.Files) != len(b.Files) {
			t.Fatalf("%s: %d files, then %d", name, len(a.Files), len(b.Files))
		}
		for i := range a.Files {
			if a.Files[i].Path != b.Files[i].Path || !bytes.Equal(a.Files[i].Content, b.Files[i].Content) {
				t.Errorf("%s: %s differs between two runs", name, a.Files[i].Path)
			}
		}
	}
}

// TestUnverified generates each example as users run svcgen, without
// format.Verify: the text of formatted chunks then goes as soon as they
// are formatted (renderFile), a path the other tests, which verify every
// file against gofmt and so keep the text, do not take. The bytes must be
// the same.
func TestUnverified(t *testing.T) {
	for name, specPath := range examples(t) {
		verified := generateExample(t, name, specPath)
		format.Verify = false
		unverified := generateExample(t, name, specPath)
		format.Verify = true
		if len(verified.Files) != len(unverified.Files) {
			t.Fatalf("%s: %d files verified, %d not", name, len(verified.Files), len(unverified.Files))
		}
		for i, f := range verified.Files {
			if u := unverified.Files[i]; f.Path != u.Path || !bytes.Equal(f.Content, u.Content) {
				t.Errorf("%s: %s differs when not verified:\n%s", name, f.Path, unifiedDiff("verified", "unverified", f.Content, u.Content))
			}
		}
	}
}

// TestGeneratedServicesBuildAndPass is the second tier: each example is
// generated into a temporary folder where go build, go vet and go test
// must pass. It is skipped with -short and when no go command is on PATH.
func TestGeneratedServicesBuildAndPass(t *testing.T) {
	if testing.Short() {
		t.Skip("second tier: skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("second tier: no go command on PATH")
	}
	// staticcheck runs too when it is installed (.ci/run installs it).
	staticcheck, _ := exec.LookPath("staticcheck")
	if staticcheck == "" {
		t.Log("staticcheck not on PATH: generated code is not linted")
	}
	specs := examples(t)
	// The extra specs in testdata/specs have no golden tree; they only
	// have to build and pass.
	extra, _ := filepath.Glob("testdata/specs/*.yaml")
	for _, p := range extra {
		specs["testdata-"+strings.TrimSuffix(filepath.Base(p), ".yaml")] = p
	}
	for name, specPath := range specs {
		t.Run(name, func(t *testing.T) {
			dir, res := writeExample(t, t.TempDir(), name, specPath)
			checks := [][]string{
				{"mod", "tidy", "-diff"}, // go.mod and go.sum complete and exact
				{"build", "./..."},
				{"vet", "./..."},
				{"test", "-count=1", "./..."},
			}
			if len(res.Service.Dependencies) > 0 {
				// The services it calls bring their own go.mod into the
				// module graph, so what tidy keeps depends on theirs; the
				// build with -mod=readonly still checks go.mod and go.sum
				// are complete.
				checks = checks[1:]
			}
			for _, args := range checks {
				run(t, dir, goBin, args...)
			}
			if staticcheck != "" {
				run(t, dir, staticcheck, "./...")
			}
		})
	}
}

// writeExample generates the example name from specPath into base/name,
// with its hand-written files (copyExtra), and each service it depends on
// that has a local path, from that dependency's spec, at the path its
// go.mod replaces it with. It returns the service's folder.
func writeExample(t testing.TB, base, name, specPath string) (string, *Result) {
	t.Helper()
	res := generateExample(t, name, specPath)
	dir := filepath.Join(base, name)
	writeFiles(t, dir, res.Files)
	copyExtra(t, strings.TrimSuffix(specPath, filepath.Ext(specPath))+".extra", dir, res.Files)
	copyExtra(t, filepath.Join("testdata", "examples", name+".extra"), dir, res.Files)
	for _, d := range res.Service.Dependencies {
		if d.Path == "" || d.Spec == "" {
			continue
		}
		depSpec := filepath.Join(filepath.Dir(specPath), filepath.FromSlash(d.Spec))
		dep, err := Generate(context.Background(), Options{SpecPath: depSpec, Module: d.Module})
		if err != nil {
			t.Fatalf("dependency %s: %v", d.Name, err)
		}
		depDir := filepath.Join(dir, filepath.FromSlash(d.Path))
		if _, err := os.Stat(depDir); err == nil {
			continue // written already, as an example of its own
		}
		writeFiles(t, depDir, dep.Files)
	}
	return dir, res
}

// writeFiles writes files under dir.
func writeFiles(t testing.TB, dir string, files []file.File) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyExtra copies the files under from, if it exists, into the generated
// service at dir, at the same relative paths: hand-written tests of what
// the generated tests cannot know, such as which of two overlapping routes
// a path reaches (testdata/specs/NAME.extra/ beside NAME.yaml, and
// testdata/examples/NAME.extra/ for the example spec/NAME.yaml), or the
// user's own version of a file that is theirs (an example's service.go). A
// file svcgen owns is never replaced.
func copyExtra(t testing.TB, from, dir string, generated []file.File) {
	t.Helper()
	files, err := readTree(from)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range sortedPaths(files) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		for _, f := range generated {
			if f.Path == p && f.Class != file.Scaffold {
				t.Fatalf("%s: %s would replace a file svcgen owns (%s)", from, p, f.Class)
			}
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, files[p], 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// run runs a command in the generated service at dir, failing the test
// with its output.
func run(t *testing.T, dir, bin string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s in the generated service: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
}

// readTree reads every file under dir, keyed by slash path.
func readTree(dir string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	return out, err
}

// rewriteTree replaces dir with got and logs what changed.
func rewriteTree(t *testing.T, dir string, got, old map[string][]byte) {
	t.Helper()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	for _, p := range sortedPaths(got) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, got[p], 0o644); err != nil {
			t.Fatal(err)
		}
		if w, ok := old[p]; !ok {
			t.Logf("added %s", p)
		} else if !bytes.Equal(w, got[p]) {
			t.Logf("updated %s", p)
		}
	}
	for _, p := range sortedPaths(old) {
		if _, ok := got[p]; !ok {
			t.Logf("removed %s", p)
		}
	}
}

func sortedPaths(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func unifiedDiff(aName, bName string, a, b []byte) string {
	d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(a)), B: difflib.SplitLines(string(b)),
		FromFile: aName, ToFile: bName, Context: 3,
	})
	if err != nil {
		return fmt.Sprint(err)
	}
	return d
}

// TestGitHubFormatted generates GitHub's REST API (when the corpus runner
// has installed it; see githubSpec) with every file also formatted whole
// (TestMain): the functions copied as the templates wrote them must be
// what gofmt prints, on the largest spec at hand.
func TestGitHubFormatted(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: GitHub's spec takes seconds")
	}
	spec := githubSpec(t)
	if _, err := Generate(context.Background(), Options{SpecPath: spec, Module: "example.com/gh"}); err != nil {
		t.Fatal(err)
	}
}
