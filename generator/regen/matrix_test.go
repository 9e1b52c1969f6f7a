package regen

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

// The scenario matrix: every user edit below crossed with every spec
// change below, each planned on an in-memory service (no disk), which must
// merge without a conflict, keep every line the user wrote (and keep
// deleted what the user deleted), give gofmt-clean Go, and leave nothing
// for a second regenerate to do. "all edits" is one more row with every
// edit at once. The second tier (not -short) writes the "all edits" row of
// every spec change to disk and builds, vets and tests it; set
// SVCGEN_MATRIX_BUILD=all to build every cell (slow: 150 services), =none
// to build none.
//
// With -short, the "all edits" row runs against every spec change and each
// single edit against one spec change, in turn.

// matrixV1 is the spec every cell starts from.
const matrixV1 = `openapi: 3.0.3
info:
  title: Widgets
  version: "1.0"
servers:
  - url: https://api.example.com/v1
paths:
  /widgets:
    get:
      operationId: listWidgets
      summary: List widgets
      responses:
        '200':
          description: The widgets.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/Widget'}
    post:
      operationId: createWidget
      summary: Create a widget
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Widget'}
      responses:
        '201':
          description: Created.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Widget'}
  /widgets/{widgetId}:
    parameters:
      - name: widgetId
        in: path
        required: true
        schema: {type: string, format: uuid}
    get:
      operationId: getWidget
      summary: Get a widget
      responses:
        '200':
          description: The widget.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Widget'}
        '404':
          description: No such widget.
    delete:
      operationId: deleteWidget
      summary: Delete a widget
      responses:
        '204':
          description: Deleted.
        '404':
          description: No such widget.
  /ping:
    get:
      operationId: ping
      summary: Say pong
      responses:
        '200':
          description: Pong.
          content:
            application/json:
              schema:
                type: object
                properties:
                  message: {type: string}
components:
  schemas:
    Widget:
      type: object
      required: [name]
      properties:
        id: {type: string, format: uuid, readOnly: true}
        name: {type: string, minLength: 1, maxLength: 100}
        size: {type: integer}
`

// replaceOnce replaces old, which must occur exactly once in s.
func replaceOnce(t testing.TB, what, s, old, new string) string {
	t.Helper()
	if n := strings.Count(s, old); n != 1 {
		t.Fatalf("%s: %q found %d times, want once", what, old, n)
	}
	return strings.Replace(s, old, new, 1)
}

// specChange turns matrixV1 into the spec files of v2 (openapi.yaml and
// any file it refers to), as the user would edit them in the service.
type specChange struct {
	name  string
	apply func(t testing.TB, v1 string) map[string]string
}

func one(f func(t testing.TB, v1 string) string) func(testing.TB, string) map[string]string {
	return func(t testing.TB, v1 string) map[string]string { return map[string]string{"openapi.yaml": f(t, v1)} }
}

