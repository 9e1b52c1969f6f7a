package build

import (
	"strconv"
	"strings"

	"github.com/svcgen/svcgen/generator/model"
)

// errorForms decides how the server writes each error response an
// operation declares (4xx, 5xx, their ranges, default), so that an error
// it answers is one the spec allows: no body where the spec declares
// none, text where it declares text, and for a JSON object schema an
// object whose properties are filled by name from the problem the server
// would otherwise send (status, title, detail, type, instance, the field
// errors). A schema with a required property that nothing fills, or one
// that is not an object, gets the problem itself under the declared media
// type. Equal forms are shared: each is declared once.
func (b *builder) errorForms(svc *model.Service) {
	seen := map[string]*model.ErrorForm{}
	reported := map[*model.Type]bool{}
	for _, op := range svc.Operations {
		for _, r := range op.Responses {
			if !isError(r) {
				continue
			}
			form, unfilled := errorForm(r)
			if unfilled != "" {
				form.Unchecked = true
				const outcome = "errors answered with it are RFC 9457 problems under its media type; the tests' contract check leaves their bodies alone"
				switch nt := r.Type.Named; {
				case r.Type.Kind != model.KindNamed || nt.Kind != model.TypeStruct:
					b.degrade("#/paths/"+escape(op.Path)+"/"+strings.ToLower(op.Method)+"/responses/"+escape(r.Status),
						"error response whose schema is neither an object nor a string ("+r.Type.GoType+")", outcome)
				case !reported[nt]:
					reported[nt] = true
					b.degrade(nt.Origin, "error schema "+nt.Name+": nothing in a problem fills its required property "+strconv.Quote(unfilled), outcome)
				}
			}
			key := formKey(form)
			if f, ok := seen[key]; ok {
				r.ErrorForm = f
				continue
			}
			form.Var = "errorForm" + strconv.Itoa(len(svc.ErrorForms)+1)
			seen[key] = form
			svc.ErrorForms = append(svc.ErrorForms, form)
			r.ErrorForm = form
		}
	}
}

// isError reports whether r declares an answer to a failure.
func isError(r *model.Response) bool {
	switch {
	case r.Status == "default":
		return true
	case r.Dynamic:
		return r.Status[0] == '4' || r.Status[0] == '5'
	}
	return r.StatusCode >= 400
}

// errorForm decides the form of r; unfilled names a required property of
// its object schema that nothing fills, when there is one.
func errorForm(r *model.Response) (form *model.ErrorForm, unfilled string) {
	switch r.Kind {
	case model.BodyNone:
		return &model.ErrorForm{}, ""
	case model.BodyText:
		return &model.ErrorForm{ContentType: r.ContentType, Text: true}, ""
	case model.BodyJSON:
		form := &model.ErrorForm{ContentType: r.ContentType}
		switch {
		case r.Type == nil || r.Type.Kind == model.KindAny:
			// Free-form: the problem itself will do.
		case errorKind(r.Type) == "string" && r.Type.Kind == model.KindString:
			form.String = true
		case r.Type.Kind != model.KindNamed || r.Type.Named.Kind != model.TypeStruct:
			unfilled = "(the schema)"
		default:
			form.Fields, unfilled = errorFields(r.Type.Named, errorSources)
			form.Object = unfilled == ""
			if !form.Object {
				form.Fields = nil
			}
			form.Extra = form.Object && !r.Type.Named.Closed
		}
		form.Readable = readable(form) && !form.String
		return form, unfilled
	}
	return &model.ErrorForm{ContentType: r.ContentType}, ""
}

// errorSources name, by the normalized name of a property and its kind
// (string, integer, list), the part of a problem that fills it.
var errorSources = map[string]string{
	"string:title": "title", "string:error": "title", "string:summary": "title",
	"string:detail": "detail", "string:details": "detail", "string:message": "detail", "string:msg": "detail",
	"string:description": "detail", "string:errordescription": "detail", "string:errormessage": "detail",
	"string:reason": "detail",
	"string:type":   "type", "string:instance": "instance", "string:path": "instance",
	"string:status": "status-text", "string:code": "status-text", "string:statuscode": "status-text",
	"integer:status": "status", "integer:code": "status", "integer:statuscode": "status",
	"integer:httpstatus": "status", "integer:httpcode": "status",
	"list:errors": "errors", "list:details": "errors", "list:fielderrors": "errors",
	"list:violations": "errors", "list:invalidparams": "errors",
}

// fieldErrorSources fill the properties of each field error.
var fieldErrorSources = map[string]string{
	"string:field": "field", "string:name": "field", "string:param": "field", "string:parameter": "field",
	"string:property": "field", "string:path": "field", "string:key": "field",
	"string:pointer": "pointer", "string:jsonpointer": "pointer",
	"string:detail": "detail", "string:message": "detail", "string:msg": "detail", "string:reason": "detail",
	"string:description": "detail",
	"string:in":          "in", "string:location": "in",
}

