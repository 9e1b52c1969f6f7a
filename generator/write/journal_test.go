package write

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/generator/file"
)

const testJournal = ".svcgen/journal.json"

// base is a tree to update.
func base(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "svc")
	files := []file.File{
		{Path: "main.go", Content: []byte("package main\n")},
		{Path: "old.txt", Content: []byte("old\n")},
		{Path: ".svcgen/manifest.json", Content: []byte("{}\n")},
	}
	if err := New(dir, files, Options{}); err != nil {
		t.Fatal(err)
	}
	return dir
}

var changes = []Change{
	{Path: "main.go", Content: []byte("package main // v2\n")},
	{Path: "internal/new/new.go", Content: []byte("package new\n"), Mode: 0o755},
	{Path: "old.txt", Remove: true},
	{Path: ".svcgen/manifest.json", Content: []byte("{\"v\": 2}\n")},
}

var want = map[string]string{
	"main.go":               "package main // v2\n",
	"internal/new/new.go":   "package new\n",
	".svcgen/manifest.json": "{\"v\": 2}\n",
}

func TestUpdate(t *testing.T) {
	dir := base(t)
	if err := Update(dir, testJournal, changes); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, dir); !maps.Equal(got, want) {
		t.Errorf("tree = %v, want %v", got, want)
	}
	info, err := os.Stat(filepath.Join(dir, "internal/new/new.go"))
	if err != nil || info.Mode().Perm() != 0o755 {
		t.Errorf("new.go: %v, %v", info, err)
	}
	// Nothing to recover afterwards.
	if r, err := Recover(dir, testJournal); err != nil || r.Did() {
		t.Errorf("Recover after a whole Update = %+v, %v", r, err)
	}
}

// A bad path anywhere: nothing is written, not even the journal.
func TestUpdateChecksFirst(t *testing.T) {
	dir := base(t)
	before := tree(t, dir)
	bad := append(append([]Change(nil), changes...), Change{Path: "../escape", Content: []byte("x")})
	if err := Update(dir, testJournal, bad); err == nil {
		t.Fatal("Update accepted ../escape")
	}
	if got := tree(t, dir); !maps.Equal(got, before) {
		t.Errorf("tree changed: %v", got)
	}
}

func TestUpdateRefusesWhileAJournalWaits(t *testing.T) {
	dir := base(t)
	mustWriteFile(t, filepath.Join(dir, testJournal), `{"state": "staging", "ops": []}`)
	if err := Update(dir, testJournal, changes); err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("Update with a journal present: %v", err)
	}
}

// journalOf is the journal Update writes for changes, in state, with the
// staging names it uses.
func journalOf(state string) journalFile {
	j := journalFile{State: state, Dirs: []string{"internal", "internal/new"}}
	for i, c := range changes {
		op := journalOp{Path: c.Path, Remove: c.Remove}
		if !c.Remove {
			dir, name := filepath.Split(c.Path)
			op.Stage = dir + "." + name + ".svcgen-" + string(rune('1'+i))
		}
		j.Ops = append(j.Ops, op)
	}
	return j
}

func writeJournalFile(t *testing.T, dir string, j journalFile) {
	t.Helper()
	b, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	mustWriteFile(t, filepath.Join(dir, testJournal), string(b))
}

// Killed while staging: the staged files and the folders made for them go,
// the tree is as before.
func TestRecoverRollsBack(t *testing.T) {
	dir := base(t)
	before := tree(t, dir)
	j := journalOf(stateStaging)
	writeJournalFile(t, dir, j)
	mustWriteFile(t, filepath.Join(dir, j.Ops[0].Stage), "package main // v2\n")
	mustWriteFile(t, filepath.Join(dir, j.Ops[1].Stage), "package new\n")
	r, err := Recover(dir, testJournal)
	if err != nil || !r.RolledBack || r.Finished {
		t.Fatalf("Recover = %+v, %v", r, err)
	}
	if got := tree(t, dir); !maps.Equal(got, before) {
		t.Errorf("tree = %v, want %v", got, before)
	}
	if _, err := os.Stat(filepath.Join(dir, "internal")); !os.IsNotExist(err) {
		t.Errorf("the folder made for staging is still there: %v", err)
	}
}

// Killed after the commit, part of the renames done: the rest are done.
func TestRecoverFinishes(t *testing.T) {
	dir := base(t)
	j := journalOf(stateCommitted)
	writeJournalFile(t, dir, j)
	// main.go already renamed into place; new.go and the manifest staged.
	mustWriteFile(t, filepath.Join(dir, "main.go"), "package main // v2\n")
	mustWriteFile(t, filepath.Join(dir, j.Ops[1].Stage), "package new\n")
	mustWriteFile(t, filepath.Join(dir, j.Ops[3].Stage), "{\"v\": 2}\n")
	r, err := Recover(dir, testJournal)
	if err != nil || !r.Finished || r.RolledBack {
		t.Fatalf("Recover = %+v, %v", r, err)
	}
	if got := tree(t, dir); !maps.Equal(got, want) {
		t.Errorf("tree = %v, want %v", got, want)
	}
}

// Staging files of a run without a journal (an older svcgen) are removed.
func TestRecoverSweeps(t *testing.T) {
	dir := base(t)
	before := tree(t, dir)
	mustWriteFile(t, filepath.Join(dir, "internal/api/.api_gen.go.svcgen-123456"), "x")
	mustWriteFile(t, filepath.Join(dir, ".svcgen/base/.service.go.svcgen-9"), "x")
	mustWriteFile(t, filepath.Join(dir, ".git/.keep.svcgen-1"), "x") // not svcgen's to touch
	mustWriteFile(t, filepath.Join(dir, testJournal+".tmp"), "{")
	r, err := Recover(dir, testJournal)
	if err != nil || len(r.Removed) != 2 {
		t.Fatalf("Recover = %+v, %v", r, err)
	}
	before[".git/.keep.svcgen-1"] = "x"
	if got := tree(t, dir); !maps.Equal(got, before) {
		t.Errorf("tree = %v, want %v", got, before)
	}
}

// A journal is never followed outside the folder.
func TestRecoverRefusesHostileJournal(t *testing.T) {
	dir := base(t)
	for _, j := range []journalFile{
		{State: stateCommitted, Ops: []journalOp{{Path: "../x", Remove: true}}},
		{State: stateCommitted, Ops: []journalOp{{Path: "a", Stage: "../.a.svcgen-1"}}},
		{State: stateCommitted, Ops: []journalOp{{Path: "a", Stage: "b"}}},
		{State: "whatever"},
	} {
		writeJournalFile(t, dir, j)
		if _, err := Recover(dir, testJournal); err == nil {
			t.Errorf("Recover followed %+v", j)
		}
	}
}

func mustWriteFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
