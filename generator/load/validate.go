package load

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// validate checks l.doc and returns the problems that stop generation;
// the others become warnings.
//
// kin-openapi's validation stops at the first problem inside one schema,
// one response or one list of parameters, even with EnableMultiError, so
// a cosmetic problem could hide a blocking one. Hence: the most common
// such problems are fixed first (and reported); a lenient pass without
// the cosmetic checks (examples, defaults, patterns), repeated while it
// finds unknown fields it can be told to allow, gives the blocking
// problems; then, if there are none, patterns, examples and defaults of
// schemas are checked one by one, and a strict pass gives the rest, all
// of them warnings.
func (l *loader) validate() Errors {
	l.requirePathParams()
	l.describeResponses()
	l.dedupeRequired()
	l.checkOperationIDs()
	l.checkFormats()

	blocking := l.lenientPass()
	if len(blocking) > 0 {
		return l.sortedErrors(blocking)
	}
	restore := l.checkSchemaValues()
	defer restore()
	for _, err := range l.run(true) {
		for _, f := range l.findings(err) {
			l.warn(f)
		}
	}
	return nil
}

// lenientPass validates without the cosmetic checks and returns the
// blocking problems, recording the others as warnings.
func (l *loader) lenientPass() []finding {
	allowed := map[string]bool{}
	var blocking []finding
	for range 5 {
		opts := []openapi3.ValidationOption{
			openapi3.DisableExamplesValidation(),
			openapi3.DisableSchemaDefaultsValidation(),
			openapi3.DisableSchemaFormatValidation(),
			openapi3.DisableSchemaPatternValidation(),
			openapi3.AllowExtraSiblingFields(slices.Sorted(maps.Keys(allowed))...),
		}
		blocking = blocking[:0]
		grew := false
		for _, err := range l.run(false, opts...) {
			if !cosmetic(err) {
				blocking = append(blocking, l.findings(err)...)
				continue
			}
			for _, f := range l.findings(err) {
				l.warn(f)
			}
			for _, field := range allowable(err) {
				if !allowed[field] {
					allowed[field], grew = true, true
				}
			}
		}
		if !grew {
			break
		}
	}
	return blocking
}

// run validates l.doc with multi-error on and returns each problem found.
// kin-openapi warns that its multi-error mode may dereference nil on odd
// documents: on a panic, a lenient pass retries in fail-fast mode and a
// strict pass, being best-effort, gives up quietly.
func (l *loader) run(strict bool, opts ...openapi3.ValidationOption) (errs []error) {
	defer func() {
		if r := recover(); r != nil {
			if strict {
				errs = nil
				return
			}
			errs = flatten(l.doc.Validate(l.ctx, opts...))
		}
	}()
	multi := append([]openapi3.ValidationOption{openapi3.EnableMultiError()}, opts...)
	return flatten(l.doc.Validate(l.ctx, multi...))
}

// flatten lists the problems of a MultiError.
func flatten(err error) []error {
	me, ok := err.(openapi3.MultiError)
	if !ok {
		if err == nil {
			return nil
		}
		return []error{err}
	}
	var out []error
	for _, e := range me {
		out = append(out, flatten(e)...)
	}
	return out
}

// allowable lists the fields that AllowExtraSiblingFields can silence in
// err: unknown fields, and 3.1 keywords in a 3.0 schema.
func allowable(err error) []string {
	var extra *openapi3.ExtraSiblingFieldsError
	if errors.As(err, &extra) {
		return extra.Fields
	}
	var fv *openapi3.FieldVersionMismatchError
	if errors.As(err, &fv) && fv.MinVersion == "3.1" {
		return []string{fv.Field}
	}
	return nil
}

