package svcgen

import (
	"regexp"
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// Pattern is a regular expression a schema states (pattern), compiled once.
//
// Most patterns in API descriptions are a sequence of character classes,
// each repeated a counted number of times, anchored at both ends:
// "^[A-Z]{3}$", `^\+?[0-9]{7,15}$`, "^[^/]+$", now and then with a
// repeated group ("^[a-z0-9]+(-[a-z0-9]+)*$"); or one class, anchored at
// one end or none ("[a-zA-Z0-9_-]+", `.*\S.*`). When no step's characters
// can be taken for the next's, such a pattern matches a string in one pass
// over its bytes with no backtracking, and Pattern matches it that way,
// about ten times faster than the regexp package and without its pool of
// machines: two thirds of the patterns public API descriptions state
// (bench/patterns). Of the others, a pattern only ASCII characters can
// match (alternations: "(0[1-9]|1[0-2])") is matched by a deterministic
// automaton built at start (pattern_dfa.go), a table lookup a byte, about
// five times faster than regexp: a fifth of them. Every other pattern is
// matched by regexp, so MatchString always answers as regexp would.
type Pattern struct {
	src   string
	re    *regexp.Regexp // nil when steps or dfa match
	steps []patternStep
	where anchor
	dfa   *dfa
}

// anchor says where in a string a pattern's steps must match.
type anchor uint8

const (
	whole    anchor = iota // ^…$
	prefix                 // ^… (what follows is free)
	anywhere               // one step, no anchor: a run of its bytes
	suffix                 // one step, then $: the run the string ends with
	always                 // nothing that must take a byte: every string matches
)

// patternStep is one element of a simple pattern: at least min and at
// most max (-1: any number) bytes from set, or with group, as many
// matches of the group's steps, each begun by a byte from set (its first
// step's, which must take one).
type patternStep struct {
	set      byteSet
	min, max int
	group    []patternStep
}

// byteSet is a set of bytes: bit c of the 256. A character class holds
// either no rune beyond ASCII (its set no byte from 0x80 up) or every one
// (wide: a negated class such as [^/], or "."): every byte of a
// multi-byte rune is then in the set, and so is the invalid byte regexp
// reads as U+FFFD.
type byteSet [4]uint64

func (s *byteSet) add(lo, hi rune) {
	for c := lo; c <= hi; c++ {
		s[c>>6] |= 1 << (c & 63)
	}
}

func (s *byteSet) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }

func (s *byteSet) wide() bool { return s[2]|s[3] != 0 }

func (s *byteSet) overlaps(t *byteSet) bool {
	return s[0]&t[0] != 0 || s[1]&t[1] != 0 || s[2]&t[2] != 0 || s[3]&t[3] != 0
}

// MustPattern compiles a regular expression in Go's syntax and panics if it
// cannot be: generated code calls it with expressions svcgen has compiled.
func MustPattern(expr string) *Pattern {
	p := &Pattern{src: expr}
	if re, err := syntax.Parse(expr, syntax.Perl); err == nil { // regexp.Compile's flags
		if steps, where, ok := simplePattern(re); ok {
			p.steps, p.where = steps, where
			return p
		}
		if d, ok := compileDFA(re); ok {
			p.dfa = d
			return p
		}
	}
	p.re = regexp.MustCompile(expr)
	return p
}

// String returns the expression.
func (p *Pattern) String() string { return p.src }

// MatchString reports whether s contains a match of the pattern.
func (p *Pattern) MatchString(s string) bool {
	if p.re != nil {
		return p.re.MatchString(s)
	}
	if p.dfa != nil {
		return p.dfa.match(s)
	}
	switch p.where {
	case anywhere, suffix:
		// One step: a run of at least min bytes of its set (a longer run
		// holds one of any length up to it), or at the end.
		st, n := &p.steps[0], 0
		for i := 0; i < len(s); i++ {
			if !st.set.has(s[i]) {
				n = 0
			} else if n++; n >= st.min && p.where == anywhere {
				return true
			}
		}
		return n >= st.min
	case always:
		return true
	}
	i, ok := matchSteps(p.steps, s, 0)
	return ok && (i == len(s) || p.where == prefix)
}

// matchSteps matches steps against s from i on and returns where they end.
func matchSteps(steps []patternStep, s string, i int) (int, bool) {
	for k := range steps {
		st := &steps[k]
		n := 0
		if st.group == nil {
			for i < len(s) && n != st.max && st.set.has(s[i]) {
				i++
				n++
			}
		} else {
			// The group's first byte commits to it: what follows the
			// group cannot begin with that byte.
			for i < len(s) && n != st.max && st.set.has(s[i]) {
				var ok bool
				if i, ok = matchSteps(st.group, s, i); !ok {
					return i, false
				}
				n++
			}
		}
		if n < st.min {
			return i, false
		}
	}
	return i, true
}

