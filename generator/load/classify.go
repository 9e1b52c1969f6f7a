package load

import (
	"errors"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

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
			*openapi3.APIKeyInInvalidError,
			// A parameter without a name cannot be sent: the builder
			// leaves it out and says so.
			*openapi3.ParameterNameRequired,
			// Paths that differ only in parameter names: the model builder
			// routes the first and reports the others as not routed.
			*openapi3.ConflictingPathsError:
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
