package format

import (
	"bytes"
	"go/token"
)

// copyRun returns a run of top-level functions as go/printer prints them
// after a blank line, without parsing and printing them, and the selector
// qualifiers they use (the package names of the imports they need). It
// returns false for a run holding something whose layout go/printer
// decides by more than the nesting of brackets: such a run is printed.
//
// go/printer spends most of its time on statements, and the statements of
// generated code are mostly in functions, written by templates that lay
// them out as gofmt does, apart from the indentation, which depends on
// where a partial template is used. So copyRun indents each line by the
// brackets open before it, as go/printer does for what it accepts:
//
//   - a line holding a closing bracket first is indented by those open
//     after it; a case or default clause one less than its block;
//   - a line may open at most one bracket more than it closes, or the
//     lines after it would be indented by more than one tab;
//   - a line ends where Go inserts a semicolon, or with an opening
//     bracket, a comma or a clause's colon, never with an operator (a
//     continued expression is indented by go/printer's own rules);
//   - a key: value outside brackets opened on the same line only as an
//     element of a composite literal on a line of its own, with a short
//     key (pairLine), whose values are aligned as go/printer aligns them
//     (flushPairs); no var, const or type list, no struct or interface
//     type over several lines, no labels, no block comment, no raw string
//     over several lines: all of them are aligned or placed by rules of
//     their own;
//   - a line comment ends its line after exactly one space, and the line
//     before does not end with one (go/printer aligns consecutive ones); a
//     comment on a line of its own does not come before a closing bracket
//     or a case (go/printer indents those by the line after);
//   - a doc comment at the top level is plain text, which go/printer
//     leaves as it is: no list, heading or indented block;
//   - at most one blank line in a row, and none after an opening bracket
//     or before a closing one.
//
// The rest (the spacing inside a line, blank lines) is trusted to the
// templates: the tests format every file they generate whole as well and
// fail when the copy differs (see Verify).
func copyRun(src []byte) (out []byte, used map[string]bool, ok bool) {
	c := copier{src: src, used: map[string]bool{}}
	c.out = make([]byte, 0, len(src)+len(src)/8)
	c.out = append(c.out, '\n') // the blank line before the run
	if !c.run() {
		return nil, nil, false
	}
	return c.out, c.used, true
}

// copier holds the state of copyRun.
type copier struct {
	src  []byte
	out  []byte
	used map[string]bool

	// open holds, for each indentation level before the current line, the
	// number of brackets the line that opened it left open: go/printer
	// indents the lines after `f(g(x, func() {` by one tab, not three.
	open []int
	// Selector qualifiers: the last three tokens (comments aside) and the
	// text of the one before the last, when an identifier.
	p1, p2, p3 token.Token
	lit1, lit2 []byte // in c.src
	lastUsed   string

	pendingComments [][]byte // comment lines waiting for the next code line
	blank           bool     // the previous line was blank
	lastOpened      bool     // the previous code line ended with an opening bracket
	lastComment     bool     // the previous code line ended with a comment

	block *block // the struct, interface or const list being copied

	// pairs are the key: value elements of a composite literal waiting to
	// be written with their values aligned (flushPairs).
	pairs []pair

	why string // why copyRun refused the run, for the tests
}

// refuse records why the run cannot be copied, and returns false.
func (c *copier) refuse(why string) bool {
	c.why = why
	return false
}

// lineToken is a token of the current line.
type lineToken struct {
	tok      token.Token
	off, end int // offsets in the line
}

// text returns the token's text in line.
func (t lineToken) text(line []byte) string { return string(line[t.off:t.end]) }

