package build

import (
	"regexp"
	"testing"
)

func TestPatternExample(t *testing.T) {
	for _, src := range []string{
		`^[A-Z0-9-]{4,32}$`, `^[A-Z]{3}$`, `^[0-9]{12,19}$`, `^\d{4}$`, `^(foo|bar)-\w+$`,
		`^[a-z][a-z0-9_]*$`, `^https?://.+$`, `(?i)^abc$`, `^[^@\s]+@[^@\s]+$`, `^$`,
	} {
		got, ok := patternExample(src)
		if !ok || !regexp.MustCompile(src).MatchString(got) {
			t.Errorf("patternExample(%q) = %q, %v: want a string it matches", src, got, ok)
		}
	}
	if _, ok := patternExample(`(`); ok {
		t.Error("an expression that does not parse gave an example")
	}
}