// cosmetic reports whether a problem kin-openapi finds leaves a document
// svcgen can generate from. Blocking are the problems that change what
// the service is: unresolvable $refs, bad paths and path parameters,
// parameters without a usable schema, invalid schema types, duplicate
// parameters... Cosmetic are problems in documentation (info, tags,
// external docs, examples, defaults, descriptions), unknown fields, newer
// keywords, and parts the generated service does not implement (security
// schemes, callbacks, webhooks, links, servers other than their path).
func cosmetic(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch x := e.(type) {
		case *openapi3.SectionValidationError:
			if cosmeticSections[x.Section] || strings.HasPrefix(x.Section, "callback ") {
				return true
			}
		case *openapi3.ComponentValidationError:
			// A component with a name outside [a-zA-Z0-9._-] is reported
			// for its name alone.
			if cosmeticComponents[x.Section] || openapi3.ValidateIdentifier(x.Name) != nil {
				return true
			}
		case *openapi3.RequiredFieldError:
			if cosmeticRequired[x.Field] {
				return true
			}
		case *openapi3.WebhookValidationError, *openapi3.TagValidationError,
			*openapi3.MediaTypeExampleValidationError, *openapi3.ParameterExampleValidationError,
			*openapi3.ExternalDocsURLValidationError, *openapi3.SecuritySchemeFlowValidationError,
			*openapi3.SchemaValueError, *openapi3.ExampleViolatesSchema, *openapi3.DefaultViolatesSchema,
			*openapi3.SchemaPatternRegexError, *openapi3.ExtraSiblingFieldsError,
			*openapi3.FieldVersionMismatchError, *openapi3.DuplicateOperationIDError,
			*openapi3.PathParameterRequiredError, *openapi3.SecurityRequirementSchemeUndefinedError,
			*openapi3.DuplicateTagError, *openapi3.DuplicateRequiredFieldError,
			*openapi3.InvalidEncodingContentTypeError, *openapi3.ServerURLTemplateError,
			*openapi3.WebhookNilError, *openapi3.EitherFieldRequiredError, *openapi3.ForbiddenFieldError,
			*openapi3.InvalidSecuritySchemeTypeError, *openapi3.InvalidHTTPSchemeError,
			*openapi3.APIKeyInInvalidError:
			return true
		case *openapi3.MutuallyExclusiveFieldsError:
			return x.Field1 != "boolean schema"
		}
	}
	return false
}

// cosmeticSections are the top-level sections the generated code does not
// depend on (servers only give the base path, which is read leniently).
var cosmeticSections = map[string]bool{
	"info": true, "tags": true, "external docs": true, "security": true,
	"servers": true, "webhooks": true, "jsonSchemaDialect": true,
}

// cosmeticComponents are the component sections the generated code does
// not depend on.
var cosmeticComponents = map[string]bool{
	"security scheme": true, "example": true, "link": true, "callback": true,
}

// cosmeticRequired are the missing fields generation does without.
var cosmeticRequired = map[string]bool{
	"info": true, "info.title": true, "info.version": true, "license.name": true,
	"server.url": true, "externalDocs.url": true, "response.description": true,
	"operation.responses": true, "responses": true, "requestBody.content": true,
	"schema.items": true, "securityScheme.name": true,
	"oAuthFlow.scopes": true, "oAuthFlow.authorizationUrl": true, "oAuthFlow.tokenUrl": true,
}

// finding is a problem placed in a file.
type finding struct {
	loc location
	msg string
}

// findings places a validation error and says what it is; one error may
// be several problems.
func (l *loader) findings(err error) []finding {
	var ppe *openapi3.PathParametersError
	if errors.As(err, &ppe) {
		return l.pathParamFindings(ppe)
	}
	var dup *openapi3.DuplicateOperationIDError
	if errors.As(err, &dup) {
		return nil // checkOperationIDs reports every duplicate, kin-openapi the first
	}
	var req *openapi3.RequiredFieldError
	if errors.As(err, &req) && req.Origin != nil {
		name := req.Field[strings.LastIndexByte(req.Field, '.')+1:]
		if _, present := req.Origin.Fields.Lookup(name); !present {
			if loc, ok := l.originLocation(req.Origin, ""); ok {
				return []finding{{loc, fmt.Sprintf("missing required field %q", name)}}
			}
		}
	}
	var srs *openapi3.SecurityRequirementSchemeUndefinedError
	if errors.As(err, &srs) && strings.HasPrefix(srs.JSONPointer, "/") {
		return []finding{{l.docLocation(srs.JSONPointer), describe(err)}}
	}
	return []finding{{l.locate(err), describe(err)}}
}

