// Package file holds the one type every stage of the pipeline hands on: a
// file of the service. plan makes them (a path, a template or content, a
// class), render and format fill in their content, regen decides what to
// do with each, and write puts them on disk (docs/ARCHITECTURE.md,
// "Pipeline").
package file

import (
	"io/fs"
	"strings"
)

// File is one output file.
type File struct {
	Path string // slash-separated, relative to the service's folder
	// Template is the template that renders the file, until it is
	// rendered; "" for a file whose Content is known from the start (the
	// spec's copy, the runtime's sources, the manifest).
	Template string
	Content  []byte
	Class    Class
	Mode     fs.FileMode // permission bits; 0 means 0644
}

// Class is a file's ownership class (docs/ARCHITECTURE.md, "Ownership
// classes").
type Class string

const (
	Generated Class = "generated" // rewritten on every regenerate
	Scaffold  Class = "scaffold"  // written once, then the user's; merged on regenerate
	Spec      Class = "spec"      // the service's copy of the spec
	Migration Class = "migration" // append-only: never edited once written
	Manifest  Class = "manifest"  // .svcgen/ bookkeeping
)

// ClassOf tells the class of an output path by its name: files svcgen
// rewrites end in _gen.go or _gen_test.go; the rest is the user's.
func ClassOf(p string) Class {
	switch {
	case strings.HasPrefix(p, ".svcgen/"):
		return Manifest
	case strings.HasPrefix(p, "internal/store/migrations/"):
		return Migration
	case strings.HasSuffix(p, "_gen.go"), strings.HasSuffix(p, "_gen_test.go"):
		return Generated
	}
	return Scaffold
}