// errorFields maps the properties of struct t by sources; unfilled names
// the first required property that has no source ("" when all do).
func errorFields(t *model.Type, sources map[string]string) (fields []*model.ErrorField, unfilled string) {
	var out []*model.ErrorField
	for _, f := range t.Fields {
		from, items, itemsExtra := "", []*model.ErrorField(nil), false
		if kind := errorKind(f.Type); kind != "" {
			from = sources[kind+":"+normalName(f.Name)]
		}
		if from == "errors" {
			if f.Type.Elem == nil || f.Type.Elem.Kind != model.KindNamed || f.Type.Elem.Named.Kind != model.TypeStruct {
				from = ""
			} else if fields, missing := errorFields(f.Type.Elem.Named, fieldErrorSources); missing == "" {
				items = fields
				itemsExtra = !f.Type.Elem.Named.Closed
			} else {
				from = ""
			}
		}
		if from == "" {
			if f.Required {
				return nil, f.Name
			}
			continue
		}
		out = append(out, &model.ErrorField{JSONKey: f.JSONKey, From: from, Required: f.Required, Items: items, ItemsExtra: itemsExtra})
	}
	return out, ""
}

// errorKind is "string", "integer" or "list" for a property a problem can
// fill: a string with no constraint but a URI format, an integer, or a
// list; "" for anything else (enums, patterns, numbers with bounds...).
func errorKind(t *model.TypeRef) string {
	switch t.Kind {
	case model.KindString:
		if t.Check != nil || t.Format != "" && t.Format != "uri" && t.Format != "uri-reference" {
			return ""
		}
		return "string"
	case model.KindInt32, model.KindInt64, model.KindInt:
		if c := t.Check; c != nil && (c.MultipleOf != nil || c.Const != "" ||
			c.Minimum != nil && c.Minimum.Literal != "100" && c.Minimum.Literal != "400" && c.Minimum.Literal != "0" ||
			c.Maximum != nil && c.Maximum.Literal != "599" && c.Maximum.Literal != "999") {
			return ""
		}
		return "integer"
	case model.KindSlice:
		if t.Check != nil {
			return ""
		}
		return "list"
	}
	return ""
}

// normalName folds a property name for matching: lower case, without
// "_" and "-" (status_code, statusCode, Status-Code → statuscode).
func normalName(name string) string {
	return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(name))
}

// readable reports whether svcgen's client reads the problem from an
// answer of form f: JSON holding the problem's members with their types,
// whether sent as such or beside the schema's own properties.
func readable(f *model.ErrorForm) bool {
	ct, _, _ := strings.Cut(strings.ToLower(f.ContentType), ";")
	ct = strings.TrimSpace(ct)
	json := ct == "application/json" || strings.HasSuffix(ct, "+json")
	switch {
	case !json || f.Text:
		return false
	case !f.Object:
		return true
	}
	return f.Extra && keepsNative(f.Fields, map[string]string{
		`"type"`: "type", `"title"`: "title", `"status"`: "status", `"detail"`: "detail", `"instance"`: "instance", `"errors"`: "errors",
	})
}

// keepsNative reports whether fields give each member of the problem (or
// field error) they name the value the problem has there.
func keepsNative(fields []*model.ErrorField, native map[string]string) bool {
	for _, f := range fields {
		key, err := strconv.Unquote(f.JSONKey)
		if err != nil {
			return false
		}
		from, ok := native[key]
		switch {
		case !ok:
		case from != f.From:
			return false
		case from == "errors" && !(f.ItemsExtra && keepsNative(f.Items, map[string]string{
			`"in"`: "in", `"pointer"`: "pointer", `"detail"`: "detail"})):
			return false
		}
	}
	return true
}

// formKey identifies a form by its content.
func formKey(f *model.ErrorForm) string {
	var b strings.Builder
	b.WriteString(f.ContentType)
	if f.Text {
		b.WriteString(" text")
	}
	if f.Extra {
		b.WriteString(" extra")
	}
	if f.Unchecked {
		b.WriteString(" unchecked")
	}
	if f.String {
		b.WriteString(" string")
	}
	if f.Object {
		b.WriteString(" {")
		writeFields(&b, f.Fields)
		b.WriteString("}")
	}
	return b.String()
}

func writeFields(b *strings.Builder, fields []*model.ErrorField) {
	for _, f := range fields {
		b.WriteString(f.JSONKey + ":" + f.From + strconv.FormatBool(f.Required) + strconv.FormatBool(f.ItemsExtra))
		if f.Items != nil {
			b.WriteString("[")
			writeFields(b, f.Items)
			b.WriteString("]")
		}
		b.WriteString(",")
	}
}
