package load

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// describe says in plain words what is wrong, from the innermost error of
// a validation error's chain: the context wrappers only say where.
func describe(err error) string {
	inner := err
	for isContext(inner) {
		next := errors.Unwrap(inner)
		if next == nil {
			break
		}
		inner = next
	}

	var (
		sve   *openapi3.SchemaValueError
		pre   *openapi3.SchemaPatternRegexError
		extra *openapi3.ExtraSiblingFieldsError
		unres *openapi3.UnresolvedRefError
		req   *openapi3.RequiredFieldError
		se    *openapi3.SchemaError
	)
	switch {
	case errors.As(inner, &pre):
		return patternMessage(pre.Pattern, pre)
	case errors.As(inner, &sve):
		return valueMessage(sve.ValueKind, sve.Cause)
	case errors.As(inner, &extra):
		return unknownFields(extra.Fields)
	case errors.As(inner, &unres):
		return fmt.Sprintf("unresolvable $ref %q", unres.Ref)
	case errors.As(inner, &req):
		msg := errors.Unwrap(req).Error()
		if strings.HasPrefix(msg, "must ") {
			name := req.Field[strings.LastIndex(req.Field, ".")+1:]
			msg = name + " " + msg
		}
		return oneLine(msg)
	case errors.As(inner, &se):
		return listReasons(schemaReasons(se))
	}
	msg := inner.Error()
	if i := strings.Index(msg, "\nSchema:"); i >= 0 { // a schema dump
		msg = msg[:i]
	}
	return oneLine(msg)
}

// isContext reports whether e is one of kin-openapi's context wrappers,
// which say where a problem is and not what it is.
func isContext(e error) bool {
	switch e.(type) {
	case *openapi3.SectionValidationError, *openapi3.PathValidationError,
		*openapi3.OperationValidationError, *openapi3.ComponentValidationError,
		*openapi3.ExternalDocsURLValidationError, *openapi3.HeaderFieldValidationError,
		*openapi3.MediaTypeExampleValidationError, *openapi3.MediaTypeEncodingValidationError,
		*openapi3.WebhookValidationError, *openapi3.ParameterFieldValidationError,
		*openapi3.ParameterExampleValidationError, *openapi3.SecuritySchemeFlowValidationError,
		*openapi3.OAuthFlowValidationError, *openapi3.OAuthFlowFieldValidationError,
		*openapi3.SchemaCombinatorElementValidationError, *openapi3.TagValidationError:
		return true
	}
	return false
}

// patternMessage says why Go's regexp cannot compile pattern.
func patternMessage(pattern string, err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Sprintf("pattern %q is not supported by Go's regexp (RE2): %s: `%s`", pattern, se.Code, se.Expr)
	}
	return fmt.Sprintf("pattern %q is not supported by Go's regexp (RE2)", pattern)
}

// valueMessage says why an example or default does not match its schema.
func valueMessage(kind string, err error) string {
	return fmt.Sprintf("%s does not match its schema: %s", kind, listReasons(schemaReasons(err)))
}

// maxReasons is how many reasons a message lists.
const maxReasons = 5

// listReasons joins distinct reasons, at most maxReasons of them.
func listReasons(reasons []string) string {
	var distinct []string
	for _, r := range reasons {
		if !slices.Contains(distinct, r) {
			distinct = append(distinct, r)
		}
	}
	if n := len(distinct) - maxReasons; n > 0 {
		distinct = append(distinct[:maxReasons], fmt.Sprintf("and %d more", n))
	}
	return strings.Join(distinct, "; ")
}

func unknownFields(fields []string) string {
	quoted := make([]string, len(fields))
	for i, f := range fields {
		quoted[i] = fmt.Sprintf("%q", f)
	}
	if len(fields) == 1 {
		return "unknown field " + quoted[0] + " is ignored"
	}
	return "unknown fields " + strings.Join(quoted, ", ") + " are ignored"
}

// schemaReasons lists why a value does not match a schema, from the
// schema errors in err, each with the place in the value when not the
// value itself.
func schemaReasons(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case *openapi3.SchemaError:
			if e.Origin != nil { // converted from the JSON Schema 2020-12 validator, or a format error
				var inner *openapi3.SchemaError
				if errors.As(e.Origin, &inner) || errors.As(e.Origin, new(openapi3.MultiError)) {
					walk(e.Origin)
					return
				}
			}
			out = append(out, schemaReason(e))
		case openapi3.MultiError:
			for _, x := range e {
				walk(x)
			}
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		default:
			out = append(out, oneLine(e.Error()))
		}
	}
	walk(err)
	if len(out) == 0 {
		out = append(out, "invalid value")
	}
	return out
}

var reasonPlace = regexp.MustCompile(`^(error at "[^"]*": |at '[^']*': )`)

func schemaReason(e *openapi3.SchemaError) string {
	reason := e.Reason
	if reason == "" {
		reason = fmt.Sprintf("does not match %q", e.SchemaField)
	}
	// The JSON Schema 2020-12 validator (OpenAPI 3.1) names the place
	// itself, twice: `error at "/id": at '/id': maxLength: got 4, want 2`.
	for {
		loc := reasonPlace.FindString(reason)
		if loc == "" {
			break
		}
		reason = reason[len(loc):]
	}
	reason = oneLine(reason)
	if p := e.JSONPointer(); len(p) > 0 {
		reason = fmt.Sprintf("at %s: %s", join("", p...), reason)
	}
	return reason
}
