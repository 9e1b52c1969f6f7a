package merge

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path"
	"sort"
	"strconv"
	"strings"
)

// File merges one file: Go source by declaration ([Go]), falling back to
// the line merge when a side does not parse; everything else by line
// ([Merge]).
func File(name string, base, ours, theirs []byte, l Labels) Result {
	if strings.HasSuffix(name, ".go") {
		if r, err := Go(base, ours, theirs, l); err == nil {
			return r
		}
	}
	return Merge(base, ours, theirs, l)
}

// Go merges three versions of a Go source file declaration by declaration.
//
// Each version is split into its package clause (with the file's doc
// comment), its imports, and its top-level declarations, each with the
// comments before it (its doc comment and any free-standing comment
// between it and the previous declaration). Declarations are matched by
// name (methods by receiver type and name). Then:
//
//   - a declaration only one side added is kept; one both added is merged
//     line by line against nothing, so only lines that differ conflict;
//   - a declaration changed on one side takes that side's version; one
//     changed on both sides is merged line by line inside it ([Merge]), so
//     only overlapping lines conflict;
//   - a declaration one side deleted is deleted unless the other side
//     changed it, in which case that side's version stays: code is never
//     dropped silently;
//   - imports are merged as a set: what either side added is added, what
//     either side removed is removed, except that an import the merged
//     code still uses stays and one it does not use is not added.
//
// Order: the result keeps ours' order (the user's file as they laid it
// out). A declaration theirs added goes right before the declaration that
// follows it in theirs, or, when none of those is left, at the end of the
// file. So a helper the user put anywhere keeps its place and its
// neighbours, and a new operation stub lands among the methods it sits
// with in the render, never on the lines the user added.
//
// Without conflicts the result is gofmt-formatted. With conflicts it is
// not Go; the markers surround only the lines that differ. Go returns an
// error, and no result, when a version does not parse: call [Merge] then.
func Go(base, ours, theirs []byte, l Labels) (Result, error) {
	var files [3]*goFile
	for i, src := range [][]byte{base, ours, theirs} {
		f, err := splitGo(src)
		if err != nil {
			return Result{}, fmt.Errorf("%s does not parse: %w", [3]string{"base", "ours", "theirs"}[i], err)
		}
		files[i] = f
	}
	b, o, t := files[0], files[1], files[2]
	conflicts := 0
	three := func(bs, os, ts string) string {
		switch {
		case os == bs, os == ts:
			return ts
		case ts == bs:
			return os
		}
		m := mergeGo([]byte(bs), []byte(os), []byte(ts), l)
		conflicts += m.Conflicts
		return string(m.Content)
	}

	header := three(b.header, o.header, t.header)

	// Declarations: ours' order, deletions removed, merged text.
	inB, inO, inT := b.byKey(), o.byKey(), t.byKey()
	var keys []string
	text := map[string]string{}
	for _, c := range o.decls {
		bc, inBase := inB[c.key]
		tc, inTheirs := inT[c.key]
		switch {
		case !inBase && !inTheirs: // ours added it
			text[c.key] = c.text
		case !inBase: // both added it
			text[c.key] = three("", c.text, tc.text)
		case !inTheirs: // theirs deleted it
			if c.text == bc.text {
				continue
			}
			text[c.key] = c.text // changed by ours: kept
		default:
			text[c.key] = three(bc.text, c.text, tc.text)
		}
		keys = append(keys, c.key)
	}
	// Theirs' additions (not in base, not in ours), each group before the
	// next declaration of theirs that the result has.
	at := map[string]int{}
	for i, k := range keys {
		at[k] = i
	}
	var pending []string
	before := map[string][]string{} // key of the result → new keys to put before it
	for _, c := range t.decls {
		_, inBase := inB[c.key]
		_, inOurs := inO[c.key]
		switch {
		case !inBase && !inOurs:
			pending = append(pending, c.key)
			text[c.key] = c.text
		case len(pending) > 0:
			if _, ok := at[c.key]; ok {
				before[c.key] = append(before[c.key], pending...)
				pending = nil
			}
		}
	}
	var order []string
	for _, k := range keys {
		order = append(order, before[k]...)
		order = append(order, k)
	}
	order = append(order, pending...)

	tail := three(b.tail, o.tail, t.tail)

	var body strings.Builder
	for i, k := range order {
		if i > 0 {
			body.WriteString("\n")
		}
		body.WriteString(text[k])
	}
	if tail != "" {
		if body.Len() > 0 {
			body.WriteString("\n")
		}
		body.WriteString(tail)
	}

	imports := mergeImports(b, o, t, header+body.String())

	var out strings.Builder
	out.WriteString(header)
	if imports != "" {
		out.WriteString("\n")
		out.WriteString(imports)
	}
	if s := body.String(); s != "" {
		out.WriteString("\n")
		out.WriteString(s)
	}
	res := []byte(out.String())
	if conflicts == 0 {
		formatted, err := format.Source(res)
		if err != nil {
			return Result{}, fmt.Errorf("merged source does not format: %w", err)
		}
		res = formatted
	}
	return Result{Content: res, Conflicts: conflicts}, nil
}

