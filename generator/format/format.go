// Package format formats generated Go source with go/format after removing
// imports the source does not use, so templates can list a superset. It is
// hermetic: unlike goimports it never looks at the environment.
package format

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"path"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Go formats src, the output of template tmpl. On a syntax error the
// message shows the source with line numbers around the error, so a
// template bug is found in seconds.
//
// Functions the template wrote as gofmt would are copied rather than
// printed again (goParts); with Verify set, Go checks that they were.
func Go(filename, tmpl string, src []byte) ([]byte, error) {
	out, ok := goParts(src, partSize, true)
	if ok && !Verify {
		return out, nil
	}
	whole, err := goWhole(filename, tmpl, src)
	if err != nil || !ok {
		return whole, err
	}
	if line, ok := sameLines(out, whole); !ok {
		return nil, fmt.Errorf("%s (from template %s): %w: line %d of the output:\n%s\ngofmt:\n%s",
			filename, tmpl, ErrUnformatted, line, window(out, line), window(whole, line))
	}
	return out, nil
}

// Source formats src whole, as gofmt does: for Go that svcgen's templates
// did not write (a user's declarations, which Go would copy as they are
// wherever it can).
func Source(filename, what string, src []byte) ([]byte, error) {
	return goWhole(filename, what, src)
}

// ErrUnformatted is what Go and File return, with Verify set, for output
// that differs from gofmt's.
var ErrUnformatted = errors.New("copied declarations differ from gofmt's output (a template wrote them otherwise)")

// Verify makes Go check that the functions it copies are formatted, by
// formatting every file whole as well: the tests set it.
var Verify bool

// goWhole formats src as go/format does, in one piece.
func goWhole(filename, tmpl string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parserMode)
	if err != nil {
		return nil, fmt.Errorf("%s (from template %s) is not valid Go: %w\n%s", filename, tmpl, err, numbered(src, err))
	}
	dropImports(fset, f, selectorNames(f))
	var out []byte
	if importsSorted(fset, f) {
		out, err = printWhole(fset, f, len(src))
	} else {
		var buf bytes.Buffer
		err = format.Node(&buf, fset, f)
		out = buf.Bytes()
	}
	if err != nil {
		return nil, fmt.Errorf("formatting %s (from template %s): %w", filename, tmpl, err)
	}
	return out, nil
}

// sameLines reports whether a and b are equal, and if not the first line,
// counted from 1, where they differ.
func sameLines(a, b []byte) (line int, same bool) {
	if bytes.Equal(a, b) {
		return 0, true
	}
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return 1 + bytes.Count(a[:n], []byte("\n")), false
}

// window returns the lines of src around line, numbered.
func window(src []byte, line int) string {
	lines := strings.Split(string(src), "\n")
	var b strings.Builder
	for i := max(0, line-4); i < min(len(lines), line+3); i++ {
		fmt.Fprintf(&b, "%5d  %s\n", i+1, lines[i])
	}
	return b.String()
}

// parserMode is go/format's mode of go/parser.
const parserMode = parser.ParseComments | parser.SkipObjectResolution

// printerConfig is go/format's configuration of go/printer. The mode bit
// 1<<30 is go/format's printerNormalizeNumbers (0X1P-2 → 0x1p-2), which
// go/printer does not export; TestPrinterConfig checks that it still means
// that.
var printerConfig = printer.Config{Mode: printer.UseSpaces | printer.TabIndent | 1<<30, Tabwidth: 8}

// importsSorted reports whether sorting the imports of f, as format.Node
// does, would leave them as they are: in each import block, each run of
// imports on consecutive lines (ast.SortImports sorts such runs) lists its
// paths in increasing order, and there is no comment. format.Node prints a file with an
// import block twice (printing, parsing the output again and sorting its
// imports before printing it again): on a file of 25 MB, that is seconds.
// Where sorting changes nothing, printing f once gives the same bytes.
func importsSorted(fset *token.FileSet, f *ast.File) bool {
	for _, d := range f.Decls {
		d, ok := d.(*ast.GenDecl)
		if !ok || d.Tok != token.IMPORT {
			break // imports come first
		}
		for i := 1; i < len(d.Specs); i++ {
			run := fset.Position(d.Specs[i].Pos()).Line == fset.Position(d.Specs[i-1].End()).Line+1
			if run && importPath(d.Specs[i-1]) >= importPath(d.Specs[i]) {
				return false
			}
		}
		for _, c := range f.Comments {
			if c.Pos() >= d.Pos() && c.Pos() < d.End() {
				return false
			}
		}
	}
	return true
}

func importPath(s ast.Spec) string {
	p, err := strconv.Unquote(s.(*ast.ImportSpec).Path.Value)
	if err != nil {
		return ""
	}
	return p
}

// selectorNames returns the names used as a selector qualifier in f: the
// package names of the imports f uses.
func selectorNames(f *ast.File) map[string]bool {
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	return used
}

// dropImports deletes the imports of f whose package name is not in used.
func dropImports(fset *token.FileSet, f *ast.File, used map[string]bool) {
	type unused struct{ name, path string }
	var drop []unused
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		name := importName(p)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name == "_" || name == "." || used[name] {
			continue
		}
		u := unused{path: p}
		if imp.Name != nil {
			u.name = imp.Name.Name
		}
		drop = append(drop, u)
	}
	for _, u := range drop {
		astutil.DeleteNamedImport(fset, f, u.name, u.path)
	}
}

// importName is the package name of an import path by convention:
// "encoding/json" → "json", "math/rand/v2" → "rand", and, as goimports
// assumes, "github.com/nats-io/nats.go" → "nats", ".../go-difflib" →
// "difflib" (a "go-" prefix dropped, the name cut at the first character
// an identifier cannot hold).
func importName(p string) string {
	base := path.Base(p)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = path.Base(path.Dir(p))
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.IndexFunc(base, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r >= 0x80)
	}); i >= 0 {
		base = base[:i]
	}
	return base
}

// numbered returns src with line numbers, a window around the error line
// when it is known.
func numbered(src []byte, err error) string {
	lines := strings.Split(string(src), "\n")
	from, to := 0, len(lines)
	if line := errorLine(err); line > 0 {
		from, to = max(0, line-15), min(len(lines), line+10)
	}
	var b strings.Builder
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "%5d  %s\n", i+1, lines[i])
	}
	return b.String()
}

func errorLine(err error) int {
	msg := err.Error()
	// go/scanner errors read "file:line:col: msg".
	parts := strings.SplitN(msg, ":", 4)
	if len(parts) >= 3 {
		if n, e := strconv.Atoi(parts[1]); e == nil {
			return n
		}
	}
	return 0
}
