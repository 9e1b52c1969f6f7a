package format

import (
	"bytes"
	"go/token"
)

// lex appends the tokens of line, one line of Go source, to toks, with the
// token kinds go/scanner gives them, as far as copyRun tells them apart:
// brackets, punctuation, keywords, identifiers, literals, comments and
// operators. It returns false for a string or comment that goes on past
// the line, a control character (a carriage return, even in a comment), or
// a byte no Go token starts with: copyRun
// leaves such lines to go/printer. Semicolons Go would insert are not
// tokens here. It is go/scanner without the positions, the error messages
// and a string for every identifier, which cost copyRun half its time.
func (c *copier) lex(line []byte, toks []lineToken) ([]lineToken, bool) {
	for _, b := range line {
		if b < ' ' && b != '\t' || b == 0x7f {
			return toks, false // go/printer drops a carriage return, even in a comment
		}
	}
	for i := 0; i < len(line); {
		ch := line[i]
		start := i
		var tok token.Token
		switch {
		case ch == ' ' || ch == '\t':
			i++
			continue
		case ch == '/' && i+1 < len(line) && line[i+1] == '/':
			tok, i = token.COMMENT, len(line)
		case ch == '/' && i+1 < len(line) && line[i+1] == '*':
			end := bytes.Index(line[i+2:], []byte("*/"))
			if end < 0 {
				return toks, false
			}
			tok, i = token.COMMENT, i+2+end+2
		case letter(ch):
			for i++; i < len(line) && (letter(line[i]) || digit(line[i])); i++ {
			}
			tok = keyword(line[start:i])
		case digit(ch) || ch == '.' && i+1 < len(line) && digit(line[i+1]):
			i = number(line, i)
			tok = token.INT // or FLOAT, IMAG: all the same to copyRun
		case ch == '"' || ch == '\'':
			for i++; i < len(line) && line[i] != ch; i++ {
				if line[i] == '\\' {
					i++
				}
			}
			if i >= len(line) {
				return toks, false
			}
			i++
			tok = token.STRING
			if ch == '\'' {
				tok = token.CHAR
			}
		case ch == '`':
			end := bytes.IndexByte(line[i+1:], '`')
			if end < 0 {
				return toks, false
			}
			tok, i = token.STRING, i+1+end+1
		default:
			var n int
			if tok, n = operator(line[i:]); tok == token.ILLEGAL {
				return toks, false
			}
			i += n
		}
		toks = append(toks, lineToken{tok: tok, off: start, end: i})
		if tok != token.COMMENT {
			c.selector(tok, line[start:i])
		}
	}
	return toks, true
}

// letter reports whether c may start an identifier: an ASCII letter, an
// underscore, or a byte of a UTF-8 sequence (a Unicode letter, in Go
// source outside strings and comments).
func letter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c >= 0x80
}

func digit(c byte) bool { return '0' <= c && c <= '9' }

// number returns the end of the number literal at line[i]: digits,
// letters, underscores and periods, and a sign right after the exponent
// letter of a decimal (e) or hexadecimal (p) float.
func number(line []byte, i int) int {
	hex := i+1 < len(line) && line[i] == '0' && (line[i+1] == 'x' || line[i+1] == 'X')
	for i++; i < len(line); i++ {
		c := line[i]
		if letter(c) && c < 0x80 || digit(c) || c == '.' {
			continue
		}
		if c == '+' || c == '-' {
			e := line[i-1] | 0x20 // lower case
			if !hex && e == 'e' || hex && e == 'p' {
				continue
			}
		}
		break
	}
	return i
}

