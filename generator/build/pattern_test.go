package build

import (
	"regexp"
	"testing"
)

func TestGoPattern(t *testing.T) {
	for _, c := range []struct {
		src, want string
		relaxed   bool
		compiles  bool
	}{
		{`[\u0020-\u00FF]+`, `[\x{0020}-\x{00FF}]+`, false, true},
		{`^\u002F\d$`, `^\x{002F}\d$`, false, true},
		{`\\u0020`, `\\u0020`, false, true}, // an escaped backslash, then "u0020"
		{`^[A-Za-z0-9+/=]{1,2048}$`, `^[A-Za-z0-9+/=]{1,}$`, true, true},
		{`^.{1,2097152}`, `^.{1,}`, true, true},
		{`arn:aws(-[\w]+)*:(\w|\/|-){1,1011}`, `arn:aws(-[\w]+)*:(\w|\/|-){1,}`, true, true},
		{`^[a-z]{2,1000}$`, `^[a-z]{2,1000}$`, false, true},
		{`[{1,2000}]`, `[{1,2000}]`, false, true}, // inside a class: characters
		{`\{1,2000}`, `\{1,2000}`, false, true},   // an escaped brace
		{`a{2000}`, `a{2000}`, false, false},      // no bound to drop
		{`a{1500,2000}`, `a{1500,2000}`, false, false},
		{`(?=^.{2,256}$)(?!.*\s)[0-9a-z]*$`, `(?=^.{2,256}$)(?!.*\s)[0-9a-z]*$`, false, false},
	} {
		got, relaxed := goPattern(c.src)
		if got != c.want || relaxed != c.relaxed {
			t.Errorf("goPattern(%q) = %q, %v; want %q, %v", c.src, got, relaxed, c.want, c.relaxed)
		}
		if _, err := regexp.Compile(got); (err == nil) != c.compiles {
			t.Errorf("goPattern(%q) = %q: compiles %v, want %v (%v)", c.src, got, err == nil, c.compiles, err)
		}
	}
	// A relaxed pattern accepts what the original does.
	re := regexp.MustCompile(mustGo(`^[ab]{1,2048}$`))
	for _, s := range []string{"a", "abab", string(make([]byte, 0))} {
		if want := len(s) >= 1; re.MatchString(s) != want {
			t.Errorf("relaxed pattern on %q: %v", s, !want)
		}
	}
}

func mustGo(src string) string {
	s, _ := goPattern(src)
	return s
}
