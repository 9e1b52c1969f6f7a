package load

import (
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// location is where a problem is: a file, a pointer into it and a line.
type location struct {
	src  *source
	ptr  string
	line int
}

// locate finds where err, from validating l.doc, is. kin-openapi's context
// wrappers give the pointer down to the operation or component; the origin
// of the innermost element gives the exact file, element and line, also
// when the element was reached through a $ref. The origin wins unless the
// wrappers point deeper into the same element (a missing field).
func (l *loader) locate(err error) location {
	ctxPtr := contextPointer(l.doc, err)
	if o, field := innermostOrigin(err); o != nil {
		if loc, ok := l.originLocation(o, field); ok {
			if loc.src == l.root && ctxPtr != loc.ptr && hasPrefix(ctxPtr, loc.ptr) {
				return l.docLocation(ctxPtr)
			}
			return loc
		}
	}
	return l.docLocation(ctxPtr)
}

// docLocation places a pointer into the loaded document in the root file.
// It shows a converted Swagger 2.0 document's pointers as Swagger 2.0 ones.
// The line is that of the deepest element of p written in the root file.
func (l *loader) docLocation(p string) location {
	if l.swagger {
		p = swaggerPointer(p)
	}
	line, _, _ := l.root.lookup(p)
	return location{src: l.root, ptr: p, line: line}
}

// originLocation places an element by its origin. A field name narrows
// it to that field when the element has it.
func (l *loader) originLocation(o *openapi3.Origin, field string) (location, bool) {
	src, p, ok := l.elementAt(o)
	if !ok {
		return location{}, false
	}
	line, _, _ := src.lookup(p)
	loc := location{src: src, ptr: p, line: line}
	if field != "" {
		// Map-like elements (paths, responses...) record no fields: their
		// keys are found in the file.
		if f, ok := o.Fields.Lookup(field); ok {
			loc.ptr, loc.line = join(p, field), f.Line
		} else if line, _, ok := src.lookup(join(p, field)); ok {
			loc.ptr, loc.line = join(p, field), line
		}
	}
	return loc, true
}

// hasField reports whether the element of origin o has the field name.
// A compact origin (see compactOrigin) lists only the first field: the
// others are found in the file.
func (l *loader) hasField(o *openapi3.Origin, name string) bool {
	if _, ok := o.Fields.Lookup(name); ok {
		return true
	}
	src, p, ok := l.elementAt(o)
	if !ok {
		return false
	}
	_, _, ok = src.lookup(join(p, name))
	return ok
}

// elementAt finds the file and pointer of the element an origin belongs
// to. The positions of its fields are read off the element's own node, so
// the first field gives the element; Key is stamped by the parent, and is
// only used for elements without fields: kin-openapi stamps the key of a
// parameter in a list on the parameter's schema too.
func (l *loader) elementAt(o *openapi3.Origin) (*source, string, bool) {
	if len(o.Fields) > 0 {
		f := o.Fields[0]
		if src := l.byURL[f.File]; src != nil && src.node != nil {
			if p, ok := src.index().fieldAt(f.Line, f.Column, f.Name); ok {
				return src, parent(p), true
			}
		}
	}
	if k := o.Key; k != nil {
		if src := l.byURL[k.File]; src != nil && src.node != nil {
			if p, ok := src.index().pointerAt(k.Line, k.Column, k.Name); ok {
				return src, p, true
			}
		}
	}
	return nil, "", false
}

// locateElement places an element of the loaded document, known by its
// origin and its pointer in the document.
func (l *loader) locateElement(o *openapi3.Origin, field, docPtr string) location {
	if o != nil {
		if loc, ok := l.originLocation(o, field); ok {
			return loc
		}
	}
	return l.docLocation(docPtr)
}

var originType = reflect.TypeFor[*openapi3.Origin]()

// innermostOrigin returns the origin carried by the deepest error of err's
// chain that has one, with the field of that element the error is about.
func innermostOrigin(err error) (origin *openapi3.Origin, field string) {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if o := originOf(e); o != nil {
			origin, field = o, fieldOf(e)
		}
	}
	return origin, field
}

