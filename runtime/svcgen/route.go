package svcgen

import (
	"net/url"
	"strings"
)

// PathPattern is the path of a ServeMux pattern ("/a/{id}/b"), matched by
// code rather than by a ServeMux: the server's fallback routes and the
// contract check use it for the patterns ServeMux refuses beside another
// that matches some of the same paths, neither being more specific.
type PathPattern struct {
	segments []string // after the first "/": literal text, "{name}", or "{$}" for a final "/"
}

// ParsePathPattern reads the path of a pattern; literal segments are
// unescaped, as ServeMux reads them.
func ParsePathPattern(path string) PathPattern {
	segments := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i, seg := range segments {
		if !strings.HasPrefix(seg, "{") {
			if u, err := url.PathUnescape(seg); err == nil {
				segments[i] = u
			}
		}
	}
	return PathPattern{segments: segments}
}

// Match reports whether escapedPath (a request's URL.EscapedPath) matches
// the pattern, and the values of its wildcards, name then value, as
// ServeMux would give them.
func (p PathPattern) Match(escapedPath string) ([]string, bool) {
	segments := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	if len(segments) != len(p.segments) {
		return nil, false
	}
	var values []string
	for i, want := range p.segments {
		got, err := url.PathUnescape(segments[i])
		if err != nil {
			return nil, false
		}
		switch {
		case want == "{$}":
			if got != "" {
				return nil, false
			}
		case strings.HasPrefix(want, "{"):
			if got == "" {
				return nil, false
			}
			values = append(values, want[1:len(want)-1], got)
		case got != want:
			return nil, false
		}
	}
	return values, true
}
