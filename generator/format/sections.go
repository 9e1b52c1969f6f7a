package format

import (
	"bytes"
	"errors"
	"fmt"
)

// Section is a run of whole top-level declarations of a Go file, formatted
// on its own by Decls, to be joined with the rest of the file by File.
type Section struct {
	out  []byte          // starting with the blank line before the run
	used map[string]bool // selector qualifiers: the imports it needs
	ok   bool
	// What File reads of the text the section was made from, which may
	// be gone by then (Piece): its start, up to its first character that
	// is not a newline, and its end, from its fourth newline from the end.
	head, tail []byte
}

// OK reports whether the section was made: its text is then needed only to
// check it (Verify), or for a file the sections do not make (File).
func (s *Section) OK() bool { return s != nil && s.ok }

// ErrTextGone is what File returns when the sections cannot make the file
// and the text of some went (Piece): the caller formats the whole text
// with Go instead.
var ErrTextGone = errors.New("the sections do not make the file, and their text is gone")

// Decls formats src, whole top-level declarations that follow, in their
// file, the end of another declaration and a blank line (one chunk of the
// output of a template's each, which starts so). It formats as goParts
// does, on the calling goroutine: the caller formats several at a time.
func Decls(src []byte) *Section {
	s := &Section{used: map[string]bool{}, head: headOf(src), tail: tailOf(src)}
	if positional(src) {
		return s
	}
	// src starts at a cut (File checks that it does), which cutPoints,
	// seeing no declaration before it, does not give.
	first := 0
	for first < len(src) && src[first] == '\n' {
		first++
	}
	parts := split(src, append([]int{first}, cutPoints(src)...), partSize, true)[1:]
	n := 0
	for i := range parts {
		p := &parts[i]
		p.format()
		if !p.ok {
			return s
		}
		for name := range p.used {
			s.used[name] = true
		}
		n += len(p.out)
	}
	if len(parts) == 0 {
		return s
	}
	s.out = make([]byte, 0, n)
	for _, p := range parts {
		s.out = append(s.out, p.out...)
	}
	s.ok = true
	return s
}

// Piece is a piece of a Go file as a template wrote it: text, and the
// Section Decls made of it, if it did. The text of a piece whose section
// was made may be nil: File then joins the sections without it.
type Piece struct {
	Text    []byte
	Section *Section
}

// headOf is what cutBefore reads of the start of a text: up to its first
// character that is not a newline.
func headOf(text []byte) []byte {
	first := 0
	for first < len(text) && text[first] == '\n' {
		first++
	}
	return bytes.Clone(text[:min(first+1, len(text))])
}

// tailOf is what cutBefore reads of the end of a text: from its fourth
// newline from the end, or all of it.
func tailOf(text []byte) []byte {
	from := len(text)
	for nl := 0; from > 0; from-- {
		if text[from-1] == '\n' {
			if nl++; nl == 4 {
				break
			}
		}
	}
	return bytes.Clone(text[max(from-1, 0):])
}

// texts returns what cutBefore reads of a piece: its text, or what its
// section kept of it.
func (p Piece) texts() (head, tail []byte) {
	if p.Text != nil || p.Section == nil {
		return p.Text, p.Text
	}
	return p.Section.head, p.Section.tail
}

// File formats the Go file made of pieces, the output of template tmpl,
// as Go formats their text joined. The pieces without a section come
// first, the sections after them (followed by blank lines at most); each
// section starts where goParts could cut the whole text. A file the
// pieces do not make so is formatted by Go, from its whole text.
func File(filename, tmpl string, pieces []Piece) ([]byte, error) {
	// The whole text is joined only when it is wanted: it is as large as
	// the file (142 MB of models for 30,000 schemas).
	raw := func() []byte {
		n := 0
		for _, p := range pieces {
			if p.Text == nil && p.Section != nil {
				return nil // gone
			}
			n += len(p.Text)
		}
		b := make([]byte, 0, n)
		for _, p := range pieces {
			b = append(b, p.Text...)
		}
		return b
	}
	out, ok := join(pieces)
	if !ok {
		text := raw()
		if text == nil {
			return nil, ErrTextGone
		}
		return Go(filename, tmpl, text)
	}
	if Verify {
		text := raw()
		if text == nil {
			return nil, fmt.Errorf("%s (from template %s): %w, and Verify needs it", filename, tmpl, ErrTextGone)
		}
		whole, err := goWhole(filename, tmpl, text)
		if err != nil {
			return nil, err
		}
		if line, same := sameLines(out, whole); !same {
			return nil, fmt.Errorf("%s (from template %s), formatted in sections: %w: line %d of the output:\n%s\ngofmt:\n%s",
				filename, tmpl, ErrUnformatted, line, window(out, line), window(whole, line))
		}
	}
	return out, nil
}

// join formats the text before the sections of pieces and joins the
// sections to it; it returns false when the pieces are not as File needs.
func join(pieces []Piece) ([]byte, bool) {
	var head []byte // the text before the sections
	var sections []*Section
	for i, p := range pieces {
		switch {
		case p.Section != nil:
			if !p.Section.ok || !cutBefore(pieces[:i], p) {
				return nil, false
			}
			sections = append(sections, p.Section)
		case len(sections) > 0:
			if len(bytes.TrimSpace(p.Text)) > 0 {
				return nil, false // text after a section
			}
		default:
			head = append(head, p.Text...)
		}
	}
	if len(sections) == 0 {
		return nil, false
	}
	used := map[string]bool{}
	for _, s := range sections {
		for name := range s.used {
			used[name] = true
		}
	}
	out, ok := goPartsWith(head, partSize, true, used)
	if !ok {
		return nil, false
	}
	n := len(out)
	for _, s := range sections {
		n += len(s.out)
	}
	out = append(make([]byte, 0, n), out...)
	// Each section goes once copied: the sections are as large as the
	// file, and with the text they were made from and the file being
	// joined they were the largest thing in memory at the end of a large
	// service's rendering.
	for _, s := range sections {
		out = append(out, s.out...)
		s.out = nil
	}
	return out, true
}

// cutBefore reports whether goParts could cut the text of pieces followed
// by next at the start of next's first line that is not blank: after the
// end of a declaration and one blank line.
func cutBefore(pieces []Piece, nextPiece Piece) bool {
	next, _ := nextPiece.texts()
	first := 0 // next's first line that is not blank
	for first < len(next) && next[first] == '\n' {
		first++
	}
	if first == len(next) {
		return false
	}
	// Enough of the text before for the two lines that decide: up to the
	// third newline from its end.
	var tail []byte
	for i := len(pieces) - 1; i >= 0 && bytes.Count(tail, []byte("\n")) < 3; i-- {
		_, t := pieces[i].texts()
		tail = append(append([]byte{}, t...), tail...)
	}
	from := len(tail)
	for nl := 0; from > 0 && nl < 3; from-- {
		if tail[from-1] == '\n' {
			nl++
		}
	}
	window := append(tail[from:], next[:first+1]...)
	at := len(window) - 1
	for _, c := range cutPoints(window) {
		if c == at {
			return true
		}
	}
	return false
}
