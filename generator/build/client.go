package build

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/svcgen/svcgen/generator/model"
)

// clientCalls decides how the generated client sends each operation: the
// Go expressions of its path and of each parameter's text, read from the
// request req. Each text is what the server's parser of the parameter
// reads back (svcgen's Format and Parse functions go in pairs). The
// client's tests answer with an example of each JSON response.
func clientCalls(svc *model.Service) {
	for _, op := range svc.Operations {
		for _, p := range op.Params {
			p.Client = clientParam(p)
		}
		op.ClientPath = clientPath(svc.BasePath, op)
		op.ClientInvalid = clientInvalid(op)
		op.ClientExample = clientExample(op)
		for _, r := range op.Responses {
			if r.Kind == model.BodyJSON && r.Type != nil {
				// One not sure to meet every constraint (ok false) will do,
				// but the tests' contract check does not judge answers made
				// from it (ExampleValid).
				v, ok := exampleValue(r.Type, 0)
				ok = asResponse(r.Type, v, 0) && ok
				if b, err := json.Marshal(v); err == nil && v != nil {
					r.Example, r.ExampleValid = string(b), ok
				}
			}
		}
	}
}

// clientParam says when and how the client sends p.
func clientParam(p *model.Param) model.ClientParam {
	field := "req." + p.GoName
	value := field
	if p.Pointer {
		value = "*" + field
	}
	var c model.ClientParam
	switch {
	case p.In == model.InPath: // always in the path
	case p.Pointer:
		c.If = field + " != nil"
	case p.Array:
		c.If = "len(" + field + ") > 0"
	case !p.Required:
		c.If = setIf(p.Type, field)
	}
	switch {
	case p.Object != nil, p.JSON:
		c.Text = value // written by the client's Call.AddQueryObject or AddJSON
	case p.Array:
		texts := field
		if f := formatFunc(p.Type.Elem); f != "" {
			texts = "svcgen.FormatEach(" + field + ", " + f + ")"
		}
		if p.In == model.InQuery && p.Explode {
			c.Text, c.Each = texts, true
		} else {
			c.Text = "strings.Join(" + texts + ", " + strconv.Quote(p.Delimiter) + ")"
		}
	default:
		c.Text = textOf(p.Type, value)
	}
	return c
}

// setIf is the condition under which an optional parameter that is no
// pointer (it has a default) is sent: when it is not its zero value, so
// that the server applies the default otherwise. Booleans are always sent:
// false may be what the caller wants over a default of true.
func setIf(t *model.TypeRef, field string) string {
	kind := t.Kind
	if kind == model.KindNamed && t.Named.Kind == model.TypeEnum {
		kind = t.Named.Base.Kind
	}
	switch kind {
	case model.KindString:
		return field + ` != ""`
	case model.KindInt32, model.KindInt64, model.KindInt, model.KindFloat32, model.KindFloat64:
		return field + " != 0"
	case model.KindTime:
		return "!" + field + ".IsZero()"
	case model.KindDate:
		return field + " != (svcgen.Date{})"
	case model.KindBytes, model.KindSlice, model.KindMap, model.KindAny:
		return field + " != nil"
	}
	return ""
}

// formatFunc names the function that writes one value of t as text, as
// the client passes it to svcgen.FormatEach; "" for a plain string, which
// is its own text.
func formatFunc(t *model.TypeRef) string {
	switch t.Kind {
	case model.KindString:
		return ""
	case model.KindInt32, model.KindInt64, model.KindInt:
		return "svcgen.FormatInt"
	case model.KindFloat32:
		return "svcgen.FormatFloat32"
	case model.KindFloat64:
		return "svcgen.FormatFloat64"
	case model.KindBool:
		return "svcgen.FormatBool"
	case model.KindTime:
		return "svcgen.FormatDateTime"
	case model.KindDate:
		return "svcgen.FormatDate"
	case model.KindBytes:
		return "svcgen.FormatBytes"
	case model.KindNamed:
		if t.Named.Kind == model.TypeEnum && t.Named.Base.Kind == model.KindString {
			return "svcgen.FormatString"
		}
		return "svcgen.FormatInt" // the enums of integers
	}
	return "svcgen.FormatString"
}

