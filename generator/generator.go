// Package generator runs the whole pipeline in memory:
// load → build (model) → plan → render → format. Only package write touches
// the disk, so the CLI, tests and a future --check mode share one call.
package generator

import (
	"context"

	"github.com/svcgen/svcgen/generator/load"
	"github.com/svcgen/svcgen/generator/model"
)

// Version is svcgen's version, recorded in every manifest.
var Version = "0.1.0"

// Options for a generation run.
type Options struct {
	SpecPath string // the OpenAPI file
	Module   string // Go module path; defaults to Name
	Name     string // service name, a Go identifier; defaults from info.title
}

// Class is a file's ownership class (DESIGN.md §4).
type Class string

const (
	ClassGenerated Class = "generated" // rewritten on every regenerate
	ClassScaffold  Class = "scaffold"  // written once, then the user's; merged on regenerate
	ClassSpec      Class = "spec"      // the service's copy of the spec
	ClassMigration Class = "migration" // append-only
	ClassManifest  Class = "manifest"  // .svcgen/ bookkeeping
)

// File is one output file, rendered and formatted.
type File struct {
	Path    string // slash-separated, relative to the output folder
	Content []byte
	Class   Class
	Mode    uint32 // 0644 or 0755
}

// Result is everything a run produced.
type Result struct {
	Service  *model.Service
	Files    []File // sorted by path
	Warnings []load.Warning
}

// Generate loads the spec and renders the complete repository in memory.
func Generate(ctx context.Context, opts Options) (*Result, error) {
	panic("not yet")
}
