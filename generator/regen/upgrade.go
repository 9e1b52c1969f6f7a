package regen

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"

	"github.com/svcgen/svcgen/generator/file"
	"github.com/svcgen/svcgen/generator/model"
)

// Services generated before layout v2 kept everything in one package,
// internal/api: the spec's types, the runtime (errors, Nullable, Date...)
// and the server. Layout v2 splits it (docs/ARCHITECTURE.md): the contract
// in api, the runtime in svcgen and internal/svcgenhttp, the server in
// internal/server. Regenerating such a service deletes the old generated
// files as usual (the new render no longer has them); the user's own Go
// files still name internal/api, so before they are merged they are
// rewritten here, by their syntax tree: the import path changes and each
// api.X that moved is renamed where it went.

// legacyAPI is the package path, below the module, of the v1 layout.
const legacyAPI = "internal/api"

// movedToRuntime are the identifiers package internal/api declared for
// the runtime, now in package svcgen.
var movedToRuntime = map[string]bool{
	"Error": true, "NewError": true, "ErrNotImplemented": true, "NotFound": true,
	"Conflict": true, "BadRequest": true, "Problem": true, "FieldError": true,
	"Errors": true, "Date": true, "ParseDate": true, "Nullable": true, "Null": true,
	"Value": true, "Credentials": true, "ErrUnauthorized": true, "ErrForbidden": true,
	"File": true,
}

// movedElsewhere are the other identifiers of internal/api that left the
// contract: the package (below the module) and name they have now.
var movedElsewhere = map[string][2]string{
	"Authenticator": {"internal/svcgenhttp", "Authenticator"},
	"NewHandler":    {"internal/server", "NewHandler"},
	"Options":       {"internal/server", "Options"},
}

// upgradeNote is the report's note on a user's file rewritten for layout v2.
const upgradeNote = "rewritten for layout v2: internal/api is now api, svcgen and internal/server"

// upgradeOthers rewrites the user's Go files that svcgen does not render
// (a file of their own beside service.go, say) when they name the v1
// package: every Go file of the service that is not generated and has no
// step yet.
func (p *Plan) upgradeOthers(d *disk, planned map[string]bool) error {
	has := map[string]bool{}
	for _, s := range p.Steps {
		has[s.Path] = true
	}
	return fs.WalkDir(d.fs, ".", func(name string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if name != "." && (strings.HasPrefix(e.Name(), ".") || e.Name() == "vendor" || e.Name() == "testdata") {
				return fs.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_gen.go") ||
			strings.HasSuffix(name, "_gen_test.go") || planned[name] || has[name] {
			return nil
		}
		before, err := d.read(name)
		if err != nil {
			return err
		}
		if after, changed := p.up.rewrite(before); changed {
			p.add(Step{Path: name, Class: file.Scaffold, Action: Update, Before: before, After: after, Mode: 0o644, Note: upgradeNote})
		}
		return nil
	})
}

// reservedV1 are the names the v1 package declared itself: a component
// schema named like one got a Model suffix (ProblemModel).
var reservedV1 = []string{
	"Service", "Handler", "NewHandler", "Options", "Error", "Errors", "FieldError",
	"Problem", "Date", "Nullable", "ErrNotImplemented", "NewError", "Null",
	"Value", "Routes", "Route", "NotFound", "Conflict", "BadRequest",
	"Authenticator", "Credentials", "ErrUnauthorized", "ErrForbidden", "File",
}

// upgrader rewrites Go files of the v1 layout for layout v2.
type upgrader struct {
	module string
	// renamed maps the v1 names of component schemas that had a Model
	// suffix to their names in the new contract: ProblemModel → Problem,
	// ServiceModel → Service2.
	renamed map[string]string
}

func newUpgrader(svc *model.Service) *upgrader {
	u := &upgrader{module: svc.Module, renamed: map[string]string{}}
	byOrigin := map[string]string{}
	for _, t := range svc.Types {
		byOrigin[t.Origin] = t.Name
	}
	for _, name := range reservedV1 {
		if now, ok := byOrigin["#/components/schemas/"+name]; ok {
			u.renamed[name+"Model"] = now
		}
	}
	return u
}

// rewrite returns src with its uses of the v1 package internal/api
// rewritten for layout v2, gofmt-clean, and whether anything changed. A
// file that does not import internal/api, or does not parse, is returned
// as it is.
func (u *upgrader) rewrite(src []byte) ([]byte, bool) {
	if !bytes.Contains(src, []byte(strconv.Quote(u.module+"/"+legacyAPI))) {
		return src, false
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
	if err != nil {
		return src, false
	}
	oldPath := u.module + "/" + legacyAPI
	local := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == oldPath {
			local = "api"
			if imp.Name != nil {
				local = imp.Name.Name
			}
		}
	}
	if local == "" || local == "_" || local == "." {
		return src, false
	}
	// The package each moved identifier goes to, by its new path.
	names := map[string]string{
		"api":                 "api",
		"svcgen":              "svcgen",
		"internal/svcgenhttp": "svcgenhttp",
		"internal/server":     "server",
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok || id.Name != local || id.Obj != nil { // id.Obj: a local variable of that name
			return true
		}
		pkg, name := u.target(sel.Sel.Name)
		used[pkg] = true
		sel.Sel.Name = name
		if pkg == "api" {
			id.Name = local // the contract keeps the file's name for it
		} else {
			id.Name = names[pkg]
		}
		return true
	})
	astutil.DeleteNamedImport(fset, f, nameIf(local, "api"), oldPath)
	var pkgs []string
	for p := range used {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		name := ""
		if p == "api" {
			name = nameIf(local, "api")
		}
		astutil.AddNamedImport(fset, f, name, u.module+"/"+p)
	}
	var out bytes.Buffer
	if err := format.Node(&out, fset, f); err != nil {
		return src, false
	}
	return out.Bytes(), !bytes.Equal(out.Bytes(), src)
}

// target is where api.name of the v1 layout is in layout v2: the package
// below the module and the name.
func (u *upgrader) target(name string) (pkg, newName string) {
	if movedToRuntime[name] {
		return "svcgen", name
	}
	if m, ok := movedElsewhere[name]; ok {
		return m[0], m[1]
	}
	if now, ok := u.renamed[name]; ok {
		return "api", now
	}
	return "api", name
}

// nameIf is the import name to write: none when it is the package's own.
func nameIf(local, own string) string {
	if local == own {
		return ""
	}
	return local
}