// goFile is a Go source file split for merging. Every text ends with a
// newline, leading blank lines removed.
type goFile struct {
	header  string // up to the end of the package clause's line
	imports []goImport
	block   string // the import declarations as written, with comments between them
	decls   []chunk
	tail    string // comments after the last declaration
}

type goImport struct {
	name, path string // name is "" when the import has none
}

// local is the name the import's package goes by in the file.
func (i goImport) local() string {
	if i.name != "" {
		return i.name
	}
	return importName(i.path)
}

func (i goImport) String() string {
	if i.name != "" {
		return i.name + " " + strconv.Quote(i.path)
	}
	return strconv.Quote(i.path)
}

// chunk is one top-level declaration with the comments before it.
type chunk struct {
	key  string
	text string
}

func (f *goFile) byKey() map[string]chunk {
	m := make(map[string]chunk, len(f.decls))
	for _, c := range f.decls {
		m[c.key] = c
	}
	return m
}

func splitGo(src []byte) (*goFile, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(src, []byte("\r")) {
		return nil, errors.New("carriage returns: merged by line")
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	// lineEnd is the offset after the newline ending the line holding
	// offset i, so that a comment after a declaration on its last line
	// stays with it.
	lineEnd := func(i int) int {
		if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
			return i + j + 1
		}
		return len(src)
	}
	piece := func(from, to int) string {
		s := strings.TrimLeft(string(src[from:to]), "\n")
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		return s
	}
	g := &goFile{}
	pos := lineEnd(off(f.Name.End()))
	g.header = string(src[:pos])
	if !strings.HasSuffix(g.header, "\n") {
		g.header += "\n"
	}
	seen := map[string]int{}
	for _, d := range f.Decls {
		start := off(d.Pos())
		if doc := docOf(d); doc != nil {
			start = off(doc.Pos())
		}
		if start < pos {
			return nil, errors.New("two declarations on one line: merged by line")
		}
		end := lineEnd(off(d.End()) - 1)
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			g.block += piece(pos, end)
			for _, s := range gd.Specs {
				is := s.(*ast.ImportSpec)
				p, _ := strconv.Unquote(is.Path.Value)
				imp := goImport{path: p}
				if is.Name != nil {
					imp.name = is.Name.Name
				}
				g.imports = append(g.imports, imp)
			}
			pos = end
			continue
		}
		key := declKey(d, src, off)
		seen[key]++
		if n := seen[key]; n > 1 {
			key += "#" + strconv.Itoa(n)
		}
		g.decls = append(g.decls, chunk{key: key, text: piece(pos, end)})
		pos = end
	}
	g.tail = piece(pos, len(src))
	return g, nil
}

func docOf(d ast.Decl) *ast.CommentGroup {
	switch d := d.(type) {
	case *ast.FuncDecl:
		return d.Doc
	case *ast.GenDecl:
		return d.Doc
	}
	return nil
}

// declKey names a declaration: "func F", "method T.M", "type T", "var a,b"
// and so on; a parenthesized group by its first name ("const (A"). A
// declaration of only blank names ("var _ I = (*T)(nil)") is named by its
// text.
func declKey(d ast.Decl, src []byte, off func(token.Pos) int) string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv != nil && len(d.Recv.List) > 0 {
			return "method " + recvType(d.Recv.List[0].Type) + "." + d.Name.Name
		}
		return "func " + d.Name.Name
	case *ast.GenDecl:
		var names []string
		blank := true
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				names = append(names, s.Name.Name)
				blank = false
			case *ast.ValueSpec:
				for _, n := range s.Names {
					names = append(names, n.Name)
					blank = blank && n.Name == "_"
				}
			}
		}
		key := d.Tok.String() + " " + strings.Join(names, ",")
		if d.Lparen.IsValid() && len(names) > 0 && !blank {
			// A group is named by its first name only, so that a name
			// added to it or taken from it leaves it the same group.
			key = d.Tok.String() + " (" + names[0]
		}
		if blank {
			key += " " + strings.Join(strings.Fields(string(src[off(d.Pos()):off(d.End())])), " ")
		}
		return key
	}
	return "decl"
}

