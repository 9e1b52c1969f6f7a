package load

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// The checks here run before kin-openapi's validation: they fix or report
// what it reports badly for svcgen's purposes.

// requirePathParams marks every path parameter required, as OpenAPI says
// they always are: forgetting `required: true` is common, and kin-openapi
// would report it as the first problem of the parameter list, hiding the
// others.
func (l *loader) requirePathParams() {
	seen := map[*openapi3.Parameter]bool{}
	fix := func(p *openapi3.ParameterRef, ptr string) {
		if p == nil || p.Value == nil || seen[p.Value] {
			return
		}
		v := p.Value
		seen[v] = true
		if v.In != openapi3.ParameterInPath || v.Required {
			return
		}
		v.Required = true
		l.warn(finding{
			l.locateElement(v.Origin, "required", ptr),
			fmt.Sprintf("path parameter %q is not marked required: true; read as required", v.Name),
		})
	}
	if c := l.doc.Components; c != nil {
		for _, name := range sortedKeys(c.Parameters) {
			fix(c.Parameters[name], join("/components/parameters", name))
		}
	}
	l.eachOperation(func(ptr string, item *openapi3.PathItem, method string, op *openapi3.Operation) {
		if op == nil {
			for i, p := range item.Parameters {
				fix(p, ptr+"/parameters/"+strconv.Itoa(i))
			}
			return
		}
		for i, p := range op.Parameters {
			fix(p, ptr+"/parameters/"+strconv.Itoa(i))
		}
	})
}

// checkOperationIDs warns about every operationId used more than once.
// kin-openapi reports only the first; the model builder makes names
// unique, so this is not an error.
func (l *loader) checkOperationIDs() {
	first := map[string]string{}
	l.eachOperation(func(ptr string, _ *openapi3.PathItem, method string, op *openapi3.Operation) {
		if op == nil || op.OperationID == "" {
			return
		}
		endpoint := method + " " + splitPointer(ptr)[1]
		if other, ok := first[op.OperationID]; ok {
			l.warn(finding{
				l.locateElement(op.Origin, "operationId", ptr+"/operationId"),
				fmt.Sprintf("operationId %q is also used by %s", op.OperationID, other),
			})
			return
		}
		first[op.OperationID] = endpoint
	})
}

// eachOperation calls fn for every path item (op nil) and operation under
// paths, in path and method order, with its pointer.
func (l *loader) eachOperation(fn func(ptr string, item *openapi3.PathItem, method string, op *openapi3.Operation)) {
	if l.doc.Paths == nil {
		return
	}
	for _, path := range l.doc.Paths.Keys() {
		item := l.doc.Paths.Value(path)
		if item == nil {
			continue
		}
		itemPtr := join("/paths", path)
		fn(itemPtr, item, "", nil)
		ops := item.Operations()
		for _, method := range sortedKeys(ops) {
			fn(join(itemPtr, methodTokens(method)...), item, method, ops[method])
		}
	}
}

// checkSchemas lists the schemas of the document in l.schemas and runs the
// checks of single schemas that come before validation, dedupeRequired and
// checkFormat. The document is walked once: kin-openapi's walk builds the
// pointer of every schema, which takes a while on a large document.
func (l *loader) checkSchemas() {
	l.schemas = listSchemas(l.doc)
	l.yamlNullTypes()
	if !l.doc.IsOpenAPI31OrLater() {
		l.nullTypes30()
	}
	formats := map[string]map[string]bool{}
	for _, at := range l.schemas {
		l.dedupeRequired(at.ptr, at.s)
		l.checkFormat(at.ptr, at.s, formats)
	}
}

