package format

import (
	"bytes"
	"go/doc/comment"
	"go/token"
	"strings"
	"unicode/utf8"
)

// The declarations other than functions copyRun copies: types (structs,
// interfaces and single lines) and const lists, whose layout go/printer
// decides by its tabwriter's alignment of columns, which this file
// reproduces for the lines templates write.

// blockKind is the kind of the top-level block being copied.
type blockKind int

const (
	structBlock blockKind = iota + 1
	interfaceBlock
	constBlock
)

// block is a struct, interface or const list being copied: its lines are
// written when its closing line comes, aligned as go/printer aligns them.
type block struct {
	kind  blockKind
	lines []cellLine
	items int // fields, methods or constants
}

// cellLine is a line of a block as go/printer hands it to its tabwriter:
// cells, each ended by a tab, then trailing text. A line with no cells
// (a comment, a blank line) ends every column it does not continue.
type cellLine struct {
	cells    []string
	trailing string
	blank    bool
}

// topDecl starts copying a top-level declaration other than a function.
func (c *copier) topDecl(text []byte, toks []lineToken) bool {
	code := bytes.TrimSpace(text)
	k := kinds(toks)
	switch {
	case k == "type IDENT struct {":
		c.block = &block{kind: structBlock}
	case k == "type IDENT interface {":
		c.block = &block{kind: interfaceBlock}
	case k == "const (":
		c.block = &block{kind: constBlock}
	case toks[0].tok == token.VAR && len(toks) > 3 && toks[1].tok == token.IDENT && toks[len(toks)-1].tok == token.LBRACE &&
		balanced(toks[:len(toks)-1]) && !hasToken(toks, token.COMMENT) && !hasToken(toks, token.STRUCT) &&
		!hasToken(toks, token.INTERFACE) && !hasToken(toks, token.FUNC):
		// var x = T{ over several lines: its elements are copied as a
		// function's lines are, one level in.
		if !c.flushDoc() {
			return false
		}
		c.out = append(c.out, code...)
		c.out = append(c.out, '\n')
		c.open = append(c.open, 1)
		c.blank, c.lastOpened, c.lastComment = false, true, false
		return true
	case toks[0].tok == token.TYPE || toks[0].tok == token.CONST || toks[0].tok == token.VAR:
		// One line: the brackets it opens, it closes, and it ends where Go
		// puts a semicolon.
		if toks[1].tok == token.LPAREN || !balanced(toks) || !endsLine(toks[len(toks)-1].tok) ||
			opens(toks[len(toks)-1].tok) || toks[len(toks)-1].tok == token.COMMA || hasToken(toks, token.COMMENT) ||
			hasToken(toks, token.STRUCT) || hasToken(toks, token.INTERFACE) || hasToken(toks, token.FUNC) {
			return c.refuse("a declaration go/printer lays out")
		}
	default:
		return c.refuse("a top-level line that starts no declaration")
	}
	if !c.flushDoc() {
		return false
	}
	c.out = append(c.out, code...)
	c.out = append(c.out, '\n')
	c.blank, c.lastOpened, c.lastComment = false, c.block != nil, false
	return true
}