// keyword returns the keyword token word spells, or IDENT.
func keyword(word []byte) token.Token {
	if len(word) < 2 || len(word) > 11 || word[0] < 'a' || word[0] > 'z' {
		return token.IDENT
	}
	switch string(word) {
	case "break":
		return token.BREAK
	case "case":
		return token.CASE
	case "chan":
		return token.CHAN
	case "const":
		return token.CONST
	case "continue":
		return token.CONTINUE
	case "default":
		return token.DEFAULT
	case "defer":
		return token.DEFER
	case "else":
		return token.ELSE
	case "fallthrough":
		return token.FALLTHROUGH
	case "for":
		return token.FOR
	case "func":
		return token.FUNC
	case "go":
		return token.GO
	case "goto":
		return token.GOTO
	case "if":
		return token.IF
	case "import":
		return token.IMPORT
	case "interface":
		return token.INTERFACE
	case "map":
		return token.MAP
	case "package":
		return token.PACKAGE
	case "range":
		return token.RANGE
	case "return":
		return token.RETURN
	case "select":
		return token.SELECT
	case "struct":
		return token.STRUCT
	case "switch":
		return token.SWITCH
	case "type":
		return token.TYPE
	case "var":
		return token.VAR
	}
	return token.IDENT
}

// operator returns the operator or punctuation token s starts with, the
// longest one, and its length; ILLEGAL when there is none.
func operator(s []byte) (token.Token, int) {
	at := func(i int, c byte) bool { return i < len(s) && s[i] == c }
	switch s[0] {
	case '(':
		return token.LPAREN, 1
	case ')':
		return token.RPAREN, 1
	case '[':
		return token.LBRACK, 1
	case ']':
		return token.RBRACK, 1
	case '{':
		return token.LBRACE, 1
	case '}':
		return token.RBRACE, 1
	case ',':
		return token.COMMA, 1
	case ';':
		return token.SEMICOLON, 1
	case '~':
		return token.TILDE, 1
	case '.':
		if at(1, '.') && at(2, '.') {
			return token.ELLIPSIS, 3
		}
		return token.PERIOD, 1
	case ':':
		if at(1, '=') {
			return token.DEFINE, 2
		}
		return token.COLON, 1
	case '=':
		if at(1, '=') {
			return token.EQL, 2
		}
		return token.ASSIGN, 1
	case '!':
		if at(1, '=') {
			return token.NEQ, 2
		}
		return token.NOT, 1
	case '+':
		switch {
		case at(1, '+'):
			return token.INC, 2
		case at(1, '='):
			return token.ADD_ASSIGN, 2
		}
		return token.ADD, 1
	case '-':
		switch {
		case at(1, '-'):
			return token.DEC, 2
		case at(1, '='):
			return token.SUB_ASSIGN, 2
		}
		return token.SUB, 1
	case '*':
		if at(1, '=') {
			return token.MUL_ASSIGN, 2
		}
		return token.MUL, 1
	case '/':
		if at(1, '=') {
			return token.QUO_ASSIGN, 2
		}
		return token.QUO, 1
	case '%':
		if at(1, '=') {
			return token.REM_ASSIGN, 2
		}
		return token.REM, 1
	case '^':
		if at(1, '=') {
			return token.XOR_ASSIGN, 2
		}
		return token.XOR, 1
	case '&':
		switch {
		case at(1, '&'):
			return token.LAND, 2
		case at(1, '^') && at(2, '='):
			return token.AND_NOT_ASSIGN, 3
		case at(1, '^'):
			return token.AND_NOT, 2
		case at(1, '='):
			return token.AND_ASSIGN, 2
		}
		return token.AND, 1
	case '|':
		switch {
		case at(1, '|'):
			return token.LOR, 2
		case at(1, '='):
			return token.OR_ASSIGN, 2
		}
		return token.OR, 1
	case '<':
		switch {
		case at(1, '-'):
			return token.ARROW, 2
		case at(1, '<') && at(2, '='):
			return token.SHL_ASSIGN, 3
		case at(1, '<'):
			return token.SHL, 2
		case at(1, '='):
			return token.LEQ, 2
		}
		return token.LSS, 1
	case '>':
		switch {
		case at(1, '>') && at(2, '='):
			return token.SHR_ASSIGN, 3
		case at(1, '>'):
			return token.SHR, 2
		case at(1, '='):
			return token.GEQ, 2
		}
		return token.GTR, 1
	}
	return token.ILLEGAL, 0
}