func recvType(t ast.Expr) string {
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.ParenExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.Ident:
			return x.Name
		default:
			return "?"
		}
	}
}

// mergeImports merges the import sets and returns the import declaration
// to write: ours' as written when the set is ours' set, theirs' when it is
// theirs', else one new block, the standard library first. code is the
// rest of the merged file, to tell which imports are used.
func mergeImports(b, o, t *goFile, code string) string {
	set := func(f *goFile) map[goImport]bool {
		m := map[goImport]bool{}
		for _, i := range f.imports {
			m[i] = true
		}
		return m
	}
	inB, inO, inT := set(b), set(o), set(t)
	used := usedNames(code)
	// Theirs' additions the merged code uses; an import theirs removed
	// stays while the code uses it, unless one of them takes its name (a
	// package that moved).
	var added []goImport
	names := map[string]bool{}
	for _, i := range t.imports {
		if !inB[i] && !inO[i] && used(i) {
			added = append(added, i)
			names[i.local()] = true
		}
	}
	var out []goImport
	have := map[string]bool{} // local names the kept imports provide
	for _, i := range o.imports {
		if inB[i] && !inT[i] && (!used(i) || names[i.local()]) {
			continue
		}
		out = append(out, i)
		have[i.local()] = true
	}
	for _, i := range added {
		have[i.local()] = true
	}
	out = append(out, added...)
	// An import the user dropped when their code stopped using it comes
	// back when svcgen's code merged in uses it again (a new stub that
	// answers svcgen.ErrNotImplemented in a file whose last stub the user
	// wrote).
	for _, i := range t.imports {
		if inB[i] && !inO[i] && used(i) && !have[i.local()] {
			out = append(out, i)
			have[i.local()] = true
		}
	}
	same := func(m map[goImport]bool) bool {
		if len(m) != len(out) {
			return false
		}
		for _, i := range out {
			if !m[i] {
				return false
			}
		}
		return true
	}
	switch {
	case same(inO):
		return o.block
	case same(inT) && o.block == b.block:
		return t.block
	}
	// Ours' block, with its grouping and comments, edited.
	keep := map[goImport]bool{}
	for _, i := range out {
		keep[i] = true
	}
	var add []goImport
	for _, i := range out {
		if !inO[i] {
			add = append(add, i)
		}
	}
	if block, ok := editImports(o.block, keep, add); ok {
		return block
	}
	return newImports(out)
}

// isStd reports whether an import path is the standard library's: no dot
// in its first element.
func isStd(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

// newImports is one import block of imports, the standard library first.
func newImports(imports []goImport) string {
	var std, other []string
	for _, i := range imports {
		if isStd(i.path) {
			std = append(std, i.String())
		} else {
			other = append(other, i.String())
		}
	}
	sort.Strings(std)
	sort.Strings(other)
	var s strings.Builder
	s.WriteString("import (\n")
	for _, i := range std {
		s.WriteString("\t" + i + "\n")
	}
	if len(std) > 0 && len(other) > 0 {
		s.WriteString("\n")
	}
	for _, i := range other {
		s.WriteString("\t" + i + "\n")
	}
	s.WriteString(")\n")
	return s.String()
}

// editImports edits the import declarations block: the lines of imports
// keep lacks go, and each of add goes after the last import of its kind
// (standard library or not) in the last parenthesized declaration, so the
// user's grouping and comments stay. ok is false when block is laid out
// otherwise (several imports on a line, no parentheses).
func editImports(block string, keep map[goImport]bool, add []goImport) (string, bool) {
	const pre = "package p\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", pre+block, parser.ParseComments|parser.ImportsOnly)
	if err != nil {
		return "", false
	}
	line := func(p token.Pos) int { return fset.Position(p).Line - 2 } // 0-based line of block
	lines := strings.SplitAfter(block, "\n")
	drop := map[int]bool{}
	var last *ast.GenDecl
	lastStd, lastOther := -1, -1
	byLine := map[int]int{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		if gd.Lparen.IsValid() {
			last, lastStd, lastOther = gd, -1, -1
		}
		for _, sp := range gd.Specs {
			is := sp.(*ast.ImportSpec)
			l := line(is.Pos())
			if byLine[l]++; byLine[l] > 1 || line(is.End()) != l || !gd.Lparen.IsValid() && len(add) > 0 {
				return "", false
			}
			p, _ := strconv.Unquote(is.Path.Value)
			imp := goImport{path: p}
			if is.Name != nil {
				imp.name = is.Name.Name
			}
			if !keep[imp] {
				if !gd.Lparen.IsValid() {
					return "", false
				}
				drop[l] = true
			}
			if gd == last {
				if isStd(p) {
					lastStd = l
				} else {
					lastOther = l
				}
			}
		}
	}
	if len(add) > 0 && last == nil {
		return "", false
	}
	after := map[int][]string{} // line → imports to write after it
	stdGroup := false
	sort.Slice(add, func(i, j int) bool { return add[i].path < add[j].path })
	for _, i := range add {
		switch {
		case isStd(i.path) && lastStd >= 0:
			after[lastStd] = append(after[lastStd], "\t"+i.String()+"\n")
		case !isStd(i.path) && lastOther >= 0:
			after[lastOther] = append(after[lastOther], "\t"+i.String()+"\n")
		case isStd(i.path): // a group of its own, first
			l := line(last.Lparen)
			after[l] = append(after[l], "\t"+i.String()+"\n")
			stdGroup = true
		default: // a group of its own, last
			l := line(last.Rparen) - 1
			if len(after[l]) == 0 && lastStd >= 0 {
				after[l] = append(after[l], "\n")
			}
			after[l] = append(after[l], "\t"+i.String()+"\n")
		}
	}
	if stdGroup && lastOther >= 0 {
		l := line(last.Lparen)
		after[l] = append(after[l], "\n")
	}
	var out strings.Builder
	for n, ln := range lines {
		if !drop[n] {
			out.WriteString(ln)
		}
		for _, a := range after[n] {
			out.WriteString(a)
		}
	}
	return out.String(), true
}

