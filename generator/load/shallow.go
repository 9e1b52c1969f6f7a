package load

import (
	"reflect"
	"unsafe"

	"github.com/getkin/kin-openapi/openapi3"
)

// kin-openapi validates a schema by walking everything it refers to, with
// a fresh record of what it has seen for each schema it starts from: each
// component schema, each schema of a parameter, body or response. A spec
// whose schemas refer to one another in long chains is validated in time
// quadratic in its size (10,000 schemas each referring to the next: two
// minutes). Such a spec is validated shallowly: every $ref to a component
// schema is pointed, while kin-openapi validates, at an empty schema, so
// that each component is validated once, as a component, and each use
// validates only what it writes itself. Examples, which are checked
// against whole schemas, are then not checked (as for costly schemas, see
// maxVisits). A spec under maxValidationVisits is validated as before.

// maxValidationVisits is how many schema visits kin-openapi's validation
// may make before the spec is validated shallowly. A variable, so that
// tests can force either way.
var maxValidationVisits = 200_000

// refSites lists every SchemaRef of doc that refers to a component schema
// and the schemas kin-openapi starts validating from (component schemas
// and the schemas of everything that is not a schema), each once.
type refSites struct {
	sites []*openapi3.SchemaRef // $refs whose Value is a component schema
	roots []*openapi3.Schema
}

var (
	schemaRefType = reflect.TypeFor[openapi3.SchemaRef]()
)

// findRefSites walks doc by reflection: every pointer, slice, map and
// struct of kin-openapi's types, each pointer once.
func findRefSites(doc *openapi3.T) *refSites {
	components := map[*openapi3.Schema]bool{}
	if doc.Components != nil {
		for _, sr := range doc.Components.Schemas {
			if sr != nil && sr.Value != nil {
				components[sr.Value] = true
			}
		}
	}
	r := &refSites{}
	seen := map[unsafe.Pointer]bool{}
	var walk func(v reflect.Value, inSchema bool)
	walk = func(v reflect.Value, inSchema bool) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				return
			}
			p := v.UnsafePointer()
			if seen[p] {
				return
			}
			seen[p] = true
			switch v.Type().Elem() {
			case schemaRefType:
				sr := (*openapi3.SchemaRef)(p)
				if sr.Ref != "" && components[sr.Value] {
					r.sites = append(r.sites, sr)
				}
				if !inSchema && sr.Value != nil {
					r.roots = append(r.roots, sr.Value)
				}
				walk(v.Elem(), inSchema)
				return
			case schemaType:
				walk(v.Elem(), true)
				return
			}
			walk(v.Elem(), inSchema)
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i), inSchema)
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i), inSchema)
			}
		case reflect.Map:
			if v.Type().Elem().Kind() == reflect.Interface {
				return // extensions and other raw values
			}
			it := v.MapRange()
			for it.Next() {
				walk(it.Value(), inSchema)
			}
		}
	}
	walk(reflect.ValueOf(doc), false)
	for s := range components {
		r.roots = append(r.roots, s)
	}
	return r
}

// tooCostly reports whether validating from every root visits more than
// limit schemas, counting as kin-openapi does: the whole reachable graph
// from each root, afresh.
func (r *refSites) tooCostly(limit int) bool {
	visits := 0
	for _, root := range r.roots {
		seen := map[*openapi3.Schema]bool{}
		stack := []*openapi3.Schema{root}
		for len(stack) > 0 {
			s := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if s == nil || seen[s] {
				continue
			}
			seen[s] = true
			if visits++; visits > limit {
				return true
			}
			for _, sub := range subSchemas(s) {
				if sub != nil {
					stack = append(stack, sub.Value)
				}
			}
		}
	}
	return false
}

// subSchemas lists the schemas s holds that kin-openapi validates with it.
func subSchemas(s *openapi3.Schema) []*openapi3.SchemaRef {
	out := make([]*openapi3.SchemaRef, 0, len(s.Properties)+4)
	for _, p := range s.Properties {
		out = append(out, p)
	}
	out = append(out, s.Items, s.Not, s.AdditionalProperties.Schema)
	out = append(out, s.AllOf...)
	out = append(out, s.AnyOf...)
	out = append(out, s.OneOf...)
	out = append(out, s.PrefixItems...)
	return out
}

// shallow points every site at an empty schema and returns the function
// that puts them back.
func (r *refSites) shallow() (restore func()) {
	stub := &openapi3.Schema{}
	values := make([]*openapi3.Schema, len(r.sites))
	for i, sr := range r.sites {
		values[i], sr.Value = sr.Value, stub
	}
	return func() {
		for i, sr := range r.sites {
			sr.Value = values[i]
		}
	}
}
