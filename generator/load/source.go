package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// maxFileSize bounds every file read, so that a $ref to a huge or endless
// file cannot exhaust memory.
const maxFileSize = 64 << 20

// source is one file of the spec: the root or a file reached through $ref.
type source struct {
	path string // as the user would name it: the root as given, others joined to it
	url  string // the name kin-openapi gives the file in origins
	raw  []byte // the bytes as read
	data []byte // the bytes handed to kin-openapi: raw, maybe with the version quoted
	node *yaml.Node
	json bool // node was read by parseJSON
	// node is the parsed content (nil when only the JSON parser could read
	// the file); idx is built from it on first use.
	idx *index
	// released is set when readRootDirect dropped what node holds below
	// its top level once it was decoded: the tree of a large spec is
	// several times its size. node then answers only about the top level
	// (the version); lookup answers from idx, and tree parses data again
	// for the rare walk that needs the whole tree (explaining a failure).
	released bool
}

// tree returns the whole parsed content, parsing the file again if its
// tree was released.
func (s *source) tree() *yaml.Node {
	if s.released {
		if n, err := parse(s.path, s.data); err == nil && n != nil {
			s.node = n
		}
		s.released = false
	}
	return s.node
}

// lookup resolves pointer p in the file (see the function lookup), from
// the index when the tree was released.
func (s *source) lookup(p string) (line, resolved int, ok bool) {
	if s.released {
		return s.index().lookup(p)
	}
	return lookup(s.node, p)
}

// read reads a file of the spec: from f.fsys when there is one, else from
// the local file system.
func (f *fileSet) read(p string) ([]byte, error) {
	if f.fsys == nil {
		return readLocal(p)
	}
	name := filepath.ToSlash(filepath.Clean(p))
	if !fs.ValidPath(name) {
		return nil, errors.New("outside the folder the spec is read from")
	}
	info, err := fs.Stat(f.fsys, name)
	if err != nil {
		return nil, fileError(err)
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if info.Size() > maxFileSize {
		return nil, fmt.Errorf("file larger than %d MiB", maxFileSize>>20)
	}
	raw, err := fs.ReadFile(f.fsys, name)
	if err != nil {
		return nil, fileError(err)
	}
	return raw, nil
}

// readLocal reads a regular local file of a sane size.
func readLocal(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fileError(err)
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if info.Size() > maxFileSize {
		return nil, fmt.Errorf("file larger than %d MiB", maxFileSize>>20)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fileError(err)
	}
	return raw, nil
}

// fileError turns an *fs.PathError into its plain reason: the caller
// already names the file.
func fileError(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return errors.New("file not found")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// parse reads raw as YAML (JSON being YAML too) and returns the content
// node: with parseJSON when it can, which gives the same tree faster. A
// file that only encoding/json accepts (parseJSON refuses a few valid JSON
// documents it leaves to go-yaml, and go-yaml rejects a few, such as ones
// with a raw line separator in a string) gives a nil node and no error: it
// loads, only without line numbers.
func parse(path string, raw []byte) (*yaml.Node, *Error) {
	node, _, err := parseSource(path, raw)
	return node, err
}

// parseSource is parse, also telling whether parseJSON read the file: the
// tree then holds only what JSON can write (see directEligible).
func parseSource(path string, raw []byte) (node *yaml.Node, fromJSON bool, err *Error) {
	node, ok := parseJSON(raw)
	if ok {
		if e := duplicateKey(path, node); e != nil {
			return nil, false, e
		}
		return node, true, nil
	}
	node, err = parseYAML(path, raw)
	return node, false, err
}

// parseYAML parses what parseJSON cannot.
func parseYAML(path string, raw []byte) (*yaml.Node, *Error) {
	node, ok := parseOpenBrace(raw)
	if ok {
		if e := duplicateKey(path, node); e != nil {
			return nil, e
		}
		return node, nil
	}
	var doc yaml.Node
	yamlErr := yaml.Unmarshal(raw, &doc)
	if yamlErr == nil {
		node := &doc
		if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
			node = doc.Content[0]
		}
		if e := duplicateKey(path, node); e != nil {
			return nil, e
		}
		return node, nil
	}
	if json.Valid(raw) {
		return nil, nil
	}
	if mayBeJSON(raw) {
		return nil, jsonSyntaxError(path, raw)
	}
	return nil, yamlSyntaxError(path, yamlErr)
}

// docStart is what openBrace puts in front of a JSON document for go-yaml.
const docStart = "--- "

// openBrace returns raw with a document start marker in front when raw
// begins with a line holding only "{", the way JSON is usually
// indented, and nil otherwise.
//
// go-yaml keeps every token of a flow mapping in memory until the mapping
// ends when the mapping could be the key of a block mapping ("{a: b}: c"),
// which a "{" starting a line could be: on a large JSON document (GitHub's
// is 13 MB) that queue takes seconds and hundreds of MB to grow. After
// "--- " a flow mapping cannot be a key, and go-yaml reads the document
// token by token. The marker moves only the "{" itself, alone on the first
// line: every other line and column stays as written.
//
// A document that only reads as YAML with the "{" as a key (a multi-line
// flow mapping as a key) fails to parse with the marker; callers then
// parse raw as it is.
func openBrace(raw []byte) []byte {
	if len(raw) < 2 || raw[0] != '{' {
		return nil
	}
	rest := bytes.TrimLeft(raw[1:], " ")
	if !bytes.HasPrefix(rest, []byte("\n")) && !bytes.HasPrefix(rest, []byte("\r\n")) {
		return nil
	}
	// kin-openapi reads a JSON document holding U+0085 with encoding/json
	// (see its unmarshal), which the marker would defeat.
	if bytes.Contains(raw, []byte("\u0085")) {
		return nil
	}
	return append([]byte(docStart), raw...)
}

// parseOpenBrace parses raw with openBrace's marker, and gives the node
// of the document, placed where raw has it; ok is false when the marker
// does not apply or the marked document does not parse.
func parseOpenBrace(raw []byte) (node *yaml.Node, ok bool) {
	marked := openBrace(raw)
	if marked == nil {
		return nil, false
	}
	var doc yaml.Node
	if yaml.Unmarshal(marked, &doc) != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, false
	}
	node = doc.Content[0]
	if node.Kind != yaml.MappingNode || node.Line != 1 || node.Column != 1+len(docStart) {
		return nil, false
	}
	node.Column = 1
	return node, true
}

