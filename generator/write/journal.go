package write

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/svcgen/svcgen/generator/file"
)

// Change is one file operation of [Update]: write Content to Path, or
// remove Path.
type Change struct {
	Path    string      // slash-separated, relative to the folder
	Content []byte      // written as is
	Mode    fs.FileMode // permission bits; 0 means 0644
	Remove  bool        // remove Path instead of writing it
}

// Update changes the existing tree in dir, crash-safe: whatever happens to
// the process, the tree ends up either as it was or with every change made,
// once [Recover] has run.
//
//  1. Every path is checked ([CheckPath], symbolic links, folders in the
//     way) before anything is written.
//  2. The journal (the file journal, relative to dir) is written and synced,
//     in state "staging": every change, and the staging name of every file
//     to write (.NAME.svcgen-N, next to its target).
//  3. Every file is staged and synced.
//  4. The journal is rewritten in state "committed": from here on, Recover
//     finishes the work instead of undoing it.
//  5. The changes are made in their order (renames of staged files,
//     removals), so a caller puts the files that describe others (a
//     manifest) after what they describe; the folders are synced.
//  6. The journal is removed.
//
// A failure before step 4 removes what was staged and leaves dir as it was.
func Update(dir, journal string, changes []Change) error {
	files := make([]file.File, 0, len(changes))
	for _, c := range changes {
		files = append(files, file.File{Path: c.Path, Mode: c.Mode})
	}
	if err := checkFiles(append(files, file.File{Path: journal})); err != nil {
		return err
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("service folder %s: %w", dir, err)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return fmt.Errorf("service folder %s: %w", dir, err)
	}
	var errs []error
	for _, f := range append(files, file.File{Path: journal}) {
		errs = append(errs, checkTarget(root, realRoot, f.Path))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(journal))); err == nil {
		return fmt.Errorf("%s: an earlier run was interrupted; run svcgen again to finish it first", journal)
	}

	// The journal: what will be done, staged files and new folders named.
	j := &journalFile{State: stateStaging}
	newDirs := map[string]bool{}
	for i, c := range changes {
		op := journalOp{Path: c.Path, Remove: c.Remove}
		if !c.Remove {
			op.Stage = path.Join(path.Dir(c.Path), "."+path.Base(c.Path)+".svcgen-"+strconv.Itoa(i+1))
			for d := path.Dir(c.Path); d != "." && !newDirs[d]; d = path.Dir(d) {
				if info, err := os.Stat(filepath.Join(root, filepath.FromSlash(d))); err == nil && info.IsDir() {
					break
				}
				newDirs[d] = true
			}
		}
		j.Ops = append(j.Ops, op)
	}
	for d := range newDirs {
		j.Dirs = append(j.Dirs, d)
	}
	sort.Strings(j.Dirs) // parents first
	if err := writeJournal(root, journal, j); err != nil {
		return err
	}

	// Stage.
	fail := func(err error) error {
		if rerr := rollBack(root, journal, j); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	for _, d := range j.Dirs {
		if err := os.Mkdir(filepath.Join(root, filepath.FromSlash(d)), dirMode); err != nil && !errors.Is(err, fs.ErrExist) {
			return fail(err)
		}
	}
	for i, c := range changes {
		if c.Remove {
			continue
		}
		name := filepath.Join(root, filepath.FromSlash(j.Ops[i].Stage))
		fh, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return fail(err)
		}
		if err := fillSync(fh, file.File{Path: c.Path, Content: c.Content, Mode: c.Mode}); err != nil {
			return fail(err)
		}
		crashPoint()
	}

	// The staged files' folder entries, and those of new folders, last too.
	synced := map[string]bool{}
	for _, op := range j.Ops {
		if op.Stage != "" {
			synced[filepath.Join(root, filepath.FromSlash(path.Dir(op.Stage)))] = true
		}
	}
	for _, d := range j.Dirs {
		synced[filepath.Join(root, filepath.FromSlash(path.Dir(d)))] = true
	}
	for _, d := range sortedSet(synced) {
		if err := syncDir(d); err != nil {
			return fail(err)
		}
	}

	// Commit, then make the changes.
	j.State = stateCommitted
	if err := writeJournal(root, journal, j); err != nil {
		return fail(err)
	}
	if err := rollForward(root, journal, j, true); err != nil {
		return fmt.Errorf("%w; run svcgen again to finish", err)
	}
	return nil
}

