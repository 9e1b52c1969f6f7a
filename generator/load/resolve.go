package load

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// loader is the state of one Load call.
type loader struct {
	ctx     context.Context
	root    *source
	doc     *openapi3.T
	swagger bool // the root is Swagger 2.0, converted to OpenAPI 3

	files  []*source          // every file read, root first
	byURL  map[string]*source // by the name kin-openapi uses in origins
	byPath map[string]*source // by cleaned file path

	failure  *readFailure // the first file kin-openapi asked for and could not get
	lastRead *source      // the file kin-openapi read last

	warnings []Warning
	warned   map[string]bool
}

func newLoader(ctx context.Context) *loader {
	return &loader{
		ctx:    ctx,
		byURL:  map[string]*source{},
		byPath: map[string]*source{},
		warned: map[string]bool{},
	}
}

// readFailure is a file that could not be used: not local, not readable,
// or not YAML/JSON (syntax is then set).
type readFailure struct {
	url    string
	path   string
	reason string
	syntax *Error
}

func (f *readFailure) Error() string { return f.reason }

// fileURL is how kin-openapi names a local file.
func fileURL(p string) *url.URL { return &url.URL{Path: filepath.ToSlash(p)} }

// readRoot reads and parses the root file.
func (l *loader) readRoot(p string) *Error {
	raw, err := readLocal(p)
	if err != nil {
		return &Error{File: p, Message: "cannot read the spec: " + err.Error(), Err: err}
	}
	src, f := l.addSource(p, fileURL(p).String(), raw)
	if f != nil {
		return f.syntax
	}
	l.root = src
	return nil
}

// addSource parses raw and records it as a file of the spec.
func (l *loader) addSource(p, key string, raw []byte) (*source, *readFailure) {
	node, perr := parse(p, raw)
	if perr != nil {
		return nil, &readFailure{url: key, path: p, reason: perr.Message, syntax: perr}
	}
	src := &source{path: p, url: key, raw: raw, data: raw, node: node}
	l.files = append(l.files, src)
	l.byURL[key] = src
	l.byPath[filepath.Clean(p)] = src
	return src, nil
}

// sourceFor returns the file at u, reading it the first time. Only local
// files are read: a spec must not make svcgen fetch anything.
func (l *loader) sourceFor(u *url.URL) (*source, *readFailure) {
	key := u.String()
	if src := l.byURL[key]; src != nil {
		return src, nil
	}
	if !isLocal(u) {
		return nil, &readFailure{url: key, reason: "only local files can be referenced, not " + key}
	}
	p := filepath.FromSlash(u.Path)
	if src := l.byPath[filepath.Clean(p)]; src != nil {
		l.byURL[key] = src // the same file under another name
		return src, nil
	}
	raw, err := readLocal(p)
	if err != nil {
		return nil, &readFailure{url: key, path: p, reason: fmt.Sprintf("%s: %v", p, err)}
	}
	return l.addSource(p, key, raw)
}

func isLocal(u *url.URL) bool {
	return u.Host == "" && u.Opaque == "" && u.Path != "" && (u.Scheme == "" || u.Scheme == "file")
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
	ld := openapi3.NewLoader()
	ld.Context = l.ctx
	ld.IsExternalRefsAllowed = true
	ld.IncludeOrigin = true
	ld.ReadFromURIFunc = l.readURI
	return ld
}

// loadOpenAPI loads an OpenAPI 3 root and everything it refers to.
func (l *loader) loadOpenAPI() (*openapi3.T, error) {
	doc, err := l.kinLoader().LoadFromDataWithPath(l.root.data, fileURL(l.root.path))
	if err != nil {
		return nil, l.loadError(err)
	}
	return doc, nil
}

// loadError turns a failure of kin-openapi's loader into an *Error at the
// $ref that caused it when there is one.
func (l *loader) loadError(err error) error {
	if cerr := l.ctx.Err(); cerr != nil {
		return cerr
	}
	if f := l.failure; f != nil {
		if f.syntax != nil {
			return f.syntax
		}
		if src, r := l.refTo(f.url); src != nil {
			return l.refError(src, r, f.reason, err)
		}
		return &Error{File: l.root.path, Pointer: "#", Message: f.reason, Err: err}
	}
	if src, r, problem := l.refIn(err.Error()); src != nil {
		if problem == "" {
			problem = innermost(err)
		}
		return l.refError(src, r, problem, err)
	}
	var le *yaml.LoadError
	if errors.As(err, &le) {
		src := l.root
		if l.lastRead != nil {
			src = l.lastRead
		}
		return decodeError(src, le, err)
	}
	return &Error{File: l.root.path, Pointer: "#", Message: innermost(err), Err: err}
}

func (l *loader) refError(src *source, r refNode, problem string, err error) *Error {
	return &Error{
		File:    src.path,
		Pointer: "#" + r.ptr,
		Line:    r.line,
		Message: fmt.Sprintf("unresolvable $ref %q: %s", r.value, problem),
		Err:     err,
	}
}

// refs lists every $ref of every file read, root first, in document order.
func (l *loader) refs(yield func(*source, refNode) bool) {
	for _, src := range l.files {
		for _, r := range src.index().refs {
			if !yield(src, r) {
				return
			}
		}
	}
}

// refTo finds the first $ref whose target is the file at u.
func (l *loader) refTo(u string) (*source, refNode) {
	var found *source
	var at refNode
	l.refs(func(src *source, r refNode) bool {
		if t, _, err := refTarget(src, r.value); err == nil && t.String() == u {
			found, at = src, r
			return false
		}
		return true
	})
	return found, at
}