// duplicateKey finds a key written twice in one mapping. YAML forbids
// it and JSON leaves it undefined; kin-openapi refuses it in most places
// but keeps one of the two silently in others, such as paths.
func duplicateKey(path string, root *yaml.Node) *Error {
	// The walk keeps the tokens of the pointer, and builds the pointer only
	// for the duplicate: the document may have millions of nodes.
	var tokens []string
	first := map[string]int{}
	var walk func(n *yaml.Node) *Error
	walk = func(n *yaml.Node) *Error {
		switch n.Kind {
		case yaml.MappingNode:
			clear(first)
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Kind != yaml.ScalarNode || k.Value == "<<" {
					continue
				}
				if line, seen := first[k.Value]; seen {
					return &Error{File: path, Pointer: "#" + join("", append(tokens, k.Value)...), Line: k.Line,
						Message: fmt.Sprintf("duplicate key %q (first at line %d)", k.Value, line)}
				}
				first[k.Value] = k.Line
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				tokens = append(tokens, n.Content[i].Value)
				if e := walk(n.Content[i+1]); e != nil {
					return e
				}
				tokens = tokens[:len(tokens)-1]
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				tokens = append(tokens, strconv.Itoa(i))
				if e := walk(item); e != nil {
					return e
				}
				tokens = tokens[:len(tokens)-1]
			}
		}
		return nil
	}
	if root == nil {
		return nil
	}
	return walk(root)
}

// mayBeJSON reports whether data starts like a JSON object or array.
func mayBeJSON(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(data) > 0 && (data[0] == '{' || data[0] == '[')
}

func yamlSyntaxError(path string, err error) *Error {
	e := &Error{File: path, Message: "invalid YAML: " + oneLine(err.Error()), Err: err}
	var le *yaml.LoadError
	if errors.As(err, &le) {
		e.Line = le.Mark.Line
		e.Message = "invalid YAML: " + oneLine(le.Message)
	}
	return e
}

func jsonSyntaxError(path string, raw []byte) *Error {
	var v any
	err := json.Unmarshal(raw, &v)
	if err == nil { // cannot happen: json.Valid said no
		err = errors.New("malformed JSON")
	}
	e := &Error{File: path, Message: "invalid JSON: " + strings.TrimPrefix(err.Error(), "json: "), Err: err}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		e.Line = 1 + bytes.Count(raw[:min(int(se.Offset), len(raw))], []byte("\n"))
	}
	return e
}

// Kinds of document.
const (
	kindOpenAPI3 = "openapi"
	kindSwagger2 = "swagger"
)

// detect finds which kind of document root is and its version. It may patch
// root.data so that kin-openapi reads the version (see fixVersion).
func (f *fileSet) detect(root *source) (kind, version string, err *Error) {
	var vnode *yaml.Node
	switch {
	case root.node != nil:
		kind, vnode = versionNode(root.node)
		if vnode != nil {
			version = vnode.Value
		}
	default: // JSON that only encoding/json reads
		var top map[string]any
		if json.Unmarshal(root.raw, &top) == nil {
			for _, k := range []string{kindOpenAPI3, kindSwagger2} {
				if v, ok := top[k]; ok {
					kind, version = k, fmt.Sprint(v)
					break
				}
			}
		}
	}
	if kind == "" {
		return "", "", &Error{File: root.path, Pointer: "#",
			Message: `neither an OpenAPI 3.x nor a Swagger 2.0 document: no top-level "openapi" or "swagger" field`}
	}
	ptr := "/" + kind
	switch {
	case kind == kindSwagger2 && version != "2.0" && version != "2":
		return "", "", f.rep.errorAt(root, ptr, fmt.Sprintf("unsupported Swagger version %q: only 2.0 is supported", version))
	case kind == kindOpenAPI3 && canonicalVersion(version) == "":
		return "", "", f.rep.errorAt(root, ptr, fmt.Sprintf("unsupported OpenAPI version %q: 3.0, 3.1 and 3.2 are supported", version))
	}
	if vnode != nil {
		f.fixVersion(root, kind, vnode)
	}
	return kind, version, nil
}

