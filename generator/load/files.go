package load

import (
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"

	"go.yaml.in/yaml/v4"
)

// fileSet is the first two stages of Load (docs/ARCHITECTURE.md, "Inside
// load"): the files of one spec, each read at most once, only if it lies
// inside the fence, then parsed and patched where kin-openapi would misread
// it (detect, fixTupleItems). It knows nothing of the stages after it; the
// warnings it finds go to rep.
type fileSet struct {
	fsys    fs.FS  // where files are read from; nil for the local file system
	refRoot string // Options.RefRoot
	fence   *fence // where $refs may lead; set by readRoot

	root   *source
	files  []*source          // every file read, root first
	byURL  map[string]*source // by the name kin-openapi uses in origins
	byPath map[string]*source // by cleaned file path

	rep *report
}

func newFileSet(rep *report) *fileSet {
	return &fileSet{byURL: map[string]*source{}, byPath: map[string]*source{}, rep: rep}
}

// addSource parses raw and records it as a file of the spec.
func (f *fileSet) addSource(p, key string, raw []byte) (*source, *readFailure) {
	node, fromJSON, perr := parseSource(p, raw)
	if perr != nil {
		return nil, &readFailure{url: key, path: p, reason: perr.Message, syntax: perr}
	}
	return f.addParsed(p, key, raw, node, fromJSON), nil
}

// addParsed records a file of the spec, parsed as node.
func (f *fileSet) addParsed(p, key string, raw []byte, node *yaml.Node, fromJSON bool) *source {
	src := &source{path: p, url: key, raw: raw, data: raw, node: node, json: fromJSON}
	f.files = append(f.files, src)
	f.byURL[key] = src
	f.byPath[filepath.Clean(p)] = src
	return src
}

// sourceFor returns the file at u, reading it the first time. Only local
// files are read: a spec must not make svcgen fetch anything.
func (f *fileSet) sourceFor(u *url.URL) (*source, *readFailure) {
	key := u.String()
	if src := f.byURL[key]; src != nil {
		return src, nil
	}
	if !isLocal(u) {
		return nil, &readFailure{url: key, reason: "only local files can be referenced, not " + key}
	}
	p := filepath.FromSlash(u.Path)
	if src := f.byPath[filepath.Clean(p)]; src != nil {
		f.byURL[key] = src // the same file under another name
		return src, nil
	}
	if f.fsys == nil { // an fs.FS is its own fence
		if reason := f.fence.refuses(p); reason != "" {
			return nil, &readFailure{url: key, path: p, reason: reason, refused: true}
		}
	}
	raw, err := f.read(p)
	if err != nil {
		return nil, &readFailure{url: key, path: p, reason: fmt.Sprintf("%s: %v", p, err)}
	}
	src, failed := f.addSource(p, key, raw)
	if failed == nil {
		f.fixTupleItems(src)
	}
	return src, failed
}

func isLocal(u *url.URL) bool {
	return u.Host == "" && u.Opaque == "" && u.Path != "" && (u.Scheme == "" || u.Scheme == "file")
}

// filePaths lists the files read, root first.
func (f *fileSet) filePaths() []string {
	paths := make([]string, len(f.files))
	for i, f := range f.files {
		paths[i] = f.path
	}
	return paths
}

// refs lists every $ref of every file read, root first, in document order.
func (f *fileSet) refs(yield func(*source, refNode) bool) {
	for _, src := range f.files {
		for _, r := range src.index().refs {
			if !yield(src, r) {
				return
			}
		}
	}
}