// textOf is the Go expression of the text of value, of type t.
func textOf(t *model.TypeRef, value string) string {
	switch f := formatFunc(t); {
	case f == "":
		return value
	case f == "svcgen.FormatString":
		return "string(" + value + ")"
	default:
		return f + "(" + value + ")"
	}
}

// clientPath is the Go expression of op's escaped path, base path
// included: literal text escaped now, each parameter when sent.
func clientPath(basePath string, op *model.Operation) string {
	byName := map[string]*model.Param{}
	for _, p := range op.Params {
		if p.In == model.InPath {
			byName[p.Name] = p
		}
	}
	var parts []string
	literal := basePath
	rest := op.Path
	for {
		open := strings.IndexByte(rest, '{')
		end := strings.IndexByte(rest, '}')
		if open < 0 || end < open {
			literal += rest
			break
		}
		p, ok := byName[rest[open+1:end]]
		if !ok { // not a declared parameter: sent as written
			literal += rest[:end+1]
			rest = rest[end+1:]
			continue
		}
		literal += rest[:open]
		if literal != "" {
			parts = append(parts, strconv.Quote(escapePath(literal)))
			literal = ""
		}
		if digitsOnly(p) {
			parts = append(parts, p.Client.Text) // nothing to escape
		} else {
			parts = append(parts, "url.PathEscape("+p.Client.Text+")")
		}
		rest = rest[end+1:]
	}
	if literal != "" || len(parts) == 0 {
		parts = append(parts, strconv.Quote(escapePath(literal)))
	}
	return strings.Join(parts, " + ")
}

// digitsOnly is true for a single integer or boolean path parameter, whose
// text (a sign, digits, true or false) never needs escaping.
func digitsOnly(p *model.Param) bool {
	if p.Array || p.JSON || p.Raw || p.Object != nil || p.Type == nil {
		return false
	}
	switch p.Type.Kind {
	case model.KindInt32, model.KindInt64, model.KindInt, model.KindBool:
		return true
	}
	return false
}

// escapePath escapes the literal text of a path as a URL has it.
func escapePath(s string) string { return (&url.URL{Path: s}).EscapedPath() }

// clientInvalid finds a change to a valid request of op that the server's
// validation rejects and that the request's Go types can hold: a parameter
// or a required body property set to a value that breaks its format,
// enum, length or bounds.
func clientInvalid(op *model.Operation) *model.ClientInvalid {
	for _, p := range op.Params {
		if p.Raw || p.Array || p.Object != nil || p.JSON || p.In == model.InCookie {
			continue
		}
		bad, ok := badValue(p.Type, p.In != model.InPath)
		if !ok {
			continue
		}
		if !p.Required && !p.Pointer && (bad == "0" || bad == `""`) {
			continue // an optional plain value is not sent at its zero value (the server applies the default)
		}
		if p.Pointer {
			bad = "svcgen.Ptr[" + p.Type.In("api") + "](" + bad + ")"
		}
		return &model.ClientInvalid{Set: "req." + p.GoName + " = " + bad, In: string(p.In), Field: p.Name}
	}
	b := op.Body
	if b == nil || b.Kind != model.BodyJSON || b.Type == nil || b.Type.Kind != model.KindNamed || b.Type.Named.Kind != model.TypeStruct {
		return nil
	}
	for _, f := range b.Type.Named.Fields {
		if f.Shape != model.ShapeValue || f.ReadOnly {
			continue
		}
		if bad, ok := badValue(f.Type, true); ok {
			return &model.ClientInvalid{Set: "req.Body." + f.GoName + " = " + bad, In: "body", Field: f.Name}
		}
	}
	return nil
}