// nullTypes30 reads OpenAPI 3.1's type "null", which 3.0 does not have
// and kin-openapi refuses there, the way 3.0 says it: a "null" variant of
// anyOf or oneOf, or "null" in a list of types, makes the schema nullable
// (blockfrost.io writes 3.0 documents so). Each is a warning.
func (l *loader) nullTypes30() {
	onlyNull := func(ref *openapi3.SchemaRef) bool {
		return ref != nil && ref.Value != nil && ref.Value.Type != nil && ref.Value.Type.Slice()[0] == "null" && len(ref.Value.Type.Slice()) == 1
	}
	dropped := map[*openapi3.Schema]bool{}
	for _, at := range l.schemas {
		for _, kind := range []string{"anyOf", "oneOf"} {
			list := &at.s.AnyOf
			if kind == "oneOf" {
				list = &at.s.OneOf
			}
			for i := 0; i < len(*list); i++ {
				if onlyNull((*list)[i]) {
					l.warn(finding{l.locateElement(at.s.Origin, kind, fmt.Sprintf("%s/%s/%d", at.ptr, kind, i)),
						`type "null" is OpenAPI 3.1, not 3.0: read as nullable`})
					dropped[(*list)[i].Value] = true
					*list = append((*list)[:i:i], (*list)[i+1:]...)
					at.s.Nullable = true
					i--
				}
			}
		}
	}
	for _, at := range l.schemas {
		if at.s.Type == nil || !at.s.Type.Includes("null") || dropped[at.s] {
			continue
		}
		l.warn(finding{l.locateElement(at.s.Origin, "type", at.ptr+"/type"), `type "null" is OpenAPI 3.1, not 3.0: read as nullable`})
		var rest openapi3.Types
		for _, t := range at.s.Type.Slice() {
			if t != "null" {
				rest = append(rest, t)
			}
		}
		at.s.Type = nil
		if len(rest) > 0 {
			at.s.Type = &rest
		}
		at.s.Nullable = true
	}
}

// yamlNullTypes reads a YAML null in a list of types (`type: [string,
// null]`, unquoted, the way 3.1 documents are often written) as the type
// "null" it was meant to be: kin-openapi decodes it as "" and refuses it.
// Each is a warning.
func (l *loader) yamlNullTypes() {
	for _, at := range l.schemas {
		if at.s.Type == nil || !slices.Contains(at.s.Type.Slice(), "") {
			continue
		}
		types := slices.Clone(*at.s.Type)
		for i, t := range types {
			if t == "" {
				types[i] = "null"
			}
		}
		at.s.Type = &types
		l.warn(finding{l.locateElement(at.s.Origin, "type", at.ptr+"/type"),
			`YAML null in the list of types: read as "null"; quote it ("null") to say so`})
	}
}

// emptyPaths reads a 3.0 document without paths, which 3.0 requires but
// 3.1 does not (a document of components or callbacks only), as one with
// no operations. It is a warning.
func (l *loader) emptyPaths() {
	if l.doc.Paths != nil {
		return
	}
	l.doc.Paths = openapi3.NewPaths()
	if !l.doc.IsOpenAPI31OrLater() && !l.swagger {
		l.warn(finding{l.docLocation(""), `no "paths": OpenAPI 3.0 requires them; read as a service without operations`})
	}
}

// unusedPathParams drops path parameters that their path template does
// not name (`/customers/{customerId}` declaring `id` in: path too): no
// request can carry them, and the generated handler would answer every
// request 400 for want of one. Each is a warning. A template parameter
// that is not declared stays an error: it is kin-openapi's to report.
func (l *loader) unusedPathParams() {
	l.eachOperation(func(ptr string, item *openapi3.PathItem, method string, op *openapi3.Operation) {
		path := splitPointer(ptr)[1]
		inTemplate := map[string]bool{}
		for _, m := range templateParam.FindAllStringSubmatch(path, -1) {
			inTemplate[m[1]] = true
		}
		params := &item.Parameters
		if op != nil {
			params = &op.Parameters
		}
		kept := (*params)[:0:0]
		for i, p := range *params {
			if p != nil && p.Value != nil && p.Value.In == openapi3.ParameterInPath && !inTemplate[p.Value.Name] {
				l.warn(finding{l.locateElement(p.Value.Origin, "", ptr+"/parameters/"+strconv.Itoa(i)),
					fmt.Sprintf("path parameter %q is not in the path template %q: ignored", p.Value.Name, path)})
				continue
			}
			kept = append(kept, p)
		}
		if len(kept) != len(*params) {
			*params = kept
		}
	})
}

