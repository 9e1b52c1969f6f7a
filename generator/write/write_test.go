package write

import (
	"errors"
	"flag"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/generator/file"
)

// update is declared in every package with tests so that
// `go test ./... -update` works; this package has no golden files.
var update = flag.Bool("update", false, "rewrite golden files")

var _ = update

// twoFiles is a small valid tree.
func twoFiles() []file.File {
	return []file.File{
		{Path: "go.mod", Content: []byte("module example.com/x\n")},
		{Path: "scripts/run.sh", Content: []byte("#!/bin/sh\n"), Mode: 0o755},
	}
}

// tree returns every file under dir as path → content, for comparisons.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		got[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// entries lists the names in dir, sorted.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func TestCheckPathRefusesHostilePaths(t *testing.T) {
	for _, p := range []string{
		"../x",
		"/etc/x",
		"a/../../x",
		"a/../b",
		`a\b`,
		`..\x`,
		"",
		".",
		"./a",
		"a/",
		"a//b",
		"x\x00y",
		"..",
	} {
		err := CheckPath(p)
		var pe *PathError
		if !errors.As(err, &pe) {
			t.Errorf("CheckPath(%q) = %v, want a *PathError", p, err)
		}
	}
	for _, p := range []string{"go.mod", "internal/api/routes_gen.go", ".svcgen/manifest.json", "a..b", "..a/b"} {
		if err := CheckPath(p); err != nil {
			t.Errorf("CheckPath(%q) = %v, want nil", p, err)
		}
	}
}

func TestNewWritesNothingWhenAnyPathIsBad(t *testing.T) {
	for _, bad := range []string{"../x", "/etc/x", "a/../../x", `a\b`, "", ".", "a//b", "x\x00y"} {
		files := append(twoFiles(), file.File{Path: bad, Content: []byte("evil")})

		t.Run("new/"+bad, func(t *testing.T) {
			parent := t.TempDir()
			out := filepath.Join(parent, "out")
			if err := New(out, files, Options{}); err == nil {
				t.Fatal("New succeeded, want an error")
			}
			if names := entries(t, parent); len(names) != 0 {
				t.Errorf("parent holds %v after a refused write, want nothing", names)
			}
		})

		t.Run("force/"+bad, func(t *testing.T) {
			out := t.TempDir()
			os.WriteFile(filepath.Join(out, "keep.txt"), []byte("mine"), 0o644)
			if err := New(out, files, Options{Force: 2}); err == nil {
				t.Fatal("New succeeded, want an error")
			}
			if got := tree(t, out); len(got) != 1 || got["keep.txt"] != "mine" {
				t.Errorf("out holds %v after a refused write, want only keep.txt", got)
			}
		})
	}
}

func TestNewRefusesInconsistentTrees(t *testing.T) {
	for name, files := range map[string][]file.File{
		"duplicate":      {{Path: "a"}, {Path: "a"}},
		"file as folder": {{Path: "a"}, {Path: "a/b/c"}},
		"mode":           {{Path: "a", Mode: fs.ModeDir | 0o755}},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			if err := New(out, files, Options{}); err == nil {
				t.Fatal("New succeeded, want an error")
			}
			if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("out exists after a refused write")
			}
		})
	}
}

func TestNewCreatesTreeAtomically(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "nested", "out")
	if err := New(out, twoFiles(), Options{}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"go.mod": "module example.com/x\n", "scripts/run.sh": "#!/bin/sh\n"}
	if got := tree(t, out); !maps.Equal(got, want) {
		t.Errorf("tree = %v, want %v", got, want)
	}
	if names := entries(t, filepath.Join(parent, "nested")); !slices.Equal(names, []string{"out"}) {
		t.Errorf("temporary folders left behind: %v", names)
	}
	if runtime.GOOS != "windows" {
		checkMode(t, filepath.Join(out, "go.mod"), 0o644)
		checkMode(t, filepath.Join(out, "scripts/run.sh"), 0o755)
		checkMode(t, out, 0o755|fs.ModeDir)
		checkMode(t, filepath.Join(out, "scripts"), 0o755|fs.ModeDir)
	}
}