// badValue is a Go constant of type t that breaks a constraint of t; empty
// says whether "" may be it (not in a path, where it would change the
// route).
func badValue(t *model.TypeRef, empty bool) (string, bool) {
	c := t.Check
	if c == nil {
		c = &model.Check{}
	}
	switch t.Kind {
	case model.KindString:
		switch {
		case t.Format == "uuid":
			return `"not-a-uuid"`, true
		case t.Format == "email":
			return `"not-an-email"`, true
		case c.MaxLength != nil && *c.MaxLength < 200:
			return strconv.Quote(strings.Repeat("a", int(*c.MaxLength)+1)), true
		case c.MinLength != nil && *c.MinLength > 0 && empty && c.Pattern == nil:
			return `""`, true
		}
	case model.KindNamed:
		if nt := t.Named; nt.Kind == model.TypeEnum && nt.Base.Kind == model.KindString {
			for _, v := range nt.Values {
				if v.Literal == `"not-a-valid-value"` {
					return "", false
				}
			}
			return `"not-a-valid-value"`, true
		}
	case model.KindInt32, model.KindInt64, model.KindInt:
		if c.Maximum != nil && !c.Maximum.Float {
			if n, err := strconv.ParseInt(c.Maximum.Literal, 10, 64); err == nil && n < 1<<31-1 {
				if !c.ExclusiveMaximum {
					n++
				}
				return strconv.FormatInt(n, 10), true
			}
		}
		if c.Minimum != nil && !c.Minimum.Float {
			if n, err := strconv.ParseInt(c.Minimum.Literal, 10, 64); err == nil && n > -1<<31 {
				if !c.ExclusiveMinimum {
					n--
				}
				return strconv.FormatInt(n, 10), true
			}
		}
	}
	return "", false
}

// clientExample is op's valid example request with every optional
// parameter that has a valid example value as well, so that the client's
// tests send each through the client.
func clientExample(op *model.Operation) *model.ClientExample {
	if !op.Example.Valid {
		return nil
	}
	values := map[*model.Param]string{}
	for _, p := range op.Params {
		v, ok := paramExample(p)
		if !p.Required && !p.Pointer && !p.Array && p.Client.If != "" && (v == "0" || v == "") {
			// A parameter with a default is no pointer: the client takes
			// its zero value for "not set" and leaves it out, so that the
			// server applies the default.
			continue
		}
		if ok || p.Required {
			values[p] = v
		}
	}
	_, query, headers := requestPartsOf(op, values, nil, true)
	credHeaders, credQuery := credentialsFor(op)
	return &model.ClientExample{Query: joinQuery(query, credQuery), Headers: append(headers, credHeaders...)}
}

// asResponse makes an example value of t (as exampleValue makes it, for a
// request) into an answer: write-only properties are left out and
// required read-only ones, which a request leaves out, are added. ok is
// false when what was added is not sure to meet its constraints.
func asResponse(t *model.TypeRef, v any, depth int) (ok bool) {
	if t == nil || depth > 12 {
		return true
	}
	ok = true
	switch t.Kind {
	case model.KindSlice:
		if items, isSlice := v.([]any); isSlice {
			for _, item := range items {
				ok = asResponse(t.Elem, item, depth+1) && ok
			}
		}
	case model.KindMap:
		if m, isMap := v.(map[string]any); isMap {
			for _, item := range m {
				ok = asResponse(t.Elem, item, depth+1) && ok
			}
		}
	case model.KindNamed:
		nt := t.Named
		switch nt.Kind {
		case model.TypeAlias:
			ok = asResponse(nt.Underlying, v, depth+1)
		case model.TypeUnion:
			if len(nt.Variants) > 0 {
				ok = asResponse(nt.Variants[0].Type, v, depth+1)
			}
		case model.TypeStruct:
			m, isMap := v.(map[string]any)
			if !isMap {
				return true
			}
			for _, f := range nt.Fields {
				x, present := m[f.Name]
				switch {
				case f.WriteOnly:
					delete(m, f.Name)
					continue
				case !present && f.Required && f.ReadOnly:
					var xok bool
					x, xok = exampleValue(f.Type, depth+1)
					m[f.Name], present, ok = x, true, ok && xok
				}
				if present {
					ok = asResponse(f.Type, x, depth+1) && ok
				}
			}
			if nt.MaxProps != nil && int64(len(m)) > *nt.MaxProps {
				ok = false
			}
		}
	}
	return ok
}