// simplePattern returns the steps of a parsed expression when it is anchored at both
// ends and matches a sequence of sets, each repeated, that a greedy pass
// over the bytes cannot get wrong: no set a step may stop short of can be
// taken by a step after it before the next one that must take a byte
// (onePass). Groups are one level deep, each begun by a step that must
// take a byte. A wide set's step must repeat without bound from at most
// one: a run of one or more bytes is then exactly a run of one or more
// runes.
//
// Without ^ a match may begin anywhere, so steps that may take nothing
// at the start can be dropped, and without $ those at the end; what is
// left must then be one step (any run of its bytes long enough), or
// nothing (every string matches).
func simplePattern(re *syntax.Regexp) ([]patternStep, anchor, bool) {
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	begin := len(subs) > 0 && subs[0].Op == syntax.OpBeginText
	if begin {
		subs = subs[1:]
	}
	end := len(subs) > 0 && subs[len(subs)-1].Op == syntax.OpEndText
	if end {
		subs = subs[:len(subs)-1]
	}
	var steps []patternStep
	if !appendSteps(&steps, subs, true) {
		return nil, 0, false
	}
	// A match may begin anywhere without ^ and end anywhere without $:
	// steps there that may take nothing take nothing.
	for !begin && len(steps) > 0 && steps[0].min == 0 {
		steps = steps[1:]
	}
	for !end && len(steps) > 0 && steps[len(steps)-1].min == 0 {
		steps = steps[:len(steps)-1]
	}
	if last := len(steps) - 1; !end && last >= 0 {
		// And X{m,n} there is X{m}, so that a group may not commit to a
		// round it then cannot finish; of a wide set, X{m,} (onePass
		// takes it from at most one).
		if steps[last].group != nil || !steps[last].set.wide() {
			steps[last].max = steps[last].min
		} else {
			steps[last].max = -1
		}
	}
	if !onePass(steps, nil) {
		return nil, 0, false
	}
	switch {
	case begin && end:
		return steps, whole, true
	case len(steps) == 0:
		return nil, always, true
	case begin:
		return steps, prefix, true
	case len(steps) > 1 || steps[0].group != nil:
		return nil, 0, false
	case end:
		return steps, suffix, true
	}
	return steps, anywhere, true
}

// follower is a set a step's bytes may be followed by, and whether its
// step must take a byte (so that none after it can be next).
type follower struct {
	set  *byteSet
	must bool
}

// onePass reports whether a greedy pass over steps, followed by rest,
// takes no wrong turn: a step that may stop short (or a group that may
// repeat no more) must not share a byte with what may come next.
func onePass(steps []patternStep, rest []follower) bool {
	next := make([]follower, 0, len(steps)+len(rest))
	for i := range steps {
		next = append(next, follower{&steps[i].set, steps[i].min > 0})
	}
	next = append(next, rest...)
	for i := range steps {
		st := &steps[i]
		if st.group != nil {
			// The group's last step is followed by the group's first
			// (another round) or by what follows the group.
			again := []follower{{&st.group[0].set, true}}
			if !onePass(st.group, again) || !onePass(st.group, next[i+1:]) {
				return false
			}
		} else if st.set.wide() && (st.min > 1 || st.max != -1) {
			return false // counted runes are not counted bytes
		}
		if st.min == st.max {
			continue
		}
		for _, f := range next[i+1:] {
			if st.set.overlaps(f.set) {
				return false
			}
			if f.must {
				break
			}
		}
	}
	return true
}

// appendSteps appends the steps of a sequence of parsed expressions, with
// repeated groups among them when groups is set.
func appendSteps(steps *[]patternStep, subs []*syntax.Regexp, groups bool) bool {
	for _, sub := range subs {
		switch sub.Op {
		case syntax.OpEmptyMatch:
		case syntax.OpConcat, syntax.OpCapture:
			if !appendSteps(steps, sub.Sub, groups) {
				return false
			}
		case syntax.OpLiteral:
			for _, r := range sub.Rune {
				set, ok := oneSet(&syntax.Regexp{Op: syntax.OpLiteral, Rune: []rune{r}, Flags: sub.Flags})
				if !ok {
					return false
				}
				*steps = append(*steps, patternStep{set: set, min: 1, max: 1})
			}
		case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
			if sub.Flags&syntax.NonGreedy != 0 {
				return false // the same matches, but rare enough to leave to regexp
			}
			st := patternStep{}
			if set, ok := oneSet(sub.Sub[0]); ok {
				st.set = set
			} else if !groups || !appendSteps(&st.group, sub.Sub, false) || len(st.group) == 0 || st.group[0].min == 0 {
				return false // one level of groups, each begun by a byte
			} else {
				st.set = st.group[0].set
			}
			switch sub.Op {
			case syntax.OpStar:
				st.min, st.max = 0, -1
			case syntax.OpPlus:
				st.min, st.max = 1, -1
			case syntax.OpQuest:
				st.min, st.max = 0, 1
			default:
				st.min, st.max = sub.Min, sub.Max
			}
			*steps = append(*steps, st)
		default:
			set, ok := oneSet(sub)
			if !ok {
				return false
			}
			*steps = append(*steps, patternStep{set: set, min: 1, max: 1})
		}
	}
	return true
}

// oneSet returns the set of bytes an expression that matches one
// character stands for; false when it matches something else, or some
// runes beyond ASCII but not all.
func oneSet(re *syntax.Regexp) (byteSet, bool) {
	var set byteSet
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) != 1 || re.Rune[0] >= 128 {
			return set, false
		}
		r := re.Rune[0]
		set.add(r, r)
		if re.Flags&syntax.FoldCase != 0 {
			// Folding reaches beyond ASCII for k and s (K, ſ): leave
			// those to regexp.
			if !foldsInASCII(r) {
				return set, false
			}
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				set.add(f, f)
			}
		}
		return set, true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi >= utf8.RuneSelf {
				if lo > utf8.RuneSelf || hi != unicode.MaxRune {
					return set, false // some runes beyond ASCII, not all
				}
				set.add(utf8.RuneSelf, 0xff)
				hi = utf8.RuneSelf - 1
			}
			set.add(lo, hi)
		}
		return set, len(re.Rune) > 0
	case syntax.OpAnyCharNotNL:
		set.add(0, 0xff)
		set[0] &^= 1 << '\n'
		return set, true
	case syntax.OpAnyChar:
		set.add(0, 0xff)
		return set, true
	case syntax.OpCapture:
		return oneSet(re.Sub[0])
	}
	return set, false
}