// blockLine takes a line inside a block.
func (c *copier) blockLine(text []byte, toks []lineToken) bool {
	b := c.block
	switch {
	case len(toks) == 0:
		if c.blank || c.lastOpened || len(c.pendingComments) > 0 {
			return c.refuse("a blank line after another, after an opening bracket or after a comment")
		}
		b.lines = append(b.lines, cellLine{blank: true})
		c.blank = true
		return true
	case len(toks) == 1 && toks[0].tok == token.COMMENT:
		if b.kind == constBlock {
			return c.refuse("a comment in a const list")
		}
		b.lines = append(b.lines, cellLine{trailing: string(bytes.TrimSpace(text))})
		c.pendingComments = append(c.pendingComments, nil) // a comment waits for its item
		c.blank, c.lastOpened = false, false
		return true
	case len(toks) == 1 && (toks[0].tok == token.RBRACE && b.kind != constBlock || toks[0].tok == token.RPAREN && b.kind == constBlock):
		if len(c.pendingComments) > 0 || c.blank {
			return c.refuse("a comment or blank line before the end of a block")
		}
		return c.endBlock()
	}
	c.pendingComments = c.pendingComments[:0]
	c.blank, c.lastOpened = false, false
	b.items++
	var l cellLine
	var ok bool
	switch b.kind {
	case structBlock:
		l, ok = fieldCells(text, toks)
	case interfaceBlock:
		l, ok = methodCells(text, toks)
	default:
		l, ok = constCells(text, toks)
	}
	if !ok {
		return c.refuse("a line of a block go/printer lays out otherwise")
	}
	b.lines = append(b.lines, l)
	return true
}

// endBlock writes the block, aligned, and its closing line.
func (c *copier) endBlock() bool {
	b := c.block
	c.block = nil
	if b.kind == constBlock {
		for _, l := range b.lines {
			if len(l.cells) != len(b.lines[0].cells) {
				return c.refuse("constants with and without a type")
			}
		}
	}
	if b.kind == structBlock && b.items == 1 {
		// go/printer separates the parts of a lone field by blanks.
		for i, l := range b.lines {
			if len(l.cells) > 0 {
				var parts []string
				for _, cell := range l.cells {
					if cell != "" {
						parts = append(parts, cell)
					}
				}
				parts = append(parts, l.trailing)
				b.lines[i] = cellLine{trailing: strings.Join(parts, " ")}
			}
		}
	}
	for _, l := range align(b.lines) {
		if l != "" {
			c.out = append(c.out, '\t')
			c.out = append(c.out, l...)
		}
		c.out = append(c.out, '\n')
	}
	if b.kind == constBlock {
		c.out = append(c.out, ")\n"...)
	} else {
		c.out = append(c.out, "}\n"...)
	}
	c.blank, c.lastOpened, c.lastComment = false, false, false
	return true
}

// fieldCells reads a struct field: a name, a type, maybe a tag and a line
// comment, as go/printer's fieldList lays them out for a struct of several
// fields: name, type, an empty cell and the tag; a comment after the
// type, or after the tag, which a tab then ends.
func fieldCells(text []byte, toks []lineToken) (cellLine, bool) {
	code, comment := splitComment(text, toks)
	if len(code) < 2 || code[0].tok != token.IDENT || !balanced(code) {
		return cellLine{}, false
	}
	name := code[0].text(text)
	// A name, a blank, then a type: not an embedded field (http.Handler,
	// Generic[T]).
	if code[1].off != code[0].off+len(name)+1 || text[code[0].off+len(name)] != ' ' {
		return cellLine{}, false
	}
	switch code[1].tok {
	case token.IDENT, token.MUL, token.LBRACK, token.MAP:
	default:
		return cellLine{}, false
	}
	end := len(text)
	if comment != "" {
		end = toks[len(toks)-1].off
	}
	tag := ""
	if last := code[len(code)-1]; last.tok == token.STRING && text[last.off] == '`' {
		if len(code) < 3 {
			return cellLine{}, false
		}
		tag = last.text(text)
		end = last.off
	}
	typ := strings.TrimSpace(string(text[code[1].off:end]))
	if !plainCell(typ) || !plainCell(tag) {
		return cellLine{}, false
	}
	switch {
	case tag == "" && comment == "":
		return cellLine{cells: []string{name}, trailing: typ}, true
	case comment == "":
		return cellLine{cells: []string{name, typ, ""}, trailing: tag}, true
	case tag == "":
		return cellLine{cells: []string{name, typ}, trailing: comment}, true
	}
	return cellLine{cells: []string{name, typ, "", tag}, trailing: comment}, true
}

