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

// refSites lists every SchemaRef of doc that refers to a component
// schema, each once.
type refSites struct {
	sites []*openapi3.SchemaRef // $refs whose Value is a component schema
}

var schemaRefType = reflect.TypeFor[openapi3.SchemaRef]()

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
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
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
			}
			walk(v.Elem())
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			if v.Type().Elem().Kind() == reflect.Interface {
				return // extensions and other raw values
			}
			it := v.MapRange()
			for it.Next() {
				walk(it.Value())
			}
		}
	}
	walk(reflect.ValueOf(doc))
	return r
}

// validationRoots lists the schemas kin-openapi starts validating from:
// the component schemas and those of parameters, headers, bodies and
// responses, in components and operations. It is cheaper than
// findRefSites, which is only needed once validation is too costly, and
// leaves out rarer places (callbacks, webhooks, links).
func validationRoots(doc *openapi3.T) []*openapi3.Schema {
	var roots []*openapi3.Schema
	add := func(sr *openapi3.SchemaRef) {
		if sr != nil && sr.Value != nil {
			roots = append(roots, sr.Value)
		}
	}
	content := func(c openapi3.Content) {
		for _, mt := range c {
			if mt != nil {
				add(mt.Schema)
			}
		}
	}
	param := func(p *openapi3.Parameter) {
		if p != nil {
			add(p.Schema)
			content(p.Content)
		}
	}
	response := func(r *openapi3.Response) {
		if r == nil {
			return
		}
		content(r.Content)
		for _, h := range r.Headers {
			if h != nil && h.Value != nil {
				param(&h.Value.Parameter)
			}
		}
	}
	if c := doc.Components; c != nil {
		for _, sr := range c.Schemas {
			add(sr)
		}
		for _, p := range c.Parameters {
			if p != nil {
				param(p.Value)
			}
		}
		for _, h := range c.Headers {
			if h != nil && h.Value != nil {
				param(&h.Value.Parameter)
			}
		}
		for _, rb := range c.RequestBodies {
			if rb != nil && rb.Value != nil {
				content(rb.Value.Content)
			}
		}
		for _, r := range c.Responses {
			if r != nil {
				response(r.Value)
			}
		}
	}
	if doc.Paths != nil {
		for _, item := range doc.Paths.Map() {
			if item == nil {
				continue
			}
			for _, p := range item.Parameters {
				if p != nil {
					param(p.Value)
				}
			}
			for _, op := range item.Operations() {
				for _, p := range op.Parameters {
					if p != nil {
						param(p.Value)
					}
				}
				if op.RequestBody != nil && op.RequestBody.Value != nil {
					content(op.RequestBody.Value.Content)
				}
				if op.Responses != nil {
					for _, r := range op.Responses.Map() {
						if r != nil {
							response(r.Value)
						}
					}
				}
			}
		}
	}
	return roots
}

// costlyToValidate reports whether validating from every root visits more
// than limit schemas, counting as kin-openapi does: the whole reachable
// graph from each root, afresh.
func costlyToValidate(roots []*openapi3.Schema, limit int) bool {
	visits := 0
	for _, root := range roots {
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
