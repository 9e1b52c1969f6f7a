package load

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v4"
)

// Pointers are handled internally as RFC 6901 strings without the leading
// "#": "" is the whole document, "/paths/~1orders" a path item. They get
// their "#" when shown.

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// escapeToken escapes one JSON pointer token (RFC 6901: ~ → ~0, / → ~1).
func escapeToken(s string) string { return pointerEscaper.Replace(s) }

// unescapeToken is the inverse of escapeToken.
func unescapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// join appends escaped tokens to pointer p.
func join(p string, tokens ...string) string {
	var sb strings.Builder
	sb.WriteString(p)
	for _, t := range tokens {
		sb.WriteByte('/')
		sb.WriteString(escapeToken(t))
	}
	return sb.String()
}

// splitPointer returns the unescaped tokens of p.
func splitPointer(p string) []string {
	if p == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, t := range parts {
		parts[i] = unescapeToken(t)
	}
	return parts
}

// hasPrefix reports whether pointer p is q or lies below it.
func hasPrefix(p, q string) bool {
	return p == q || strings.HasPrefix(p, q+"/")
}

// index answers questions about one parsed file: which JSON pointer a
// position belongs to (kin-openapi's origins give positions) and which
// $refs the file holds.
//
// A large file has millions of elements, and only a few are ever asked
// about: the index keeps, for each element, its position, its key and its
// parent, and builds pointers when asked.
type index struct {
	elems []elem  // in document order, the document first
	byPos []int32 // indexes into elems, by position, in document order at one position
	refs  []refNode

	mu   sync.Mutex
	wide map[int32]map[string]int32 // the children of elements holding many, by key (see child)
}

// elem is an element of the file, found at the position of the key that
// heads it: the position kin-openapi records as Origin.Key.
type elem struct {
	line, col int32
	name      string // the key heading the element; "" for the document
	parent    int32  // index of the element holding this one; -1 for the document
	item      int32  // index in its sequence of a sequence item, else -1
	end       int32  // index of the first element after this one and all it holds
	// nodeLine is the line of the element's own node: for a mapping in a
	// sequence, that of its "{", where line is that of its first key.
	nodeLine int32
}

// refNode is a $ref found in a file.
type refNode struct {
	ptr   string // the object holding the $ref
	value string
	line  int
}

func buildIndex(root *yaml.Node) *index {
	ix := &index{}
	if root != nil {
		// Counted first: a large file has millions of elements, whose
		// slice would otherwise be copied a dozen times as it grows.
		ix.elems = make([]elem, 0, countNodes(root))
		ix.visit(root, -1, nil, -1)
	}
	ix.byPos = make([]int32, len(ix.elems))
	for i := range ix.byPos {
		ix.byPos[i] = int32(i)
	}
	// Document order is position order, but for odd YAML: check.
	byPos := func(a, b int32) int {
		ea, eb := &ix.elems[a], &ix.elems[b]
		return cmp.Or(cmp.Compare(ea.line, eb.line), cmp.Compare(ea.col, eb.col))
	}
	if !slices.IsSortedFunc(ix.byPos, byPos) {
		slices.SortStableFunc(ix.byPos, byPos)
	}
	return ix
}

// countNodes counts the elements visit records for n.
func countNodes(n *yaml.Node) int {
	c := 1
	switch n.Kind {
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			c += countNodes(n.Content[i])
		}
	case yaml.SequenceNode:
		for _, item := range n.Content {
			c += countNodes(item)
		}
	}
	return c
}

// visit records n, under key (nil for the root and sequence items) or as
// item number item of a sequence, and every node below it. It records a
// mapping entry at its key and a sequence item at its first key, the way
// kin-openapi stamps origins, and every $ref. Aliases are not followed:
// their content is recorded where it is written.
func (ix *index) visit(n *yaml.Node, parent int32, key *yaml.Node, item int) {
	e := elem{parent: parent, item: int32(item), nodeLine: int32(n.Line)}
	switch {
	case key != nil:
		e.line, e.col, e.name = int32(key.Line), int32(key.Column), key.Value
	case parent < 0: // the document
		e.line, e.col = int32(n.Line), int32(n.Column)
	case n.Kind == yaml.MappingNode && len(n.Content) > 0: // a sequence item
		first := n.Content[0]
		e.line, e.col, e.name = int32(first.Line), int32(first.Column), first.Value
	default:
		e.line, e.col, e.name = int32(n.Line), int32(n.Column), n.Value
	}
	self := int32(len(ix.elems))
	ix.elems = append(ix.elems, e)
	if key != nil && key.Value == "$ref" && n.Kind == yaml.ScalarNode {
		ix.refs = append(ix.refs, refNode{ptr: ix.pointer(parent), value: n.Value, line: key.Line})
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			ix.visit(n.Content[i+1], self, n.Content[i], -1)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			ix.visit(c, self, nil, i)
		}
	}
	ix.elems[self].end = int32(len(ix.elems))
}

// lookup is the package's lookup answered from the index, for a file whose
// tree was released (readRootDirect): the same answers for a tree without
// aliases, which is all a released tree can be (JSON).
func (ix *index) lookup(p string) (line, resolved int, ok bool) {
	if len(ix.elems) == 0 {
		return 0, 0, false
	}
	i := int32(0)
	line = int(ix.elems[0].nodeLine)
	tokens := splitPointer(p)
	for n, t := range tokens {
		c := ix.child(i, t)
		if c < 0 {
			return line, n, false
		}
		i = c
		if e := &ix.elems[c]; e.item >= 0 {
			line = int(e.nodeLine)
		} else {
			line = int(e.line)
		}
	}
	return line, len(tokens), true
}