// methodCells reads a method of an interface, which go/printer does not
// align: one line, no comment.
func methodCells(text []byte, toks []lineToken) (cellLine, bool) {
	if toks[0].tok != token.IDENT || hasToken(toks, token.COMMENT) || !balanced(toks) || !endsLine(toks[len(toks)-1].tok) {
		return cellLine{}, false
	}
	line := strings.TrimSpace(string(text))
	return cellLine{trailing: line}, plainCell(line)
}

// constCells reads a constant of a list, "Name Type = value" or
// "Name = value", as go/printer's valueSpec lays it out: the name and the
// type in cells, the value after them.
func constCells(text []byte, toks []lineToken) (cellLine, bool) {
	if len(toks) < 3 || toks[0].tok != token.IDENT || hasToken(toks, token.COMMENT) || !balanced(toks) {
		return cellLine{}, false
	}
	assign := 1
	if toks[1].tok == token.IDENT && toks[2].tok == token.ASSIGN {
		assign = 2
	} else if toks[1].tok != token.ASSIGN {
		return cellLine{}, false
	}
	value := strings.TrimSpace(string(text[toks[assign].off+1:]))
	if value == "" || !plainCell(value) {
		return cellLine{}, false
	}
	cells := []string{toks[0].text(text)}
	if assign == 2 {
		cells = append(cells, toks[1].text(text))
	}
	return cellLine{cells: cells, trailing: "= " + value}, true
}

// splitComment returns the tokens of a line before its line comment, and
// the comment.
func splitComment(text []byte, toks []lineToken) ([]lineToken, string) {
	if last := toks[len(toks)-1]; last.tok == token.COMMENT {
		return toks[:len(toks)-1], strings.TrimRight(string(text[last.off:]), " \t")
	}
	return toks, ""
}

// plainCell reports whether s can be a cell or trailing text as written:
// no tabs or runs of spaces go/printer would lay out, no control bytes.
func plainCell(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f || s[i] == ' ' && i+1 < len(s) && s[i+1] == ' ' {
			return false
		}
	}
	return utf8.ValidString(s)
}

// align lays out lines as go/printer's tabwriter does (text/tabwriter
// with padding 1, spaces and DiscardEmptyColumns): a column is the cells
// at one index of consecutive lines that have one there; each cell of it
// is padded to the widest plus one, in runes, unless every cell of the
// column is empty, which then takes no room.
func align(lines []cellLine) []string {
	out := make([]string, len(lines))
	widths := make([][]int, len(lines))
	for i, l := range lines {
		widths[i] = make([]int, len(l.cells))
	}
	for i := 0; i < len(lines); {
		if len(lines[i].cells) == 0 {
			i++
			continue
		}
		end := i
		for end < len(lines) && len(lines[end].cells) > 0 {
			end++
		}
		alignColumn(lines[i:end], widths[i:end], 0)
		i = end
	}
	for i, l := range lines {
		if l.blank {
			continue
		}
		var b strings.Builder
		for j, cell := range l.cells {
			if widths[i][j] == 0 {
				continue
			}
			b.WriteString(cell)
			b.WriteString(strings.Repeat(" ", widths[i][j]-utf8.RuneCountInString(cell)))
		}
		b.WriteString(l.trailing)
		out[i] = b.String()
	}
	return out
}

// alignColumn sets the widths of column j of lines, all of which have a
// cell there, and of the columns after it, block by block.
func alignColumn(lines []cellLine, widths [][]int, j int) {
	width, empty := 0, true
	for _, l := range lines {
		width = max(width, utf8.RuneCountInString(l.cells[j])+1)
		empty = empty && l.cells[j] == ""
	}
	if empty {
		width = 0
	}
	for i := range lines {
		widths[i][j] = width
	}
	for i := 0; i < len(lines); {
		if len(lines[i].cells) <= j+1 {
			i++
			continue
		}
		end := i
		for end < len(lines) && len(lines[end].cells) > j+1 {
			end++
		}
		alignColumn(lines[i:end], widths[i:end], j+1)
		i = end
	}
}

