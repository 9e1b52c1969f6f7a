package load

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// parseJSON builds, from a JSON document, the node tree go-yaml builds from
// it: the same kinds, tags, styles, values, lines and columns (columns count
// characters, as go-yaml does). It reads JSON about ten times faster than
// go-yaml, which matters on large descriptions (GitHub's is 13 MB) since
// kin-openapi parses the same file with go-yaml at the same time.
//
// ok is false for anything but a well-formed JSON object starting at the
// first byte, and for what go-yaml reads differently from encoding/json or
// counts lines in differently: carriage returns, the Unicode line and
// paragraph separators and NEL, and escaped surrogates. parse then reads
// the file with go-yaml, as before. jsonnode_test.go compares the two
// trees on every spec it has.
func parseJSON(raw []byte) (*yaml.Node, bool) {
	if len(raw) == 0 || raw[0] != '{' {
		return nil, false
	}
	// Line breaks to go-yaml that JSON allows inside strings (U+0085 is
	// C2 85, U+2028 and U+2029 are E2 80 A8 and E2 80 A9), and \r.
	if bytes.IndexByte(raw, '\r') >= 0 || bytes.Contains(raw, []byte("\u0085")) ||
		bytes.Contains(raw, []byte("\u2028")) || bytes.Contains(raw, []byte("\u2029")) {
		return nil, false
	}
	p := &jsonParser{src: raw, line: 1, lineStart: 0, colPos: 0, col: 1}
	n, ok := p.value(0)
	if !ok {
		return nil, false
	}
	p.space()
	if p.pos != len(p.src) {
		return nil, false
	}
	return n, true
}

// maxJSONDepth bounds nesting, so that a hostile file cannot exhaust the
// stack; go-yaml gets what is deeper, and refuses it.
const maxJSONDepth = 1000

type jsonParser struct {
	src []byte
	pos int
	// The position of pos: line, and the character column of colPos, a
	// byte offset on the same line at or before pos (columns are counted
	// forward from it, so a long line is not counted again and again).
	line, lineStart, colPos, col int
	// Nodes are allocated in slabs, and children collected on a stack
	// before they get a slice of their exact size.
	slab  []yaml.Node
	stack []*yaml.Node
}

// node returns a new node placed at pos.
func (p *jsonParser) node(kind yaml.Kind, tag string) *yaml.Node {
	if len(p.slab) == 0 {
		p.slab = make([]yaml.Node, 1024)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	n.Kind, n.Tag = kind, tag
	if p.colPos < p.lineStart {
		p.colPos, p.col = p.lineStart, 1
	}
	p.col += utf8.RuneCount(p.src[p.colPos:p.pos])
	p.colPos = p.pos
	n.Line, n.Column = p.line, p.col
	return n
}

// space skips JSON whitespace, counting lines.
func (p *jsonParser) space() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case '\n':
			p.line++
			p.lineStart = p.pos + 1
		case ' ', '\t':
		default:
			return
		}
		p.pos++
	}
}

func (p *jsonParser) value(depth int) (*yaml.Node, bool) {
	if depth > maxJSONDepth {
		return nil, false
	}
	p.space()
	if p.pos >= len(p.src) {
		return nil, false
	}
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		return p.str()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	default:
		for _, lit := range [...]struct{ text, tag string }{{"true", "!!bool"}, {"false", "!!bool"}, {"null", "!!null"}} {
			if bytes.HasPrefix(p.src[p.pos:], []byte(lit.text)) {
				n := p.node(yaml.ScalarNode, lit.tag)
				n.Value = lit.text
				p.pos += len(lit.text)
				return n, true
			}
		}
		return nil, false
	}
}

