package regen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/svcgen/svcgen/generator/file"
	"github.com/svcgen/svcgen/generator/format"
	"github.com/svcgen/svcgen/generator/model"
)

// When an operation leaves the spec, its route, types and default
// implementation leave the generated code, but the user's method stays
// where it is (it may hold work worth keeping). So that the service still
// builds, the declarations that the user's code still refers to are carried
// over from the previous generated code into orphans_gen.go files, marked
// deprecated; once the user deletes the method, the next regenerate drops
// them.
const orphansFile = "orphans_gen.go"

// wildcards matches path parameters, whose names may change freely.
var wildcards = regexp.MustCompile(`\{[^}]*\}`)

const (
	apiDir     = "api"
	serviceDir = "internal/service"
)

// removedMethods maps the Go method names of operations that old had and
// svc no longer has to the old operations.
func removedMethods(old, svc *model.Service) map[string]*model.Operation {
	if old == nil {
		return nil
	}
	now := map[string]bool{}
	for _, op := range svc.Operations {
		now[op.GoName] = true
	}
	out := map[string]*model.Operation{}
	for _, op := range old.Operations {
		if !now[op.GoName] {
			out[op.GoName] = op
		}
	}
	// A subscription dropped from the spec leaves its handler in
	// internal/service/events.go: kept, and reported, as an operation's
	// method is ("event order.deleted from orders").
	if old.Events != nil {
		for _, s := range svc.Events.SubscriptionsOrNil() {
			now[s.Method] = true
		}
		for _, s := range old.Events.Subscribe {
			if !now[s.Method] {
				out[s.Method] = &model.Operation{Method: "event", Path: s.Event + " from " + s.Dependency.Name, GoName: s.Method}
			}
		}
	}
	return out
}

// dropMethods removes from src the methods named in drop. Applied to
// svcgen's previous render of a user-owned file, with the methods of
// removed operations, it makes the three-way merge see the user's copy of
// each as theirs to keep rather than as something svcgen deletes. Applied
// to the new render, with methods the user has already written, it keeps
// svcgen from adding a second, stub declaration.
func dropMethods(src []byte, drop map[string]bool) []byte {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
	if err != nil {
		return src
	}
	type span struct{ from, to int }
	var cut []span
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || !drop[fd.Name.Name] {
			continue
		}
		from := fset.Position(fd.Pos()).Offset
		if fd.Doc != nil {
			from = fset.Position(fd.Doc.Pos()).Offset
		}
		// Take the blank line before the method and the newline ending it,
		// as the template separates methods.
		if from >= 2 && src[from-1] == '\n' && src[from-2] == '\n' {
			from--
		}
		to := fset.Position(fd.End()).Offset
		if to < len(src) && src[to] == '\n' {
			to++
		}
		cut = append(cut, span{from, to})
	}
	if len(cut) == 0 {
		return src
	}
	var out bytes.Buffer
	last := 0
	for _, c := range cut {
		out.Write(src[last:c.from])
		last = c.to
	}
	out.Write(src[last:])
	return out.Bytes()
}

// keepMethods puts back into theirs, the new render of a user-owned file,
// the methods of removed operations as base (the previous render) had
// them, each after the method it followed there. The three-way merge then
// sees svcgen leaving them alone: the user's version stays, edited or not,
// and a method added beside one (an operation renamed, say) merges cleanly.
func keepMethods(base, theirs []byte, removed map[string]*model.Operation) []byte {
	type method struct {
		name     string
		from, to int // doc comment start, end after the newline
	}
	methods := func(src []byte) []method {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil
		}
		var out []method
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil {
				continue
			}
			m := method{name: fd.Name.Name, from: fset.Position(fd.Pos()).Offset, to: fset.Position(fd.End()).Offset}
			if fd.Doc != nil {
				m.from = fset.Position(fd.Doc.Pos()).Offset
			}
			if m.to < len(src) && src[m.to] == '\n' {
				m.to++
			}
			out = append(out, m)
		}
		return out
	}
	old, now := methods(base), methods(theirs)
	if old == nil || now == nil {
		return theirs
	}
	end := map[string]int{}
	for _, m := range now {
		end[m.name] = m.to
	}
	type insert struct {
		at   int
		text string
	}
	var ins []insert
	prev := ""
	for _, m := range old {
		if removed[m.name] == nil {
			if _, ok := end[m.name]; ok {
				prev = m.name
			}
			continue
		}
		if _, ok := end[m.name]; ok {
			continue // still rendered (should not happen)
		}
		block := string(base[m.from:m.to])
		if prev != "" {
			ins = append(ins, insert{end[prev], "\n" + block})
		} else {
			ins = append(ins, insert{now[0].from, block + "\n"})
		}
	}
	// Apply from the end, so earlier offsets stay valid; inserts at one
	// offset keep their order.
	sort.SliceStable(ins, func(i, j int) bool { return ins[i].at > ins[j].at })
	out := string(theirs)
	for i := 0; i < len(ins); {
		j := i
		text := ""
		for j < len(ins) && ins[j].at == ins[i].at {
			j++
		}
		for k := j - 1; k >= i; k-- { // prepend, so the text keeps base order
			text = ins[k].text + text
		}
		out = out[:ins[i].at] + text + out[ins[i].at:]
		i = j
	}
	return []byte(out)
}