// templateParam matches a parameter of a path template.
var templateParam = regexp.MustCompile(`\{([^{}]+)\}`)

// listSchemas lists every schema of doc once, each component schema with
// its own pointer and everything in it below that.
//
// kin-openapi's WalkSchemas follows $refs into components, so a schema is
// listed under the pointer of the first path that reaches it: along a
// chain of components each referring to the next, the pointers grow with
// the chain, and building them takes time and memory quadratic in its
// length. Here a $ref to a component is not followed: the component is
// listed as itself.
func listSchemas(doc *openapi3.T) []schemaAt {
	var out []schemaAt
	listed := map[*openapi3.Schema]bool{}
	components := map[*openapi3.Schema]bool{}
	var names []string
	if doc.Components != nil {
		names = sortedKeys(doc.Components.Schemas)
		for _, sr := range doc.Components.Schemas {
			if sr != nil && sr.Value != nil {
				components[sr.Value] = true
			}
		}
	}
	visit := func(prefix string, top bool) openapi3.WalkSchemasFunc {
		return func(ptr string, sr *openapi3.SchemaRef) error {
			s := sr.Value
			if listed[s] || components[s] && !(top && ptr == "") {
				return openapi3.SkipSubtree
			}
			listed[s] = true
			out = append(out, schemaAt{prefix + ptr, s})
			return nil
		}
	}
	for _, name := range names {
		if sr := doc.Components.Schemas[name]; sr != nil {
			_ = sr.WalkSubtree(visit(join("/components/schemas", name), true))
		}
	}
	_ = doc.WalkSchemas(visit("", false))
	return out
}

// schemaAt is a schema of the document and its pointer.
type schemaAt struct {
	ptr string
	s   *openapi3.Schema
}

// checkFormat warns about a format svcgen does not know. kin-openapi can
// check formats, but reports them without an origin and, like any schema
// problem, as the only problem of the schema. known caches knownFormats.
func (l *loader) checkFormat(ptr string, s *openapi3.Schema, known map[string]map[string]bool) {
	if s.Format == "" || s.Type == nil {
		return
	}
	for _, t := range s.Type.Slice() {
		formats, ok := known[t]
		if !ok {
			formats, _ = knownFormats(t)
			known[t] = formats
		}
		if formats != nil && !formats[s.Format] {
			l.warn(finding{
				l.locateElement(s.Origin, "format", ptr+"/format"),
				fmt.Sprintf("unknown %s format %q", t, s.Format),
			})
			break
		}
	}
}

// knownFormats returns the formats known for values of type t, as
// kin-openapi knows them, and false for types without formats.
func knownFormats(t string) (map[string]bool, bool) {
	known := map[string]bool{}
	switch t {
	case openapi3.TypeNumber:
		known["float"], known["double"] = true, true
		for f := range openapi3.SchemaNumberFormats {
			known[f] = true
		}
	case openapi3.TypeInteger:
		known["int32"], known["int64"] = true, true
		for f := range openapi3.SchemaIntegerFormats {
			known[f] = true
		}
	case openapi3.TypeString:
		for _, f := range stringFormats {
			known[f] = true
		}
		for f := range openapi3.SchemaStringFormats {
			known[f] = true
		}
	default:
		return nil, false
	}
	return known, true
}

