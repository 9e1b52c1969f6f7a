package svcgen

import (
	"regexp/syntax"
	"slices"
	"unicode"
	"unicode/utf8"
)

// dfa is a deterministic automaton over the bytes of a pattern that only
// ASCII characters can match: alternations ("(0[1-9]|1[0-2])") and
// optional parts a sequence of steps cannot express. Each state is a set
// of the threads regexp's machine would run at once, found ahead of time,
// so a match costs one table lookup a byte.
type dfa struct {
	class  [256]uint8 // byte → its class: bytes no instruction tells apart
	nclass int
	next   []uint16 // state*nclass + class → state
	now    []bool   // the state holds a match: the string matches
	atEnd  []bool   // the state holds a match if the string ends here
	dead   int      // the state no byte leads out of and that matches nothing; -1 if none
	empty  bool     // the empty string matches
}

// maxDFA bounds an automaton's table (states times classes); a pattern
// that needs more is left to regexp.
const maxDFA = 8192

// maxDFAInst bounds the program an automaton is built from: past it (long
// counted repeats) building one would cost a service's start more than
// regexp saves it.
const maxDFAInst = 400

func (d *dfa) match(s string) bool {
	if len(s) == 0 {
		return d.empty
	}
	st := 0
	if d.now[st] {
		return true
	}
	for i := 0; i < len(s); i++ {
		st = int(d.next[st*d.nclass+int(d.class[s[i]])])
		if d.now[st] {
			return true
		}
		if st == d.dead {
			return false
		}
	}
	return d.atEnd[st]
}

// compileDFA returns the automaton of a parsed expression; false when some part of it
// could match a rune beyond ASCII, asserts anything but the start or the
// end of the text, or needs too many states.
func compileDFA(re *syntax.Regexp) (*dfa, bool) {
	if size(re) > maxDFAInst {
		return nil, false
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, false
	}
	// The ASCII bytes each instruction that takes a rune takes.
	sets := make([]byteSet, len(prog.Inst))
	for pc := range prog.Inst {
		in := &prog.Inst[pc]
		switch in.Op {
		case syntax.InstRune, syntax.InstRune1:
			if !asciiOnly(in) {
				return nil, false
			}
			for c := rune(0); c < 128; c++ {
				if in.MatchRune(c) {
					sets[pc].add(c, c)
				}
			}
		case syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			return nil, false
		case syntax.InstEmptyWidth:
			if op := syntax.EmptyOp(in.Arg); op != syntax.EmptyBeginText && op != syntax.EmptyEndText {
				return nil, false
			}
		}
	}
	d := &dfa{dead: -1}
	// Classes: bytes that every instruction takes or leaves alike.
	var takers []int // the instructions that take a rune
	for pc := range prog.Inst {
		if sets[pc] != (byteSet{}) {
			takers = append(takers, pc)
		}
	}
	var reps []byte // a byte of each class
	classOf := map[string]uint8{}
	sig := make([]byte, len(takers))
	for b := 0; b < 256; b++ {
		for i, pc := range takers {
			sig[i] = 0
			if sets[pc].has(byte(b)) {
				sig[i] = 1
			}
		}
		k, ok := classOf[string(sig)]
		if !ok {
			k = uint8(len(reps))
			classOf[string(sig)] = k
			reps = append(reps, byte(b))
		}
		d.class[b] = k
	}
	d.nclass = len(reps)
	anchored := prog.StartCond()&syntax.EmptyBeginText != 0

	c := dfaBuilder{prog: prog, index: map[string]int{}, seen: make([]uint32, len(prog.Inst))}
	start := c.closure([]uint32{uint32(prog.Start)}, true)
	d.empty = c.matchesAtEnd(start, true)
	queue := [][]uint32{start}
	c.state(start)
	for len(queue) > 0 {
		threads := queue[0]
		queue = queue[1:]
		for _, b := range reps {
			var outs []uint32
			for _, pc := range threads {
				if in := &prog.Inst[pc]; (in.Op == syntax.InstRune || in.Op == syntax.InstRune1) && sets[pc].has(b) {
					outs = append(outs, in.Out)
				}
			}
			if !anchored {
				outs = append(outs, uint32(prog.Start)) // a match may begin at any byte
			}
			next := c.closure(outs, false)
			n, isNew := c.state(next)
			if isNew {
				if len(c.states)*d.nclass > maxDFA {
					return nil, false
				}
				queue = append(queue, next)
			}
			d.next = append(d.next, uint16(n))
		}
	}
	for i, threads := range c.states {
		d.now = append(d.now, slices.ContainsFunc(threads, func(pc uint32) bool { return prog.Inst[pc].Op == syntax.InstMatch }))
		d.atEnd = append(d.atEnd, c.matchesAtEnd(threads, false))
		if len(threads) == 0 {
			d.dead = i
		}
	}
	return d, true
}

