package svcgen

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// TestPatternSimple checks which patterns take the one-pass path and that
// they answer as regexp does on strings chosen to sit at their edges.
func TestPatternSimple(t *testing.T) {
	for _, tc := range []struct {
		expr   string
		how    string // steps, dfa or regexp
		inputs []string
	}{
		{"^[A-Z]{3}$", "steps", []string{"", "EUR", "EU", "EURO", "eur", "E1R", "ÉUR"}},
		{`^\+?[0-9]{7,15}$`, "steps", []string{"+15550000007", "1555000", "155500", "+", "++1555000", "1234567890123456", "123456789012345", "+1555000x"}},
		{"^[0-9a-f]{8}-[0-9a-f]{4}$", "steps", []string{"0123abcd-ef01", "0123abcd-ef0", "0123ABCD-ef01", "0123abcd_ef01"}},
		{"^[A-Z0-9-]{4,32}$", "steps", []string{"AB-1", "AB-", "ab-1", strings.Repeat("A", 32), strings.Repeat("A", 33)}},
		{`^\d{3}-\d{4}$`, "steps", []string{"555-1234", "5551234", "555-123", "٣٣٣-1234"}},
		{"^abc$", "steps", []string{"abc", "ab", "abcd", "ABC"}},
		{"^(?i)abc$", "steps", []string{"abc", "ABC", "aBc", "abd"}},
		{"^(ab)$", "steps", []string{"ab", "a"}},
		{"^$", "steps", []string{"", "a"}},
		{"^a*b*$", "steps", []string{"", "a", "b", "aab", "ba"}},
		{"^x?y?z$", "steps", []string{"z", "xz", "yz", "xyz", "yxz"}},
		// Not one pass: a step that may stop short overlaps the next.
		{"^[a-z]*[a-c]$", "dfa", []string{"abc", "xyz", "a", ""}},
		{"^a?a$", "dfa", []string{"a", "aa", "aaa"}},
		{"^[0-9]+x?[0-9]$", "dfa", []string{"12", "1x2", "1"}},
		// Left to regexp for what they are.
		// Anchored at one end or none.
		{"[a-z]+", "steps", []string{"abc", "ABC", "1a1", ""}},
		{".*", "steps", []string{"", "\n", "é"}},
		{`.*\S.*`, "steps", []string{"", "  ", " x ", "é", "\n\t", "\xff"}},
		{"[A-Z]{3}", "steps", []string{"xxABCxx", "AB", "ABxCD", "ABCD"}},
		{"[0-9]{2,3}$", "steps", []string{"a12", "12a", "1", "x1234", "12"}},
		{"^https?://", "steps", []string{"http://x", "https:/", "ftp://", "https://"}},
		{"^(ab){1,2}", "steps", []string{"aba", "abab", "a", "ab"}},
		{`\S{2}`, "regexp", []string{"é", "ab", "a b"}}, // counted runes again
		{"a+b", "dfa", []string{"aab", "ba"}},
		// Repeated groups, each begun by a byte what follows cannot begin with.
		{"^[a-z0-9]+(-[a-z0-9]+)*$", "steps", []string{"a-b", "a--b", "-a", "a-", "ab-cd-9", "a-B"}},
		{`^(?:[a-z]+\.){2}[a-z]+$`, "steps", []string{"a.b.c", "a.b", "a.b.c.d", "a..b"}},
		{`^([0-9]{3}-)?[0-9]{4}$`, "dfa", []string{"555-1234", "1234", "555-123", "-1234"}}, // [0-9] may start either
		{`^([a-z]+\.)*[a-z]{2,}$`, "dfa", []string{"a.com", "com", "a.b"}},                  // [a-z] may start either
		{"^(a(b+)?)*$", "dfa", []string{"ab", "aab"}},                                       // groups in groups
		{"^(a?b)*$", "dfa", []string{"b", "ab"}},                                            // a group begun by a step that may take nothing
		{"^(a[a-c]*){2}$", "dfa", []string{"aa", "aba", "a"}},                               // a round may end where the next begins
		{"^(ab|cd)$", "dfa", []string{"ab", "cd"}},                                          // alternation
		// Sets of every rune beyond ASCII, repeated without bound.
		{"^[^a-z]+$", "steps", []string{"AB", "ab", "é", "Aé0", "\xff", ""}},
		{"^[^/]+/[^/]*$", "steps", []string{"a/b", "é/", "/b", "a//b", "a\xffb/c"}},
		{"^.*$", "steps", []string{"", "é", "a\nb", "\xff\xfe"}},
		{`^[^@]+@[^@.]+\.[a-z]{2,}$`, "steps", []string{"ann@example.com", "ann@ex.ample.com", "é@é.fr", "@x.io", "a@b.c"}},
		// Such a set counted: bytes are not runes.
		{"^.{2,4}$", "regexp", []string{"ab", "é", "éé", "abcde"}},
		{"^[^a-z]$", "regexp", []string{"A", "é", "\xff"}},
		{"^[^a-z]{2}$", "regexp", []string{"AB", "é"}},
		{`^[^\x{100}]+$`, "regexp", []string{"a", "\u0100"}}, // some runes beyond ASCII, not all
		{`^[\x00-\x{ffff}]+$`, "regexp", []string{"aé", "a\U0001F600"}},
		{"^(?i)k$", "regexp", []string{"k", "K", "\u212a"}},
		{"^a+?$", "dfa", []string{"a", "aa"}},
		// Alternations and what else steps cannot say, in an automaton.
		{`^[0-9]{4,}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,12})?(Z|[+-][0-9][0-9]:[0-9][0-9])$`, "dfa",
			[]string{"2024-02-29T23:59:59Z", "2024-02-29T23:59:59.123+01:00", "2024-13-01T00:00:00Z", "2024-02-29T24:00:00Z", "2024-02-29", "12024-02-29T23:59:59Z", "2024-02-29T23:59:59.Z"}},
		{"(0[1-9]|1[0-2])", "dfa", []string{"x07y", "13", "0", "10", ""}},
		{"(ab|cd)$", "dfa", []string{"xab", "abx", "cd", "c"}},
		{"^(ab|cd)", "dfa", []string{"abx", "xab", "cd"}},
		{"(?i)^(ab|xy)$", "dfa", []string{"AB", "xY", "ay"}},
		{"^(k|x)$", "steps", []string{"k", "K", "x"}},
		{"(?i)^(k|x)$", "regexp", []string{"k", "K", "\u212a"}},                               // folds beyond ASCII
		{`^(a|\b)x$`, "regexp", []string{"ax", "x"}},                                          // a word boundary
		{"^(x|é)$", "regexp", []string{"x", "é"}},                                             // a rune beyond ASCII
		{"^(x|y[a-c]{1,1000})[d-f]{1,1000}[g-i]{1,1000}$", "regexp", []string{"xdg", "yadg"}}, // too many states
		{"^$|^a$", "dfa", []string{"", "a", "b"}},
		{"$^", "dfa", []string{"", "a"}},
		{"(a|$^)", "dfa", []string{"x", "", "a"}},
		{"(^a|b)c", "dfa", []string{"ac", "xac", "xbc"}},
		{"^(a|b)$", "steps", []string{"a", "b", "c"}}, // the parser makes [a-b] of it
	} {
		p := MustPattern(tc.expr)
		if got := p.how(); got != tc.how {
			t.Errorf("%q: matched by %s, want %s", tc.expr, got, tc.how)
		}
		if p.String() != tc.expr {
			t.Errorf("%q: String() = %q", tc.expr, p.String())
		}
		re := regexp.MustCompile(tc.expr)
		for _, s := range tc.inputs {
			if got, want := p.MatchString(s), re.MatchString(s); got != want {
				t.Errorf("%q.MatchString(%q) = %v, regexp says %v", tc.expr, s, got, want)
			}
		}
	}
}