// methodNames returns the names of the methods declared in a Go source
// file (nil when it does not parse).
func methodNames(src []byte) map[string]bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil {
			out[fd.Name.Name] = true
		}
	}
	return out
}

// orphans finds the user's code that refers to declarations the new
// render no longer has, and adds the orphans_gen.go files that keep it
// building.
func (p *Plan) orphans(d *disk, removed map[string]*model.Operation) error {
	// The user's Go files of the service package, as regenerate leaves them.
	user, err := p.packageFiles(d, serviceDir, func(name string) bool {
		return !strings.HasSuffix(name, "_gen.go") && !strings.HasSuffix(name, "_gen_test.go")
	})
	if err != nil {
		return err
	}
	var userFiles []*parsed
	for _, name := range sortedKeys(user) {
		pf, err := parse(name, user[name])
		if err != nil {
			// Conflict markers or the user's own syntax error: nothing to
			// analyse; the build will say what is wrong.
			p.Notes = append(p.Notes, fmt.Sprintf("%s does not parse (%v): orphaned methods in it were not looked for", name, err))
			return nil
		}
		userFiles = append(userFiles, pf)
	}

	// Declarations of the generated packages before and after.
	oldAPI, err := p.oldDecls(d, apiDir)
	if err != nil {
		return err
	}
	newAPI, err := p.newDecls(apiDir)
	if err != nil {
		return err
	}
	oldSvc, err := p.oldDecls(d, serviceDir)
	if err != nil {
		return err
	}
	newSvc, err := p.newDecls(serviceDir)
	if err != nil {
		return err
	}

	// What the user's code refers to that is gone.
	apiRoots := map[string]bool{}
	crudGone := map[string]*decl{}
	for _, uf := range userFiles {
		local := importName(uf.file, p.Service.Module+"/"+apiDir)
		for _, dcl := range uf.file.Decls {
			fd, ok := dcl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			uses := false
			ast.Inspect(fd, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				name := sel.Sel.Name
				if id, ok := sel.X.(*ast.Ident); ok && local != "" && id.Name == local {
					if !newAPI.has(name) && oldAPI.has(name) {
						apiRoots[name] = true
						uses = true
					}
					return true
				}
				// A method of the generated CRUD that is gone.
				if m := oldSvc.method("CRUD", name); m != nil && newSvc.method("CRUD", name) == nil {
					crudGone[name] = m
					uses = true
				}
				return true
			})
			if fd.Recv != nil && (uses || removed[fd.Name.Name] != nil) && receiverName(fd) == "Service" && !newSvc.has(fd.Name.Name) && !p.implements(fd.Name.Name) {
				o := Orphan{Method: fd.Name.Name, Operation: "an operation no longer in the spec", File: uf.name}
				if op := removed[fd.Name.Name]; op != nil {
					o.Operation = op.Method + " " + op.Path
					for _, n := range p.Service.Operations {
						if n.Method == op.Method && wildcards.ReplaceAllString(n.Path, "{}") == wildcards.ReplaceAllString(op.Path, "{}") {
							o.RenamedTo = n.GoName
						}
					}
				}
				p.Orphans = append(p.Orphans, o)
			}
		}
	}
	sort.Slice(p.Orphans, func(i, j int) bool { return p.Orphans[i].Method < p.Orphans[j].Method })

	// The CRUD methods are replaced by ones that answer 501: their store
	// code may be gone too. Their signatures name api types to carry over.
	var svcOut bytes.Buffer
	for _, name := range sortedKeys(crudGone) {
		m := crudGone[name]
		fd := m.node.(*ast.FuncDecl)
		ast.Inspect(fd.Type, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "api" && !newAPI.has(sel.Sel.Name) {
					apiRoots[sel.Sel.Name] = true
				}
			}
			return true
		})
		sig := string(m.src[m.offset(fd.Type.Params.Pos()):m.offset(fd.Type.End())])
		recv := string(m.src[m.offset(fd.Recv.Pos()):m.offset(fd.Recv.End())])
		fmt.Fprintf(&svcOut, "// %s served an operation that is no longer in the spec.\n//\n// Deprecated: only the user's code still calls it; it answers 501 Not Implemented.\nfunc %s %s%s {\n\treturn nil, svcgen.ErrNotImplemented\n}\n\n", name, recv, name, sig)
	}

	// The api declarations, with everything they need that is gone too.
	var apiOut bytes.Buffer
	done := map[string]bool{}
	queue := sortedKeys(apiRoots)
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if done[name] || newAPI.has(name) {
			continue
		}
		done[name] = true
		for _, dcl := range oldAPI.byName[name] {
			apiOut.WriteString(dcl.text())
			apiOut.WriteString("\n\n")
			for _, ref := range dcl.refs() {
				if !done[ref] && oldAPI.has(ref) && !newAPI.has(ref) {
					queue = append(queue, ref)
				}
			}
		}
	}

	if err := p.orphanFile(d, apiDir, "api", apiOut.Bytes(), oldAPI.imports); err != nil {
		return err
	}
	return p.orphanFile(d, serviceDir, "service", svcOut.Bytes(), append(oldSvc.imports, strconv.Quote(p.Service.Module+"/"+apiDir), strconv.Quote(p.Service.Module+"/svcgen")))
}