var specChanges = []specChange{
	{"operation added", one(func(t testing.TB, s string) string {
		// Its path sorts last, so its stub is rendered at the end of
		// service.go, where users append helpers.
		return replaceOnce(t, "operation added", s, "components:\n", `  /widgets/{widgetId}/history:
    parameters:
      - name: widgetId
        in: path
        required: true
        schema: {type: string, format: uuid}
    get:
      operationId: getWidgetHistory
      summary: A widget's history
      responses:
        '200':
          description: The history.
          content:
            application/json:
              schema:
                type: object
                properties:
                  events: {type: integer}
components:
`)
	})},
	{"operation removed", one(func(t testing.TB, s string) string {
		return replaceOnce(t, "operation removed", s, `    delete:
      operationId: deleteWidget
      summary: Delete a widget
      responses:
        '204':
          description: Deleted.
        '404':
          description: No such widget.
`, "")
	})},
	{"operation renamed", one(func(t testing.TB, s string) string {
		return replaceOnce(t, "operation renamed", s, "operationId: ping\n", "operationId: sayPing\n")
	})},
	{"field added", one(func(t testing.TB, s string) string {
		return replaceOnce(t, "field added", s, "        size: {type: integer}\n", "        size: {type: integer}\n        color: {type: string}\n")
	})},
	{"field removed", one(func(t testing.TB, s string) string {
		return replaceOnce(t, "field removed", s, "        size: {type: integer}\n", "")
	})},
	{"field retyped", one(func(t testing.TB, s string) string {
		return replaceOnce(t, "field retyped", s, "        size: {type: integer}\n", "        size: {type: string}\n")
	})},
	{"new resource", one(func(t testing.TB, s string) string {
		s = replaceOnce(t, "new resource", s, "  /ping:\n", `  /gadgets:
    get:
      operationId: listGadgets
      summary: List gadgets
      responses:
        '200':
          description: The gadgets.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/Gadget'}
    post:
      operationId: createGadget
      summary: Create a gadget
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Gadget'}
      responses:
        '201':
          description: Created.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Gadget'}
  /gadgets/{gadgetId}:
    parameters:
      - name: gadgetId
        in: path
        required: true
        schema: {type: string, format: uuid}
    get:
      operationId: getGadget
      summary: Get a gadget
      responses:
        '200':
          description: The gadget.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Gadget'}
  /ping:
`)
		return s + `    Gadget:
      type: object
      required: [label]
      properties:
        id: {type: string, format: uuid, readOnly: true}
        label: {type: string}
`
	})},
	{"security added", one(func(t testing.TB, s string) string {
		s = replaceOnce(t, "security added", s, "paths:\n", "security:\n  - bearer: []\npaths:\n")
		return replaceOnce(t, "security added", s, "components:\n", "components:\n  securitySchemes:\n    bearer: {type: http, scheme: bearer}\n")
	})},
	{"base path changed", one(func(t testing.TB, s string) string {
		return replaceOnce(t, "base path changed", s, "https://api.example.com/v1\n", "https://api.example.com/v2\n")
	})},
	{"spec split", func(t testing.TB, s string) map[string]string {
		widget := s[strings.Index(s, "    Widget:\n"):]
		root := replaceOnce(t, "spec split", s, widget, "    Widget: {$ref: 'schemas/widget.yaml'}\n")
		var body strings.Builder
		for _, ln := range strings.SplitAfter(strings.TrimPrefix(widget, "    Widget:\n"), "\n") {
			body.WriteString(strings.TrimPrefix(ln, "      "))
		}
		return map[string]string{"openapi.yaml": root, "schemas/widget.yaml": body.String()}
	}},
}

// userEdit is something a user does to the service after generating it.
type userEdit struct {
	name  string
	apply func(t testing.TB, m fstest.MapFS)
}

func editFile(t testing.TB, m fstest.MapFS, name, old, new string) {
	t.Helper()
	f := m[name]
	if f == nil {
		t.Fatalf("no %s", name)
	}
	f.Data = []byte(replaceOnce(t, name, string(f.Data), old, new))
}

func appendFile(t testing.TB, m fstest.MapFS, name, text string) {
	t.Helper()
	f := m[name]
	if f == nil {
		t.Fatalf("no %s", name)
	}
	f.Data = append(f.Data, text...)
}

const svcFile = "internal/service/service.go"