// originOf returns the Origin field of a kin-openapi error, if it has one.
func originOf(e error) *openapi3.Origin {
	v := reflect.ValueOf(e)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	f := v.Elem().FieldByName("Origin")
	if !f.IsValid() || f.Type() != originType || f.IsNil() {
		return nil
	}
	return f.Interface().(*openapi3.Origin)
}

// fieldOf names the field an error is about, where its type tells.
func fieldOf(e error) string {
	switch x := e.(type) {
	case *openapi3.ExampleViolatesSchema:
		return x.ValueKind
	case *openapi3.DefaultViolatesSchema:
		return x.ValueKind
	case *openapi3.SchemaValueError:
		return x.ValueKind
	case *openapi3.SchemaPatternRegexError:
		return "pattern"
	case *openapi3.ExtraSiblingFieldsError:
		if len(x.Fields) > 0 {
			return x.Fields[0]
		}
	case *openapi3.FieldVersionMismatchError:
		return x.Field
	case *openapi3.SchemaTypeError, *openapi3.InvalidSecuritySchemeTypeError:
		return "type"
	case *openapi3.DuplicateRequiredFieldError:
		return "required"
	case *openapi3.SchemaMultipleOfNotPositiveError:
		return "multipleOf"
	case *openapi3.InvalidParameterInError, *openapi3.APIKeyInInvalidError:
		return "in"
	case *openapi3.InvalidSerializationMethodError:
		return "style"
	case *openapi3.InvalidHTTPSchemeError:
		return "scheme"
	case *openapi3.UnresolvedRefError:
		return "$ref"
	case *openapi3.ForbiddenFieldError:
		return x.Field
	case *openapi3.RequiredFieldError:
		return x.Field[strings.LastIndexByte(x.Field, '.')+1:]
	case *openapi3.PathMustStartWithSlashError:
		return x.Path
	case *openapi3.ConflictingPathsError:
		return x.Path1
	}
	return ""
}

// scope follows kin-openapi's context wrappers down the document.
type scope struct {
	doc  *openapi3.T
	ptr  string
	kind string // what ptr names: "document", "paths", "operation", "schema"...
	obj  any    // the element at ptr, where a later wrapper needs it
	done bool   // a wrapper could not be placed: ptr is as deep as it gets
}

// contextPointer builds the pointer that kin-openapi's context wrappers
// (SectionValidationError, PathValidationError, OperationValidationError,
// ComponentValidationError, ParameterFieldValidationError, ...) describe.
// They stop at operations and components: what failed inside a request
// body or response is only placed by its origin.
func contextPointer(doc *openapi3.T, err error) string {
	s := &scope{doc: doc, kind: "document"}
	for e := err; e != nil && !s.done; e = errors.Unwrap(e) {
		s.enter(e)
	}
	return s.ptr
}

// move goes down to the element under tokens.
func (s *scope) move(kind string, obj any, tokens ...string) {
	s.ptr, s.kind, s.obj = join(s.ptr, tokens...), kind, obj
}

func (s *scope) enter(e error) {
	switch x := e.(type) {
	case *openapi3.SectionValidationError:
		s.section(x.Section)
	case *openapi3.PathValidationError:
		s.pathItem("paths", x.Path)
	case *openapi3.WebhookValidationError:
		s.pathItem("webhooks", x.Name)
	case *openapi3.OperationValidationError:
		s.operation(x.Method)
	case *openapi3.ComponentValidationError:
		s.component(x.Section, x.Name)
	case *openapi3.ParameterFieldValidationError:
		s.parameterField(x.ParameterName, x.Field)
	case *openapi3.ParameterExampleValidationError:
		s.under("parameter", "example", "examples", x.ExampleName)
	case *openapi3.TagValidationError:
		s.tag(x.Name)
	case *openapi3.HeaderFieldValidationError:
		s.under("header", x.Field, x.Field)
	case *openapi3.SecuritySchemeFlowValidationError:
		s.under("security scheme", "flows", "flows")
	case *openapi3.OAuthFlowValidationError:
		s.under("flows", "flow", x.FlowKind)
	case *openapi3.OAuthFlowFieldValidationError:
		s.under("flow", "", x.Field)
	case *openapi3.ExternalDocsURLValidationError:
		s.under("externalDocs", "", "url")
	case *openapi3.SchemaCombinatorElementValidationError:
		// The wrapper does not say which element failed.
		s.under("schema", "", x.Combinator)
		s.done = true
	case *openapi3.MediaTypeExampleValidationError, *openapi3.MediaTypeEncodingValidationError:
		// Emitted by a media type whose place is not wrapped.
		s.done = true
	}
}

