package load

import (
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
// problems; patterns, examples and defaults of schemas are checked one by
// one, and a strict pass gives the rest, all of them warnings, when there
// is no blocking problem.
func (l *loader) validate() Errors {
	l.emptyPaths()
	l.requirePathParams()
	l.unusedPathParams()
	l.describeResponses()
	l.checkSchemas()
	l.checkOperationIDs()

	// The values of schemas are checked first: the lenient pass does not
	// look at what checkSchemaValues sets aside (examples, defaults,
	// patterns), so the two passes can then run at the same time, both
	// only reading the document. The strict pass is wasted when the
	// lenient one finds a blocking problem, which is rare.
	restore := l.checkSchemaValues()
	defer restore()
	if costlyToValidate(validationRoots(l.doc), maxValidationVisits) {
		defer findRefSites(l.doc).shallow()()
		l.costly = true // examples would be checked against empty schemas
	}
	var strict []openapi3.ValidationOption
	if l.costly {
		strict = append(strict, openapi3.DisableExamplesValidation())
	}
	strictErrs := make(chan []error, 1)
	go func() { strictErrs <- l.run(true, strict...) }()
	blocking := l.lenientPass()
	found := <-strictErrs
	if len(blocking) > 0 {
		return l.sortedErrors(blocking)
	}
	for _, err := range found {
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
		if !l.hasField(req.Origin, name) {
			if loc, ok := l.originLocation(req.Origin, ""); ok {
				return []finding{{loc, fmt.Sprintf("missing required field %q", name)}}
			}
		}
	}
	var unres *openapi3.UnresolvedRefError
	if errors.As(err, &unres) {
		if loc := l.locate(err); loc.src != nil {
			if cycle := l.refCycle(loc.src, unres.Ref); cycle != "" {
				return []finding{{loc, cycleMessage(unres.Ref, cycle)}}
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