func TestNewCleansUpAfterAFailedWrite(t *testing.T) {
	// A name longer than any file system allows passes the path checks but
	// fails when written, after go.mod was written.
	files := append(twoFiles(), file.File{Path: "z/" + strings.Repeat("x", 300)})

	t.Run("new", func(t *testing.T) {
		parent := t.TempDir()
		if err := New(filepath.Join(parent, "out"), files, Options{}); err == nil {
			t.Fatal("New succeeded, want an error")
		}
		if names := entries(t, parent); len(names) != 0 {
			t.Errorf("parent holds %v after a failed write, want nothing", names)
		}
	})

	t.Run("force", func(t *testing.T) {
		out := t.TempDir()
		os.WriteFile(filepath.Join(out, "go.mod"), []byte("mine"), 0o644)
		if err := New(out, files, Options{Force: 2}); err == nil {
			t.Fatal("New succeeded, want an error")
		}
		if got := tree(t, out); len(got) != 1 || got["go.mod"] != "mine" {
			t.Errorf("out holds %v after a failed write, want only the untouched go.mod", got)
		}
		if names := entries(t, out); !slices.Equal(names, []string{"go.mod"}) {
			t.Errorf("out holds %v after a failed write, want only go.mod", names)
		}
	})
}

func TestNewNonEmptyFolder(t *testing.T) {
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "go.mod"), []byte("old"), 0o644)
	os.WriteFile(filepath.Join(out, "keep.txt"), []byte("mine"), 0o644)

	err := New(out, twoFiles(), Options{})
	if err == nil || !strings.Contains(err.Error(), "not empty") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("New without force = %v, want an error saying the folder is not empty and naming --force", err)
	}
	if got := tree(t, out); got["go.mod"] != "old" || len(got) != 2 {
		t.Fatalf("New without force changed the folder: %v", got)
	}

	// Not made by svcgen: one --force explains, and writes nothing.
	err = New(out, twoFiles(), Options{Force: 1})
	if err == nil || !strings.Contains(err.Error(), "was not made by svcgen") ||
		!strings.Contains(err.Error(), "--force would overwrite 1 of its files (go.mod)") || !strings.Contains(err.Error(), "--force twice") {
		t.Fatalf("New with one force = %v, want an error naming go.mod and asking for --force twice", err)
	}
	if got := tree(t, out); got["go.mod"] != "old" || len(got) != 2 {
		t.Fatalf("New with one force changed the folder: %v", got)
	}

	if err := New(out, twoFiles(), Options{Force: 2}); err != nil {
		t.Fatalf("New with force twice: %v", err)
	}
	want := map[string]string{"go.mod": "module example.com/x\n", "scripts/run.sh": "#!/bin/sh\n", "keep.txt": "mine"}
	if got := tree(t, out); !maps.Equal(got, want) {
		t.Errorf("tree = %v, want %v", got, want)
	}
	if names := entries(t, out); !slices.Equal(names, []string{"go.mod", "keep.txt", "scripts"}) {
		t.Errorf("temporary files left behind: %v", names)
	}
}

// TestNewServiceFolderNeedsOneForce: a folder svcgen made before (it holds
// the manifest) is written into with a single --force.
func TestNewServiceFolderNeedsOneForce(t *testing.T) {
	out := t.TempDir()
	os.Mkdir(filepath.Join(out, ".svcgen"), 0o755)
	os.WriteFile(filepath.Join(out, ManifestPath), []byte("{}"), 0o644)
	os.WriteFile(filepath.Join(out, "go.mod"), []byte("old"), 0o644)
	if err := New(out, twoFiles(), Options{}); err == nil || !strings.Contains(err.Error(), "use --force") {
		t.Fatalf("New without force = %v, want a refusal", err)
	}
	if err := New(out, twoFiles(), Options{Force: 1}); err != nil {
		t.Fatalf("New with one force: %v", err)
	}
	if got := tree(t, out); got["go.mod"] != "module example.com/x\n" {
		t.Errorf("go.mod = %q, want it replaced", got["go.mod"])
	}
}

