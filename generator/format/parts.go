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

// goParts formats src in parts and joins them; it returns false when src
// is not to be cut, or a part does not parse: Go then formats src whole,
// and reports its errors.
//
// The parts are runs of whole top-level declarations. A run of functions
// is copied as the template wrote it (see verbatim); the other runs are
// parsed and printed, in parts of about size bytes, at the same time
// (go/parser and go/printer take seconds on the 25 MB of models of a large
// API).
//
// A cut is at the start of a line that follows a blank line, itself after
// a line holding only the "}" or ")" that ends a declaration, or a function
// on one line:
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
func goParts(src []byte, size int, copyFuncs bool) ([]byte, bool) {
	return goPartsWith(src, size, copyFuncs, nil)
}

// goPartsWith is goParts for a file whose other declarations, formatted
// apart (Decls), use the names in extra.
func goPartsWith(src []byte, size int, copyFuncs bool, extra map[string]bool) ([]byte, bool) {
	if positional(src) {
		return nil, false
	}
	parts := split(src, cutPoints(src), size, copyFuncs)

	fset0 := token.NewFileSet()
	f0, err := parser.ParseFile(fset0, "", parts[0].src, parserMode)
	if err != nil {
		return nil, false
	}
	parts[0].used = selectorNames(f0)

	// The other parts are formatted by a few goroutines, so that a few
	// syntax trees are held at a time.
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(parts)-1) {
		wg.Go(func() {
			for i := range work {
				parts[i].format()
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
	for name := range extra {
		used[name] = true
	}
	dropImports(fset0, f0, used)
	if !importsSorted(fset0, f0) {
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

// part is a run of declarations of a file cut by goParts.
type part struct {
	src    []byte // with a package clause of its own, unless copied
	copied bool   // functions copied as written: src is only the declarations
	used   map[string]bool
	out    []byte // formatted, starting with the blank line before the run
	ok     bool
}

// format formats p, or copies it.
func (p *part) format() {
	if p.copied {
		if p.out, p.used, p.ok = copyRun(p.src); p.ok {
			return
		}
		// Not a run copyRun can vouch for: printed like the others.
		p.src = append([]byte(partClause+"\n"), p.src...)
	}
	// Each part has a file set of its own: the printer asks it for the
	// line of every position, under a lock.
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", p.src, parserMode)
	if err != nil || len(f.Imports) > 0 || f.Name.Name != partName {
		return
	}
	p.used = selectorNames(f)
	out, err := printWhole(fset, f, len(p.src))
	if err != nil || !bytes.HasPrefix(out, []byte(partClause+"\n")) {
		return
	}
	// The package clause goes; the blank line after it stays.
	p.out, p.ok = out[len(partClause):], true
}

// positional reports whether src holds comments that go/parser or
// go/printer treat by their place in the whole file: //line directives,
// and build constraints, which go/printer moves to the top of the file
// wherever they are (a description line starting with "+build" is one).
func positional(src []byte) bool {
	for _, s := range []string{"//line ", "/*line ", "go:build", "+build"} {
		if bytes.Contains(src, []byte(s)) {
			return true
		}
	}
	return false
}

// partClause is the package clause a part after the first is parsed with
// (followed by a blank line), and printed with.
const (
	partName   = "p"
	partClause = "package " + partName + "\n"
)

// split cuts src at cuts into the first part, holding the package clause
// and imports, and then runs of declarations of about size bytes each. With
// copyFuncs, each run of functions (see funcStart) is a part of its own, to
// be copied.
func split(src []byte, cuts []int, size int, copyFuncs bool) []part {
	if len(cuts) == 0 {
		return []part{{src: src}}
	}
	parts := []part{{src: src[:cuts[0]]}}
	var run []byte // the printed run being gathered, without its clause
	flush := func() {
		if len(run) > 0 {
			parts = append(parts, part{src: append([]byte(partClause+"\n"), run...)})
			run = nil
		}
	}
	for i, c := range cuts {
		end := len(src)
		if i+1 < len(cuts) {
			end = cuts[i+1]
		}
		decl := src[c:end]
		if copyFuncs && copyable(decl) {
			flush()
			// Each function is a part: one copyRun refuses is printed
			// alone.
			parts = append(parts, part{src: decl, copied: true})
			continue
		}
		if run == nil {
			run = decl
		} else {
			run = src[c-len(run) : end]
		}
		if len(run) >= size {
			flush()
		}
	}
	flush()
	return parts
}

// copyable reports whether decl, a run cut by goParts, starts with a
// declaration copyRun may copy: after its doc comment, if any, the first
// line declares a function, a type or constants.
func copyable(decl []byte) bool {
	for len(decl) > 0 {
		for _, kw := range []string{"func ", "type ", "const "} {
			if bytes.HasPrefix(decl, []byte(kw)) {
				return true
			}
		}
		if !bytes.HasPrefix(decl, []byte("//")) {
			return false
		}
		nl := bytes.IndexByte(decl, '\n')
		if nl < 0 {
			return false
		}
		decl = decl[nl+1:]
	}
	return false
}

// cutPoints returns where goParts may cut src: the first place after the
// package clause and imports, then the start of every declaration that
// follows a blank line after the end of another.
func cutPoints(src []byte) []int {
	var cuts []int
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
		if prevBlank && prevPrevCloses && len(line) > 0 && startsDecl(line[0]) {
			cuts = append(cuts, i)
		}
		prevPrevCloses = prevCloses
		prevBlank = len(line) == 0
		prevCloses = len(line) == 1 && (line[0] == '}' || line[0] == ')') ||
			bytes.HasPrefix(line, []byte("func ")) && bytes.HasSuffix(line, []byte("}")) // on one line
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