var userEdits = []userEdit{
	{"helper at the end", func(t testing.TB, m fstest.MapFS) {
		appendFile(t, m, svcFile, "\n// atEnd is a helper the user appended.\nfunc atEnd() string { return \"end\" }\n")
	}},
	{"helper at the start", func(t testing.TB, m fstest.MapFS) {
		editFile(t, m, svcFile, "// Service implements api.Service.\n",
			"// atStart is a helper the user put first.\nfunc atStart() int { return 1 }\n\n// Service implements api.Service.\n")
	}},
	{"helper between methods", func(t testing.TB, m fstest.MapFS) {
		editFile(t, m, svcFile, "// ListWidgets: List widgets\n",
			"// between sits between two methods.\nfunc between(n int) int {\n\treturn n + 1\n}\n\n// ListWidgets: List widgets\n")
	}},
	{"method body edited", func(t testing.TB, m fstest.MapFS) {
		editFile(t, m, svcFile, "PingResponse, error) {\n\treturn nil, svcgen.ErrNotImplemented\n}\n",
			"PingResponse, error) {\n\tmsg := \"pong\" // written by hand\n\treturn &api.Ping200Response{Body: api.Ping200ResponseBody{Message: &msg}}, nil\n}\n")
	}},
	{"new file in the package", func(t testing.TB, m fstest.MapFS) {
		m["internal/service/extra.go"] = &fstest.MapFile{Data: []byte("package service\n\n// describe is the user's, in a file of their own.\nfunc (s *Service) describe() string { return \"widgets\" }\n"), Mode: 0o644}
	}},
	{"field added to Service", func(t testing.TB, m fstest.MapFS) {
		editFile(t, m, svcFile, "\tcrud *CRUD\n}\n", "\tcrud *CRUD\n\thits int // counted by hand\n}\n")
		editFile(t, m, svcFile, "crud: NewCRUD(db)}\n", "crud: NewCRUD(db), hits: 1}\n")
	}},
	{"imports added", func(t testing.TB, m fstest.MapFS) {
		editFile(t, m, svcFile, "\t\"log/slog\"\n", "\t\"log/slog\"\n\t\"strings\"\n")
		editFile(t, m, svcFile, "// GetWidget: Get a widget\n",
			"// shout uses an import the user added.\nfunc shout(s string) string { return strings.ToUpper(s) }\n\n// GetWidget: Get a widget\n")
	}},
	{"doc comment edited", func(t testing.TB, m fstest.MapFS) {
		editFile(t, m, svcFile, "// GetWidget: Get a widget\n", "// GetWidget: Get a widget.\n//\n// Widgets are cached for a minute (hand-written).\n")
	}},
	{"stub deleted", func(t testing.TB, m fstest.MapFS) {
		// The user moves Ping to a file of its own.
		src := m[svcFile].Data
		from, to := declSpan(t, src, "Ping")
		moved := string(src[from:to])
		imports := "\t\"example.com/widgets/api\"\n"
		if strings.Contains(moved, "svcgen.") {
			imports += "\t\"example.com/widgets/svcgen\"\n"
		}
		m["internal/service/ping.go"] = &fstest.MapFile{Data: []byte("package service\n\nimport (\n\t\"context\"\n\n" + imports + ")\n\n" + moved), Mode: 0o644}
		rest := append(append([]byte(nil), src[:from]...), bytes.TrimPrefix(src[to:], []byte("\n"))...)
		if !bytes.Contains(rest, []byte("svcgen.")) {
			// As goimports would: the file no longer uses the package.
			rest = bytes.Replace(rest, []byte("\t\"example.com/widgets/svcgen\"\n"), nil, 1)
		}
		m[svcFile].Data = rest
	}},
	{"main.go edited", func(t testing.TB, m fstest.MapFS) {
		editFile(t, m, "main.go", "func main() {\n", "func main() {\n\t// Started by hand-written code.\n")
	}},
	{"Makefile edited", func(t testing.TB, m fstest.MapFS) {
		appendFile(t, m, "Makefile", "\n# hand-written target\nhello:\n\t@echo hello\n")
	}},
	{"Dockerfile edited", func(t testing.TB, m fstest.MapFS) {
		appendFile(t, m, "Dockerfile", "LABEL org.opencontainers.image.vendor=\"hand-written\"\n")
	}},
	{"README edited", func(t testing.TB, m fstest.MapFS) {
		appendFile(t, m, "README.md", "\n## Team notes\n\nOn call: the widgets team.\n")
	}},
	{"dependency added", func(t testing.TB, m fstest.MapFS) {
		// What go get golang.org/x/sync@v0.23.0 and go mod tidy do, for a
		// file that uses errgroup.
		editFile(t, m, "go.mod", "\ngo 1.25.0\n", "\ngo 1.26.0\n")
		editFile(t, m, "go.mod", "\tgolang.org/x/sync v0.20.0 // indirect\n", "")
		editFile(t, m, "go.mod", "\tmodernc.org/sqlite v1.38.2\n", "\tgolang.org/x/sync v0.23.0\n\tmodernc.org/sqlite v1.38.2\n")
		editFile(t, m, "go.sum", "golang.org/x/sync v0.20.0/go.mod h1:9xrNwdLfx4jkKbNva9FpL6vEN7evnE43NNNJQ2LF3+0=\n",
			"golang.org/x/sync v0.20.0/go.mod h1:9xrNwdLfx4jkKbNva9FpL6vEN7evnE43NNNJQ2LF3+0=\n"+
				"golang.org/x/sync v0.23.0 h1:KameEIfc1IkluZyXWLn39Wd4tURc6GbCiISGiZm2bQk=\n"+
				"golang.org/x/sync v0.23.0/go.mod h1:sUUOizhqBxiL6pEWpqNLUiaJn1ShEbZ6BBqskPbjZm0=\n")
		m["internal/service/parallel.go"] = &fstest.MapFile{Data: []byte(`package service

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// both runs f and g at once.
func both(ctx context.Context, f, g func(context.Context) error) error {
	eg, ctx := errgroup.WithContext(ctx)
	eg.Go(func() error { return f(ctx) })
	eg.Go(func() error { return g(ctx) })
	return eg.Wait()
}
`), Mode: 0o644}
	}},
}