// usedNames returns a test of whether an import is used by code: whether
// its name is the left side of a selector there. Code that does not parse
// (it holds conflict markers) counts every import as used, as do blank and
// dot imports.
func usedNames(code string) func(goImport) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", code, parser.SkipObjectResolution)
	if err != nil {
		return func(goImport) bool { return true }
	}
	names := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				names[id.Name] = true
			}
		}
		return true
	})
	return func(i goImport) bool {
		if i.name == "_" || i.name == "." {
			return true
		}
		return names[i.local()]
	}
}

// importName guesses the name a package is imported under from its path:
// the last element, skipping a major version suffix ("/v5") and a "go-"
// prefix, up to the first "." or "-".
func importName(p string) string {
	elem := path.Base(p)
	if len(elem) > 1 && elem[0] == 'v' && strings.Trim(elem[1:], "0123456789") == "" {
		elem = path.Base(path.Dir(p))
	}
	elem = strings.TrimPrefix(elem, "go-")
	if i := strings.IndexAny(elem, ".-"); i > 0 {
		elem = elem[:i]
	}
	return elem
}

// goKeys are the keys mergeGo matches lines of Go source by: each line
// with its runs of spaces and tabs made one space and its ends trimmed,
// except inside string and rune literals and comments, whose spacing is
// their text. gofmt decides the spacing left out (indentation, the
// alignment of values, fields and trailing comments), and the merged file
// is formatted. A raw string or block comment may go on over lines.
func goKeys(ls []string) []string {
	keys := make([]string, len(ls))
	inRaw, inBlock := false, false
	for i, ln := range ls {
		var k strings.Builder
		space := false // spacing outside literals, not yet written
		for j := 0; j < len(ln); j++ {
			c := ln[j]
			switch {
			case inRaw:
				k.WriteByte(c)
				inRaw = c != '`'
				continue
			case inBlock:
				k.WriteByte(c)
				if c == '*' && j+1 < len(ln) && ln[j+1] == '/' {
					k.WriteByte('/')
					j++
					inBlock = false
				}
				continue
			case c == ' ' || c == '\t' || c == '\n' || c == '\r':
				space = true
				continue
			}
			if space && k.Len() > 0 {
				k.WriteByte(' ')
			}
			space = false
			switch {
			case c == '`':
				inRaw = true
				k.WriteByte(c)
			case c == '"' || c == '\'':
				// The literal, escapes and all, to its closing quote.
				k.WriteByte(c)
				for j++; j < len(ln); j++ {
					k.WriteByte(ln[j])
					if ln[j] == '\\' && j+1 < len(ln) {
						j++
						k.WriteByte(ln[j])
					} else if ln[j] == c {
						break
					}
				}
			case c == '/' && strings.HasPrefix(ln[j:], "//"):
				k.WriteString(strings.TrimRight(ln[j:], " \t\r\n")) // gofmt trims a comment's end
				j = len(ln)
			case c == '/' && strings.HasPrefix(ln[j:], "/*"):
				inBlock = true
				k.WriteString("/*")
				j++
			default:
				k.WriteByte(c)
			}
		}
		keys[i] = k.String()
	}
	return keys
}
