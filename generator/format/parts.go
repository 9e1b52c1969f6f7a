package format

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"runtime"
	"sync"
)

// partSize is the size, in bytes, of the parts a large file is formatted
// in.
const partSize = 1 << 20

// goParts formats a large src in parts of about size bytes, parsed and
// printed at the same time (go/parser and go/printer take seconds on the
// 25 MB of models of a large API), and joins them. It returns false when
// src is not to be cut, or a part does not parse: Go then formats src
// whole, and reports its errors.
//
// A cut is at the start of a line that follows a blank line, itself after
// a line holding only the "}" or ")" that ends a declaration:
//
//	}
//
//	// Order is ...
//	type Order struct {
//
// Each part but the first is parsed after a package clause of its own.
// go/printer prints such a part as it prints the same declarations inside
// the whole file: it writes exactly one blank line before the first of
// them in both cases (it keeps at most one, and a declaration after the
// package clause gets one), nothing on that line depends on what came
// before, and the tab alignment of columns (go/printer's tabwriter) stops
// at a blank line. Positions differ by whole lines, which go/printer only
// compares with each other.
//
// A part that does not parse means a cut inside a declaration (a raw
// string, say); a part that parses holds whole declarations, which the
// whole file has too. Only the first part, with the package clause, may
// hold imports; the selectors of all parts tell which are used.
//
// A file with comments that go/parser or go/printer treat by their place
// in the whole file is not cut: //line directives, and build constraints,
// which go/printer moves to the top of the file wherever they are (a
// description line starting with "+build" is one).
func goParts(src []byte, size int) ([]byte, bool) {
	for _, s := range []string{"//line ", "/*line ", "go:build", "+build"} {
		if bytes.Contains(src, []byte(s)) {
			return nil, false
		}
	}
	cuts := cutPoints(src, size)
	if len(cuts) == 0 {
		return nil, false
	}
	type part struct {
		src  []byte // with a package clause
		used map[string]bool
		out  []byte
		ok   bool
	}
	parts := make([]part, len(cuts)+1)
	parts[0].src = src[:cuts[0]]
	for i, c := range cuts {
		end := len(src)
		if i+1 < len(cuts) {
			end = cuts[i+1]
		}
		parts[i+1].src = append([]byte(partClause+"\n"), src[c:end]...)
	}

	fset0 := token.NewFileSet()
	f0, err := parser.ParseFile(fset0, "", parts[0].src, parserMode)
	if err != nil {
		return nil, false
	}
	parts[0].used = selectorNames(f0)

	// The other parts are parsed and printed by a few goroutines, so that
	// a few syntax trees are held at a time.
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(cuts)) {
		wg.Go(func() {
			for i := range work {
				p := &parts[i]
				// Each part has a file set of its own: the printer asks it
				// for the line of every position, under a lock.
				fset := token.NewFileSet()
				f, err := parser.ParseFile(fset, "", p.src, parserMode)
				if err != nil || len(f.Imports) > 0 || f.Name.Name != partName {
					continue
				}
				p.used = selectorNames(f)
				out, err := printWhole(fset, f, len(p.src))
				if err != nil || !bytes.HasPrefix(out, []byte(partClause+"\n")) {
					continue
				}
				// The package clause goes; the blank line after it stays.
				p.out, p.ok = out[len(partClause):], true
			}
		})
	}
	for i := 1; i < len(parts); i++ {
		work <- i
	}
	close(work)
	wg.Wait()

	used := map[string]bool{}
	n := 0
	for _, p := range parts[1:] {
		if !p.ok {
			return nil, false
		}
		for name := range p.used {
			used[name] = true
		}
		n += len(p.out)
	}
	for name := range parts[0].used {
		used[name] = true
	}
	dropImports(fset0, f0, used)
	if !importsSorted(f0) {
		return nil, false
	}
	out0, err := printWhole(fset0, f0, len(parts[0].src))
	if err != nil {
		return nil, false
	}
	out := make([]byte, 0, len(out0)+n)
	out = append(out, out0...)
	for _, p := range parts[1:] {
		out = append(out, p.out...)
	}
	return out, true
}

// partClause is the package clause a part after the first is parsed with
// (followed by a blank line), and printed with.
const (
	partName   = "p"
	partClause = "package " + partName + "\n"
)

// cutPoints returns where goParts cuts src: the first place after the
// package clause and imports, then every size bytes or so.
func cutPoints(src []byte, size int) []int {
	var cuts []int
	next := 0 // where the next cut may go
	// Of the line before the current one, and the one before that.
	prevBlank, prevCloses, prevPrevCloses := false, false, false
	for i := 0; i < len(src); {
		end := bytes.IndexByte(src[i:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += i
		}
		line := bytes.TrimRight(src[i:end], " \t")
		if prevBlank && prevPrevCloses && i >= next && len(line) > 0 && startsDecl(line[0]) {
			cuts = append(cuts, i)
			next = i + size
		}
		prevPrevCloses = prevCloses
		prevBlank = len(line) == 0
		prevCloses = len(line) == 1 && (line[0] == '}' || line[0] == ')')
		i = end + 1
	}
	return cuts
}

// startsDecl reports whether a line starting with c may start a top-level
// declaration or its comment.
func startsDecl(c byte) bool {
	return c >= 'a' && c <= 'z' || c == '/'
}

// printWhole prints f, whose source is about size bytes.
func printWhole(fset *token.FileSet, f *ast.File, size int) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(size + size/4) // formatting adds some alignment
	err := printerConfig.Fprint(&buf, fset, f)
	return buf.Bytes(), err
}
