package build

import (
	"strconv"
	"strings"
)

// maxRepeat is the largest repetition count Go's regexp (RE2) accepts.
const maxRepeat = 1000

// goPattern translates a pattern as OpenAPI writes it (ECMA-262) into Go's
// RE2 syntax where the two differ in spelling only: a \uXXXX escape becomes
// \x{XXXX}. A bounded repetition above RE2's limit ({m,n}, n > 1000, which
// AWS writes for lengths: [A-Za-z0-9+/=]{1,2048}) loses its upper bound
// when m is within the limit, and relaxed is true: the check then accepts
// more than the spec states, never less. Anything else RE2 does not have
// (lookarounds, backreferences) is left for regexp.Compile to refuse.
func goPattern(src string) (out string, relaxed bool) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src):
			if src[i+1] == 'u' && i+6 <= len(src) && isHex(src[i+2:i+6]) {
				b.WriteString(`\x{` + src[i+2:i+6] + `}`)
				i += 6
				continue
			}
			b.WriteString(src[i : i+2]) // an escape: the next character is not special
			i += 2
			continue
		case c == '[' && !inClass:
			inClass = true
		case c == ']' && inClass:
			inClass = false
		case c == '{' && !inClass:
			if m, n, size, ok := repeatCount(src[i:]); ok && n > maxRepeat && m <= maxRepeat {
				b.WriteString("{" + strconv.Itoa(m) + ",}")
				i += size
				relaxed = true
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String(), relaxed
}

// repeatCount reads a bounded repetition "{m,n}" at the start of s.
func repeatCount(s string) (m, n, size int, ok bool) {
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return 0, 0, 0, false
	}
	lo, hi, found := strings.Cut(s[1:end], ",")
	if !found {
		return 0, 0, 0, false
	}
	m, errM := strconv.Atoi(lo)
	n, errN := strconv.Atoi(hi)
	if errM != nil || errN != nil || m < 0 || n < m {
		return 0, 0, 0, false
	}
	return m, n, end + 1, true
}

func isHex(s string) bool {
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
