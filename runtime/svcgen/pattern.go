package svcgen

import (
	"regexp"
	"regexp/syntax"
)

// Pattern is a regular expression a schema states (pattern), compiled once.
//
// Most patterns in API descriptions are a fixed sequence of ASCII
// characters and character classes, each repeated a counted number of
// times, anchored at both ends: "^[A-Z]{3}$", `^\+?[0-9]{7,15}$`,
// "^[0-9a-f]{8}-[0-9a-f]{4}$". When each step's characters cannot be taken
// for the next's, such a pattern matches a string in one pass with no
// backtracking, and Pattern matches it that way, several times faster than
// the regexp package, without its pool of machines. Every other pattern
// is matched by regexp, so MatchString always answers as regexp would.
type Pattern struct {
	src   string
	re    *regexp.Regexp // nil when steps match
	steps []patternStep
}

// patternStep is one element of a simple pattern: at least min and at most max
// (-1: any number) bytes from set.
type patternStep struct {
	set      asciiSet
	min, max int
}

// asciiSet is a set of ASCII bytes: bit c of the 128.
type asciiSet [2]uint64

func (s *asciiSet) add(lo, hi rune) {
	for c := lo; c <= hi; c++ {
		s[c>>6] |= 1 << (c & 63)
	}
}

func (s *asciiSet) has(c byte) bool { return c < 128 && s[c>>6]&(1<<(c&63)) != 0 }

func (s *asciiSet) overlaps(t *asciiSet) bool { return s[0]&t[0] != 0 || s[1]&t[1] != 0 }

// MustPattern compiles a regular expression in Go's syntax and panics if it
// cannot be: generated code calls it with expressions svcgen has compiled.
func MustPattern(expr string) *Pattern {
	p := &Pattern{src: expr}
	if steps, ok := simplePattern(expr); ok {
		p.steps = steps
		return p
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
	i := 0
	for k := range p.steps {
		st := &p.steps[k]
		n := 0
		for i < len(s) && n != st.max && st.set.has(s[i]) {
			i++
			n++
		}
		if n < st.min {
			return false
		}
	}
	return i == len(s)
}

// simplePattern returns the steps of expr when it is anchored at both
// ends and matches a sequence of ASCII sets, each repeated, that a greedy
// pass cannot get wrong: no set a step may stop short of can be taken by
// a step after it before the next one that must take a byte.
func simplePattern(expr string) ([]patternStep, bool) {
	re, err := syntax.Parse(expr, syntax.Perl) // regexp.Compile's flags
	if err != nil || re.Op != syntax.OpConcat || len(re.Sub) < 2 {
		return nil, false
	}
	subs := re.Sub
	if subs[0].Op != syntax.OpBeginText || subs[len(subs)-1].Op != syntax.OpEndText {
		return nil, false
	}
	var steps []patternStep
	if !appendSteps(&steps, subs[1:len(subs)-1]) {
		return nil, false
	}
	for i := range steps {
		if steps[i].min == steps[i].max {
			continue
		}
		for j := i + 1; j < len(steps); j++ {
			if steps[i].set.overlaps(&steps[j].set) {
				return nil, false
			}
			if steps[j].min > 0 {
				break
			}
		}
	}
	return steps, true
}

// appendSteps appends the steps of a sequence of parsed expressions.
func appendSteps(steps *[]patternStep, subs []*syntax.Regexp) bool {
	for _, sub := range subs {
		switch sub.Op {
		case syntax.OpEmptyMatch:
		case syntax.OpConcat:
			if !appendSteps(steps, sub.Sub) {
				return false
			}
		case syntax.OpCapture:
			if !appendSteps(steps, sub.Sub) {
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
			set, ok := oneSet(sub.Sub[0])
			if !ok {
				return false
			}
			st := patternStep{set: set}
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

// oneSet returns the ASCII set an expression that matches one character
// stands for; false when it matches something else or any non-ASCII rune.
func oneSet(re *syntax.Regexp) (asciiSet, bool) {
	var set asciiSet
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
			switch {
			case r == 'k' || r == 'K' || r == 's' || r == 'S':
				return set, false
			case 'a' <= r && r <= 'z':
				set.add(r-'a'+'A', r-'a'+'A')
			case 'A' <= r && r <= 'Z':
				set.add(r-'A'+'a', r-'A'+'a')
			}
		}
		return set, true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1] >= 128 {
				return set, false
			}
			set.add(re.Rune[i], re.Rune[i+1])
		}
		return set, len(re.Rune) > 0
	case syntax.OpCapture:
		return oneSet(re.Sub[0])
	}
	return set, false
}
