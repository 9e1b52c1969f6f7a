// Package merge does the three-way merge of a scaffold file on regenerate:
// base is what svcgen wrote last time, ours is the file as the user has it
// now, theirs is what svcgen renders from the new spec.
//
// It is the classic diff3 walk (Khanna, Kunal and Pierce, "A Formal
// Investigation of Diff3") over line matchings computed by go-difflib's
// SequenceMatcher, the diff library the rest of svcgen already uses. No
// maintained diff3 library for Go is available from the module proxy here,
// and the walk itself is short; the hard part, matching, is the library's.
//
// Go files are merged by declaration first ([Go], through [File]): the
// line merge then only runs inside a declaration both sides changed.
package merge

import (
	"bytes"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// Labels name the two sides in conflict markers.
type Labels struct {
	Ours, Theirs string
}

// Result of a merge.
type Result struct {
	Content   []byte
	Conflicts int // number of conflicting regions, each marked in Content
}

// Merge merges the changes from base to ours and from base to theirs. Where
// both sides changed the same region differently, Content holds both,
// between git's standard markers (<<<<<<<, =======, >>>>>>>).
func Merge(base, ours, theirs []byte, l Labels) Result {
	o, a, b := lines(base), lines(ours), lines(theirs)
	return merge(o, a, b, o, a, b, l)
}

// mergeGo is Merge for Go source that is gofmt-formatted afterwards: lines
// are matched and compared by goKeys, which leave out the spacing gofmt
// decides (indentation, alignment), so that a side that only realigned
// lines, as adding a longer key to a composite literal does, changed
// nothing. What the merge writes is each side's own text.
func mergeGo(base, ours, theirs []byte, l Labels) Result {
	o, a, b := lines(base), lines(ours), lines(theirs)
	return merge(o, a, b, goKeys(o), goKeys(a), goKeys(b), l)
}

// merge walks base o, ours a and theirs b, matched and compared by their
// keys ko, ka and kb (a line's key stands for it: equal keys, same line).
func merge(o, a, b, ko, ka, kb []string, l Labels) Result {
	ma, mb := matches(ko, ka), matches(ko, kb)

	var out bytes.Buffer
	conflicts := 0
	// io, ia, ib: the next unmerged line of base, ours and theirs.
	io, ia, ib := 0, 0, 0
	for {
		// Find the next base line both sides kept.
		next := io
		for next < len(o) && (ma[next] < 0 || mb[next] < 0) {
			next++
		}
		na, nb := len(a), len(b)
		if next < len(o) {
			na, nb = ma[next], mb[next]
		}
		if next == io && na == ia && nb == ib {
			if next == len(o) {
				break
			}
			// Stable: the line is the same in all three (by its key);
			// ours' text unless only theirs changed it.
			if a[ia] == o[io] {
				out.WriteString(b[ib])
			} else {
				out.WriteString(a[ia])
			}
			io, ia, ib = io+1, ia+1, ib+1
			continue
		}
		// Unstable chunk: base[io:next], ours[ia:na], theirs[ib:nb].
		keyO, keyA, keyB := ko[io:next], ka[ia:na], kb[ib:nb]
		ca, cb := a[ia:na], b[ib:nb]
		switch {
		case equal(keyA, keyO):
			write(&out, cb)
		case equal(keyB, keyO), equal(keyA, keyB):
			write(&out, ca)
		default:
			conflicts++
			conflict(&out, ca, cb, l)
		}
		io, ia, ib = next, na, nb
	}
	return Result{Content: out.Bytes(), Conflicts: conflicts}
}

// conflict writes both versions of a region, trimming the lines they share
// at either end out of the marked region so that the markers surround only
// what really differs.
func conflict(out *bytes.Buffer, a, b []string, l Labels) {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	write(out, a[:pre])
	out.WriteString("<<<<<<< " + l.Ours + "\n")
	writeLines(out, a[pre:len(a)-suf])
	out.WriteString("=======\n")
	writeLines(out, b[pre:len(b)-suf])
	out.WriteString(">>>>>>> " + l.Theirs + "\n")
	write(out, a[len(a)-suf:])
}

// writeLines writes lines inside conflict markers, ending the last one
// with a newline so that the next marker starts a line of its own.
func writeLines(out *bytes.Buffer, ls []string) {
	write(out, ls)
	if n := len(ls); n > 0 && !strings.HasSuffix(ls[n-1], "\n") {
		out.WriteByte('\n')
	}
}

// HasMarkers reports whether content holds a conflict: a line starting
// with "<<<<<<< " and, after it, one starting with ">>>>>>> ".
func HasMarkers(content []byte) bool {
	open := false
	for _, ln := range lines(content) {
		switch {
		case strings.HasPrefix(ln, "<<<<<<< "):
			open = true
		case open && strings.HasPrefix(ln, ">>>>>>> "):
			return true
		}
	}
	return false
}

// matches maps each line of base to the line of other it is matched with,
// or -1. The matching is monotone.
func matches(base, other []string) []int {
	m := make([]int, len(base))
	for i := range m {
		m[i] = -1
	}
	// Without autojunk: in source code, "}" and blank lines are frequent and
	// must still be matched.
	sm := difflib.NewMatcherWithJunk(base, other, false, nil)
	for _, blk := range sm.GetMatchingBlocks() {
		for k := 0; k < blk.Size; k++ {
			m[blk.A+k] = blk.B + k
		}
	}
	return m
}

// lines splits content after each newline; the last line may lack one.
func lines(content []byte) []string {
	ls := strings.SplitAfter(string(content), "\n")
	if ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func write(out *bytes.Buffer, ls []string) {
	for _, l := range ls {
		out.WriteString(l)
	}
}