// refIn finds the $ref that the loader's message mentions, preferring one
// that does not resolve, with what is wrong with it.
func (l *loader) refIn(msg string) (src *source, at refNode, problem string) {
	l.refs(func(s *source, r refNode) bool {
		if !l.mentions(msg, r.value) {
			return true
		}
		p := l.refProblem(s, r.value)
		if src == nil || (problem == "" && p != "") {
			src, at, problem = s, r, p
		}
		return problem == ""
	})
	return src, at, problem
}

// mentions reports whether msg quotes ref, or the fragment of ref, the
// way kin-openapi does once it has opened the file. In a Swagger 2.0 root,
// refs are quoted as converted to OpenAPI 3.
func (l *loader) mentions(msg, ref string) bool {
	forms := []string{ref}
	if _, frag, ok := strings.Cut(ref, "#"); ok {
		forms = append(forms, "#"+frag)
	}
	if l.swagger {
		forms = append(forms, openapi2conv.ToV3Ref(ref))
	}
	for _, f := range forms {
		if strings.Contains(msg, strconv.Quote(f)) {
			return true
		}
	}
	return false
}

// refTarget resolves ref against the file holding it, as kin-openapi does:
// a relative path is joined to the directory of that file. It returns the
// file's URL, without fragment, and the fragment.
func refTarget(src *source, ref string) (*url.URL, string, error) {
	ru, err := url.Parse(ref)
	if err != nil {
		return nil, "", err
	}
	base, err := url.Parse(src.url)
	if err != nil {
		return nil, "", err
	}
	frag := ru.Fragment
	switch {
	case strings.HasPrefix(ref, "#"):
		return base, frag, nil
	case !isLocal(ru) || filepath.IsAbs(ru.Path):
		ru.Fragment = ""
		return ru, frag, nil
	}
	t := *base
	t.Path = path.Join(path.Dir(base.Path), ru.Path)
	t.Fragment = ""
	return &t, frag, nil
}

// refProblem says why ref, written in src, does not resolve, or "" when it
// does as far as a look at the files shows.
func (l *loader) refProblem(src *source, ref string) string {
	u, frag, err := refTarget(src, ref)
	if err != nil {
		return "not a valid URI reference"
	}
	target, f := l.sourceFor(u)
	if f != nil {
		if f.syntax != nil {
			return fmt.Sprintf("%s is not valid YAML or JSON", f.path)
		}
		return f.reason
	}
	if target.node == nil || frag == "" {
		return ""
	}
	if !strings.HasPrefix(frag, "/") {
		return fmt.Sprintf("fragment %q is not a JSON pointer", frag)
	}
	if _, n, ok := lookup(target.node, frag); !ok {
		tokens := splitPointer(frag)
		msg := fmt.Sprintf("no %q under #%s", tokens[n], join("", tokens[:n]...))
		if n == 0 {
			msg = fmt.Sprintf("no top-level %q", tokens[n])
		}
		if target != src {
			msg += " in " + target.path
		}
		return msg
	}
	return ""
}

// index returns the file's index, building it on first use.
func (s *source) index() *index {
	if s.idx == nil {
		s.idx = buildIndex(s.node)
	}
	return s.idx
}

// innermost returns the message at the bottom of err's chain, prefixed by
// the messages above it only where they add words of their own.
func innermost(err error) string {
	msg := err.Error()
	for _, prefix := range []string{"failed to unmarshal data: ", "yaml error: ", "json error: "} {
		msg = strings.ReplaceAll(msg, prefix, "")
	}
	return oneLine(msg)
}

// decodeRe matches go-yaml's decoding errors, such as
// "cannot construct !!int `5` into map[string]*openapi3.PathItem in /paths".
var decodeRe = regexp.MustCompile("^cannot (?:construct|unmarshal) !!(\\w+)(?: `([^`]*)`)? into (.*?)(?: in (/.*))?$")

// decodeError describes a value of the wrong kind in a file that is valid
// YAML: it names the kind of value expected instead of the Go type
// kin-openapi decodes into, and finds its pointer when it can.
func decodeError(src *source, le *yaml.LoadError, err error) *Error {
	e := &Error{File: src.path, Line: le.Mark.Line, Message: oneLine(le.Message), Err: err}
	m := decodeRe.FindStringSubmatch(le.Message)
	if m == nil {
		return e
	}
	found := yamlKind(m[1])
	if m[2] != "" {
		found += " (" + m[2] + ")"
	}
	e.Message = fmt.Sprintf("wrong type: expected %s, found %s", goKind(m[3]), found)
	if p := m[4]; p != "" && src.node != nil {
		if _, _, ok := lookup(src.node, p); ok {
			e.Pointer = "#" + p
		}
	}
	return e
}

// yamlKind names a YAML core tag in words.
func yamlKind(tag string) string {
	switch tag {
	case "int", "float":
		return "a number"
	case "str":
		return "a string"
	case "bool":
		return "a boolean"
	case "map":
		return "an object"
	case "seq":
		return "a list"
	case "null":
		return "null"
	}
	return "!!" + tag
}

// goKind names, in YAML words, the kind of value a Go type decodes.
func goKind(t string) string {
	t = strings.TrimPrefix(t, "string field ")
	switch {
	case strings.HasPrefix(t, "[]"), strings.HasSuffix(t, "Parameters"), strings.HasSuffix(t, "Servers"),
		strings.HasSuffix(t, "Tags"), strings.HasSuffix(t, "SecurityRequirements"), strings.HasSuffix(t, "SchemaRefs"):
		return "a list"
	case strings.HasPrefix(t, "map["), strings.Contains(t, "openapi3."), strings.Contains(t, "openapi2."):
		return "an object"
	case strings.HasPrefix(t, "bool"):
		return "a boolean"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "float"):
		return "a number"
	case strings.HasPrefix(t, "string"), strings.HasPrefix(t, `"`):
		return "a string"
	}
	return "another kind of value"
}