func (c *copier) run() bool {
	var toks []lineToken
	for start := 0; start < len(c.src); {
		end := c.lineEnd(start)
		line := c.src[start:min(end, len(c.src))]
		var ok bool
		if toks, ok = c.lex(line, toks[:0]); !ok {
			return c.refuse("a string or comment over several lines, or text that is not Go")
		}
		if !c.line(line, toks) {
			return false
		}
		start = end + 1
	}
	c.flushPairs()
	if len(c.open) != 0 || len(c.pendingComments) > 0 || c.block != nil {
		return c.refuse("unbalanced brackets, or a comment or block left open at the end")
	}
	c.out = bytes.TrimRight(c.out, "\n")
	c.out = append(c.out, '\n')
	return true
}

// lineEnd returns the offset of the newline ending the line that starts
// at from, or past the end of the source when there is none.
func (c *copier) lineEnd(from int) int {
	if nl := bytes.IndexByte(c.src[from:], '\n'); nl >= 0 {
		return from + nl
	}
	return len(c.src) + 1
}

// selector notes x as used in x.y, unless it is itself after a period.
// text is the token's.
func (c *copier) selector(tok token.Token, text []byte) {
	if tok == token.IDENT && c.p1 == token.PERIOD && c.p2 == token.IDENT && c.p3 != token.PERIOD && string(c.lit2) != c.lastUsed {
		c.lastUsed = string(c.lit2) // v.A, v.B, v.C...: one map write
		c.used[c.lastUsed] = true
	}
	c.p3, c.p2, c.p1 = c.p2, c.p1, tok
	c.lit2, c.lit1 = c.lit1, text
}