// flushDoc writes the comment lines waiting before a top-level
// declaration: its doc comment, which go/printer reformats as go/doc's
// comment printer does.
func (c *copier) flushDoc() bool {
	if len(c.pendingComments) == 0 {
		return true
	}
	lines, ok := docComment(c.pendingComments)
	if !ok {
		return c.refuse("a doc comment go/printer leaves as it is")
	}
	for _, l := range lines {
		c.out = append(c.out, l...)
		c.out = append(c.out, '\n')
	}
	c.pendingComments = c.pendingComments[:0]
	return true
}

// docComment returns the lines of a doc comment as go/printer prints it
// (its formatDocComment): parsed and printed by go/doc/comment. A comment
// of plain paragraphs comes out as it is, without the parse. ok is false
// for directives (//go:..., //line), which go/printer handles apart.
func docComment(lines [][]byte) (out [][]byte, ok bool) {
	var text strings.Builder
	plain := true
	for i, l := range lines {
		after, found := bytes.CutPrefix(l, []byte("//"))
		if !found || len(after) > 0 && after[0] != ' ' && after[0] != '\t' {
			return nil, false // a directive, or //text
		}
		after = bytes.TrimPrefix(after, []byte(" "))
		text.Write(after)
		text.WriteByte('\n')
		if plain && !plainDocLine(lines, i) {
			plain = false
		}
	}
	if plain {
		return lines, true
	}
	var p comment.Parser
	var pr comment.Printer
	printed := string(pr.Comment(p.Parse(text.String())))
	for printed != "" {
		var line string
		line, printed, _ = strings.Cut(printed, "\n")
		switch {
		case line == "":
			out = append(out, []byte("//"))
		case strings.HasPrefix(line, "\t"):
			out = append(out, []byte("//"+line))
		default:
			out = append(out, []byte("// "+line))
		}
	}
	return out, true
}

// plainDocLine reports whether line i of a doc comment is one go/doc's
// comment printer leaves as it is, whatever the lines around it: text
// after "// " that starts no list, code block, heading or link definition
// and holds no “ or ” (which become typographic quotes), in a paragraph
// of more than one line or the first paragraph, and at most one empty "//"
// between paragraphs, none first or last.
func plainDocLine(lines [][]byte, i int) bool {
	l := lines[i]
	if string(l) == "//" {
		return i > 0 && i < len(lines)-1 && string(lines[i-1]) != "//"
	}
	if !plainDoc(l) || bytes.HasPrefix(l, []byte("// [")) || bytes.HasPrefix(l, []byte("// \u2022")) {
		return false // a link definition, a list
	}
	if bytes.Contains(l, []byte("``")) || bytes.Contains(l, []byte("''")) {
		return false // the printer makes them typographic quotes
	}
	// A paragraph of one line after another paragraph may be a heading.
	alone := (i == len(lines)-1 || string(lines[i+1]) == "//") && i > 0 && string(lines[i-1]) == "//"
	return !alone
}

// kinds spells the tokens of a line, identifiers as IDENT.
func kinds(toks []lineToken) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		if t.tok == token.IDENT {
			b.WriteString("IDENT")
		} else {
			b.WriteString(t.tok.String())
		}
	}
	return b.String()
}

// balanced reports whether toks close every bracket they open, in order.
func balanced(toks []lineToken) bool {
	n := 0
	for _, t := range toks {
		switch {
		case opens(t.tok):
			n++
		case closes(t.tok):
			if n--; n < 0 {
				return false
			}
		}
	}
	return n == 0
}

func hasToken(toks []lineToken, tok token.Token) bool {
	for _, t := range toks {
		if t.tok == tok {
			return true
		}
	}
	return false
}
