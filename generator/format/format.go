// Package format formats generated Go source with go/format after removing
// imports the source does not use, so templates can list a superset. It is
// hermetic: unlike goimports it never looks at the environment.
package format

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Go formats src, the output of template tmpl. On a syntax error the
// message shows the source with line numbers around the error, so a
// template bug is found in seconds.
func Go(filename, tmpl string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("%s (from template %s) is not valid Go: %w\n%s", filename, tmpl, err, numbered(src, err))
	}
	removeUnusedImports(fset, f)
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		return nil, fmt.Errorf("formatting %s (from template %s): %w", filename, tmpl, err)
	}
	return buf.Bytes(), nil
}

// removeUnusedImports deletes imports whose package name is never used as
// a selector qualifier.
func removeUnusedImports(fset *token.FileSet, f *ast.File) {
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
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
// "encoding/json" → "json", "math/rand/v2" → "rand".
func importName(p string) string {
	base := path.Base(p)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = path.Base(path.Dir(p))
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