// line copies one line of source, holding toks, with its indentation.
func (c *copier) line(text []byte, toks []lineToken) bool {
	if colon := pairColon(toks); colon > 0 && len(c.open) > 0 && c.block == nil {
		return c.pairLine(text, toks, colon)
	}
	c.flushPairs()
	if c.block != nil {
		return c.blockLine(text, toks)
	}
	if len(toks) == 0 {
		if len(bytes.TrimSpace(text)) != 0 {
			return c.refuse("something the scanner skipped")
		}
		if c.blank || c.lastOpened || len(c.pendingComments) > 0 {
			return c.refuse("a blank line after another, after an opening bracket or after a comment")
		}
		c.blank = true
		c.out = append(c.out, '\n')
		return true
	}
	if len(toks) == 1 && toks[0].tok == token.COMMENT {
		comment := bytes.TrimSpace(text)
		c.pendingComments = append(c.pendingComments, comment)
		c.blank = false
		return true
	}

	if len(c.open) == 0 && toks[0].tok != token.FUNC {
		return c.topDecl(text, toks)
	}

	// Leading closing brackets.
	lead := 0
	for lead < len(toks) && closes(toks[lead].tok) {
		lead++
	}
	// The leading brackets must close whole levels.
	indent := len(c.open)
	for n := lead; n > 0; indent-- {
		if indent == 0 || c.open[indent-1] > n {
			return c.refuse("closing part of the brackets a line opened")
		}
		n -= c.open[indent-1]
	}
	first := toks[0].tok
	if first == token.CASE || first == token.DEFAULT {
		indent--
	}
	if indent < 0 {
		return c.refuse("closing more brackets than are open")
	}
	if len(c.pendingComments) > 0 && (lead > 0 || first == token.CASE || first == token.DEFAULT) {
		return c.refuse("a comment before a closing bracket or a clause")
	}
	if lead > 0 && c.lastOpened {
		// Empty brackets over two lines: go/printer joins those of a
		// composite literal or call, and keeps a block's.
		return c.refuse("empty brackets over two lines")
	}
	if lead > 0 && c.blank {
		return c.refuse("a blank line before a closing bracket")
	}

	// The rest of the line.
	code := toks
	var comment *lineToken
	if last := toks[len(toks)-1]; last.tok == token.COMMENT {
		if !bytes.HasPrefix(text[last.off:], []byte("//")) || c.lastComment {
			return c.refuse("a line comment that is not after one space, or after another")
		}
		comment = &toks[len(toks)-1]
		code = toks[:len(toks)-1]
		if comment.off < 1 || text[comment.off-1] != ' ' || comment.off >= 2 && (text[comment.off-2] == ' ' || text[comment.off-2] == '\t') {
			return c.refuse("a line comment that is not after one space")
		}
	}
	inner := 0 // brackets opened on this line and still open
	for i, t := range code[lead:] {
		switch {
		case opens(t.tok):
			inner++
		case closes(t.tok):
			inner--
		case t.tok == token.COLON:
			clause := (first == token.CASE || first == token.DEFAULT) && lead+i == len(code)-1
			// The key of an element that goes on over the lines after
			// (Body: T{) stands alone in go/printer's alignment: one space.
			// (A label, L: for {, is told apart by what follows it.)
			opener := lead == 0 && i == 1 && inner == 0 && opens(code[len(code)-1].tok) && simpleKey(code[:1]) &&
				len(code) > 2 && startsValue(code[2].tok)
			if inner <= 0 && !clause && !opener {
				return c.refuse("a colon outside brackets")
			}
			if opener && (text[t.end] != ' ' || text[t.end+1] == ' ') {
				return c.refuse("a key not followed by exactly one space")
			}
		case t.tok == token.COMMENT:
			return c.refuse("a comment inside the line")
		case t.tok == token.STRUCT || t.tok == token.INTERFACE:
			if lead+i+1 < len(code) && code[lead+i+1].tok == token.LBRACE && lead+i+2 == len(code) {
				return c.refuse("a struct or interface over several lines")
			}
		case t.tok == token.VAR || t.tok == token.CONST || t.tok == token.TYPE:
			if lead+i+1 < len(code) && code[lead+i+1].tok == token.LPAREN {
				return c.refuse("a list of declarations")
			}
		}
		if inner < 0 {
			return c.refuse("closes a bracket of an earlier line in its middle")
		}
	}
	last := code[len(code)-1].tok
	if !endsLine(last) && !(last == token.COLON) {
		return c.refuse("a line ending with an operator")
	}
	if last == token.COMMA && indent == 0 && inner == 0 {
		return c.refuse("a comma outside brackets")
	}
	split, ok := c.oneLiners(text, code, len(c.open) == 0 && lead == 0)
	if !ok {
		return false
	}

	if len(c.open) == 0 {
		if !c.flushDoc() {
			return false
		}
	}
	for _, cm := range c.pendingComments {
		c.indent(indent)
		c.out = append(c.out, cm...)
		c.out = append(c.out, '\n')
	}
	c.pendingComments = c.pendingComments[:0]
	c.indent(indent)
	end := len(text)
	if comment != nil {
		end = comment.off
	}
	if split >= 0 {
		// A function declaration too long for one line: go/printer puts
		// its one statement on a line of its own.
		body := bytes.TrimSpace(text[split+1 : end])
		c.out = append(c.out, bytes.TrimSpace(text[:split+1])...)
		c.out = append(c.out, "\n\t"...)
		c.out = append(c.out, body[:len(body)-1]...)
		c.out = bytes.TrimRight(c.out, " ")
		c.out = append(c.out, "\n}"...)
	} else {
		c.out = append(c.out, bytes.TrimSpace(text[:end])...)
	}
	if comment != nil {
		c.out = append(c.out, ' ')
		c.out = append(c.out, bytes.TrimRight(text[comment.off:], " \t")...)
	}
	c.out = append(c.out, '\n')
	c.open = c.open[:indent+btoi(first == token.CASE || first == token.DEFAULT)]
	if inner > 0 {
		c.open = append(c.open, inner)
	}
	c.blank = false
	c.lastOpened = opens(last)
	c.lastComment = comment != nil
	return true
}

func (c *copier) indent(n int) {
	for range n {
		c.out = append(c.out, '\t')
	}
}

func opens(t token.Token) bool  { return t == token.LBRACE || t == token.LPAREN || t == token.LBRACK }
func closes(t token.Token) bool { return t == token.RBRACE || t == token.RPAREN || t == token.RBRACK }

