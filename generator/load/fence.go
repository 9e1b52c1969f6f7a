package load

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// fence is the folder a spec's $refs may read from: the folder of the root
// file unless the caller names a wider one (Options.RefRoot). Specs come
// from other teams and from the internet; whatever a $ref reads ends up in
// the generated code and in the spec the service serves, so a $ref must
// not reach ~/.ssh or /etc. A path is inside when it is, written out and
// with every symlink followed, the fence's folder or below it.
type fence struct {
	dir  string // absolute, cleaned
	real string // dir with symlinks followed
	flag bool   // dir came from Options.RefRoot
}

// newFence returns the fence for the root file p.
func newFence(p, refRoot string) (*fence, error) {
	dir, flag := filepath.Dir(p), false
	if refRoot != "" {
		dir, flag = refRoot, true
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot resolve the folder $refs may read from: %w", err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		if flag {
			return nil, fmt.Errorf("--ref-root %s: %w", refRoot, fileError(err))
		}
		return nil, fmt.Errorf("cannot resolve the folder $refs may read from: %w", fileError(err))
	}
	if flag {
		if info, err := os.Stat(real); err != nil || !info.IsDir() {
			return nil, errors.New("--ref-root " + refRoot + ": not a folder")
		}
	}
	return &fence{dir: abs, real: real, flag: flag}, nil
}

// refuses returns why the file at p may not be read, or "" when it may.
// A path outside the fence is refused whether or not it exists, so that
// the message tells nothing about the files there.
func (f *fence) refuses(p string) string {
	if f == nil {
		return ""
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "cannot resolve the path: " + err.Error()
	}
	if !within(abs, f.dir) {
		return f.outside()
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "" // missing or unreadable: reading it says so
	}
	if !within(real, f.real) {
		return "a symlink leads " + f.outside()
	}
	return ""
}

// outside says where a refused $ref points and how to allow it.
func (f *fence) outside() string {
	if f.flag {
		return fmt.Sprintf("outside --ref-root %s", f.dir)
	}
	return fmt.Sprintf("outside the spec's folder %s (--ref-root DIR allows a wider one)", f.dir)
}

// within reports whether path p is dir or lies below it; both are
// absolute and clean.
func within(p, dir string) bool {
	if p == dir {
		return true
	}
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
