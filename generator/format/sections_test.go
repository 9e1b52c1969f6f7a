package format

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSectionsFormatLikeWhole cuts generated files into a head and
// sections, as a template's each writes them, and checks that File joins
// what Decls made of the sections into the bytes Go gives for the whole.
func TestSectionsFormatLikeWhole(t *testing.T) {
	files, err := filepath.Glob("../../golden/*/internal/*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	joined, notJoined := 0, 0
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		cuts := cutPoints(src)
		if len(cuts) < 3 {
			continue
		}
		// Sections start a line before a cut, with the blank line, as each
		// chunk of the models template does; the head ends without it.
		var pieces []Piece
		from := cuts[0] - 1
		pieces = append(pieces, Piece{Text: src[:from]})
		for i := 1; from < len(src); i += 2 {
			end := len(src)
			if i < len(cuts) {
				end = cuts[i] - 1
			}
			text := src[from:end]
			pieces = append(pieces, Piece{Text: text, Section: Decls(text)})
			from = end
		}
		want, err := Go(name, "golden", src)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := join(pieces)
		if !ok {
			notJoined++ // an import with a comment, say: Go formats those
			continue
		}
		if line, same := sameLines(got, want); !same {
			t.Errorf("%s: differs at line %d:\n%s\nwhole:\n%s", name, line, window(got, line), window(want, line))
		}
		// The same without the sections' text, as renderFile gives them
		// when nothing verifies the file: what the section kept suffices.
		gone := make([]Piece, len(pieces))
		for i, p := range pieces {
			gone[i] = p
			if p.Section != nil {
				gone[i].Section = Decls(p.Text) // join used the first ones
				gone[i].Text = nil
			}
		}
		if got, ok := join(gone); !ok || !bytes.Equal(got, want) {
			t.Errorf("%s: joined without the sections' text: %v, or differs", name, ok)
		}
		for _, p := range pieces[1:] {
			if !p.Section.ok {
				t.Errorf("%s: a section was not formatted", name)
			}
		}
		joined++
	}
	if joined == 0 || joined < 4*notJoined {
		t.Fatalf("%d golden files joined from sections, %d not", joined, notJoined)
	}
}

// TestFileFallsBack checks sections that do not start at a cut, or text
// after them, have the file formatted whole, and that a section that does
// not parse gives Go's error.
func TestFileFallsBack(t *testing.T) {
	head := "package p\n\nimport \"fmt\"\n\nfunc a() {\n}"
	for name, pieces := range map[string][]Piece{
		"no blank line":   {{Text: []byte(head)}, section("\nfunc b() { fmt.Println() }\n")},
		"two blank lines": {{Text: []byte(head)}, section("\n\n\nfunc b() { fmt.Println() }\n")},
		"text after":      {{Text: []byte(head)}, section("\n\nfunc b() { fmt.Println() }\n"), {Text: []byte("\nvar x = 1\n")}},
	} {
		var raw []byte
		for _, p := range pieces {
			raw = append(raw, p.Text...)
		}
		want, err := goWhole("p.go", "t", raw)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := join(pieces); ok {
			t.Errorf("%s: joined", name)
		}
		got, err := File("p.go", "t", pieces)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: got %q, %v; want %q", name, got, err, want)
		}
		// Without the sections' text, File cannot fall back itself.
		for i := range pieces {
			if pieces[i].Section != nil {
				pieces[i].Text = nil
			}
		}
		if _, err := File("p.go", "t", pieces); !errors.Is(err, ErrTextGone) {
			t.Errorf("%s, the sections' text gone: %v, want ErrTextGone", name, err)
		}
	}
	_, err := File("p.go", "t", []Piece{{Text: []byte(head)}, section("\n\ntype T = \n")})
	if err == nil || !strings.Contains(err.Error(), "is not valid Go") {
		t.Errorf("a section that does not parse: %v", err)
	}
}

func section(text string) Piece {
	return Piece{Text: []byte(text), Section: Decls([]byte(text))}
}
