// Package plan lists the files of a generated service: for each, its path,
// the template that renders it and its ownership class
// (docs/ARCHITECTURE.md, "Ownership classes").
package plan

import (
	"sort"

	"github.com/svcgen/svcgen/generator/file"
	"github.com/svcgen/svcgen/generator/model"
	"github.com/svcgen/svcgen/runtime"
)

// Plan returns the files of svc, sorted by path. templates maps output
// paths to template names (render.Templates).
func Plan(svc *model.Service, templates map[string]string, spec []byte) []file.File {
	var files []file.File
	for out, tmpl := range templates {
		if want, ok := optional[out]; ok && !want(svc) {
			continue
		}
		files = append(files, file.File{Path: out, Template: tmpl, Class: file.ClassOf(out), Mode: 0o644})
	}
	files = append(files, file.File{Path: svc.SpecFile, Content: spec, Class: file.Spec, Mode: 0o644})
	files = append(files, runtime.Files(svc.Module, svc.Events != nil)...)
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
	"internal/server/asyncapi_gen.go":   servesAsyncAPI,
}

func hasEvents(svc *model.Service) bool  { return svc.Events != nil }
func publishes(svc *model.Service) bool  { return svc.Events.Publishes() }
func subscribes(svc *model.Service) bool { return svc.Events.Subscribes() }
func servesAsyncAPI(svc *model.Service) bool {
	return svc.Events.ServedDocument() != ""
}

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