// Recovery says what [Recover] did.
type Recovery struct {
	// Finished is true when an interrupted Update had committed and was
	// finished; RolledBack when it had not, and what it staged was removed.
	Finished, RolledBack bool
	// Removed lists staging files found without a journal (left by an
	// interrupted run of an older svcgen), now removed.
	Removed []string
}

// Did reports whether Recover changed anything.
func (r Recovery) Did() bool { return r.Finished || r.RolledBack || len(r.Removed) > 0 }

// Recover finishes or rolls back an [Update] of dir interrupted before it
// returned (the process killed, the machine down), as its journal says, and
// removes staging files left behind. Run it before reading the tree.
func Recover(dir, journal string) (Recovery, error) {
	var r Recovery
	if err := CheckPath(journal); err != nil {
		return r, err
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return r, err
	}
	jpath := filepath.Join(root, filepath.FromSlash(journal))
	b, err := os.ReadFile(jpath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return r, err
	default:
		var j journalFile
		if err := json.Unmarshal(b, &j); err != nil {
			return r, fmt.Errorf("%s: %w (the journal of an interrupted regenerate; it is written whole or not at all, so this is not svcgen's: restore the service from version control)", jpath, err)
		}
		if err := j.check(); err != nil {
			return r, fmt.Errorf("%s: %w", jpath, err)
		}
		switch j.State {
		case stateCommitted:
			if err := rollForward(root, journal, &j, false); err != nil {
				return r, err
			}
			r.Finished = true
		default:
			if err := rollBack(root, journal, &j); err != nil {
				return r, err
			}
			r.RolledBack = true
		}
	}
	if err := os.Remove(jpath + ".tmp"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return r, err
	}
	r.Removed, err = sweep(root)
	return r, err
}

const (
	stateStaging   = "staging"
	stateCommitted = "committed"
)

type journalFile struct {
	State string      `json:"state"`
	Ops   []journalOp `json:"ops"`
	Dirs  []string    `json:"dirs,omitempty"` // created for staging, parents first
}

type journalOp struct {
	Path   string `json:"path"`
	Stage  string `json:"stage,omitempty"`
	Remove bool   `json:"remove,omitempty"`
}

// check refuses a journal naming paths Update would not have written.
func (j *journalFile) check() error {
	if j.State != stateStaging && j.State != stateCommitted {
		return fmt.Errorf("unknown state %q", j.State)
	}
	var errs []error
	for _, op := range j.Ops {
		errs = append(errs, CheckPath(op.Path))
		if !op.Remove {
			errs = append(errs, CheckPath(op.Stage))
			if !stagingName.MatchString(path.Base(op.Stage)) || path.Dir(op.Stage) != path.Dir(op.Path) {
				errs = append(errs, fmt.Errorf("%q is not a staging name for %q", op.Stage, op.Path))
			}
		}
	}
	for _, d := range j.Dirs {
		errs = append(errs, CheckPath(d))
	}
	return errors.Join(errs...)
}