// under moves to tokens when the scope is of kind parent, and stops there
// otherwise.
func (s *scope) under(parent, kind string, tokens ...string) {
	if s.kind != parent {
		s.done = true
		return
	}
	s.move(kind, nil, tokens...)
}

func (s *scope) section(name string) {
	switch {
	case s.kind == "document":
		field := name
		if name == "external docs" {
			field, name = "externalDocs", "externalDocs"
		}
		s.move(name, nil, field)
	case s.kind == "operation" && strings.HasPrefix(name, "callback "):
		cb, err := strconv.Unquote(strings.TrimPrefix(name, "callback "))
		if err != nil {
			s.done = true
			return
		}
		s.move("callback", nil, "callbacks", cb)
		s.done = true // a callback's own path items are not wrapped
	case name == "external docs" && (s.kind == "operation" || s.kind == "schema"):
		s.move("externalDocs", nil, "externalDocs")
	default:
		s.done = true
	}
}

func (s *scope) pathItem(parent, key string) {
	if s.kind != parent || s.doc == nil {
		s.done = true
		return
	}
	var item *openapi3.PathItem
	if parent == "paths" && s.doc.Paths != nil {
		item = s.doc.Paths.Value(key)
	} else if parent == "webhooks" {
		item = s.doc.Webhooks[key]
	}
	s.move("pathItem", item, key)
}

func (s *scope) operation(method string) {
	item, _ := s.obj.(*openapi3.PathItem)
	if s.kind != "pathItem" || item == nil {
		s.done = true
		return
	}
	s.move("operation", item.GetOperation(method), methodTokens(method)...)
}

// fixedMethods are the methods with a field of their own in a path item.
var fixedMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace", "query"}

// methodTokens gives the pointer tokens of an operation of a path item.
func methodTokens(method string) []string {
	if m := strings.ToLower(method); slices.Contains(fixedMethods, m) {
		return []string{m}
	}
	return []string{"additionalOperations", method}
}

// componentSections maps kin-openapi's names of component sections to
// their field names.
var componentSections = map[string]string{
	"schema":          "schemas",
	"parameter":       "parameters",
	"request body":    "requestBodies",
	"response":        "responses",
	"header":          "headers",
	"security scheme": "securitySchemes",
	"example":         "examples",
	"link":            "links",
	"callback":        "callbacks",
}

func (s *scope) component(section, name string) {
	field := componentSections[section]
	if s.kind != "components" || field == "" {
		s.done = true
		return
	}
	s.move(section, nil, field, name)
}

// parameterField places the schema or content of a parameter, known by
// name, of an operation, a path item or the components.
func (s *scope) parameterField(name, field string) {
	var params openapi3.Parameters
	switch x := s.obj.(type) {
	case *openapi3.Operation:
		params = x.Parameters
	case *openapi3.PathItem:
		params = x.Parameters
	}
	switch {
	case s.kind == "parameter": // a component
		s.move(field, nil, field)
	case s.kind == "operation" || s.kind == "pathItem":
		i := slices.IndexFunc(params, func(p *openapi3.ParameterRef) bool {
			return p != nil && p.Value != nil && p.Value.Name == name
		})
		if i < 0 {
			s.done = true
			return
		}
		s.move(field, nil, "parameters", strconv.Itoa(i), field)
	default:
		s.done = true
	}
}

func (s *scope) tag(name string) {
	if s.kind != "tags" || s.doc == nil {
		s.done = true
		return
	}
	i := slices.IndexFunc(s.doc.Tags, func(t *openapi3.Tag) bool { return t != nil && t.Name == name })
	if i < 0 {
		s.done = true
		return
	}
	s.move("tag", nil, strconv.Itoa(i))
}