// stringFormats are the string formats of OpenAPI and JSON Schema.
var stringFormats = []string{
	"byte", "binary", "date", "date-time", "password",
	"iri", "iri-reference", "uri-template", "idn-email", "idn-hostname",
	"json-pointer", "relative-json-pointer", "regex", "time", "duration", "uuid",
	"email", "hostname", "ipv4", "ipv6", "uri", "uri-reference",
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// describeResponses gives an empty description to every response without
// one. kin-openapi reports a missing description as the only problem of
// the response, hiding any in its content.
func (l *loader) describeResponses() {
	seen := map[*openapi3.Response]bool{}
	fix := func(r *openapi3.ResponseRef, ptr string) {
		if r == nil || r.Value == nil || seen[r.Value] {
			return
		}
		seen[r.Value] = true
		if r.Value.Description == nil {
			r.Value.Description = new(string)
			l.warn(finding{l.locateElement(r.Value.Origin, "", ptr), `missing required field "description"`})
		}
	}
	if c := l.doc.Components; c != nil {
		for _, name := range sortedKeys(c.Responses) {
			fix(c.Responses[name], join("/components/responses", name))
		}
	}
	l.eachOperation(func(ptr string, _ *openapi3.PathItem, _ string, op *openapi3.Operation) {
		if op == nil || op.Responses == nil {
			return
		}
		for _, code := range op.Responses.Keys() {
			fix(op.Responses.Value(code), join(ptr, "responses", code))
		}
	})
}

// dedupeRequired drops repeated names from the schema's required list,
// another problem kin-openapi reports as the only one of the schema.
func (l *loader) dedupeRequired(ptr string, s *openapi3.Schema) {
	var unique []string
	for _, name := range s.Required {
		if slices.Contains(unique, name) {
			l.warn(finding{
				l.locateElement(s.Origin, "required", ptr+"/required"),
				fmt.Sprintf("%q is listed twice in required", name),
			})
			continue
		}
		unique = append(unique, name)
	}
	if len(unique) < len(s.Required) {
		s.Required = unique
	}
}

// checkSchemaValues checks every schema's pattern, example and default on
// its own, and returns a function that undoes what it changed meanwhile.
//
// kin-openapi checks them too, but as the first problem of a schema tree:
// one bad example hides the other examples of the schema, its properties'
// and those of every media type using it. So, for the strict pass that
// follows, each pattern Go cannot compile and every example and default
// of a schema are set aside, as they are reported here.
func (l *loader) checkSchemaValues() (restore func()) {
	var undo []func()
	restore = func() {
		for _, f := range undo {
			f()
		}
	}
	// The schemas are those checkSchemas listed: validation does not add
	// or remove any.
	compiles := map[string]error{} // by pattern: large specs repeat theirs
	for _, at := range l.schemas {
		ptr, s := at.ptr, at.s
		if s.Pattern == "" {
			continue
		}
		err, seen := compiles[s.Pattern]
		if !seen {
			_, err = regexp.Compile(goRegexp(s.Pattern))
			compiles[s.Pattern] = err
		}
		if err != nil {
			l.warn(finding{l.locateElement(s.Origin, "pattern", ptr+"/pattern"), patternMessage(s.Pattern, err)})
			pattern := s.Pattern
			s.Pattern = ""
			undo = append(undo, func() { s.Pattern = pattern })
		}
	}
	opts := []openapi3.SchemaValidationOption{openapi3.MultiErrors()}
	if l.doc.IsOpenAPI31OrLater() {
		opts = append(opts, openapi3.EnableJSONSchema2020())
	}
	costs := newCoster()
	for _, at := range l.schemas {
		ptr, s := at.ptr, at.s
		if costs.tooCostly(s) {
			l.costly = true
			continue
		}
		for _, kind := range []string{"default", "example"} {
			v := &s.Default
			if kind == "example" {
				v = &s.Example
			}
			if *v == nil {
				continue
			}
			if err := visit(s, *v, opts); err != nil {
				l.warn(finding{l.locateElement(s.Origin, kind, ptr+"/"+kind), valueMessage(kind, err)})
			}
			value := *v
			*v = nil
			undo = append(undo, func() { *v = value })
		}
	}
	return restore
}

// visit checks value against schema s, turning a panic (kin-openapi
// leaves VisitJSON undefined on odd schemas) into no finding.
func visit(s *openapi3.Schema, value any, opts []openapi3.SchemaValidationOption) (err error) {
	defer func() {
		if recover() != nil {
			err = nil
		}
	}()
	return s.VisitJSON(value, opts...)
}

// goRegexp rewrites the \uXXXX escapes of ECMA-262 patterns the way
// kin-openapi does before compiling them with Go's regexp.
func goRegexp(pattern string) string {
	return unicodeEscape.ReplaceAllString(pattern, `\x{${1}}`)
}

var unicodeEscape = regexp.MustCompile(`\\u([0-9A-Fa-f]{4})`)