// versionNode returns the value of the top-level "openapi" or "swagger" key.
func versionNode(n *yaml.Node) (kind string, v *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		return "", nil
	}
	for _, k := range []string{kindOpenAPI3, kindSwagger2} {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k && n.Content[i+1].Kind == yaml.ScalarNode {
				return k, n.Content[i+1]
			}
		}
	}
	return "", nil
}

// canonicalVersion maps an OpenAPI 3 version to one kin-openapi recognises.
// kin-openapi decides between 3.0 and 3.1 rules by exact string ("3.0.3",
// "3.1.0"...): an unlisted patch version such as "3.1.5" is neither, and
// would be validated with the 3.0 rules. It returns "" for versions svcgen
// does not read.
func canonicalVersion(v string) string {
	switch {
	case v == "3" || v == "3.0" || strings.HasPrefix(v, "3.0."):
		return "3.0.3"
	case v == "3.1" || strings.HasPrefix(v, "3.1."):
		return "3.1.0"
	case v == "3.2" || strings.HasPrefix(v, "3.2."):
		return "3.2.0"
	}
	return ""
}

// knownVersions are the versions kin-openapi recognises (openapi3.T.OpenAPIMajorMinor).
var knownVersions = map[string]bool{
	"3": true, "3.0": true, "3.0.0": true, "3.0.1": true, "3.0.2": true, "3.0.3": true, "3.0.4": true,
	"3.1": true, "3.1.0": true, "3.1.1": true, "3.1.2": true,
	"3.2": true, "3.2.0": true, "3.2.1": true,
}

// fixVersion rewrites the version scalar in root.data, when needed, into a
// quoted string kin-openapi reads the way the author meant: an unquoted
// `openapi: 3.0` or `swagger: 2.0` is a YAML number, which kin-openapi
// refuses, and an unlisted patch version would get the wrong rules. Only
// that scalar changes, so every line number stays valid.
func (f *fileSet) fixVersion(root *source, kind string, v *yaml.Node) {
	want := v.Value
	if kind == kindOpenAPI3 && !knownVersions[want] {
		want = canonicalVersion(want)
	}
	isString := v.Tag == "!!str" || v.Tag == ""
	if isString && want == v.Value {
		return
	}
	patched, ok := replaceScalar(root.raw, v, `"`+want+`"`)
	if !ok {
		return
	}
	root.data = patched
	// Columns after the scalar moved: index what kin-openapi reads.
	if n, err := parse(root.path, patched); err == nil && n != nil {
		root.node, root.idx, root.released = n, nil, false
	}
	ptr := "/" + kind
	if want != v.Value {
		f.rep.warnAt(root, ptr, fmt.Sprintf("%s version %q is not one svcgen knows; read as %s", kind, v.Value, want))
	}
	if !isString {
		f.rep.warnAt(root, ptr, fmt.Sprintf("%s version %s is a number; write it as a string: %q", kind, v.Value, v.Value))
	}
}

// replaceScalar replaces the text of scalar node n in raw by repl. It checks
// that the text at n's position is the scalar as written (plain or quoted)
// and reports false otherwise.
func replaceScalar(raw []byte, n *yaml.Node, repl string) ([]byte, bool) {
	off := offsetOf(raw, n.Line, n.Column)
	if off < 0 {
		return nil, false
	}
	rest := raw[off:]
	var length int
	switch {
	case bytes.HasPrefix(rest, []byte(`"`+n.Value+`"`)), bytes.HasPrefix(rest, []byte(`'`+n.Value+`'`)):
		length = len(n.Value) + 2
	case bytes.HasPrefix(rest, []byte(n.Value)):
		length = len(n.Value)
	default:
		return nil, false
	}
	out := make([]byte, 0, len(raw)+2)
	out = append(out, raw[:off]...)
	out = append(out, repl...)
	return append(out, raw[off+length:]...), true
}

// offsetOf converts a 1-based line and column (in characters) into a byte
// offset, or -1.
func offsetOf(raw []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(raw[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	for c := 1; c < col; c++ {
		if off >= len(raw) || raw[off] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRune(raw[off:])
		off += size
	}
	if off > len(raw) {
		return -1
	}
	return off
}

// oneLine folds a multi-line message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