func (p *jsonParser) object(depth int) (*yaml.Node, bool) {
	n := p.node(yaml.MappingNode, "!!map")
	n.Style = yaml.FlowStyle
	p.pos++ // {
	base := len(p.stack)
	p.space()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		return n, true
	}
	for {
		p.space()
		if p.pos >= len(p.src) || p.src[p.pos] != '"' {
			return nil, false
		}
		k, ok := p.str()
		if !ok {
			return nil, false
		}
		p.space()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return nil, false
		}
		p.pos++
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		p.stack = append(p.stack, k, v)
		if done, ok := p.separator('}'); !ok {
			return nil, false
		} else if done {
			break
		}
	}
	p.children(n, base)
	return n, true
}

func (p *jsonParser) array(depth int) (*yaml.Node, bool) {
	n := p.node(yaml.SequenceNode, "!!seq")
	n.Style = yaml.FlowStyle
	p.pos++ // [
	base := len(p.stack)
	p.space()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		return n, true
	}
	for {
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		p.stack = append(p.stack, v)
		if done, ok := p.separator(']'); !ok {
			return nil, false
		} else if done {
			break
		}
	}
	p.children(n, base)
	return n, true
}

// separator reads what follows an item: a comma (ok), or the closing byte
// (done and ok).
func (p *jsonParser) separator(closing byte) (done, ok bool) {
	p.space()
	if p.pos >= len(p.src) {
		return false, false
	}
	c := p.src[p.pos]
	p.pos++
	return c == closing, c == closing || c == ','
}

// children gives n the nodes pushed on the stack since base.
func (p *jsonParser) children(n *yaml.Node, base int) {
	n.Content = append([]*yaml.Node(nil), p.stack[base:]...)
	p.stack = p.stack[:base]
}

// str reads a string. Escapes are decoded by encoding/json; an escaped
// surrogate is left to go-yaml, which decodes it differently.
func (p *jsonParser) str() (*yaml.Node, bool) {
	n := p.node(yaml.ScalarNode, "!!str")
	n.Style = yaml.DoubleQuotedStyle
	start := p.pos
	p.pos++ // "
	escaped := false
	for {
		if p.pos >= len(p.src) {
			return nil, false
		}
		c := p.src[p.pos]
		switch {
		case c == '"':
			p.pos++
			body := p.src[start+1 : p.pos-1]
			if !escaped {
				if !utf8.Valid(body) {
					return nil, false
				}
				n.Value = string(body)
				return n, true
			}
			var s string
			if json.Unmarshal(p.src[start:p.pos], &s) != nil || !utf8.Valid(body) {
				return nil, false
			}
			n.Value = s
			return n, true
		case c == '\\':
			escaped = true
			if p.pos+1 >= len(p.src) {
				return nil, false
			}
			if p.src[p.pos+1] == 'u' && p.pos+6 <= len(p.src) {
				if r, err := strconv.ParseUint(string(p.src[p.pos+2:p.pos+6]), 16, 32); err == nil && r >= 0xD800 && r < 0xE000 {
					return nil, false
				}
			}
			p.pos += 2
		case c < 0x20:
			return nil, false
		default:
			p.pos++
		}
	}
}

// number reads a number, tagged the way go-yaml resolves it: !!int when it
// is an integer in the range of int64 or uint64 other than -0, !!float
// otherwise.
func (p *jsonParser) number() (*yaml.Node, bool) {
	n := p.node(yaml.ScalarNode, "")
	start := p.pos
	digits := func() int {
		s := p.pos
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
		}
		return p.pos - s
	}
	if p.src[p.pos] == '-' {
		p.pos++
	}
	intStart := p.pos
	nd := digits()
	if nd == 0 || nd > 1 && p.src[intStart] == '0' {
		return nil, false
	}
	isInt := true
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, false
		}
		isInt = false
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, false
		}
		isInt = false
	}
	n.Value = string(p.src[start:p.pos])
	n.Tag = "!!float"
	if isInt && n.Value != "-0" { // go-yaml reads -0 as a float
		if _, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
			n.Tag = "!!int"
		} else if _, err := strconv.ParseUint(n.Value, 10, 64); err == nil {
			n.Tag = "!!int"
		}
	}
	return n, true
}