// TestNewSpecialFolders: the root, a system folder (also through a
// symbolic link) and home need --force twice, even when they hold a
// manifest or are empty; nothing is written before that.
func TestNewSpecialFolders(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix folders")
	}
	for _, tc := range []struct {
		name, dir, want string
	}{
		{"root", "/", "is the file system's root"},
		{"etc", "/etc", "is the system folder /etc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, force := range []int{0, 1} {
				err := New(tc.dir, harmless(t, tc.dir), Options{Force: force})
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "--force given twice") {
					t.Fatalf("New(%s, force %d) = %v, want %q", tc.dir, force, err, tc.want)
				}
			}
		})
	}
	t.Run("symlink to /etc", func(t *testing.T) {
		link := filepath.Join(t.TempDir(), "out")
		if err := os.Symlink("/etc", link); err != nil {
			t.Fatal(err)
		}
		err := New(link, harmless(t, "/etc"), Options{Force: 1})
		if err == nil || !strings.Contains(err.Error(), "is the system folder /etc (through a symbolic link)") {
			t.Fatalf("New = %v, want a refusal naming /etc", err)
		}
	})
	t.Run("home", func(t *testing.T) {
		home := t.TempDir()
		os.Mkdir(filepath.Join(home, ".svcgen"), 0o755)
		os.WriteFile(filepath.Join(home, ManifestPath), []byte("{}"), 0o644)
		err := New(home, twoFiles(), Options{Force: 1, Home: home})
		if err == nil || !strings.Contains(err.Error(), "is your home folder") {
			t.Fatalf("New = %v, want a refusal naming home", err)
		}
		if got := tree(t, home); len(got) != 1 {
			t.Fatalf("home holds %v after a refusal", got)
		}
		if err := New(home, twoFiles(), Options{Force: 2, Home: home}); err != nil {
			t.Fatalf("New with force twice: %v", err)
		}
	})
}

// harmless returns files New cannot write into dir even if its checks of
// the folder failed: the one path names a folder already there. A broken
// check then fails the test without touching a system folder.
func harmless(t *testing.T, dir string) []file.File {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Skip(err)
	}
	for _, de := range des {
		if de.IsDir() {
			return []file.File{{Path: de.Name(), Content: []byte("x")}}
		}
	}
	t.Skipf("%s has no folder to stand in the way", dir)
	return nil
}

func TestNewEmptyFolderNeedsNoForce(t *testing.T) {
	out := t.TempDir()
	if err := New(out, twoFiles(), Options{}); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, out); len(got) != 2 {
		t.Errorf("tree = %v, want two files", got)
	}
}

func TestNewRefusesAFileAsOutputFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	os.WriteFile(out, nil, 0o644)
	if err := New(out, twoFiles(), Options{Force: 1}); err == nil {
		t.Fatal("New succeeded, want an error")
	}
}

func TestNewRefusesSymlinkEscape(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	outside := t.TempDir()
	out := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(out, "internal")); err != nil {
		t.Fatal(err)
	}
	files := append(twoFiles(), file.File{Path: "internal/api/routes_gen.go", Content: []byte("evil")})

	err := New(out, files, Options{Force: 2})
	var pe *PathError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "outside the output folder") {
		t.Fatalf("New = %v, want a *PathError about a link outside the output folder", err)
	}
	if names := entries(t, outside); len(names) != 0 {
		t.Errorf("wrote %v outside the output folder", names)
	}
	if names := entries(t, out); !slices.Equal(names, []string{"internal"}) {
		t.Errorf("out holds %v after a refused write, want only the link", names)
	}
}

func TestNewFollowsSymlinkInsideFolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	out := t.TempDir()
	os.Mkdir(filepath.Join(out, "real"), 0o755)
	if err := os.Symlink("real", filepath.Join(out, "link")); err != nil {
		t.Fatal(err)
	}
	if err := New(out, []file.File{{Path: "link/a.txt", Content: []byte("a")}}, Options{Force: 2}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(out, "real", "a.txt")); err != nil || string(b) != "a" {
		t.Errorf("real/a.txt = %q, %v; want \"a\"", b, err)
	}
}

func TestNewReplacesSymlinkTargetNotWhatItPointsTo(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("secret"), 0o644)
	out := t.TempDir()
	if err := os.Symlink(secret, filepath.Join(out, "go.mod")); err != nil {
		t.Fatal(err)
	}
	if err := New(out, twoFiles(), Options{Force: 2}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(secret); string(b) != "secret" {
		t.Errorf("file outside the output folder was overwritten: %q", b)
	}
	info, err := os.Lstat(filepath.Join(out, "go.mod"))
	if err != nil || !info.Mode().IsRegular() {
		t.Errorf("go.mod is %v, %v; want a regular file", info, err)
	}
}

func checkMode(t *testing.T, name string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode(); got != want {
		t.Errorf("%s: mode %v, want %v", name, got, want)
	}
}
