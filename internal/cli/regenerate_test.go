package cli

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRegenerateWorkflow drives the command line as a user would: new
// service, a spec change, then --check, --dry-run, --fail-on-breaking and
// regenerate, checking exit codes, what is printed and that only
// regenerate itself writes.
func TestRegenerateWorkflow(t *testing.T) {
	dir := newOrders(t)

	// Right after generation there is nothing to do.
	if code, stdout, stderr := run("regenerate", "--dir", dir, "--check"); code != exitOK || !strings.Contains(stdout, "up to date") {
		t.Fatalf("--check on a fresh service: exit %d\n%s%s", code, stdout, stderr)
	}

	// The user adds a field and removes an operation in the service's spec.
	specPath := filepath.Join(dir, "openapi.yaml")
	spec, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	v2 := strings.Replace(string(spec), "      properties:\n        name:\n          type: string\n          description: Full name or company name.",
		"      properties:\n        nickname:\n          type: string\n        name:\n          type: string\n          description: Full name or company name.", 1)
	del := strings.Index(v2, "    delete:\n      operationId: deleteCustomer")
	end := strings.Index(v2, "  /customers/{customerId}/avatar:")
	if v2 == string(spec) || del < 0 || end < del {
		t.Fatal("orders.yaml changed shape: update this test's edits")
	}
	v2 = v2[:del] + "\n" + v2[end:]
	if err := os.WriteFile(specPath, []byte(v2), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)

	code, stdout, stderr := run("regenerate", "--dir", dir, "--check")
	if code != exitError || !strings.Contains(stdout, "update    api/models_gen.go") || !strings.Contains(stderr, "run svcgen regenerate") {
		t.Errorf("--check after a spec change: exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = run("regenerate", "--dir", dir, "--dry-run")
	for _, want := range []string{
		"BREAKING  DELETE /customers/{customerId}: operation removed",
		"create    internal/store/migrations/sqlite/00002_add_customers_nickname.sql",
		"+// DeleteCustomer", // an orphans_gen.go diff
		"Service.DeleteCustomer in internal/service/service.go",
		"dry run: nothing written",
		"+++ b/internal/store/migrations/sqlite/00002_add_customers_nickname.sql\n@@ -0,0 +1,",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("--dry-run output lacks %q", want)
		}
	}
	if code != exitOK {
		t.Errorf("--dry-run: exit %d\n%s", code, stderr)
	}
	code, _, stderr = run("regenerate", "--dir", dir, "--fail-on-breaking")
	if code != exitError || !strings.Contains(stderr, "breaks existing clients") {
		t.Errorf("--fail-on-breaking: exit %d, stderr %q", code, stderr)
	}
	if after := snapshot(t, dir); !sameTree(before, after) {
		t.Fatal("--check, --dry-run or --fail-on-breaking wrote to the service")
	}

	code, stdout, stderr = run("regenerate", "--dir", dir)
	if code != exitOK {
		t.Fatalf("regenerate: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"schema: a new migration for each database:", `table "customers": column "nickname" added`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("regenerate output lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "internal/store/migrations/postgres/00002_add_customers_nickname.sql")); err != nil {
		t.Error(err)
	}
	if code, stdout, stderr := run("regenerate", "--dir", dir, "--check"); code != exitOK {
		t.Errorf("--check right after regenerate: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ := run("regenerate", "--dir", dir); code != exitOK || !strings.Contains(stdout, "Nothing to do") {
		t.Errorf("second regenerate: exit %d, want a no-op:\n%s", code, stdout)
	}
}

// run runs the svcgen command line and returns its exit code and output.
func run(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := Run(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// newOrders generates the orders example into a new folder.
func newOrders(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "orders")
	if code, _, stderr := run("new-service", "--spec", "../../spec/orders.yaml", "--out", dir, "--module", "example.com/orders"); code != exitOK {
		t.Fatalf("new-service: exit %d\n%s", code, stderr)
	}
	return dir
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A conflict is written with markers, named, and exits 1; until the user
// resolves it, --check fails too.
func TestRegenerateConflict(t *testing.T) {
	dir := newOrders(t)
	edit := func(name, old, new string) {
		t.Helper()
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(b), old) {
			t.Fatalf("%s lacks %q (%v)", name, old, err)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The user and the spec change the same README row.
	edit("README.md", "`ListCategories`: List the category tree |", "`ListCategories`: List the category tree (cached for 1 min) |")
	edit("openapi.yaml", "summary: List the category tree", "summary: List every category")

	code, stdout, stderr := run("regenerate", "--dir", dir)
	if code != exitError || !strings.Contains(stderr, "merge conflict in README.md") || !strings.Contains(stdout, "conflict  README.md") {
		t.Fatalf("regenerate: exit %d, want 1 naming README.md\n%s%s", code, stdout, stderr)
	}
	readme, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	for _, want := range []string{"<<<<<<< yours\n", "(cached for 1 min)", "=======\n", "List every category", ">>>>>>> svcgen (new spec)\n"} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README.md lacks %q", want)
		}
	}
	if code, _, stderr := run("regenerate", "--dir", dir, "--check"); code != exitError || !strings.Contains(stderr, "unresolved merge conflict markers in README.md") {
		t.Errorf("--check with markers left: exit %d, %s", code, stderr)
	}
	// Resolved: the user keeps their wording.
	edit("README.md", "<<<<<<< yours\n", "")
	s, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	i, j := strings.Index(string(s), "=======\n"), strings.Index(string(s), ">>>>>>> svcgen (new spec)\n")
	resolved := string(s[:i]) + string(s[j+len(">>>>>>> svcgen (new spec)\n"):])
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(resolved), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := run("regenerate", "--dir", dir, "--check"); code != exitOK {
		t.Errorf("--check after resolving: exit %d\n%s%s", code, stdout, stderr)
	}
}