// pathParamFindings explains a mismatch between a path template and the
// path parameters of one of its operations, one finding per parameter, at
// its declaration when there is one.
func (l *loader) pathParamFindings(e *openapi3.PathParametersError) []finding {
	var item *openapi3.PathItem
	if l.doc.Paths != nil {
		item = l.doc.Paths.Value(e.Path)
	}
	var op *openapi3.Operation
	if item != nil {
		op = item.GetOperation(e.Method)
	}
	opPtr := join("/paths", e.Path)
	opPtr = join(opPtr, methodTokens(e.Method)...)
	var out []finding
	for _, name := range e.Missing {
		var f finding
		switch {
		case op != nil && declares(op.Parameters, name) >= 0:
			i := declares(op.Parameters, name)
			f.loc = l.locateElement(op.Parameters[i].Value.Origin, "", fmt.Sprintf("%s/parameters/%d", opPtr, i))
			f.msg = fmt.Sprintf("path parameter %q is not in the path template %q", name, e.Path)
		case item != nil && declares(item.Parameters, name) >= 0:
			i := declares(item.Parameters, name)
			f.loc = l.locateElement(item.Parameters[i].Value.Origin, "", fmt.Sprintf("%s/parameters/%d", join("/paths", e.Path), i))
			f.msg = fmt.Sprintf("path parameter %q is not in the path template %q", name, e.Path)
		default:
			f.loc = l.docLocation(opPtr)
			f.msg = fmt.Sprintf("path parameter {%s} of %q is not declared in the operation's parameters", name, e.Path)
		}
		out = append(out, f)
	}
	return out
}

// declares returns the index of the path parameter called name, or -1.
func declares(params openapi3.Parameters, name string) int {
	return slices.IndexFunc(params, func(p *openapi3.ParameterRef) bool {
		return p != nil && p.Value != nil && p.Value.In == openapi3.ParameterInPath && p.Value.Name == name
	})
}

// warn records a warning once.
func (l *loader) warn(f finding) {
	w := Warning{File: f.loc.src.path, Pointer: "#" + f.loc.ptr, Line: f.loc.line, Message: f.msg}
	key := w.String()
	if l.warned[key] {
		return
	}
	l.warned[key] = true
	l.warnings = append(l.warnings, w)
}

// warnAt records a warning about the element at pointer p of src.
func (l *loader) warnAt(src *source, p, msg string) {
	line, _, _ := lookup(src.node, p)
	l.warn(finding{location{src, p, line}, msg})
}

// errorAt returns an *Error about the element at pointer p of src.
func (l *loader) errorAt(src *source, p, msg string) *Error {
	line, _, _ := lookup(src.node, p)
	return &Error{File: src.path, Pointer: "#" + p, Line: line, Message: msg}
}

// order sorts problems by file (the root first), line, pointer, message.
func (l *loader) order(fa, fb string, la, lb int, pa, pb, ma, mb string) int {
	if fa != fb {
		switch {
		case fa == l.root.path:
			return -1
		case fb == l.root.path:
			return 1
		}
		return strings.Compare(fa, fb)
	}
	return cmp.Or(cmp.Compare(la, lb), strings.Compare(pa, pb), strings.Compare(ma, mb))
}

// sortedWarnings returns the warnings in order.
func (l *loader) sortedWarnings() []Warning {
	out := slices.Clone(l.warnings)
	slices.SortStableFunc(out, func(a, b Warning) int {
		return l.order(a.File, b.File, a.Line, b.Line, a.Pointer, b.Pointer, a.Message, b.Message)
	})
	return out
}

// sortedErrors turns findings into Errors, without duplicates, in order.
func (l *loader) sortedErrors(fs []finding) Errors {
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
		return l.order(a.File, b.File, a.Line, b.Line, a.Pointer, b.Pointer, a.Message, b.Message)
	})
	return out
}