// TestPatternAgreesWithRegexp draws patterns of the one-pass shape and
// strings that match them or nearly do, and checks that every answer is
// regexp's.
func TestPatternAgreesWithRegexp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// chars: some it matches, and more; a group's, its own sample.
	type atom struct{ expr, chars string }
	atoms := []atom{
		{"(-[a-c]+)", "-ab"}, {"(ab|cd)", "cd"}, {"(0[1-9]|1[0-2])", "07"}, {"(x|yz)", "yz"}, {"(?:x[0-9])", "x7"}, {"([a-c]-)", "b-"}, {"(?:[^/]+/)", "é/"},
		{"a", "aA"}, {"b", "b"}, {"-", "-"}, {`\d`, "07"}, {"[a-c]", "ac"}, {"[b-d]", "bd"},
		{"[A-Z]", "AZa"}, {"[0-9a-f]", "0fF"}, {`\+`, "+"}, {"(?i:a)", "aA"}, {"[^a-z]", "A0é"},
		{".", "aé\n"}, {"é", "é"}, {"[^/]", "a/é"}, {"[^a-c]", "dcé-"}, {"(?s:.)", "\né"},
	}
	quants := []struct {
		expr     string
		min, max int
	}{{"", 1, 1}, {"", 1, 1}, {"?", 0, 1}, {"*", 0, 4}, {"+", 1, 4}, {"{2}", 2, 2}, {"{1,3}", 1, 3}, {"{0,2}", 0, 2}, {"{2,}", 2, 5}}
	noise := []string{"a", "b", "-", "0", "A", "+", "é", "\xff"}
	simple, matched, tried := 0, 0, 0
	ways := map[string]int{}
	for range 3000 {
		var expr, near strings.Builder
		if rng.IntN(3) > 0 {
			expr.WriteString("^")
		}
		for range 1 + rng.IntN(4) {
			a, q := atoms[rng.IntN(len(atoms))], quants[rng.IntN(len(quants))]
			expr.WriteString(a.expr + q.expr)
			chars := []rune(a.chars)
			for range q.min + rng.IntN(q.max-q.min+1) {
				if a.expr[0] == '(' && a.expr[1] != '?' || strings.HasPrefix(a.expr, "(?:") {
					near.WriteString(a.chars)
				} else {
					near.WriteRune(chars[rng.IntN(len(chars))])
				}
			}
		}
		if rng.IntN(3) > 0 {
			expr.WriteString("$")
		}
		p, re := MustPattern(expr.String()), regexp.MustCompile(expr.String())
		if p.re == nil {
			simple++
		}
		ways[p.how()]++
		for range 20 {
			s := near.String()
			for range rng.IntN(3) { // replace, insert or drop a byte
				i := rng.IntN(len(s) + 1)
				switch c := noise[rng.IntN(len(noise))]; {
				case i < len(s) && rng.IntN(2) == 0:
					s = s[:i] + c + s[i+1:]
				case rng.IntN(2) == 0:
					s = s[:i] + c + s[i:]
				case i < len(s):
					s = s[:i] + s[i+1:]
				}
			}
			want := re.MatchString(s)
			if got := p.MatchString(s); got != want {
				t.Fatalf("%q.MatchString(%q) = %v, regexp says %v", expr.String(), s, got, want)
			}
			if p.re == nil {
				tried++
				if want {
					matched++
				}
			}
		}
	}
	t.Logf("%d of 3000 patterns without regexp (%v), %d of their %d strings matched", simple, ways, matched, tried)
	// The draw must exercise the one-pass path, on strings it accepts and
	// on strings it refuses.
	if ways["steps"] < 500 || ways["dfa"] < 300 || matched < tried/10 || matched > tried*9/10 {
		t.Errorf("%d of 3000 patterns one pass, %d of their %d strings matched: the draw is lopsided", simple, matched, tried)
	}
}

