package load

import (
	"cmp"
	"slices"
	"strings"
)

// warn records a warning once.
func (l *loader) warn(f finding) {
	w := Warning{File: f.loc.src.path, Pointer: "#" + f.loc.ptr, Line: f.loc.line, Message: f.msg}
	key := w.String()
	if l.tuples && strings.HasSuffix(w.Pointer, "/prefixItems") && strings.Contains(w.Message, "prefixItems is for OpenAPI >=3.1") {
		return // what fixTupleItems made of items, and said so
	}
	if l.warned[key] {
		return
	}
	l.warned[key] = true
	l.warnings = append(l.warnings, w)
}

// warnAt records a warning about the element at pointer p of src.
func (l *loader) warnAt(src *source, p, msg string) {
	line, _, _ := src.lookup(p)
	l.warn(finding{location{src, p, line}, msg})
}

// errorAt returns an *Error about the element at pointer p of src.
func (l *loader) errorAt(src *source, p, msg string) *Error {
	line, _, _ := src.lookup(p)
	return &Error{File: src.path, Pointer: "#" + p, Line: line, Message: msg}
}

// place is what problems are sorted by.
type place struct {
	file     string
	line     int
	ptr, msg string
}

// compare orders problems by file (the root first), line, pointer and
// message.
func (l *loader) compare(a, b place) int {
	if a.file != b.file {
		switch {
		case a.file == l.root.path:
			return -1
		case b.file == l.root.path:
			return 1
		}
		return strings.Compare(a.file, b.file)
	}
	return cmp.Or(cmp.Compare(a.line, b.line), strings.Compare(a.ptr, b.ptr), strings.Compare(a.msg, b.msg))
}

// sortedWarnings returns the warnings in order.
func (l *loader) sortedWarnings() []Warning {
	out := slices.Clone(l.warnings)
	slices.SortStableFunc(out, func(a, b Warning) int {
		return l.compare(place{a.File, a.Line, a.Pointer, a.Message}, place{b.File, b.Line, b.Pointer, b.Message})
	})
	return out
}

// sortedErrors turns findings into Errors, without duplicates, in order.
func (l *loader) sortedErrors(fs []finding) Errors {
	seen := map[string]bool{}
	var out Errors
	for _, f := range fs {
		e := &Error{File: f.loc.src.path, Pointer: "#" + f.loc.ptr, Line: f.loc.line, Message: f.msg}
		if key := e.Error(); !seen[key] {
			seen[key] = true
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b *Error) int {
		return l.compare(place{a.File, a.Line, a.Pointer, a.Message}, place{b.File, b.Line, b.Pointer, b.Message})
	})
	return out
}
