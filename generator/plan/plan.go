// Package plan lists the files of a generated service: for each, its path,
// the template that renders it and its ownership class
// (docs/ARCHITECTURE.md, "Ownership classes").
package plan

import (
	"sort"
	"strings"

	"github.com/svcgen/svcgen/generator/model"
	"github.com/svcgen/svcgen/runtime"
)

// Class is a file's ownership class.
type Class string

const (
	Generated Class = "generated" // rewritten on every regenerate
	Scaffold  Class = "scaffold"  // written once, then the user's; merged on regenerate
	Spec      Class = "spec"      // the service's copy of the spec
	Migration Class = "migration" // append-only: never edited once written
	Manifest  Class = "manifest"  // .svcgen/ bookkeeping
)

// File is one planned output file.
type File struct {
	Path     string // slash-separated, relative to the service root
	Template string // template name in templates.FS; "" for Raw content
	Raw      []byte // content for files not rendered from a template
	Class    Class
	Mode     uint32
}

// Plan returns the files of svc, sorted by path. templates maps output
// paths to template names (render.Templates).
func Plan(svc *model.Service, templates map[string]string, spec []byte) []File {
	var files []File
	for out, tmpl := range templates {
		if want, ok := optional[out]; ok && !want(svc) {
			continue
		}
		files = append(files, File{Path: out, Template: tmpl, Class: ClassOf(out), Mode: 0o644})
	}
	files = append(files, File{Path: svc.SpecFile, Raw: spec, Class: Spec, Mode: 0o644})
	for _, f := range runtime.Files(svc.Module, svc.Events != nil) {
		files = append(files, File{Path: f.Path, Raw: f.Content, Class: Generated, Mode: 0o644})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files
}

// optional lists the files a service has only when it needs them.
var optional = map[string]func(*model.Service) bool{
	"internal/server/auth_gen.go":       hasSecurity,
	"internal/service/auth.go":          hasSecurity,
	"internal/server/forms_gen.go":      hasForms,
	"client/client_gen.go":              hasOperations,
	"internal/contract/contract_gen.go": hasOperations,
	"client/client_gen_test.go":         hasClientTests,
	"api/events_gen.go":                 publishes,
	"api/codec_gen_test.go":             hasCodecExamples,
	"events_gen.go":                     hasEvents,
	"internal/service/events.go":        subscribes,
	"internal/service/events_gen.go":    subscribes,
}

func hasEvents(svc *model.Service) bool  { return svc.Events != nil }
func publishes(svc *model.Service) bool  { return svc.Events.Publishes() }
func subscribes(svc *model.Service) bool { return svc.Events.Subscribes() }

// hasOperations reports whether there is anything to call: a spec without
// paths (webhooks only, say) gets no client.
func hasOperations(svc *model.Service) bool { return len(svc.Operations) > 0 }

// hasClientTests reports whether the client's tests can call an operation:
// each starts from the spec's example request, so a service none of whose
// operations has a valid one gets no client test (a file of skipped tests
// around a harness nothing uses does not vet).
func hasClientTests(svc *model.Service) bool {
	for _, op := range svc.Operations {
		if op.Example.Valid {
			return true
		}
	}
	return false
}

// hasForms reports whether a form body (or form alternative of a JSON
// one) needs the server to know its fields.
func hasForms(svc *model.Service) bool {
	for _, op := range svc.Operations {
		if op.Body != nil && op.Body.ReadsForms() {
			return true
		}
	}
	return false
}

// hasCodecExamples reports whether some JSON body has a valid example
// for the codec tests and benchmarks to start from.
func hasCodecExamples(svc *model.Service) bool { return len(svc.CodecExamples()) > 0 }

func hasSecurity(svc *model.Service) bool { return len(svc.Security) > 0 }

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
