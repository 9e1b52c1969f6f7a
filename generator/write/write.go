// Package write puts a rendered tree on disk safely: every path is checked
// before anything is written, nothing lands outside the output folder, and a
// failed run leaves no half-written tree behind.
//
// It is the only package of the pipeline that touches the disk
// (docs/ARCHITECTURE.md, "Pipeline"); it takes the pipeline's [file.File]s
// and knows nothing else of the generator.
package write

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/svcgen/svcgen/generator/file"
)

const (
	defaultFileMode fs.FileMode = 0o644
	dirMode         fs.FileMode = 0o755
)

// PathError reports an output path that is not safe to write.
type PathError struct {
	Path   string // the path as the caller gave it
	Reason string // what is wrong with it
}

func (e *PathError) Error() string {
	return fmt.Sprintf("unsafe output path %q: %s", e.Path, e.Reason)
}

// Options says how far New may go into a folder that already holds files.
type Options struct {
	// Force is how many times the user insisted (--force). 0: only a new
	// or empty folder. 1: also a folder svcgen made before (one holding
	// .svcgen/manifest.json). 2: any folder, even the file system's root,
	// a system folder or Home.
	Force int
	// Home is the user's home folder, written into only with Force 2; ""
	// when unknown. The caller finds it: this package reads no environment.
	Home string
}

// ManifestPath is the file that marks a folder as made by svcgen.
const ManifestPath = ".svcgen/manifest.json"

// New writes files into dir as a brand-new tree.
//
// When dir does not exist, the tree is built in a temporary sibling folder
// and renamed to dir at the end, so dir either appears complete or not at
// all. When dir exists, it must be empty unless opts.Force allows more;
// each file is then staged next to its target and renamed over it once
// every file has been staged. Files already in dir that are not in files
// are left alone.
//
// Every path is checked with [CheckPath] (plus duplicates, a file standing
// where a folder is needed, and symbolic links leading out of dir) before
// anything is written; a bad path is reported as a [*PathError].
func New(dir string, files []file.File, opts Options) error {
	if err := checkFiles(files); err != nil {
		return err
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("output folder %s: %w", dir, err)
	}

	if _, err := os.Lstat(root); errors.Is(err, fs.ErrNotExist) {
		return newTree(root, files)
	}
	info, err := os.Stat(root) // follows a symlinked dir: the user named it
	if err != nil {
		return fmt.Errorf("output folder %s: %w", dir, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("output folder %s exists and is not a folder", dir)
	}
	if err := mayWrite(dir, root, files, opts); err != nil {
		return err
	}
	return intoExisting(root, files)
}

// mayWrite decides whether New may write files into the existing folder
// root (dir as the user named it). One --force is enough for a folder
// svcgen made; anything else that holds files, and the root, system and
// home folders whatever they hold, take a second --force, and the refusal
// of a single one says what it would have overwritten.
func mayWrite(dir, root string, files []file.File, opts Options) error {
	empty, err := isEmpty(root)
	if err != nil {
		return fmt.Errorf("output folder %s: %w", dir, err)
	}
	special := specialFolder(root, opts.Home)
	switch {
	case opts.Force >= 2:
		return nil
	case special != "":
		return fmt.Errorf("output folder %s is %s; svcgen writes there only with --force given twice", dir, special)
	case empty:
		return nil
	case opts.Force == 0:
		return fmt.Errorf("output folder %s is not empty; use --force to write into it anyway", dir)
	}
	if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(ManifestPath))); err == nil {
		return nil
	}
	var replaced []string
	for _, f := range files {
		if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(f.Path))); err == nil {
			replaced = append(replaced, f.Path)
		}
	}
	what := "no file of it would be replaced, but the service's files would be mixed with what is there"
	if len(replaced) > 0 {
		const shown = 5
		list := strings.Join(replaced[:min(len(replaced), shown)], ", ")
		if len(replaced) > shown {
			list += fmt.Sprintf(" and %d more", len(replaced)-shown)
		}
		what = fmt.Sprintf("--force would overwrite %d of its files (%s)", len(replaced), list)
	}
	return fmt.Errorf("output folder %s is not empty and was not made by svcgen (it has no %s): %s; give --force twice to write there anyway", dir, ManifestPath, what)
}

