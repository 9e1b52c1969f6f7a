package cli

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/generator/write"
)

// runAsSvcgen makes the test binary run the svcgen command line instead of
// the tests, for tests that need svcgen in a process of its own.
const runAsSvcgen = "SVCGEN_CLI_TEST_AS_SVCGEN"

func TestMain(m *testing.M) {
	if os.Getenv(runAsSvcgen) == "1" {
		os.Exit(Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestRegenerateKilled kills svcgen regenerate (SIGKILL, from inside, see
// write.CrashEnv) after each of its file operations in turn: the journal
// written, each file staged, the journal committed, each rename and
// removal, the journal removed. After each, the next run (regenerate,
// --check or --dry-run in turn) must leave the service exactly as it was
// before or exactly as an uninterrupted regenerate leaves it, with no
// staging file left, and --check must then tell which.
func TestRegenerateKilled(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs a process killed without a chance to clean up")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	start := newOrders(t)
	ordersV2(t, start)
	oldTree := tree(t, start)

	// The new state: regenerate uninterrupted.
	ref := copyTree(t, start)
	if code, stdout, stderr := run("regenerate", "--dir", ref); code != exitOK {
		t.Fatalf("regenerate: exit %d\n%s%s", code, stdout, stderr)
	}
	newTree := tree(t, ref)
	if sameFiles(oldTree, newTree) {
		t.Fatal("regenerate changed nothing: this test shows nothing")
	}

	points, built := 0, false
	step := 1
	if testing.Short() {
		step = 6 // every sixth point
	}
	for k := 1; ; k += step {
		dir := copyTree(t, start)
		cmd := exec.Command(exe, "regenerate", "--dir", dir)
		cmd.Env = append(os.Environ(), runAsSvcgen+"=1", fmt.Sprintf("%s=%d", write.CrashEnv, k))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if cmd.ProcessState == nil {
			t.Fatalf("kill point %d: %v", k, err)
		}
		if cmd.ProcessState.ExitCode() != -1 { // not killed: k is past the last operation
			if err != nil {
				t.Fatalf("regenerate with %s=%d: %v\n%s", write.CrashEnv, k, err, out.Bytes())
			}
			if !sameFiles(tree(t, dir), newTree) {
				t.Fatalf("regenerate not killed (%s=%d) left a tree unlike an uninterrupted one", write.CrashEnv, k)
			}
			break
		}
		points++
		finished, err := checkKilled(t, dir, points, oldTree, newTree)
		if err != nil {
			t.Errorf("killed after operation %d: %v", k, err)
		}
		if finished && !built && !testing.Short() {
			// Once, a service whose apply only the recovery finished
			// builds (vet type-checks every package).
			buildService(t, dir)
			built = true
			t.Logf("built the service recovered after operation %d", k)
		}
	}
	if points*step < 20 {
		t.Errorf("regenerate was killed at only %d points: the hook or the change is too small", points*step)
	}
	t.Logf("killed at %d points", points)
}

// checkKilled runs svcgen on a service whose regenerate was killed (the
// kth time: regenerate, --check and --dry-run take turns) and checks it
// ends up old or new, and that --check says so.
// finished is true when --check or --dry-run (which write nothing of
// their own) found the new state: the recovery finished the apply.
func checkKilled(t *testing.T, dir string, k int, oldTree, newTree map[string]string) (finished bool, err error) {
	t.Helper()
	var args []string
	switch k % 3 {
	case 0:
		args = []string{"regenerate", "--dir", dir}
	case 1:
		args = []string{"regenerate", "--dir", dir, "--check"}
	default:
		args = []string{"regenerate", "--dir", dir, "--dry-run"}
	}
	code, stdout, stderr := run(args...)
	now := tree(t, dir)
	isOld, isNew := sameFiles(now, oldTree), sameFiles(now, newTree)
	if !isOld && !isNew {
		return false, fmt.Errorf("regenerate %s (exit %d) left a tree neither old nor new:\n%s\n%s%s", args[len(args)-1], code, treeDiff(now, oldTree, newTree), stdout, stderr)
	}
	if len(args) == 3 && (code != exitOK || !isNew) {
		return false, fmt.Errorf("regenerate after the kill: exit %d, new state %v\n%s%s", code, isNew, stdout, stderr)
	}
	finished = isNew && len(args) == 4
	code, stdout, stderr = run("regenerate", "--dir", dir, "--check")
	switch {
	case isNew && code != exitOK:
		return finished, fmt.Errorf("--check on the new state: exit %d\n%s%s", code, stdout, stderr)
	case isOld && code != exitError:
		return finished, fmt.Errorf("--check on the old state: exit %d\n%s%s", code, stdout, stderr)
	}
	if isOld {
		if code, stdout, stderr := run("regenerate", "--dir", dir); code != exitOK || !sameFiles(tree(t, dir), newTree) {
			return finished, fmt.Errorf("regenerate from the old state: exit %d\n%s\n%s%s", code, treeDiff(tree(t, dir), oldTree, newTree), stdout, stderr)
		}
	}
	return finished, nil
}

// ordersV2 makes the user's edits and a spec change to the orders
// service: a helper appended to service.go; a field added (a migration),
// an operation removed (an orphan).
func ordersV2(t *testing.T, dir string) {
	t.Helper()
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
	svc := filepath.Join(dir, "internal/service/service.go")
	b, err := os.ReadFile(svc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(svc, append(b, "\n// twice is the user's.\nfunc twice(n int) int { return 2 * n }\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	edit("openapi.yaml", "      properties:\n        name:\n          type: string\n          description: Full name or company name.",
		"      properties:\n        nickname:\n          type: string\n        name:\n          type: string\n          description: Full name or company name.")
	spec, _ := os.ReadFile(filepath.Join(dir, "openapi.yaml"))
	s := string(spec)
	del := strings.Index(s, "    delete:\n      operationId: deleteCustomer")
	end := strings.Index(s, "  /customers/{customerId}/avatar:")
	if del < 0 || end < del {
		t.Fatal("orders.yaml changed shape: update this test's edits")
	}
	if err := os.WriteFile(filepath.Join(dir, "openapi.yaml"), []byte(s[:del]+"\n"+s[end:]), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tree reads every file under dir, by slash path relative to it.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameFiles(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// treeDiff names the files where now differs from old and from new.
func treeDiff(now, old, new map[string]string) string {
	diff := func(a, b map[string]string) []string {
		var out []string
		for k, v := range a {
			if w, ok := b[k]; !ok || w != v {
				out = append(out, k)
			}
		}
		for k := range b {
			if _, ok := a[k]; !ok {
				out = append(out, k+" (missing)")
			}
		}
		sort.Strings(out)
		return out
	}
	return fmt.Sprintf("differs from the old state in %v\ndiffers from the new state in %v", diff(now, old), diff(now, new))
}

// copyTree copies dir into a new temporary folder.
func copyTree(t *testing.T, dir string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), filepath.Base(dir))
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

// buildService vets the service in dir, which type-checks every package.
func buildService(t *testing.T, dir string) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Log("no go command on PATH: not built")
		return
	}
	cmd := exec.Command(goBin, "vet", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("go vet ./... after recovery: %v\n%s", err, out)
	}
}
