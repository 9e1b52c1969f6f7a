package merge

import (
	"flag"
	"strings"
	"testing"
)

// -update is accepted, for go test ./... -update, and does nothing here.
var _ = flag.Bool("update", false, "rewrite golden files (none in this package)")

var labels = Labels{Ours: "yours", Theirs: "svcgen"}

func TestMerge(t *testing.T) {
	tests := []struct {
		name               string
		base, ours, theirs string
		want               string
		conflicts          int
	}{
		{name: "nothing changed", base: "a\nb\n", ours: "a\nb\n", theirs: "a\nb\n", want: "a\nb\n"},
		{name: "only ours changed", base: "a\nb\nc\n", ours: "a\nB\nc\n", theirs: "a\nb\nc\n", want: "a\nB\nc\n"},
		{name: "only theirs changed", base: "a\nb\nc\n", ours: "a\nb\nc\n", theirs: "a\nb\nc\nd\n", want: "a\nb\nc\nd\n"},
		{name: "both changed apart", base: "a\nb\nc\nd\ne\n", ours: "A\nb\nc\nd\ne\n", theirs: "a\nb\nc\nd\nE\n", want: "A\nb\nc\nd\nE\n"},
		{name: "same change on both sides", base: "a\nb\nc\n", ours: "a\nX\nc\n", theirs: "a\nX\nc\n", want: "a\nX\nc\n"},
		{name: "insertions at different places", base: "a\nb\nc\n", ours: "a\nours\nb\nc\n", theirs: "a\nb\ntheirs\nc\n", want: "a\nours\nb\ntheirs\nc\n"},
		{name: "ours deleted a line theirs kept", base: "a\nb\nc\n", ours: "a\nc\n", theirs: "a\nb\nc\nd\n", want: "a\nc\nd\n"},
		{
			name: "conflict", base: "a\nb\nc\n", ours: "a\nmine\nc\n", theirs: "a\nnew\nc\n",
			want:      "a\n<<<<<<< yours\nmine\n=======\nnew\n>>>>>>> svcgen\nc\n",
			conflicts: 1,
		},
		{
			name: "conflict trims shared lines", base: "x\n", ours: "p\nmine\nq\n", theirs: "p\nnew\nq\n",
			want:      "p\n<<<<<<< yours\nmine\n=======\nnew\n>>>>>>> svcgen\nq\n",
			conflicts: 1,
		},
		{name: "no final newline kept", base: "a\nb", ours: "a\nb", theirs: "a\nb\nc", want: "a\nb\nc"},
		{
			name: "conflict without final newline", base: "a\nb", ours: "a\nB", theirs: "a\nC",
			want:      "a\n<<<<<<< yours\nB\n=======\nC\n>>>>>>> svcgen\n",
			conflicts: 1,
		},
		{name: "empty base, same sides", base: "", ours: "a\n", theirs: "a\n", want: "a\n"},
		{name: "everything empty", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Merge([]byte(tt.base), []byte(tt.ours), []byte(tt.theirs), labels)
			if string(got.Content) != tt.want || got.Conflicts != tt.conflicts {
				t.Errorf("Merge = %q with %d conflicts, want %q with %d", got.Content, got.Conflicts, tt.want, tt.conflicts)
			}
			if HasMarkers(got.Content) != (tt.conflicts > 0) {
				t.Errorf("HasMarkers = %v with %d conflicts", !(tt.conflicts > 0), tt.conflicts)
			}
		})
	}
}

// A Go file in the shape of a generated service.go: the user edits one
// method body, svcgen adds a stub after another. Repeated lines ("}",
// blank lines, identical stub bodies) must not confuse the matching.
func TestMergeGoMethods(t *testing.T) {
	method := func(name, body string) string {
		return "// " + name + " does it.\nfunc (s *Service) " + name + "(ctx context.Context) error {\n" + body + "}\n\n"
	}
	stub := "\treturn api.ErrNotImplemented\n"
	base := "package service\n\n" + method("A", stub) + method("B", stub) + method("C", stub)
	ours := "package service\n\n" + method("A", stub) + method("B", "\tlog.Print(\"b\")\n\treturn nil\n") + method("C", stub)
	theirs := "package service\n\n" + method("A", stub) + method("B", stub) + method("BB", stub) + method("C", stub)
	want := "package service\n\n" + method("A", stub) + method("B", "\tlog.Print(\"b\")\n\treturn nil\n") + method("BB", stub) + method("C", stub)
	got := Merge([]byte(base), []byte(ours), []byte(theirs), labels)
	if got.Conflicts != 0 || string(got.Content) != want {
		t.Errorf("got %d conflicts:\n%s\nwant:\n%s", got.Conflicts, got.Content, want)
	}
}

// Merging is symmetric in the sense that swapping sides gives the same
// clean result.
func TestMergeSymmetric(t *testing.T) {
	base := strings.Repeat("line\n", 5) + "x\n" + strings.Repeat("line\n", 5)
	ours := "top\n" + base
	theirs := base + "bottom\n"
	ab := Merge([]byte(base), []byte(ours), []byte(theirs), labels)
	ba := Merge([]byte(base), []byte(theirs), []byte(ours), labels)
	if string(ab.Content) != string(ba.Content) || ab.Conflicts+ba.Conflicts != 0 {
		t.Errorf("asymmetric: %q vs %q", ab.Content, ba.Content)
	}
}
