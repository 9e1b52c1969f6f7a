package load

import (
	"cmp"
	"slices"
	"strings"
)

// report collects the warnings of one Load call, for every stage, and
// orders what Load returns: warnings and errors by file (the root first),
// line, pointer and message.
type report struct {
	rootPath string // the root file, which sorts first
	warnings []Warning
	warned   map[string]bool
	tuples   bool // fixTupleItems rewrote some items as prefixItems
}

func newReport() *report { return &report{warned: map[string]bool{}} }

// warn records a warning once.
func (r *report) warn(f finding) {
	w := Warning{File: f.loc.src.path, Pointer: "#" + f.loc.ptr, Line: f.loc.line, Message: f.msg}
	key := w.String()
	if r.tuples && strings.HasSuffix(w.Pointer, "/prefixItems") && strings.Contains(w.Message, "prefixItems is for OpenAPI >=3.1") {
		return // what fixTupleItems made of items, and said so
	}
	if r.warned[key] {
		return
	}
	r.warned[key] = true
	r.warnings = append(r.warnings, w)
}

// warnAt records a warning about the element at pointer p of src.
func (r *report) warnAt(src *source, p, msg string) {
	line, _, _ := src.lookup(p)
	r.warn(finding{location{src, p, line}, msg})
}

// errorAt returns an *Error about the element at pointer p of src.
func (r *report) errorAt(src *source, p, msg string) *Error {
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
func (r *report) compare(a, b place) int {
	if a.file != b.file {
		switch {
		case a.file == r.rootPath:
			return -1
		case b.file == r.rootPath:
			return 1
		}
		return strings.Compare(a.file, b.file)
	}
	return cmp.Or(cmp.Compare(a.line, b.line), strings.Compare(a.ptr, b.ptr), strings.Compare(a.msg, b.msg))
}

// sortedWarnings returns the warnings in order.
func (r *report) sortedWarnings() []Warning {
	out := slices.Clone(r.warnings)
	slices.SortStableFunc(out, func(a, b Warning) int {
		return r.compare(place{a.File, a.Line, a.Pointer, a.Message}, place{b.File, b.Line, b.Pointer, b.Message})
	})
	return out
}

// sortedErrors turns findings into Errors, without duplicates, in order.
func (r *report) sortedErrors(fs []finding) Errors {
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
		return r.compare(place{a.File, a.Line, a.Pointer, a.Message}, place{b.File, b.Line, b.Pointer, b.Message})
	})
	return out
}