// endsLine reports whether a line may end with t: where Go inserts a
// semicolon, or after an opening bracket or a comma.
func endsLine(t token.Token) bool {
	switch t {
	case token.IDENT, token.INT, token.FLOAT, token.IMAG, token.CHAR, token.STRING,
		token.RPAREN, token.RBRACK, token.RBRACE,
		token.BREAK, token.CONTINUE, token.FALLTHROUGH, token.RETURN,
		token.INC, token.DEC,
		token.LBRACE, token.LPAREN, token.LBRACK, token.COMMA:
		return true
	}
	return false
}

// plainDoc reports whether a comment line of a doc comment is plain text,
// which go/printer's doc comment formatting leaves as it is: "//", or "// "
// and text that does not start a list item, a heading or a code block.
func plainDoc(line []byte) bool {
	if string(line) == "//" {
		return true
	}
	text, ok := bytes.CutPrefix(line, []byte("// "))
	if !ok || len(text) == 0 || text[0] == ' ' || text[0] == '\t' || text[0] == '#' {
		return false
	}
	if bytes.HasPrefix(text, []byte("- ")) || bytes.HasPrefix(text, []byte("* ")) || bytes.HasPrefix(text, []byte("+ ")) {
		return false
	}
	i := 0
	for i < len(text) && text[i] >= '0' && text[i] <= '9' {
		i++
	}
	if i > 0 && i < len(text) && (text[i] == '.' || text[i] == ')') {
		return false
	}
	return !bytes.HasSuffix(text, []byte(" ")) && !bytes.HasPrefix(text, []byte("go:")) && !bytes.HasPrefix(text, []byte("line "))
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// oneLiners checks the functions of a line whose body is on the line too.
// go/printer keeps such a body on the line when the function's header
// (from "func" to the end of its signature; one more for a declaration,
// whose header it measures from the column before) and its statements take
// at most 100 bytes, and breaks it over lines otherwise (its funcBody). ok is false
// when a function would be broken, except that of a declaration (decl)
// with one statement: split is then the offset in text of its opening
// brace, else -1.
func (c *copier) oneLiners(text []byte, code []lineToken, decl bool) (split int, ok bool) {
	const maxSize = 100
	split = -1
	for i, t := range code {
		if t.tok != token.FUNC {
			continue
		}
		// The body's brace: the first at no depth after the signature.
		depth, lbrace := 0, -1
		for j := i + 1; j < len(code) && lbrace < 0; j++ {
			switch tok := code[j].tok; {
			case tok == token.LPAREN || tok == token.LBRACK:
				depth++
			case tok == token.RPAREN || tok == token.RBRACK:
				depth--
			case tok == token.LBRACE && depth == 0:
				if prev := code[j-1].tok; prev == token.STRUCT || prev == token.INTERFACE {
					return -1, c.refuse("a struct or interface in a signature")
				}
				lbrace = j
			case depth < 0 || tok == token.COMMA && depth == 0:
				lbrace = len(code) // a function type, without a body
			}
		}
		if lbrace < 0 || lbrace == len(code) {
			continue // the body, if any, continues on the next lines
		}
		// Its closing brace, if on this line.
		rbrace, n, statements := -1, 0, 1
		for j := lbrace; j < len(code) && rbrace < 0; j++ {
			switch code[j].tok {
			case token.LBRACE:
				n++
			case token.RBRACE:
				if n--; n == 0 {
					rbrace = j
				}
			case token.SEMICOLON:
				if n == 1 {
					statements++
				}
			}
		}
		if rbrace < 0 {
			continue
		}
		header := text[t.off:code[lbrace].off]
		body := bytes.TrimSpace(text[code[lbrace].off+1 : code[rbrace].off])
		for _, b := range text[t.off:code[rbrace].off] {
			if b >= 0x80 {
				return -1, c.refuse("a function on one line with more than ASCII")
			}
		}
		size := len(bytes.TrimRight(header, " ")) + len(body)
		if i == 0 && decl {
			size++
		}
		if size <= maxSize && statements <= 5 {
			continue
		}
		if !decl || i != 0 || rbrace != len(code)-1 || statements != 1 || len(body) == 0 {
			return -1, c.refuse("a function on one line that go/printer would break")
		}
		split = code[lbrace].off
	}
	return split, true
}

// pair is a key: value element of a composite literal on a line of its
// own, as copied: its indentation, key and value (with the comma).
type pair struct {
	indent     int
	key, value []byte
}

// maxPairKey is the longest key whose element go/printer aligns with its
// neighbours' without weighing their sizes (exprList's smallSize).
const maxPairKey = 40

// pairColon returns the index in toks of the colon of a line that is one
// key: value element of a composite literal whose value ends on the line:
// a simple key (simpleKey), the colon at no depth, the brackets the line
// opens closed on it, a comma at its end, no comment and no function
// literal (whose body go/printer may break). Else 0.
func pairColon(toks []lineToken) int {
	if len(toks) < 4 || toks[len(toks)-1].tok != token.COMMA {
		return 0
	}
	colon, depth := 0, 0
	for i, t := range toks {
		switch {
		case opens(t.tok):
			depth++
		case closes(t.tok):
			if depth--; depth < 0 {
				return 0
			}
		case t.tok == token.COLON && depth == 0 && colon == 0:
			colon = i
		case t.tok == token.COMMENT || t.tok == token.FUNC:
			return 0
		}
	}
	if depth != 0 || colon == 0 || !simpleKey(toks[:colon]) {
		return 0
	}
	return colon
}

// simpleKey reports whether toks are a key whose printed width is its
// text's: an identifier, a qualified one, or a basic literal, in ASCII.
func simpleKey(toks []lineToken) bool {
	switch len(toks) {
	case 1:
		switch toks[0].tok {
		case token.IDENT, token.STRING, token.INT, token.CHAR:
			return true
		}
	case 3:
		return toks[0].tok == token.IDENT && toks[1].tok == token.PERIOD && toks[2].tok == token.IDENT &&
			toks[1].off == toks[0].end && toks[2].off == toks[1].end
	}
	return false
}

// startsValue reports whether t may start the value of an element that
// goes on over lines (a composite literal, a conversion or call, a
// function literal), and no statement a label could stand before.
func startsValue(t token.Token) bool {
	switch t {
	case token.IDENT, token.AND, token.LBRACK, token.MAP, token.FUNC:
		return true
	}
	return false
}

// pairLine takes a key: value element (pairColon) into c.pairs.
func (c *copier) pairLine(text []byte, toks []lineToken, colon int) bool {
	if len(c.pendingComments) > 0 {
		return c.refuse("a comment before an element of a literal")
	}
	key := text[toks[0].off:toks[colon-1].end]
	if len(key) > maxPairKey {
		return c.refuse("a key go/printer aligns by its size")
	}
	for _, b := range text[toks[0].off:] {
		if b >= 0x80 {
			return c.refuse("an element of a literal with more than ASCII")
		}
	}
	c.pairs = append(c.pairs, pair{
		indent: len(c.open),
		key:    key,
		value:  bytes.TrimSpace(text[toks[colon].end:]),
	})
	c.blank, c.lastOpened, c.lastComment = false, false, false
	return true
}

// flushPairs writes the elements waiting in c.pairs: consecutive ones
// of one literal, each a line of its own, as go/printer aligns them, their
// values one space after the colon of the longest key.
func (c *copier) flushPairs() {
	if len(c.pairs) == 0 {
		return
	}
	width := 0
	for _, p := range c.pairs {
		width = max(width, len(p.key))
	}
	for _, p := range c.pairs {
		c.indent(p.indent)
		c.out = append(c.out, p.key...)
		c.out = append(c.out, ':')
		for range width - len(p.key) + 1 {
			c.out = append(c.out, ' ')
		}
		c.out = append(c.out, p.value...)
		c.out = append(c.out, '\n')
	}
	c.pairs = c.pairs[:0]
}