// declSpan is where the method name is in src, doc comment included, up
// to the end of its line.
func declSpan(t testing.TB, src []byte, name string) (from, to int) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == name {
			from, to = fset.Position(fd.Doc.Pos()).Offset, fset.Position(fd.End()).Offset+1
			return from, to
		}
	}
	t.Fatalf("no method %s", name)
	return 0, 0
}

// matrixBase is the v1 service, generated once for every cell.
var matrixBase = sync.OnceValues(func() (fstest.MapFS, error) {
	var err error
	var m fstest.MapFS
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%v", r)
			}
		}()
		m = memService(panicTB{}, map[string]string{"openapi.yaml": matrixV1})
	}()
	return m, err
})

// panicTB lets memService run outside a test, once for all of them.
type panicTB struct{ testing.TB }

func (panicTB) Helper()                           {}
func (panicTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

func cloneFS(m fstest.MapFS) fstest.MapFS {
	out := fstest.MapFS{}
	for k, v := range m {
		c := *v
		c.Data = append([]byte(nil), v.Data...)
		out[k] = &c
	}
	return out
}

// handLines returns, for every file, the lines the user's edits added:
// the lines of edited that base lacks (as a multiset), blank ones aside.
func handLines(base, edited fstest.MapFS) map[string][]string {
	out := map[string][]string{}
	for name, f := range edited {
		have := map[string]int{}
		if b := base[name]; b != nil {
			for _, ln := range strings.Split(string(b.Data), "\n") {
				have[ln]++
			}
		}
		for _, ln := range strings.Split(string(f.Data), "\n") {
			switch {
			case strings.TrimSpace(ln) == "":
			case have[ln] > 0:
				have[ln]--
			default:
				out[name] = append(out[name], ln)
			}
		}
	}
	return out
}

type cell struct {
	edits  []userEdit
	change specChange
}

func (c cell) name() string {
	if len(c.edits) == len(userEdits) {
		return "all edits × " + c.change.name
	}
	return c.edits[0].name + " × " + c.change.name
}

func TestMatrix(t *testing.T) {
	var cells []cell
	for i, ch := range specChanges {
		cells = append(cells, cell{userEdits, ch})
		for j, e := range userEdits {
			if testing.Short() && j%len(specChanges) != i {
				continue
			}
			cells = append(cells, cell{[]userEdit{e}, ch})
		}
	}
	build := os.Getenv("SVCGEN_MATRIX_BUILD") // "all", "none", or "" for the "all edits" row
	var (
		mu     sync.Mutex
		failed []string
	)
	t.Run("cells", func(t *testing.T) {
		for _, c := range cells {
			t.Run(c.name(), func(t *testing.T) {
				t.Parallel()
				defer func() {
					if t.Failed() {
						mu.Lock()
						failed = append(failed, c.name())
						mu.Unlock()
					}
				}()
				m := runCell(t, c)
				if build == "all" || build == "" && len(c.edits) == len(userEdits) {
					buildMem(t, m)
				}
			})
		}
	})
	sort.Strings(failed)
	t.Logf("%d cells (%d edits and all of them × %d spec changes), %d failed: %s", len(cells), len(userEdits), len(specChanges), len(failed), strings.Join(failed, "; "))
}

// runCell makes the cell's edits and spec change to the v1 service,
// regenerates in memory and checks the result. It returns the service as
// regenerate leaves it.
func runCell(t *testing.T, c cell) fstest.MapFS {
	base, err := matrixBase()
	if err != nil {
		t.Fatal(err)
	}
	m := cloneFS(base)
	for _, e := range c.edits {
		e.apply(t, m)
	}
	for name, f := range m {
		if strings.HasSuffix(name, ".go") {
			if b, err := format.Source(f.Data); err != nil || !bytes.Equal(b, f.Data) {
				t.Fatalf("the edits leave %s not gofmt-clean (%v): fix the test", name, err)
			}
		}
	}
	hand := handLines(base, m)
	specFiles := c.change.apply(t, matrixV1)
	for name, content := range specFiles {
		m[name] = &fstest.MapFile{Data: []byte(content), Mode: 0o644}
	}
	edited := cloneFS(m)

	ctx := context.Background()
	p, err := Make(ctx, Options{FS: m, Dir: nowhere(t)})
	if err != nil {
		t.Fatalf("regenerate: %v", err)
	}
	if !maps.EqualFunc(m, edited, func(a, b *fstest.MapFile) bool { return bytes.Equal(a.Data, b.Data) }) {
		t.Fatal("Make changed the tree it read")
	}
	if cs := p.Conflicts(); len(cs) > 0 {
		for _, s := range p.Steps {
			if s.Action == Conflict {
				t.Errorf("conflict in %s:\n%s", s.Path, s.After)
			}
		}
		t.Fatalf("conflicts in %v", cs)
	}
	applyMem(m, p)

	// The spec the user wrote is the service's copy still.
	for name, content := range specFiles {
		if f := m[name]; f == nil || string(f.Data) != content {
			t.Errorf("regenerate rewrote the user's spec file %s", name)
		}
	}
	// Every line the user wrote is still in its file.
	for name, lines := range hand {
		f := m[name]
		if f == nil {
			t.Errorf("%s, which the user edited, is gone", name)
			continue
		}
		have := map[string]bool{}
		for _, ln := range strings.Split(string(f.Data), "\n") {
			have[ln] = true
		}
		for _, ln := range lines {
			if !have[ln] {
				t.Errorf("%s lost the user's line %q", name, ln)
			}
		}
	}
	// Go is gofmt-clean, and no method is declared twice in the user's
	// package (a stub added for a method the user moved, say).
	methods := map[string]string{}
	for _, name := range sortedKeys(map[string]*fstest.MapFile(m)) {
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		src := m[name].Data
		if b, err := format.Source(src); err != nil || !bytes.Equal(b, src) {
			t.Errorf("%s is not gofmt-clean after regenerate (%v)", name, err)
			continue
		}
		if path.Dir(name) != serviceDir {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.SkipObjectResolution)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil {
				key := receiverName(fd) + "." + fd.Name.Name
				if other, dup := methods[key]; dup {
					t.Errorf("%s declared in %s and %s", key, other, name)
				}
				methods[key] = name
			}
		}
	}
	// A second regenerate has nothing to do.
	again, err := Make(ctx, Options{FS: m, Dir: nowhere(t)})
	if err != nil {
		t.Fatalf("second regenerate: %v", err)
	}
	for _, s := range again.Steps {
		if s.Changes() {
			t.Errorf("second regenerate would %s %s (%s)", s.Action, s.Path, s.Note)
		}
	}
	return m
}

// buildMem writes the service to disk and builds, vets and tests it (the
// second tier; skipped with -short).
func buildMem(t *testing.T, m fstest.MapFS) {
	t.Helper()
	if testing.Short() {
		return
	}
	dir := t.TempDir()
	for name, f := range m {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := f.Mode.Perm()
		if mode == 0 {
			mode = 0o644
		}
		if err := os.WriteFile(p, f.Data, mode); err != nil {
			t.Fatal(err)
		}
	}
	buildAndTest(t, dir)
}