// how says what matches p.
func (p *Pattern) how() string {
	switch {
	case p.dfa != nil:
		return "dfa"
	case p.re != nil:
		return "regexp"
	}
	return "steps"
}

func BenchmarkPattern(b *testing.B) {
	for _, bc := range []struct{ name, expr, s string }{
		{"steps", `^\+?[0-9]{7,15}$`, "+15550000007"},
		{"dfa", `^[0-9]{4,}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,12})?(Z|[+-][0-9][0-9]:[0-9][0-9])$`, "2024-02-29T23:59:59.123+01:00"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			p := MustPattern(bc.expr)
			if p.how() != bc.name {
				b.Fatalf("matched by %s", p.how())
			}
			for b.Loop() {
				if !p.MatchString(bc.s) {
					b.Fatal("no match")
				}
			}
		})
		b.Run(bc.name+"/regexp", func(b *testing.B) {
			re := regexp.MustCompile(bc.expr)
			for b.Loop() {
				if !re.MatchString(bc.s) {
					b.Fatal("no match")
				}
			}
		})
		b.Run(bc.name+"/compile", func(b *testing.B) {
			for b.Loop() {
				MustPattern(bc.expr)
			}
		})
	}
}

// FuzzPattern checks Pattern against regexp on expressions and strings the
// fuzzer makes up, from the table's patterns and strings.
func FuzzPattern(f *testing.F) {
	for _, seed := range [][2]string{
		{`^\+?[0-9]{7,15}$`, "+15550000007"},
		{"^[a-z0-9]+(-[a-z0-9]+)*$", "a-b"},
		{`.*\S.*`, " x "},
		{"^https?://", "http://x"},
		{"(0[1-9]|1[0-2])", "x07y"},
		{"(a|$^)", ""},
		{"^[^/]+/[^/]*$", "é/\xff"},
		{"(?i)^(ab|xy)$", "xY"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, expr, s string) {
		if len(expr) > 64 {
			return // long counted repeats cost regexp's compiler seconds
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return
		}
		if got, want := MustPattern(expr).MatchString(s), re.MatchString(s); got != want {
			t.Fatalf("%q.MatchString(%q) = %v, regexp says %v", expr, s, got, want)
		}
	})
}