// implements reports whether name is a method of the new Service interface.
func (p *Plan) implements(name string) bool {
	for _, op := range p.Service.Operations {
		if op.GoName == name {
			return true
		}
	}
	return false
}

// orphanFile sets the step of dir's orphans_gen.go to body, or deletes the
// file when body is empty.
func (p *Plan) orphanFile(d *disk, dir, pkg string, body []byte, imports []string) error {
	name := dir + "/" + orphansFile
	before, err := d.read(name)
	if err != nil {
		return err
	}
	if len(body) == 0 {
		if before != nil {
			p.setStep(Step{Path: name, Class: file.Generated, Action: Delete, Before: before, Note: "no orphaned code refers to it any more"})
		}
		return nil
	}
	var src bytes.Buffer
	src.WriteString("// Code generated by svcgen. DO NOT EDIT.\n\n")
	src.WriteString("// Declarations of operations that are no longer in the spec, kept because\n// your code still refers to them (svcgen regenerate lists the methods).\n// Delete those methods and regenerate, and this file goes away.\n\n")
	fmt.Fprintf(&src, "package %s\n\nimport (\n", pkg)
	// The standard library first, then the rest, as goimports groups them.
	seen := map[string]bool{}
	var std, other []string
	for _, imp := range imports {
		if seen[imp] {
			continue
		}
		seen[imp] = true
		p := imp[strings.Index(imp, `"`)+1:]
		if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ".") {
			other = append(other, imp)
		} else {
			std = append(std, imp)
		}
	}
	sort.Strings(std)
	sort.Strings(other)
	for _, imp := range std {
		fmt.Fprintf(&src, "\t%s\n", imp)
	}
	if len(std) > 0 && len(other) > 0 {
		src.WriteString("\n")
	}
	for _, imp := range other {
		fmt.Fprintf(&src, "\t%s\n", imp)
	}
	src.WriteString(")\n\n")
	src.Write(body)
	content, err := format.Source(name, "(orphaned declarations)", src.Bytes()) // the user's code: formatted, not copied
	if err != nil {
		return err
	}
	s := replace(name, file.Generated, before, content, 0o644, "keeps orphaned methods building")
	p.setStep(s)
	return nil
}

// setStep replaces the step for s.Path, or adds s.
func (p *Plan) setStep(s Step) {
	for i := range p.Steps {
		if p.Steps[i].Path == s.Path {
			p.Steps[i] = s
			return
		}
	}
	p.add(s)
}

// packageFiles returns the Go files of dir that keep selects, as they will
// be after regenerate: the planned content where there is a step, the disk
// otherwise.
func (p *Plan) packageFiles(d *disk, dir string, keep func(string) bool) (map[string][]byte, error) {
	out := map[string][]byte{}
	entries, err := d.readDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".go") && keep(e.Name()) {
			b, err := d.read(dir + "/" + e.Name())
			if err != nil {
				return nil, err
			}
			out[dir+"/"+e.Name()] = b
		}
	}
	for _, s := range p.Steps {
		if path.Dir(s.Path) != dir || !strings.HasSuffix(s.Path, ".go") || !keep(path.Base(s.Path)) {
			continue
		}
		if s.After == nil {
			delete(out, s.Path)
		} else {
			out[s.Path] = s.After
		}
	}
	return out, nil
}

// oldDecls indexes the generated (non-test) files of dir as they are on
// disk: what svcgen generated last time, orphans included.
func (p *Plan) oldDecls(d *disk, dir string) (*index, error) {
	files := map[string][]byte{}
	entries, err := d.readDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), "_gen.go") {
			b, err := d.read(dir + "/" + e.Name())
			if err != nil {
				return nil, err
			}
			files[dir+"/"+e.Name()] = b
		}
	}
	return newIndex(files), nil
}

