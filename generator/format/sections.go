package format

import (
	"bytes"
	"fmt"
)

// Section is a run of whole top-level declarations of a Go file, formatted
// on its own by Decls, to be joined with the rest of the file by File.
type Section struct {
	out  []byte          // starting with the blank line before the run
	used map[string]bool // selector qualifiers: the imports it needs
	ok   bool
}

// Decls formats src, whole top-level declarations that follow, in their
// file, the end of another declaration and a blank line (one chunk of the
// output of a template's each, which starts so). It formats as goParts
// does, on the calling goroutine: the caller formats several at a time.
func Decls(src []byte) *Section {
	s := &Section{used: map[string]bool{}}
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
// Section Decls made of it, if it did.
type Piece struct {
	Text    []byte
	Section *Section
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
		return Go(filename, tmpl, raw())
	}
	if Verify {
		whole, err := goWhole(filename, tmpl, raw())
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
			if !p.Section.ok || !cutBefore(pieces[:i], p.Text) {
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
func cutBefore(pieces []Piece, next []byte) bool {
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
		tail = append(append([]byte{}, pieces[i].Text...), tail...)
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
