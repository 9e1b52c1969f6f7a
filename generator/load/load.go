// Package load reads an OpenAPI description (3.0, 3.1, 3.2 or Swagger 2.0,
// YAML or JSON, with $refs into other local files), validates it with
// kin-openapi and returns one OpenAPI 3 document with every $ref resolved.
//
// Problems that make generation impossible (invalid YAML or JSON, a $ref
// that does not resolve, leaves the machine or leaves the spec's folder, a
// path parameter missing from its template, an invalid schema type...) are returned as *Error,
// naming the file, the JSON pointer and, where known, the line. Problems
// generation can live with (examples and defaults that do not match their
// schema, unknown formats, patterns Go's regexp cannot compile, unknown
// fields, duplicate operationIds, missing descriptions...) come back as
// warnings; classify.go draws the line.
//
// The steps, in order (docs/ARCHITECTURE.md, "Inside load"): files.go and
// source.go read and parse each file and detect the version, fence.go keeps
// $refs inside the spec's folder, tuple.go patches what kin-openapi cannot
// decode, resolve.go, direct.go and swagger.go load it with kin-openapi
// (loaderr.go explains its failures), checks.go and validate.go fix up and
// validate it, and locate.go and message.go turn kin-openapi's errors into
// a file, a JSON pointer, a line and plain words.
package load

import (
	"context"
	"fmt"
	"io/fs"
	"runtime/debug"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Spec is a loaded and validated API description.
type Spec struct {
	// Path is the root file as given by the caller.
	Path string
	// Doc is the OpenAPI 3 document, converted from Swagger 2.0 when needed,
	// with every $ref resolved.
	Doc *openapi3.T
	// SourceVersion is the version the author wrote: "2.0", "3.0.3", "3.1.0"...
	SourceVersion string
	// Raw holds the bytes of the root file exactly as read.
	Raw []byte
	// External is true when the root file has $refs into other files.
	External bool
	// Files lists every file read: the root first, as given, then each file
	// reached through $ref, named relative to the root's folder the way
	// the root was named.
	Files []string
}

// Warning is a problem in the spec that does not stop generation.
type Warning struct {
	File    string // file the problem is in
	Pointer string // JSON pointer, "#/paths/~1orders/get"; may be "#" when unknown
	Message string
	Line    int // 1-based line when known, else 0 (String leaves it out)
}

// String reads "file:line: pointer: message", like an Error.
func (w Warning) String() string {
	loc := w.File
	if w.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, w.Line)
	}
	return fmt.Sprintf("%s: %s: %s", loc, w.Pointer, w.Message)
}

// Error is a problem that makes generation impossible.
type Error struct {
	File    string // file the problem is in
	Pointer string // JSON pointer, or "" when only a line is known (syntax errors)
	Line    int    // 1-based line when known, else 0
	Message string
	Err     error // underlying error, if any
}

func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, e.Line)
	}
	if e.Pointer != "" {
		loc += ": " + e.Pointer
	}
	return loc + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Load reads, converts and validates the spec at path.
//
// A spec that cannot be generated from gives a nil Spec and an error: an
// *Error, or an Errors listing several (errors.As finds the first *Error in
// both). Such an error comes without warnings. A spec that can be generated
// from gives the Spec and its warnings, sorted by file and line. When ctx
// ends first, the error is ctx.Err(). Load never panics; a bug found on the
// way is reported as an internal *Error.
func Load(ctx context.Context, path string) (spec *Spec, warnings []Warning, err error) {
	return load(ctx, nil, path, Options{})
}

// Options changes how Load reads a spec.
type Options struct {
	// RefRoot is the folder $refs may reach into, with everything below
	// it. Empty means the folder of the root file: a spec from elsewhere
	// cannot make svcgen read, and publish, files beside or above it.
	RefRoot string
}

// LoadWith is Load with options.
func LoadWith(ctx context.Context, path string, opts Options) (spec *Spec, warnings []Warning, err error) {
	return load(ctx, nil, path, opts)
}

// LoadFS is Load reading the spec, and every file its $refs name, from
// fsys: name and the files are slash-separated paths in fsys, and a $ref
// leading out of fsys is refused like a missing file.
func LoadFS(ctx context.Context, fsys fs.FS, name string) (spec *Spec, warnings []Warning, err error) {
	return load(ctx, fsys, name, Options{})
}

func load(ctx context.Context, fsys fs.FS, path string, opts Options) (spec *Spec, warnings []Warning, err error) {
	defer func() {
		if r := recover(); r != nil {
			spec, warnings = nil, nil
			err = &Error{
				File:    path,
				Message: fmt.Sprintf("internal error while loading: %v", r),
				Err:     fmt.Errorf("panic: %v\n%s", r, debug.Stack()),
			}
		}
	}()
	l := newLoader(ctx)
	l.refRoot = opts.RefRoot
	l.fsys = fsys
	l.rootPath = path
	defer func() { l.early.stop() }()
	spec, err = l.load(path)
	if err != nil {
		return nil, nil, err
	}
	return spec, l.sortedWarnings(), nil
}

// load runs the steps of Load: read, detect, load with $refs, validate.
func (l *loader) load(path string) (*Spec, error) {
	if err := l.ctx.Err(); err != nil {
		return nil, err
	}
	if err := l.readRoot(path); err != nil {
		return nil, err
	}
	kind, version, derr := l.detect(l.root)
	if derr != nil {
		return nil, derr
	}
	if l.fixTupleItems(l.root) {
		l.decoded = nil // decoded from the node as it was
	}
	var err error
	if kind == kindSwagger2 {
		l.swagger = true
		l.doc, err = l.loadSwagger()
	} else {
		l.doc, err = l.loadOpenAPI()
	}
	if err != nil {
		return nil, err
	}
	if err := l.ctx.Err(); err != nil {
		return nil, err
	}
	sharePlainLeaves(l.ctx, l.doc)
	if errs := l.validate(); len(errs) > 0 {
		return nil, errs.err()
	}
	asyncapi, err := l.inlineAsyncAPI(path)
	if err != nil {
		return nil, err
	}
	return &Spec{
		Path:          path,
		Doc:           l.doc,
		SourceVersion: version,
		Raw:           l.root.raw,
		External:      len(l.files) > 1 || asyncapi,
		Files:         l.filePaths(),
	}, nil
}

// Errors lists several problems that each make generation impossible, in
// file and line order. Load returns it when there is more than one.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap gives errors.As and errors.Is each *Error.
func (es Errors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// err returns the single *Error or all of them as Errors.
func (es Errors) err() error {
	if len(es) == 1 {
		return es[0]
	}
	return es
}
