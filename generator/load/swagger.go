package load

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// loadSwagger decodes a Swagger 2.0 root and converts it to OpenAPI 3,
// resolving $refs into other files on the way.
//
// openapi2conv turns host, schemes and basePath into one server per scheme
// ("https://host/basePath"), and basePath alone into a relative server URL
// ("/v1"), so the base path is servers[0].url's path either way.
func (l *loader) loadSwagger() (*openapi3.T, error) {
	var doc2 openapi2.T
	// openapi2.UnmarshalFromData reads YAML by converting it to JSON, since
	// the openapi2 types only implement UnmarshalJSON.
	if err := openapi2.UnmarshalFromData(l.root.data, &doc2); err != nil {
		var le *yaml.LoadError
		if errors.As(err, &le) {
			return nil, decodeError(l.root, le, err)
		}
		if m := jsonTypeRe.FindStringSubmatch(err.Error()); m != nil {
			return nil, l.jsonTypeError(m[1], m[2], m[3], err)
		}
		return nil, &Error{File: l.root.path, Pointer: "#", Message: innermost(err), Err: err}
	}
	l.fixHost(&doc2)
	doc, err := openapi2conv.ToV3WithLoader(&doc2, l.kinLoader(), fileURL(l.root.path))
	if err != nil {
		return nil, l.loadError(err)
	}
	if doc.Paths == nil && doc2.Paths != nil {
		// openapi2conv drops an empty paths object, which OpenAPI 3.0 requires.
		doc.Paths = openapi3.NewPaths()
	}
	return doc, nil
}

// jsonTypeRe matches encoding/json's type errors as openapi2 rewrites
// them: "json: cannot unmarshal number into field T.paths of type map[...]".
var jsonTypeRe = regexp.MustCompile(`cannot unmarshal (\w+) into field (\S+) of type (\S+)`)

// jsonTypeError describes a value of the wrong kind in a Swagger 2.0 file,
// which kin-openapi decodes through JSON. field is dotted, after the name
// of the Go type.
func (l *loader) jsonTypeError(found, field, goType string, err error) *Error {
	e := &Error{File: l.root.path, Pointer: "#", Err: err,
		Message: fmt.Sprintf("wrong type: expected %s, found %s", goKind(goType), yamlKind(jsonKinds[found]))}
	if _, rest, ok := strings.Cut(field, "."); ok {
		p := join("", strings.Split(rest, ".")...)
		if line, _, ok := l.root.lookup(p); ok {
			e.Pointer, e.Line = "#"+p, line
		}
	}
	return e
}

// jsonKinds maps encoding/json's names of values to YAML's.
var jsonKinds = map[string]string{
	"number": "float", "string": "str", "bool": "bool", "object": "map", "array": "seq", "null": "null",
}

// fixHost accepts a host written as a URL or with a path
// ("https://api.example.com/v1"), which openapi2conv refuses: the scheme
// goes to schemes, the path in front of basePath.
func (l *loader) fixHost(doc *openapi2.T) {
	host := doc.Host
	if !strings.Contains(host, "/") {
		return
	}
	if scheme, rest, ok := strings.Cut(host, "://"); ok {
		if !slices.Contains(doc.Schemes, scheme) {
			doc.Schemes = append([]string{scheme}, doc.Schemes...)
		}
		host = rest
	}
	host, prefix, _ := strings.Cut(host, "/")
	basePath := doc.BasePath
	if prefix != "" {
		basePath = path.Join("/"+prefix, basePath)
	}
	l.warnAt(l.root, "/host", fmt.Sprintf("host %q must be a bare host name; read as host %q and basePath %q",
		doc.Host, host, basePath))
	doc.Host, doc.BasePath = host, basePath
}

// v3Sections maps the component sections of a converted document back to
// where Swagger 2.0 wrote them.
var v3Sections = map[string]string{
	"schemas":         "definitions",
	"parameters":      "parameters",
	"requestBodies":   "parameters",
	"responses":       "responses",
	"securitySchemes": "securityDefinitions",
}

// swaggerOperationFields are the fields of an operation that keep their
// place in the conversion.
var swaggerOperationFields = map[string]bool{
	"operationId": true, "summary": true, "description": true, "tags": true,
	"deprecated": true, "externalDocs": true, "security": true,
}

// swaggerPointer maps a pointer into the converted OpenAPI 3 document to the
// nearest place in the Swagger 2.0 file it came from.
func swaggerPointer(p string) string {
	t := splitPointer(p)
	switch {
	case len(t) == 0:
		return ""
	case t[0] == "components" && len(t) >= 3 && v3Sections[t[1]] != "":
		if t[1] == "schemas" { // schemas keep their shape
			return join("/definitions", t[2:]...)
		}
		return join("/"+v3Sections[t[1]], t[2])
	case t[0] == "paths":
		// Operations keep their place and their plain fields; their
		// parameters and responses are reshaped (body parameters become
		// request bodies).
		if len(t) > 3 && swaggerOperationFields[t[3]] {
			return join("", t[:4]...)
		}
		return join("", t[:min(len(t), 3)]...)
	case t[0] == "servers":
		return "/basePath"
	case t[0] == "info", t[0] == "tags", t[0] == "externalDocs", t[0] == "security":
		return p
	}
	return ""
}
