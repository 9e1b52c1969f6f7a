package load

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi2conv"
	"go.yaml.in/yaml/v4"
)

// kin-openapi's loader fails with plain wrapped errors: no type or origin
// says which $ref or line is at fault. The functions here find it in the
// files themselves.

// loadError turns a failure of kin-openapi's loader into an *Error: at the
// file it could not read, at the line it could not decode (a decoding error
// is about the file read last), at the $ref it could not resolve, or at
// the null it found where an object belongs.
func (l *loader) loadError(err error) error {
	if cerr := l.ctx.Err(); cerr != nil {
		return cerr
	}
	if f := l.failure; f != nil {
		if f.syntax != nil {
			return f.syntax
		}
		if src, r := l.refTo(f.url); src != nil {
			if f.refused {
				return &Error{File: src.path, Pointer: "#" + r.ptr, Line: r.line, Err: err,
					Message: fmt.Sprintf("$ref %q refused: %s", r.value, f.reason)}
			}
			return l.refError(src, r, f.reason, err)
		}
		return &Error{File: l.root.path, Pointer: "#", Message: f.reason, Err: err}
	}
	var le *yaml.LoadError
	if errors.As(err, &le) {
		src := l.root
		if l.lastRead != nil {
			src = l.lastRead
		}
		return decodeError(src, le, err)
	}
	if src, r, problem := l.refIn(err.Error()); src != nil {
		if problem == "" {
			problem = innermost(err)
		}
		return l.refError(src, r, problem, err)
	}
	if m := mustObject.FindStringSubmatch(err.Error()); m != nil {
		if e := l.nullError(m[1], err); e != nil {
			return e
		}
	}
	return &Error{File: l.root.path, Pointer: "#", Message: innermost(err), Err: err}
}

// mustObject matches kin-openapi's "invalid parameter: value MUST be an
// object", about a null where an object is expected.
var mustObject = regexp.MustCompile(`invalid (\w+): value MUST be an object`)

// nullError finds the first null written where kin-openapi wanted an
// object of the given kind.
func (l *loader) nullError(kind string, err error) *Error {
	for _, src := range l.files {
		var null *Error
		walkTree(src.tree(), "", nil, func(n *yaml.Node, ptr string, _ *yaml.Node) bool {
			if n.Kind == yaml.ScalarNode && n.Tag == "!!null" && holds(ptr, kind) {
				null = &Error{File: src.path, Pointer: "#" + ptr, Line: n.Line,
					Message: fmt.Sprintf("expected %s object, found null", kind), Err: err}
			}
			return null == nil
		})
		if null != nil {
			return null
		}
	}
	return nil
}

// holds reports whether the element at p is, by its place, of the kind
// kin-openapi names in its errors.
func holds(p, kind string) bool {
	t := splitPointer(p)
	if len(t) < 2 {
		return false
	}
	last, up := t[len(t)-1], t[len(t)-2]
	switch kind {
	case "parameter":
		return up == "parameters"
	case "response":
		return up == "responses"
	case "requestBody":
		return last == "requestBody" || up == "requestBodies"
	case "header":
		return up == "headers"
	case "securityScheme":
		return up == "securitySchemes"
	case "example":
		return up == "examples"
	case "link":
		return up == "links"
	case "callback":
		return up == "callbacks"
	case "schema":
		return slices.Contains([]string{"schema", "items", "not", "additionalProperties", "propertyNames",
			"contains", "if", "then", "else", "contentSchema", "unevaluatedItems", "unevaluatedProperties"}, last) ||
			slices.Contains([]string{"schemas", "properties", "patternProperties", "$defs", "dependentSchemas",
				"allOf", "anyOf", "oneOf", "prefixItems", "definitions"}, up)
	}
	return false
}

func (l *loader) refError(src *source, r refNode, problem string, err error) *Error {
	if cycle := l.refCycle(src, r.value); cycle != "" {
		return &Error{File: src.path, Pointer: "#" + r.ptr, Line: r.line, Message: cycleMessage(r.value, cycle), Err: err}
	}
	return &Error{
		File:    src.path,
		Pointer: "#" + r.ptr,
		Line:    r.line,
		Message: fmt.Sprintf("unresolvable $ref %q: %s", r.value, problem),
		Err:     err,
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
	if _, n, ok := target.lookup(frag); !ok {
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

// cycleMessage says that ref leads into the $ref cycle refCycle found.
func cycleMessage(ref, cycle string) string {
	return fmt.Sprintf("$ref %q leads into a cycle of $refs, %s: each is only a $ref to the next, so none is a schema", ref, cycle)
}

// refCycle follows ref from src through targets that are themselves only
// a $ref, and names the members of the cycle ("#/a → #/b → #/a") when the
// chain comes back on itself, or returns "":
// such schemas (A: {$ref: A}, or A and B naming each other) describe
// nothing, which kin-openapi reports as a $ref it cannot resolve.
func (l *loader) refCycle(src *source, ref string) string {
	type place struct {
		file *source
		ptr  string
	}
	seen := map[place]int{}
	var chain []string
	for range 1000 {
		u, frag, err := refTarget(src, ref)
		if err != nil || !strings.HasPrefix(frag, "/") && frag != "" {
			return ""
		}
		target, f := l.sourceFor(u)
		if f != nil || target.node == nil {
			return ""
		}
		at := place{target, frag}
		name := "#" + frag
		if target != l.root {
			name = target.path + name
		}
		if i, ok := seen[at]; ok {
			return strings.Join(append(chain[i:], chain[i]), " → ")
		}
		seen[at] = len(chain)
		chain = append(chain, name)
		n := deref(lookupNode(target.tree(), frag))
		next, _ := child(n, "$ref")
		if next == nil || next.Kind != yaml.ScalarNode {
			return ""
		}
		src, ref = target, next.Value
	}
	return ""
}

// lookupNode returns the node at pointer p under root, or nil.
func lookupNode(root *yaml.Node, p string) *yaml.Node {
	n := root
	for _, t := range splitPointer(p) {
		if n, _ = child(deref(n), t); n == nil {
			return nil
		}
	}
	return n
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
		if _, _, ok := src.lookup(p); ok {
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
