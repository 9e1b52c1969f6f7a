package load

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// loader is the state of one Load call. Its stages (docs/ARCHITECTURE.md,
// "Inside load") share two things, each a type of its own that knows
// nothing of the stages after it: the report, where every stage's warnings
// go, and the fileSet, the files read (stages 1 and 2). The fields here
// belong to loading the document with kin-openapi (stage 3), explaining
// its failures (4), and checking the result (5).
type loader struct {
	ctx context.Context
	*report
	*fileSet

	doc     *openapi3.T
	swagger bool // the root is Swagger 2.0, converted to OpenAPI 3

	failure  *readFailure // the first file kin-openapi asked for and could not get
	lastRead *source      // the file kin-openapi read last

	early   *early   // kin-openapi's load of the root, when started before parsing it
	decoded *decoded // the root, decoded by readRootDirect for loadDirect

	costly  bool       // some schema is too costly to check values against (see maxVisits)
	schemas []schemaAt // every schema of doc, in kin-openapi's walk order (see checkSchemas)
}

func newLoader(ctx context.Context) *loader {
	rep := newReport()
	return &loader{ctx: ctx, report: rep, fileSet: newFileSet(rep)}
}

// readFailure is a file that could not be used: not local, not readable,
// or not YAML/JSON (syntax is then set).
type readFailure struct {
	url     string
	path    string
	reason  string
	syntax  *Error
	refused bool // svcgen would not read it (outside the fence), rather than could not
}

func (f *readFailure) Error() string { return f.reason }

// fileURL is how kin-openapi names a local file.
func fileURL(p string) *url.URL { return &url.URL{Path: filepath.ToSlash(p)} }

// readRoot reads and parses the root file. A large root that cannot be
// loaded directly (see loadDirect) starts loading with kin-openapi at once,
// while svcgen indexes and checks it.
func (l *loader) readRoot(p string) *Error {
	raw, err := l.read(p)
	if err != nil {
		return &Error{File: p, Message: "cannot read the spec: " + err.Error(), Err: err}
	}
	if l.fsys == nil { // an fs.FS is its own fence (see sourceFor)
		if l.fence, err = newFence(p, l.refRoot); err != nil {
			return &Error{File: p, Message: err.Error(), Err: err}
		}
	}
	if node, ok := parseJSON(raw); ok && direct && version30(node) {
		return l.readRootDirect(p, raw, node)
	}
	src, f := l.addSource(p, fileURL(p).String(), raw)
	if f != nil {
		return f.syntax
	}
	l.root = src
	if !directEligible(src) {
		l.early = l.startEarly(p, raw)
	}
	return nil
}

// readRootDirect reads the root p, a JSON OpenAPI 3.0 document parsed as
// node, which loadDirect will most likely decode: it is decoded (l.decoded)
// while the duplicate-key check and the index, which tells whether it can
// be decoded so, run beside it. A decoding that turns out not to be
// wanted costs time, not results.
//
// When it can be decoded so and holds no tuple (which fixTupleItems would
// patch and parse again), the nodes of its paths and schemas are dropped
// as they are decoded (source.released): on a large spec the tree is the
// largest thing in memory, and what comes later asks the index.
func (l *loader) readRootDirect(p string, raw []byte, node *yaml.Node) *Error {
	src := l.addParsed(p, fileURL(p).String(), raw, node, true)
	var dup *Error
	var keep bool // the tree is wanted whole
	checked := make(chan struct{})
	go func() {
		defer close(checked)
		if dup = duplicateKey(p, node); dup == nil {
			src.idx = buildIndex(node)
			keep = !directEligible(src) || len(tupleItems(node)) > 0
		}
	}()
	var released atomic.Bool
	release := func() bool {
		<-checked
		if dup != nil || keep {
			return false
		}
		released.Store(true)
		return true
	}
	d := &decoded{}
	func() {
		defer func() {
			if r := recover(); r != nil {
				d.doc, d.err = nil, fmt.Errorf("panic: %v", r) // loadDirect then leaves it to kin-openapi
			}
		}()
		d.doc, d.discriminators, d.err = decodeAndStamp(node, fileURL(p).String(), release, sharePart(l.ctx))
	}()
	<-checked
	src.released = released.Load()
	if dup != nil {
		return dup
	}
	l.root = src
	if keep {
		if !directEligible(src) {
			l.early = l.startEarly(p, raw)
			return nil
		}
	}
	l.decoded = d
	return nil
}

// readURI is the kin-openapi loader's only way to read a file.
func (l *loader) readURI(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
	if err := l.ctx.Err(); err != nil {
		return nil, err
	}
	src, f := l.sourceFor(u)
	if f != nil {
		if l.failure == nil {
			l.failure = f
		}
		return nil, f
	}
	l.lastRead = src
	return src.data, nil
}

// kinLoader returns a kin-openapi loader that resolves $refs across local
// files and records origins, for line numbers.
func (l *loader) kinLoader() *openapi3.Loader {
	return newKinLoader(l.ctx, l.readURI)
}

// newKinLoader returns a kin-openapi loader that reads files with read.
func newKinLoader(ctx context.Context, read openapi3.ReadFromURIFunc) *openapi3.Loader {
	ld := openapi3.NewLoader()
	ld.Context = ctx
	ld.IsExternalRefsAllowed = true
	ld.IncludeOrigin = true
	ld.ReadFromURIFunc = read
	return ld
}

// loadOpenAPI loads an OpenAPI 3 root and everything it refers to.
//
// A root that openBrace marks is read with the marker, which kin-openapi
// parses with go-yaml in a fraction of the time; the only position that
// moves, that of the "{" itself, is put back. Should that fail, the root is
// read again as written, so that every failure is reported as before.
func (l *loader) loadOpenAPI() (*openapi3.T, error) {
	if doc, ok := l.loadDirect(); ok {
		return doc, nil
	}
	return l.loadKin()
}

// loadKin loads the root with kin-openapi's loader.
func (l *loader) loadKin() (*openapi3.T, error) {
	if marked := openBrace(l.root.data); marked != nil {
		if l.early.running() {
			l.root.index() // needed for the warnings of a large spec: build it while waiting
		}
		doc, ok := l.early.result(marked)
		var err error
		if !ok {
			doc, err = l.kinLoader().LoadFromDataWithPath(marked, fileURL(l.root.path))
		}
		if err == nil {
			if o := doc.Origin; o != nil && o.Key != nil && o.Key.Line == 1 && o.Key.Column == 1+len(docStart) {
				o.Key.Column = 1
			}
			return doc, nil
		}
		if cerr := l.ctx.Err(); cerr != nil {
			return nil, cerr
		}
		l.failure, l.lastRead = nil, nil
	}
	doc, err := l.kinLoader().LoadFromDataWithPath(l.root.data, fileURL(l.root.path))
	if err != nil {
		return nil, l.loadError(err)
	}
	return doc, nil
}

// index returns the file's index, building it on first use.
func (s *source) index() *index {
	if s.idx == nil {
		s.idx = buildIndex(s.tree())
	}
	return s.idx
}