// rollForward makes every change of a committed journal that is not made
// yet, syncs the folders and removes the journal. In a run interrupted
// after the commit, a staged file that is gone was renamed already.
func rollForward(root, journal string, j *journalFile, live bool) error {
	dirs := map[string]bool{}
	for _, op := range j.Ops {
		target := filepath.Join(root, filepath.FromSlash(op.Path))
		dirs[filepath.Dir(target)] = true
		if op.Remove {
			if err := os.Remove(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		} else {
			err := os.Rename(filepath.Join(root, filepath.FromSlash(op.Stage)), target)
			if err != nil && (live || !errors.Is(err, fs.ErrNotExist)) {
				return err
			}
		}
		if live {
			crashPoint()
		}
	}
	for _, d := range sortedSet(dirs) {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return removeJournal(root, journal)
}

// rollBack removes what an uncommitted journal staged and the folders made
// for it, then the journal.
func rollBack(root, journal string, j *journalFile) error {
	for _, op := range j.Ops {
		if op.Stage == "" {
			continue
		}
		if err := os.Remove(filepath.Join(root, filepath.FromSlash(op.Stage))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	for i := len(j.Dirs) - 1; i >= 0; i-- {
		os.Remove(filepath.Join(root, filepath.FromSlash(j.Dirs[i]))) // only if empty: the user may have put files there since
	}
	return removeJournal(root, journal)
}

// writeJournal writes the journal whole or not at all: a synced temporary
// file renamed over it, the folder synced.
func writeJournal(root, journal string, j *journalFile) error {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	name := filepath.Join(root, filepath.FromSlash(journal))
	if err := os.MkdirAll(filepath.Dir(name), dirMode); err != nil {
		return err
	}
	fh, err := os.OpenFile(name+".tmp", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := fillSync(fh, file.File{Content: append(b, '\n')}); err != nil {
		return err
	}
	if err := os.Rename(name+".tmp", name); err != nil {
		return err
	}
	if err := syncDir(filepath.Dir(name)); err != nil {
		return err
	}
	crashPoint()
	return nil
}

func removeJournal(root, journal string) error {
	name := filepath.Join(root, filepath.FromSlash(journal))
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := syncDir(filepath.Dir(name)); err != nil {
		return err
	}
	crashPoint()
	return nil
}

// stagingName matches the names Update stages files under, and those of
// svcgen before the journal (.NAME.svcgen-DIGITS).
var stagingName = regexp.MustCompile(`^\..+\.svcgen-[0-9]+$`)

// sweep removes staging files anywhere in the tree under root (the .git
// folder and symbolic links aside) and returns their paths.
func sweep(root string) ([]string, error) {
	var removed []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && stagingName.MatchString(d.Name()) {
			if err := os.Remove(p); err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			removed = append(removed, filepath.ToSlash(rel))
		}
		return nil
	})
	return removed, err
}

// fillSync is fill with the content synced to stable storage before the
// file is closed.
func fillSync(fh *os.File, f file.File) error { return writeFile(fh, f, true) }

// syncDir syncs a folder, so that the renames and removals in it last.
// Systems that cannot sync a folder (Windows) are not asked to.
func syncDir(dir string) error {
	fh, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = fh.Sync()
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil && (errors.Is(err, fs.ErrInvalid) || errors.Is(err, fs.ErrPermission) || strings.Contains(err.Error(), "not supported")) {
		return nil
	}
	return err
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// CrashEnv names the environment variable of the crash tests: set to N,
// the command line (internal/cli) calls CrashAfter(N), which makes the
// process kill itself (SIGKILL on Unix) right after Update's Nth file
// operation (journal written, file staged, file renamed or removed,
// journal removed), so that tests can check recovery from every point.
// The package itself reads no environment.
const CrashEnv = "SVCGEN_TEST_CRASH_AFTER"

var (
	crashAfter int
	crashOps   int
)

// CrashAfter arms the crash tests' kill switch (see CrashEnv); n <= 0
// disarms it. It is for those tests only.
func CrashAfter(n int) { crashAfter, crashOps = n, 0 }

// crashPoint counts a file operation and, at the one CrashEnv names, kills
// the process.
func crashPoint() {
	if crashAfter <= 0 {
		return
	}
	crashOps++
	if crashOps == crashAfter {
		if p, err := os.FindProcess(os.Getpid()); err == nil {
			p.Kill()
		}
		time.Sleep(time.Hour) // the signal is on its way
	}
}