// specialFolder names what root is when it is a folder no service should
// be written into by a single --force: the file system's root, a folder
// right under it (/etc, /usr, /home...), or home. It follows symbolic
// links, so a link to /etc is /etc.
func specialFolder(root, home string) string {
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		real = root
	}
	via := ""
	if real != root {
		via = " (through a symbolic link)"
	}
	switch {
	case filepath.Dir(real) == real:
		return "the file system's root" + via
	case filepath.Dir(filepath.Dir(real)) == filepath.Dir(real):
		return "the system folder " + real + via
	}
	if home != "" {
		if h, err := filepath.Abs(home); err == nil {
			if rh, err := filepath.EvalSymlinks(h); err == nil {
				h = rh
			}
			if h == real {
				return "your home folder" + via
			}
		}
	}
	return ""
}

// CheckPath reports whether p is a path New accepts: relative,
// slash-separated, clean, and naming something strictly inside the output
// folder.
func CheckPath(p string) error {
	bad := func(reason string) error { return &PathError{Path: p, Reason: reason} }
	switch {
	case p == "":
		return bad("empty path")
	case p == ".":
		return bad("names the output folder itself")
	case strings.ContainsRune(p, 0):
		return bad("contains a NUL byte")
	case strings.Contains(p, `\`):
		return bad(`contains a backslash; separate folders with "/"`)
	case strings.HasPrefix(p, "/") || filepath.IsAbs(p) || filepath.VolumeName(p) != "":
		return bad("absolute path; want a path relative to the output folder")
	}
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case "":
			return bad("empty path segment")
		case ".", "..":
			return bad(fmt.Sprintf("contains a %q segment", seg))
		}
	}
	if c := path.Clean(p); c != p { // the checks above should make this unreachable
		return bad(fmt.Sprintf("not clean (want %q)", c))
	}
	return nil
}

// checkFiles checks every path, and the set of paths as a whole, before
// anything is written. It reports every problem, not just the first.
func checkFiles(files []file.File) error {
	var errs []error
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		if err := CheckPath(f.Path); err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[f.Path] {
			errs = append(errs, &PathError{Path: f.Path, Reason: "appears twice"})
		}
		seen[f.Path] = true
		if f.Mode&^fs.ModePerm != 0 {
			errs = append(errs, &PathError{Path: f.Path, Reason: fmt.Sprintf("mode %v is not a plain file mode", f.Mode)})
		}
	}
	for p := range seen {
		for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
			if seen[dir] {
				errs = append(errs, &PathError{Path: p, Reason: fmt.Sprintf("%q is also a file", dir)})
				break
			}
		}
	}
	return errors.Join(errs...)
}

// newTree builds the tree in a temporary sibling of root and renames it into
// place. On any failure the temporary folder is removed.
func newTree(root string, files []file.File) (err error) {
	parent := filepath.Dir(root)
	if err := os.MkdirAll(parent, dirMode); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(root)+".svcgen-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, dirMode); err != nil { // MkdirTemp makes it 0700
		return err
	}
	for _, f := range files {
		name := filepath.Join(tmp, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(name), dirMode); err != nil {
			return err
		}
		if err := writeNew(name, f); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, root); err != nil {
		return fmt.Errorf("output folder %s: %w", root, err)
	}
	return nil
}

// intoExisting writes files into the existing folder root in three passes:
// check every target, stage every file as a temporary file in its target's
// folder, then rename each over its target. A failure before the last pass
// removes what was staged and the folders it created.
func intoExisting(root string, files []file.File) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range files {
		errs = append(errs, checkTarget(root, realRoot, f.Path))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}

	s := &stage{}
	for _, f := range files {
		if err := s.add(filepath.Join(root, filepath.FromSlash(f.Path)), f); err != nil {
			s.undo()
			return err
		}
	}
	for i, e := range s.entries {
		if err := os.Rename(e.tmp, e.target); err != nil {
			for _, rest := range s.entries[i:] {
				os.Remove(rest.tmp)
			}
			return fmt.Errorf("%w (%d of %d files were written before this)", err, i, len(s.entries))
		}
	}
	return nil
}

// checkTarget makes sure that writing p under root stays inside root: every
// existing folder on the way is a folder (or a symbolic link to a folder
// inside realRoot), and the target itself is not a folder. A symbolic link
// in the target's own place is fine: rename replaces the link, not what it
// points to.
func checkTarget(root, realRoot, p string) error {
	segs := strings.Split(p, "/")
	cur := root
	for i, seg := range segs {
		cur = filepath.Join(cur, seg)
		if !within(root, cur) {
			return &PathError{Path: p, Reason: "leads outside the output folder"}
		}
		last := i == len(segs)-1
		info, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // this folder and the rest will be created
		}
		if err != nil {
			return err
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			if last {
				return nil
			}
			real, err := filepath.EvalSymlinks(cur)
			if err != nil {
				return &PathError{Path: p, Reason: fmt.Sprintf("%s is a symbolic link that cannot be followed: %v", cur, err)}
			}
			if !within(realRoot, real) {
				return &PathError{Path: p, Reason: fmt.Sprintf("%s is a symbolic link to %s, outside the output folder", cur, real)}
			}
			if info, err = os.Stat(real); err != nil {
				return err
			}
		}
		switch {
		case last && info.IsDir():
			return &PathError{Path: p, Reason: "a folder of that name is in the way"}
		case !last && !info.IsDir():
			return &PathError{Path: p, Reason: fmt.Sprintf("%s is a file, not a folder", cur)}
		}
	}
	return nil
}

// stage holds files written to temporary names, waiting to be renamed.
type stage struct {
	entries []stagedFile
	created []string // folders made while staging, parents first
}

type stagedFile struct{ tmp, target string }

// add writes f to a temporary file in target's folder, creating folders as
// needed.
func (s *stage) add(target string, f file.File) error {
	if err := s.mkdirAll(filepath.Dir(target)); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".svcgen-*")
	if err != nil {
		return err
	}
	err = fill(tmp, f)
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	s.entries = append(s.entries, stagedFile{tmp: tmp.Name(), target: target})
	return nil
}

// mkdirAll is os.MkdirAll that remembers which folders it created.
func (s *stage) mkdirAll(dir string) error {
	info, err := os.Stat(dir)
	if err == nil {
		if !info.IsDir() {
			return fmt.Errorf("%s is a file, not a folder", dir)
		}
		return nil
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := s.mkdirAll(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, dirMode); err != nil {
		return err
	}
	s.created = append(s.created, dir)
	return nil
}

// undo removes every staged file and every folder created while staging.
func (s *stage) undo() {
	for _, e := range s.entries {
		os.Remove(e.tmp)
	}
	for i := len(s.created) - 1; i >= 0; i-- {
		os.Remove(s.created[i])
	}
}

// writeNew creates name, which must not exist, with f's content and mode.
func writeNew(name string, f file.File) error {
	fh, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	return fill(fh, f)
}

// fill writes f's content to fh, sets f's mode exactly (independent of the
// umask, so output is the same everywhere) and closes fh.
func fill(fh *os.File, f file.File) error { return writeFile(fh, f, false) }

// writeFile writes f's content to fh, sets its mode, syncs it to stable
// storage when sync is true, and closes fh.
func writeFile(fh *os.File, f file.File, sync bool) error {
	mode := f.Mode.Perm()
	if mode == 0 {
		mode = defaultFileMode
	}
	_, err := fh.Write(f.Content)
	if err == nil {
		err = fh.Chmod(mode)
	}
	if err == nil && sync {
		err = fh.Sync()
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	return err
}

// within reports whether p is root or inside it. Both must be absolute and
// clean.
func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// isEmpty reports whether the folder dir has no entries.
func isEmpty(dir string) (bool, error) {
	f, err := os.Open(dir)
	if err != nil {
		return false, err
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	if len(names) > 0 {
		return false, nil
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	return true, nil
}
