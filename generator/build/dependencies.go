package build

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/mod/module"

	"github.com/svcgen/svcgen/generator/model"
)

// dependencyExtension names the services this one calls (docs/ARCHITECTURE.md):
//
//	x-svcgen-dependencies:
//	  catalog:                    # a lower-case Go identifier
//	    module: example.com/catalog
//	    version: v1.4.0           # optional
//	    path: ../catalog          # optional: a local checkout, as a replace
//	    spec: ../catalog/openapi.yaml  # optional, for the reader and svcgen's tests
//	    url: http://catalog:8080  # optional: the base URL when CATALOG_URL is unset
const dependencyExtension = "x-svcgen-dependencies"

// zeroVersion is the version go.mod requires of a module replaced by a
// local folder.
const zeroVersion = "v0.0.0-00010101000000-000000000000"

// dependencies reads the extension from the document's root.
func (b *builder) dependencies(svc *model.Service) error {
	raw, ok := b.doc.Extensions[dependencyExtension]
	if !ok {
		return nil
	}
	ptr := "#/" + dependencyExtension
	js, err := json.Marshal(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", ptr, err)
	}
	var entries map[string]struct {
		Module  string `json:"module"`
		Version string `json:"version"`
		Path    string `json:"path"`
		Spec    string `json:"spec"`
		URL     string `json:"url"`
	}
	dec := json.NewDecoder(strings.NewReader(string(js)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&entries); err != nil {
		return fmt.Errorf("%s: want a map of service names to {module, version, path, spec, url}: %w", ptr, err)
	}
	names := make([]string, 0, len(entries))
	for name := range entries {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		e := entries[name]
		at := ptr + "/" + escape(name)
		if !validIdent(name) {
			return fmt.Errorf("%s: %q is not a lower-case Go identifier (such as \"catalog\")", at, name)
		}
		if takenNames[name] {
			return fmt.Errorf("%s: %q is a name the generated service uses itself; call the service something else", at, name)
		}
		if err := module.CheckPath(e.Module); err != nil {
			return fmt.Errorf("%s/module: %w", at, err)
		}
		if e.Module == svc.Module {
			return fmt.Errorf("%s/module: %s is this service's own module", at, e.Module)
		}
		d := &model.Dependency{
			Name: name, Field: name, Import: name + "client", API: name + "api",
			Module: e.Module, Version: e.Version, Path: e.Path, Spec: e.Spec,
			Env: strings.ToUpper(name) + "_URL", URL: e.URL,
		}
		if d.URL == "" {
			d.URL = "http://" + name + ":8080"
		}
		switch {
		case d.Version == "" && d.Path != "":
			d.Version = zeroVersion
		case d.Version == "":
			return fmt.Errorf("%s: give the module's version, or a path to a local checkout", at)
		default:
			if err := module.Check(e.Module, d.Version); err != nil {
				return fmt.Errorf("%s/version: %w", at, err)
			}
		}
		svc.Dependencies = append(svc.Dependencies, d)
	}
	return nil
}

// takenNames are the names of Service's own fields and of run's and New's
// locals and packages, which a dependency's field, parameter and
// variables would shadow.
var takenNames = map[string]bool{
	"log": true, "db": true, "crud": true, "s": true, "ctx": true, "req": true,
	"err": true, "api": true, "store": true, "svcgen": true, "server": true, "service": true,
}

// validIdent reports whether s is a lower-case ASCII Go identifier that is
// not a keyword: it names a field, an import and an environment variable.
func validIdent(s string) bool {
	if s == "" || model.IsReserved(s) || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