// size estimates the instructions of re's program, its counted repeats
// written out, without writing them out.
func size(re *syntax.Regexp) int {
	n := 1
	for _, sub := range re.Sub {
		n += size(sub)
	}
	if re.Op == syntax.OpRepeat {
		n *= max(re.Min, re.Max, 1)
	}
	return n
}

// asciiOnly reports whether an instruction that takes a rune takes none
// beyond ASCII.
func asciiOnly(in *syntax.Inst) bool {
	if len(in.Rune) == 1 || in.Op == syntax.InstRune1 {
		r := in.Rune[0]
		return r < utf8.RuneSelf && (syntax.Flags(in.Arg)&syntax.FoldCase == 0 || foldsInASCII(r))
	}
	for i := 1; i < len(in.Rune); i += 2 {
		if in.Rune[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldsInASCII reports whether every rune r folds to (its case-insensitive
// orbit: a, A) is ASCII.
func foldsInASCII(r rune) bool {
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// dfaBuilder numbers the automaton's states: sorted sets of the program
// counters of threads waiting to take a rune, matched, or waiting for the
// end of the text.
type dfaBuilder struct {
	prog   *syntax.Prog
	index  map[string]int
	states [][]uint32
	seen   []uint32 // by pc: the walk that last reached it
	walk   uint32
}

// state returns the number of a set of threads, and whether it is new.
func (c *dfaBuilder) state(threads []uint32) (int, bool) {
	key := make([]byte, 0, 4*len(threads))
	for _, pc := range threads {
		key = append(key, byte(pc), byte(pc>>8), byte(pc>>16), byte(pc>>24))
	}
	if n, ok := c.index[string(key)]; ok {
		return n, false
	}
	c.index[string(key)] = len(c.states)
	c.states = append(c.states, threads)
	return len(c.states) - 1, true
}

// closure follows from pcs every instruction that takes nothing (atStart:
// at the start of the text, where ^ holds) and returns the sorted set of
// threads left: those that take a rune, that matched, or that wait for $.
func (c *dfaBuilder) closure(pcs []uint32, atStart bool) []uint32 {
	var set []uint32
	c.walk++
	var walk func(pc uint32)
	walk = func(pc uint32) {
		if c.seen[pc] == c.walk {
			return
		}
		c.seen[pc] = c.walk
		in := &c.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			walk(in.Out)
			walk(in.Arg)
		case syntax.InstCapture, syntax.InstNop:
			walk(in.Out)
		case syntax.InstEmptyWidth:
			if syntax.EmptyOp(in.Arg) == syntax.EmptyBeginText {
				if atStart {
					walk(in.Out)
				}
				return
			}
			set = append(set, pc) // waits for the end
		case syntax.InstFail:
		default: // takes a rune, or matched
			set = append(set, pc)
		}
	}
	for _, pc := range pcs {
		walk(pc)
	}
	slices.Sort(set)
	return slices.Compact(set)
}

// matchesAtEnd reports whether threads hold a match when the text ends
// there (atStart: and begins there too).
func (c *dfaBuilder) matchesAtEnd(threads []uint32, atStart bool) bool {
	seen := map[uint32]bool{}
	var reaches func(pc uint32) bool
	reaches = func(pc uint32) bool {
		if seen[pc] {
			return false
		}
		seen[pc] = true
		in := &c.prog.Inst[pc]
		switch in.Op {
		case syntax.InstMatch:
			return true
		case syntax.InstAlt, syntax.InstAltMatch:
			return reaches(in.Out) || reaches(in.Arg)
		case syntax.InstCapture, syntax.InstNop:
			return reaches(in.Out)
		case syntax.InstEmptyWidth:
			if syntax.EmptyOp(in.Arg) == syntax.EmptyEndText || atStart {
				return reaches(in.Out)
			}
		}
		return false
	}
	for _, pc := range threads {
		if in := &c.prog.Inst[pc]; in.Op == syntax.InstMatch || in.Op == syntax.InstEmptyWidth && reaches(in.Out) {
			return true
		}
	}
	return false
}