// newDecls indexes the generated (non-test) files of dir in the new render.
func (p *Plan) newDecls(dir string) (*index, error) {
	files := map[string][]byte{}
	for _, s := range p.Steps {
		if path.Dir(s.Path) == dir && strings.HasSuffix(s.Path, "_gen.go") && path.Base(s.Path) != orphansFile && s.After != nil && s.Class == file.Generated {
			files[s.Path] = s.After
		}
	}
	return newIndex(files), nil
}

// parsed is one parsed Go file.
type parsed struct {
	name string
	src  []byte
	fset *token.FileSet
	file *ast.File
}

func parse(name string, src []byte) (*parsed, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	return &parsed{name: name, src: src, fset: fset, file: f}, nil
}

// decl is one top-level declaration and the file it is in.
type decl struct {
	*parsed
	node ast.Node
	doc  *ast.CommentGroup
	kind string // "" for a whole declaration, "type", "const" or "var" for one spec of a group
}

func (d *decl) offset(pos token.Pos) int { return d.fset.Position(pos).Offset }

// text is the declaration's source, with its doc comment.
func (d *decl) text() string {
	from := d.offset(d.node.Pos())
	if d.doc != nil {
		from = d.offset(d.doc.Pos())
	}
	s := string(d.src[from:d.offset(d.node.End())])
	if d.kind != "" {
		s = d.kind + " " + s
	}
	return s
}

// refs lists the identifiers the declaration mentions.
func (d *decl) refs() []string {
	seen := map[string]bool{}
	var out []string
	ast.Inspect(d.node, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && !seen[id.Name] {
			seen[id.Name] = true
			out = append(out, id.Name)
		}
		return true
	})
	// A method also needs its receiver type.
	if fd, ok := d.node.(*ast.FuncDecl); ok && fd.Recv != nil {
		out = append(out, receiverName(fd))
	}
	return out
}

// index maps each top-level name of a package to its declarations: a type
// with its methods, a function, a constant or a variable.
type index struct {
	byName  map[string][]*decl
	methods map[string]*decl // "Type.Method"
	imports []string         // every import of the files, quoted, possibly named
}

func newIndex(files map[string][]byte) *index {
	ix := &index{byName: map[string][]*decl{}, methods: map[string]*decl{}}
	for _, name := range sortedKeys(files) {
		pf, err := parse(name, files[name])
		if err != nil {
			continue // svcgen's own output parses; a hand-broken file has nothing to offer
		}
		for _, imp := range pf.file.Imports {
			s := imp.Path.Value
			if imp.Name != nil {
				s = imp.Name.Name + " " + s
			}
			ix.imports = append(ix.imports, s)
		}
		for _, d := range pf.file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				dc := &decl{parsed: pf, node: d, doc: d.Doc}
				if d.Recv == nil {
					ix.byName[d.Name.Name] = append(ix.byName[d.Name.Name], dc)
					continue
				}
				recv := receiverName(d)
				ix.methods[recv+"."+d.Name.Name] = dc
				ix.byName[recv] = append(ix.byName[recv], dc)
			case *ast.GenDecl:
				if d.Tok == token.IMPORT {
					continue
				}
				for _, spec := range d.Specs {
					dc := &decl{parsed: pf, node: spec, kind: d.Tok.String()}
					if len(d.Specs) == 1 && d.Lparen == token.NoPos {
						dc = &decl{parsed: pf, node: d, doc: d.Doc}
					}
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if dc.kind != "" {
							dc.doc = s.Doc
						}
						// The type itself comes before its methods.
						ix.byName[s.Name.Name] = append([]*decl{dc}, ix.byName[s.Name.Name]...)
					case *ast.ValueSpec:
						if dc.kind != "" {
							dc.doc = s.Doc
						}
						for _, n := range s.Names {
							ix.byName[n.Name] = append(ix.byName[n.Name], dc)
						}
					}
				}
			}
		}
	}
	return ix
}

func (ix *index) has(name string) bool { return len(ix.byName[name]) > 0 }

func (ix *index) method(typ, name string) *decl { return ix.methods[typ+"."+name] }

// receiverName is the type name of a method's receiver.
func receiverName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return ""
	}
	t := fd.Recv.List[0].Type
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	if ix, ok := t.(*ast.IndexExpr); ok {
		t = ix.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// importName is the name f uses for the package at importPath, or "".
func importName(f *ast.File, importPath string) string {
	for _, imp := range f.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err == nil && p == importPath {
			if imp.Name != nil {
				return imp.Name.Name
			}
			return path.Base(p)
		}
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
