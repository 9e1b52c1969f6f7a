package build

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/svcgen/svcgen/generator/model"
)

// form builds a form body (urlencoded or multipart) whose schema is an
// object with properties: its fields become a struct, decoded like a JSON
// body once each text value is turned into JSON, and (multipart) its
// binary properties become file fields of the request. It reports false,
// with a coverage note, for a form it cannot type, which stays raw bytes.
func (b *builder) form(op *model.Operation, body *model.Body, mt *openapi3.MediaType, ptr string, fields *model.Namespace) bool {
	var s *openapi3.Schema
	if mt.Schema != nil {
		s = mt.Schema.Value
	}
	if s == nil || len(s.Properties) == 0 || len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) > 0 {
		b.degrade(ptr, body.ContentType+" body without a plain object schema", "raw []byte")
		return false
	}
	// File parts leave the schema; the rest is decoded into a struct.
	rest := *s
	rest.Properties = openapi3.Schemas{}
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	for _, name := range sortedKeys(s.Properties) {
		ref := s.Properties[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		if multiple, ok := isFile(ref.Value); ok && body.Kind == model.BodyMultipart {
			body.Files = append(body.Files, &model.FileField{
				Name:        name,
				GoName:      fields.Take(model.Exported(name)),
				Multiple:    multiple,
				Required:    required[name],
				Description: ref.Value.Description,
			})
			continue
		}
		rest.Properties[name] = ref
	}
	rest.Required = nil
	for _, r := range s.Required {
		if rest.Properties[r] != nil {
			rest.Required = append(rest.Required, r)
		}
	}
	sort.Strings(rest.Required)
	if len(rest.Properties) == 0 {
		return true // only files: no Body field
	}
	schema := &openapi3.SchemaRef{Value: &rest}
	if len(body.Files) == 0 && mt.Schema.Ref != "" {
		schema = mt.Schema // the component's own type
	}
	body.Type = b.schemaRef(schema, op.GoName+"Body", ptr+"/schema", 0)
	if body.Type.Kind != model.KindNamed || body.Type.Named.Kind != model.TypeStruct {
		b.degrade(ptr, body.ContentType+" body", "raw []byte")
		body.Type, body.Files = nil, nil
		return false
	}
	body.Pointer = !body.Required
	body.Fields = formFields(body.Type.Named)
	return true
}

// formFields says how each field of struct t is read from form text.
func formFields(t *model.Type) []*model.FormField {
	var out []*model.FormField
	for _, f := range t.Fields {
		ff := &model.FormField{Name: f.Name, Kind: formKind(f.Type)}
		if f.Type.Kind == model.KindSlice {
			ff.Array = true
			ff.Kind = formKind(f.Type.Elem)
		}
		out = append(out, ff)
	}
	return out
}

// formAlternatives finds, for a JSON body, the form media types of content
// that the JSON decoder's struct can read too: the same schema as the JSON
// one (the same $ref, or the same content), an object without file parts.
// It sets body.FormTypes and body.Fields, and returns the media types it
// took.
func formAlternatives(body *model.Body, content openapi3.Content, jsonType string) []string {
	if body.Kind != model.BodyJSON || body.Type == nil || body.Type.Kind != model.KindNamed ||
		body.Type.Named.Kind != model.TypeStruct || body.Type.Named.Extra != nil {
		return nil
	}
	jm := content[jsonType]
	var took []string
	for _, k := range sortedKeys(content) {
		if requestKind(k) != model.BodyForm && requestKind(k) != model.BodyMultipart {
			continue
		}
		mt := content[k]
		if mt == nil || !sameSchema(jm.Schema, mt.Schema) || hasFilePart(mt.Schema.Value) {
			continue
		}
		base, _, _ := strings.Cut(strings.ToLower(k), ";")
		base = strings.TrimSpace(base)
		if !slices.Contains(body.FormTypes, base) {
			body.FormTypes = append(body.FormTypes, base)
		}
		took = append(took, k)
	}
	if len(took) > 0 {
		body.Fields = formFields(body.Type.Named)
	}
	return took
}

// sameSchema reports whether two schemas are one: the same component, the
// same resolved value, or the same content.
func sameSchema(a, b *openapi3.SchemaRef) bool {
	if a == nil || b == nil || a.Value == nil || b.Value == nil {
		return false
	}
	if a.Ref != "" && a.Ref == b.Ref || a.Value == b.Value {
		return true
	}
	ja, errA := json.Marshal(a.Value)
	jb, errB := json.Marshal(b.Value)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// hasFilePart reports whether an object schema has a property that would
// be a file part in multipart/form-data.
func hasFilePart(s *openapi3.Schema) bool {
	for _, p := range s.Properties {
		if p != nil && p.Value != nil {
			if _, ok := isFile(p.Value); ok {
				return true
			}
		}
	}
	return false
}

// isFile reports whether a property is a file part (format binary, or a
// 3.1 contentMediaType without encoding), and whether it is an array of
// them.
func isFile(s *openapi3.Schema) (multiple, ok bool) {
	if s.Type.Is("array") && s.Items != nil && s.Items.Value != nil {
		_, ok := isFile(s.Items.Value)
		return true, ok && !s.Items.Value.Type.Is("array")
	}
	if !s.Type.Is("string") {
		return false, false
	}
	if s.Format == "binary" {
		return false, true
	}
	if v, has := s.Extensions["contentMediaType"]; has && v != nil {
		_, enc := s.Extensions["contentEncoding"]
		return false, !enc
	}
	return false, false
}

// formKind is how a form value of type t becomes JSON.
func formKind(t *model.TypeRef) string {
	switch t.Kind {
	case model.KindInt32, model.KindInt64, model.KindInt, model.KindFloat32, model.KindFloat64:
		return "number"
	case model.KindBool:
		return "bool"
	case model.KindString, model.KindTime, model.KindDate, model.KindBytes, model.KindBinary:
		return "string"
	case model.KindAny:
		return "any"
	case model.KindNamed:
		switch t.Named.Kind {
		case model.TypeEnum:
			if t.Named.Base != nil {
				return formKind(t.Named.Base)
			}
		case model.TypeAlias:
			if t.Named.Underlying != nil {
				return formKind(t.Named.Underlying)
			}
		}
	}
	return "json"
}
