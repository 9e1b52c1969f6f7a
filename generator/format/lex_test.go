package format

import (
	"bytes"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"testing"
)

// TestLexMatchesScanner checks lex against go/scanner, line by line, on
// the generated files in golden/ and a few lines of every kind of token:
// the same tokens at the same offsets (number kinds aside), and a refusal
// only where go/scanner finds an error in the line alone, or a control
// character.
func TestLexMatchesScanner(t *testing.T) {
	lines := [][]byte{
		[]byte(`x := a.b.c(1, 2.5e+3, 0x1p-2, 0x1e+2, .5, 'x', '\'', "a\"b", ` + "`raw`" + `) // c`),
		[]byte(`a &^= b; c <<= d; e >>= f; g &&= h || i != j <= k >= l <- m ... ~n`),
		[]byte(`for i := range v { x++; y-- } /* block */ z %= 3`),
		[]byte(`ünïcode := "ü"`),
		[]byte("s := `unterminated"),
		[]byte(`s := "unterminated`),
		[]byte(`/* unterminated`),
		[]byte("a\rb"),
		[]byte("x := 1 // a \r> quote"),
		[]byte(`x := #y`),
	}
	files, err := filepath.Glob("../../golden/*/internal/*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, bytes.Split(src, []byte("\n"))...)
	}
	refused := 0
	for _, line := range lines {
		c := copier{used: map[string]bool{}}
		got, ok := c.lex(line, nil)
		want, bad := scan(line)
		if !ok {
			refused++
			if !bad && !bytes.ContainsFunc(line, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) { // lex refuses control characters
				t.Errorf("lex refused %q, which go/scanner reads", line)
			}
			continue
		}
		if bad {
			t.Errorf("lex read %q, where go/scanner finds an error", line)
			continue
		}
		if len(got) != len(want) {
			t.Errorf("%q: lex gives %d tokens, go/scanner %d", line, len(got), len(want))
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%q: token %d: lex %v %d-%d, go/scanner %v %d-%d", line, i,
					got[i].tok, got[i].off, got[i].end, want[i].tok, want[i].off, want[i].end)
				break
			}
		}
	}
	if refused > len(lines)/10 {
		t.Errorf("lex refused %d of %d lines", refused, len(lines))
	}
}

// scan returns go/scanner's tokens of line, with its numbers as INT and
// without the semicolons it inserts, and whether it found an error.
func scan(line []byte) (toks []lineToken, bad bool) {
	var s scanner.Scanner
	file := token.NewFileSet().AddFile("", -1, len(line))
	s.Init(file, line, func(token.Position, string) { bad = true }, scanner.ScanComments)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return toks, bad
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		if tok == token.FLOAT || tok == token.IMAG {
			tok = token.INT
		}
		off := file.Offset(pos)
		end := off + len(lit)
		if lit == "" || tok.IsOperator() && tok != token.SEMICOLON {
			end = off + len(tok.String())
		}
		toks = append(toks, lineToken{tok: tok, off: off, end: end})
	}
}