// wideFrom is how many elements an element holds (at any depth) before
// child indexes its children by key: looking through the 30,000 schemas
// of a large spec for each warning would add up.
const wideFrom = 64

// child returns the element under token t of element i, as the package's
// child finds it in the tree, or -1.
func (ix *index) child(i int32, t string) int32 {
	e := &ix.elems[i]
	if e.end-i > wideFrom {
		ix.mu.Lock()
		byKey, ok := ix.wide[i]
		if !ok {
			byKey = map[string]int32{}
			for c := i + 1; c < e.end; c = ix.elems[c].end {
				ce := &ix.elems[c]
				k := ce.name
				if ce.item >= 0 {
					k = strconv.Itoa(int(ce.item))
				}
				if _, dup := byKey[k]; !dup {
					byKey[k] = c
				}
			}
			if ix.wide == nil {
				ix.wide = map[int32]map[string]int32{}
			}
			ix.wide[i] = byKey
		}
		ix.mu.Unlock()
		c, ok := byKey[t]
		if !ok || ix.elems[c].item >= 0 && t != strconv.Itoa(int(ix.elems[c].item)) {
			return -1
		}
		return c
	}
	for c := i + 1; c < e.end; c = ix.elems[c].end {
		ce := &ix.elems[c]
		if ce.item < 0 && ce.name == t || ce.item >= 0 && t == strconv.Itoa(int(ce.item)) {
			return c
		}
	}
	return -1
}

// pointer returns the pointer of element i.
func (ix *index) pointer(i int32) string {
	var tokens []string
	for ; i >= 0 && ix.elems[i].parent >= 0; i = ix.elems[i].parent {
		e := &ix.elems[i]
		if e.item >= 0 {
			tokens = append(tokens, strconv.Itoa(int(e.item)))
		} else {
			tokens = append(tokens, e.name)
		}
	}
	slices.Reverse(tokens)
	return join("", tokens...)
}

// at returns the elements recorded at line:col, in document order.
func (ix *index) at(line, col int) []int32 {
	l, c := int32(line), int32(col)
	find := func(i int32) bool {
		e := &ix.elems[i]
		return e.line > l || e.line == l && e.col >= c
	}
	from, _ := slices.BinarySearchFunc(ix.byPos, 0, func(i int32, _ int) int {
		if find(i) {
			return 1
		}
		return -1
	})
	to := from
	for to < len(ix.byPos) && ix.elems[ix.byPos[to]].line == l && ix.elems[ix.byPos[to]].col == c {
		to++
	}
	return ix.byPos[from:to]
}

// walkTree calls visit for n, at pointer ptr under key (nil for the root
// and sequence items), and for every node below it, until visit returns
// false. Aliases are not followed: their content is visited where it is
// written.
func walkTree(n *yaml.Node, ptr string, key *yaml.Node, visit func(n *yaml.Node, ptr string, key *yaml.Node) bool) bool {
	if n == nil {
		return true
	}
	if !visit(n, ptr, key) {
		return false
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if !walkTree(n.Content[i+1], join(ptr, k.Value), k, visit) {
				return false
			}
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			if !walkTree(item, ptr+"/"+strconv.Itoa(i), nil, visit) {
				return false
			}
		}
	}
	return true
}

// pointerAt returns the pointer of the element kin-openapi stamped with an
// origin at line:col under key name. Where two elements share the position
// (a sequence item and its first field), the outer one wins: only objects
// carry origins.
func (ix *index) pointerAt(line, col int, name string) (string, bool) {
	best, found := "", false
	for _, i := range ix.at(line, col) {
		if ix.elems[i].name != name {
			continue
		}
		if p := ix.pointer(i); !found || len(p) < len(best) {
			best, found = p, true
		}
	}
	return best, found
}

// fieldAt returns the pointer of the field named name whose key is at
// line:col. Where a sequence item starts with that field, the field wins.
func (ix *index) fieldAt(line, col int, name string) (string, bool) {
	best, found := "", false
	suffix := "/" + escapeToken(name)
	for _, i := range ix.at(line, col) {
		if ix.elems[i].name != name {
			continue
		}
		if p := ix.pointer(i); strings.HasSuffix(p, suffix) && len(p) > len(best) {
			best, found = p, true
		}
	}
	return best, found
}

// parent returns the pointer of the element holding p.
func parent(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// lookup resolves pointer p in the tree rooted at root. It returns the line
// where the element starts (its key's line for a mapping entry) and how
// many tokens of p resolved; ok is true when all did.
func lookup(root *yaml.Node, p string) (line, resolved int, ok bool) {
	n := root
	if n == nil {
		return 0, 0, false
	}
	line = n.Line
	tokens := splitPointer(p)
	for i, t := range tokens {
		n = deref(n)
		next, keyLine := child(n, t)
		if next == nil {
			return line, i, false
		}
		n, line = next, keyLine
	}
	return line, len(tokens), true
}

// deref follows an alias to its anchor, a bounded number of times.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; i < 100 && n != nil && n.Kind == yaml.AliasNode; i++ {
		n = n.Alias
	}
	return n
}

// child returns the element under token t of n, and the line it starts on.
func child(n *yaml.Node, t string) (*yaml.Node, int) {
	if n == nil {
		return nil, 0
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == t {
				return n.Content[i+1], n.Content[i].Line
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(t); err == nil && i >= 0 && i < len(n.Content) && t == strconv.Itoa(i) {
			return n.Content[i], n.Content[i].Line
		}
	}
	return nil, 0
}
