package build

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/svcgen/svcgen/generator/model"
)

// exampleFor makes the requests the generated tests send: one that passes
// validation (when the builder can be sure of it) and one that breaks a
// stated constraint.
func exampleFor(op *model.Operation) model.OperationExample {
	ex := model.OperationExample{Valid: true}
	values := map[*model.Param]string{}
	for _, p := range op.Params {
		v, ok := paramExample(p)
		if !ok && p.Required {
			ex.Valid = false // optional parameters are not sent
		}
		values[p] = v
	}
	ex.Path, ex.Query, ex.Headers = requestParts(op, values, nil)
	for _, p := range op.Params {
		if v, ok := values[p]; ok && p.In == model.InPath && p.Segment == nil && v != "" {
			ex.PathValues = append(ex.PathValues, model.KV{Name: p.Wildcard, Value: p.Prefix + v + p.Suffix})
		}
	}
	if op.Body != nil {
		body, ok := bodyExample(op.Body)
		if !ok && op.Body.Example != "" {
			body, ok = op.Body.Example, true
		}
		ex.Body, ex.ContentType = body, op.Body.ContentType
		if op.Body.IsForm() {
			var encoded bool
			ex.Body, ex.ContentType, encoded = formBody(op.Body, body, nil)
			ok = ok && encoded
		}
		if !ok {
			ex.Valid = false
		}
		for _, ft := range op.Body.FormTypes {
			kind, name := model.BodyForm, "AsForm"
			if ft == "multipart/form-data" {
				kind, name = model.BodyMultipart, "AsMultipart"
			}
			if fb, fct, encoded := encodeForm(op.Body, kind, body, nil); encoded && ok {
				ex.Forms = append(ex.Forms, model.FormExample{Name: name, Body: fb, ContentType: fct})
			}
		}
	}
	ex.Invalid = invalidFor(op, values, ex)
	if ex.Valid {
		ex.Strict = strictFor(op, values, ex)
	}
	if ex.Invalid != nil && ex.Invalid.ContentType == "" && op.Body != nil {
		ex.Invalid.ContentType = ex.ContentType
	}
	// The generated handler checks credentials before anything else, so
	// both requests carry them.
	headers, query := credentialsFor(op)
	ex.Headers = append(ex.Headers, headers...)
	ex.Query = joinQuery(ex.Query, query)
	if ex.Invalid != nil {
		ex.Invalid.Headers = append(ex.Invalid.Headers, headers...)
		ex.Invalid.Query = joinQuery(ex.Invalid.Query, query)
	}
	for _, st := range ex.Strict {
		st.Headers = append(st.Headers, headers...)
		st.Query = joinQuery(st.Query, query)
	}
	return ex
}

// strictFor makes the requests of OperationExample.Strict from the valid
// example ex: a JSON body of null, null for a property (required or
// optional) whose schema does not allow it, and each single-valued query
// or header parameter given twice.
func strictFor(op *model.Operation, values map[*model.Param]string, ex model.OperationExample) []*model.InvalidExample {
	var out []*model.InvalidExample
	path, query, headers := requestParts(op, values, nil)
	add := func(reason, query string, headers []model.KV, body string) {
		out = append(out, &model.InvalidExample{Reason: reason, Path: path, Query: query, Headers: headers, Body: body, ContentType: ex.ContentType})
	}
	if b := op.Body; b != nil && b.Kind == model.BodyJSON && b.Type != nil && len(b.FormTypes) == 0 {
		if !b.Type.AcceptsNull() {
			add("a body of null", query, headers, "null")
		}
		var obj map[string]any
		if t := b.Type; t.Kind == model.KindNamed && t.Named.Kind == model.TypeStruct && !t.Nullable && json.Unmarshal([]byte(ex.Body), &obj) == nil && obj != nil {
			var required, optional *model.Field
			for _, f := range t.Named.Fields {
				switch {
				case f.ReadOnly || f.Type.AcceptsNull():
				case f.RequiredIndex >= 0 && required == nil:
					required = f
				case f.RequiredIndex < 0 && optional == nil:
					optional = f
				}
			}
			for _, f := range []*model.Field{required, optional} {
				if f == nil {
					continue
				}
				with := map[string]any{}
				for k, v := range obj {
					with[k] = v
				}
				with[f.Name] = nil
				body, err := json.Marshal(with)
				if err != nil {
					continue
				}
				kind := "optional"
				if f.RequiredIndex >= 0 {
					kind = "required"
				}
				add("null for the "+kind+" property "+strconv.Quote(f.Name), query, headers, string(body))
			}
		}
	}
	for _, p := range op.Params {
		if p.Array || p.Object != nil || p.Raw || (p.In != model.InQuery && p.In != model.InHeader) {
			continue
		}
		v, ok := paramExample(p)
		if !ok {
			continue
		}
		reason := string(p.In) + " parameter " + strconv.Quote(p.Name) + " given twice"
		if p.In == model.InQuery {
			q, err := url.ParseQuery(query)
			if err != nil {
				continue
			}
			q[p.Name] = []string{v, v}
			add(reason, q.Encode(), headers, ex.Body)
			continue
		}
		hs := append([]model.KV(nil), headers...)
		if !p.Required {
			hs = append(hs, model.KV{Name: p.Name, Value: v})
		}
		add(reason, query, append(hs, model.KV{Name: p.Name, Value: v}), ex.Body)
	}
	return out
}

// credentialsFor returns headers and a query string that satisfy the
// operation's first security alternative, with made-up values.
func credentialsFor(op *model.Operation) ([]model.KV, string) {
	if len(op.Security) == 0 {
		return nil, ""
	}
	var headers []model.KV
	q := url.Values{}
	for _, u := range op.Security[0].Uses {
		s := u.Scheme
		switch s.Kind {
		case "basic":
			headers = append(headers, model.KV{Name: "Authorization", Value: "Basic dGVzdDp0ZXN0"}) // test:test
		case "apiKey":
			switch s.In {
			case "header":
				headers = append(headers, model.KV{Name: s.Param, Value: "test-key"})
			case "query":
				q.Set(s.Param, "test-key")
			case "cookie":
				headers = append(headers, model.KV{Name: "Cookie", Value: (&http.Cookie{Name: s.Param, Value: "test-key"}).String()})
			}
		default:
			headers = append(headers, model.KV{Name: "Authorization", Value: s.Auth + " test-token"})
		}
	}
	return headers, q.Encode()
}

// joinQuery joins two query strings.
func joinQuery(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "&" + b
}

// requestParts assembles path, query and headers from parameter values;
// skip leaves one parameter out. Optional parameters are left out too.
func requestParts(op *model.Operation, values map[*model.Param]string, skip *model.Param) (string, string, []model.KV) {
	return requestPartsOf(op, values, skip, false)
}

// requestPartsOf is requestParts, with the optional parameters that have
// a value when optional is true.
func requestPartsOf(op *model.Operation, values map[*model.Param]string, skip *model.Param, optional bool) (string, string, []model.KV) {
	path := strings.TrimPrefix(op.Pattern, op.Method+" ")
	path = strings.TrimSuffix(path, "{$}")
	q := url.Values{}
	var headers []model.KV
	var cookies []string
	type segment struct {
		lits, values []string
	}
	segments := map[string]*segment{} // a segment of several parameters, by wildcard
	var wildcards []string            // of segments, in order
	for _, p := range op.Params {
		v, has := values[p]
		if p == skip || !p.Required && !has {
			continue
		}
		switch p.In {
		case model.InPath:
			if p.Segment != nil {
				seg := segments[p.Wildcard]
				if seg == nil {
					seg = &segment{lits: p.Segment, values: make([]string, len(p.Segment)-1)}
					segments[p.Wildcard] = seg
					wildcards = append(wildcards, p.Wildcard)
				}
				seg.values[p.SegmentIndex] = v
				continue
			}
			path = strings.Replace(path, "{"+p.Wildcard+"}", url.PathEscape(p.Prefix+v+p.Suffix), 1)
		case model.InQuery:
			switch {
			case !p.Required && !optional:
			case p.Object != nil:
				for _, kv := range objectQuery(p, v) {
					q.Add(kv.Name, kv.Value)
				}
			default:
				q.Set(p.Name, v)
			}
		case model.InHeader:
			if p.Required || optional {
				headers = append(headers, model.KV{Name: p.Name, Value: v})
			}
		case model.InCookie:
			if p.Required || optional {
				cookies = append(cookies, p.Name+"="+v)
			}
		}
	}
	for _, w := range wildcards {
		seg := segments[w]
		text := seg.lits[0]
		for i, v := range seg.values {
			text += v + seg.lits[i+1]
		}
		path = strings.Replace(path, "{"+w+"}", url.PathEscape(text), 1)
	}
	if len(cookies) > 0 {
		headers = append(headers, model.KV{Name: "Cookie", Value: strings.Join(cookies, "; ")})
	}
	return path, q.Encode(), headers
}

// objectQuery spreads the JSON object example v of an object query
// parameter over its keys.
func objectQuery(p *model.Param, v string) []model.KV {
	obj := map[string]json.RawMessage{}
	if err := json.Unmarshal([]byte(v), &obj); err != nil {
		return nil
	}
	var out []model.KV
	for _, f := range p.Object.Fields {
		raw, ok := obj[f.Name]
		if !ok {
			continue
		}
		key := f.Name
		if p.Object.Deep {
			key = p.Name + "[" + f.Name + "]"
		}
		vals := []json.RawMessage{raw}
		if f.Array {
			vals = nil
			_ = json.Unmarshal(raw, &vals)
		}
		for _, x := range vals {
			if text, ok := formText(f.Kind, x); ok {
				out = append(out, model.KV{Name: key, Value: text})
			}
		}
	}
	return out
}

// paramExample is a valid wire value for a parameter.
func paramExample(p *model.Param) (string, bool) {
	t := p.Type
	if p.Array {
		t = t.Elem
	}
	v, ok := exampleValue(t, 0)
	if !ok {
		return "x", false
	}
	switch x := v.(type) {
	case string:
		if p.JSON { // described by content: the value is JSON text
			b, _ := json.Marshal(x)
			return string(b), ok
		}
		if p.Array && strings.Contains(x, p.Delimiter) {
			return x, false
		}
		if x == "" && p.In == model.InPath {
			return "x", false // a path segment cannot be empty
		}
		return x, ok
	case json.RawMessage:
		return string(x), ok
	}
	b, _ := json.Marshal(v)
	return string(b), ok
}

// bodyExample is a valid request body.
func bodyExample(b *model.Body) (string, bool) {
	switch b.Kind {
	case model.BodyText:
		return "hello", true
	case model.BodyBinary:
		return "hello", true
	}
	if b.Type == nil {
		return "", true // a form of files only
	}
	v, ok := exampleValue(b.Type, 0)
	out, err := json.Marshal(v)
	if err != nil {
		return "{}", false
	}
	return string(out), ok
}

// exampleValue makes a JSON value of type t that satisfies its constraints;
// ok is false when it cannot be sure (patterns, deep recursion).
func exampleValue(t *model.TypeRef, depth int) (any, bool) {
	if depth > 12 {
		return nil, false
	}
	c := t.Check
	if c != nil && c.ConstJSON != "" {
		return json.RawMessage(c.ConstJSON), true
	}
	if c == nil {
		c = &model.Check{}
	}
	switch t.Kind {
	case model.KindString:
		if c.Pattern != nil {
			// The spec's own example when it satisfies the pattern, else
			// the shortest string the pattern's syntax spells out.
			re := regexp.MustCompile(c.Pattern.Source)
			fits := func(s string) bool {
				n := int64(utf8.RuneCountInString(s))
				return re.MatchString(s) && (c.MinLength == nil || n >= *c.MinLength) && (c.MaxLength == nil || n <= *c.MaxLength)
			}
			if ex := t.Example; fits(ex) {
				return ex, true
			}
			if ex, ok := patternExample(c.Pattern.Source); ok && fits(ex) {
				return ex, true
			}
			return t.Example, false
		}
		switch t.Format {
		case "email":
			return "user@example.com", true
		case "uuid":
			return "7f8c3a52-1d2e-4b6a-9c0d-2e3f4a5b6c7d", true
		}
		n := int64(1)
		if c.MinLength != nil {
			n = *c.MinLength
		}
		if c.MaxLength != nil && n > *c.MaxLength {
			n = *c.MaxLength
		}
		return strings.Repeat("a", int(n)), true
	case model.KindTime:
		return "2024-01-02T03:04:05Z", true
	case model.KindDate:
		return "2024-01-02", true
	case model.KindBytes, model.KindBinary:
		return "aGVsbG8=", true
	case model.KindBool:
		return true, true
	case model.KindInt32, model.KindInt64, model.KindInt, model.KindFloat32, model.KindFloat64:
		return numberExample(c, t.Kind == model.KindFloat32 || t.Kind == model.KindFloat64)
	case model.KindAny:
		return json.RawMessage(`{}`), true
	case model.KindSlice:
		n := int64(0)
		if c.MinItems != nil {
			n = *c.MinItems
		}
		if c.UniqueItems && n > 1 {
			return []any{}, false
		}
		out := []any{}
		ok := true
		for i := int64(0); i < n && i < 100; i++ {
			v, vok := exampleValue(t.Elem, depth+1)
			ok = ok && vok
			out = append(out, v)
		}
		return out, ok
	case model.KindMap:
		n := int64(0)
		if c.MinProps != nil {
			n = *c.MinProps
		}
		out := map[string]any{}
		ok := true
		for i := int64(0); i < n && i < 100; i++ {
			v, vok := exampleValue(t.Elem, depth+1)
			ok = ok && vok
			out["k"+strconv.FormatInt(i, 10)] = v
		}
		return out, ok
	case model.KindNamed:
		return namedExample(t.Named, depth)
	}
	return nil, false
}

func namedExample(nt *model.Type, depth int) (any, bool) {
	switch nt.Kind {
	case model.TypeEnum:
		if len(nt.Values) == 0 {
			return nil, false
		}
		if nt.Base.Kind == model.KindString {
			return nt.Values[0].Value, true
		}
		n, _ := strconv.ParseInt(nt.Values[0].Literal, 10, 64)
		return n, true
	case model.TypeAlias:
		return exampleValue(nt.Underlying, depth+1)
	case model.TypeUnion:
		if len(nt.Variants) == 0 {
			return nil, false
		}
		v := nt.Variants[0]
		val, ok := exampleValue(v.Type, depth+1)
		if nt.Discriminator != "" {
			if m, isMap := val.(map[string]any); isMap {
				m[nt.Discriminator] = v.Tags[0]
			}
		}
		if len(nt.Variants) > 1 && !nt.AnyOf {
			// oneOf: the value must not also fit another variant; only a
			// discriminator or distinct JSON kinds make that certain.
			if nt.Discriminator == "" && !distinctKinds(nt) {
				ok = false
			}
		}
		return val, ok
	case model.TypeStruct:
		out := map[string]any{}
		ok := true
		for _, f := range nt.Fields {
			if !f.Required || f.ReadOnly {
				continue
			}
			v, vok := exampleValue(f.Type, depth+1)
			ok = ok && vok
			out[f.Name] = v
		}
		if nt.MinProps != nil {
			// minProperties: optional properties too, until there are enough.
			for _, f := range nt.Fields {
				if int64(len(out)) >= *nt.MinProps {
					break
				}
				if f.Required || f.ReadOnly {
					continue
				}
				v, vok := exampleValue(f.Type, depth+1)
				ok = ok && vok
				out[f.Name] = v
			}
			ok = ok && int64(len(out)) >= *nt.MinProps
		}
		if nt.MaxProps != nil && int64(len(out)) > *nt.MaxProps {
			ok = false
		}
		return out, ok
	}
	return nil, false
}

func distinctKinds(t *model.Type) bool {
	seen := map[string]bool{}
	for _, v := range t.Variants {
		if seen[v.JSONKind] || v.JSONKind == "any" {
			return false
		}
		seen[v.JSONKind] = true
	}
	return true
}

// numberExample picks a number inside the bounds and on the multipleOf grid.
func numberExample(c *model.Check, isFloat bool) (any, bool) {
	parse := func(n *model.Number) float64 {
		f, _ := strconv.ParseFloat(n.Literal, 64)
		return f
	}
	v := 1.0
	lo, hi := math.Inf(-1), math.Inf(1)
	if c.Minimum != nil {
		lo = parse(c.Minimum)
		v = lo
		if c.ExclusiveMinimum {
			v = lo + 1
		}
	}
	if c.Maximum != nil {
		hi = parse(c.Maximum)
		if v > hi || v == hi && c.ExclusiveMaximum {
			v = hi
			if c.ExclusiveMaximum {
				v = hi - 1
				if isFloat && v <= lo {
					v = (lo + hi) / 2
				}
			}
		}
	}
	if c.MultipleOf != nil {
		m := parse(c.MultipleOf)
		v = math.Ceil(v/m) * m
	}
	if !isFloat {
		v = math.Ceil(v)
	}
	ok := v >= lo && v <= hi && !(c.ExclusiveMinimum && v == lo) && !(c.ExclusiveMaximum && v == hi)
	if !isFloat {
		return int64(v), ok
	}
	return v, ok
}

// invalidFor finds one stated constraint a request can break.
func invalidFor(op *model.Operation, values map[*model.Param]string, valid model.OperationExample) *model.InvalidExample {
	inv := func(reason string, vals map[*model.Param]string, skip *model.Param, body string) *model.InvalidExample {
		path, query, headers := requestParts(op, vals, skip)
		return &model.InvalidExample{Reason: reason, Path: path, Query: query, Headers: headers, Body: body}
	}
	if b := op.Body; b != nil && b.IsForm() {
		if inv := invalidForm(b); inv != nil {
			path, query, headers := requestParts(op, values, nil)
			inv.Path, inv.Query, inv.Headers = path, query, headers
			return inv
		}
	}
	if b := op.Body; b != nil && b.Kind == model.BodyJSON {
		if b.Type.Kind == model.KindNamed && b.Type.Named.Kind == model.TypeStruct && len(b.Type.Named.Required) > 0 {
			return inv("body without required field "+strconv.Quote(b.Type.Named.Required[0].Name), values, nil, "{}")
		}
		return inv("malformed JSON body", values, nil, `{"`)
	}
	with := func(p *model.Param, v string) map[*model.Param]string {
		m := map[*model.Param]string{}
		for k, x := range values {
			m[k] = x
		}
		m[p] = v
		return m
	}
	for _, p := range op.Params {
		if p.Raw {
			continue
		}
		t := p.Type
		if p.Array {
			t = t.Elem
		}
		if p.In != model.InPath && p.Required {
			return inv("missing required "+string(p.In)+" parameter "+strconv.Quote(p.Name), values, p, valid.Body)
		}
		if p.In != model.InPath && p.In != model.InQuery {
			continue // optional headers and cookies are not sent
		}
		bad := ""
		switch {
		case t.Kind == model.KindInt32 || t.Kind == model.KindInt64 || t.Kind == model.KindFloat32 || t.Kind == model.KindFloat64:
			bad = "not-a-number"
		case t.Kind == model.KindBool:
			bad = "maybe"
		case t.Kind == model.KindTime || t.Kind == model.KindDate:
			bad = "not-a-date"
		case t.Kind == model.KindString && t.Format == "uuid":
			bad = "not-a-uuid"
		case t.Kind == model.KindString && t.Check != nil && t.Check.MaxLength != nil && *t.Check.MaxLength < 200:
			bad = strings.Repeat("a", int(*t.Check.MaxLength)+1)
		case t.Kind == model.KindNamed && t.Named.Kind == model.TypeEnum && t.Named.Base.Kind == model.KindString:
			bad = "not-a-valid-value"
		}
		if bad == "" {
			continue
		}
		if p.In == model.InQuery && !p.Required {
			// Optional query parameters are only sent here.
			path, query, headers := requestParts(op, values, nil)
			q, _ := url.ParseQuery(query)
			q.Set(p.Name, bad)
			return &model.InvalidExample{Reason: "invalid query parameter " + strconv.Quote(p.Name), Path: path, Query: q.Encode(), Headers: headers, Body: valid.Body}
		}
		return inv("invalid "+string(p.In)+" parameter "+strconv.Quote(p.Name), with(p, bad), nil, valid.Body)
	}
	return nil
}

// patternExample spells out a short string that the regular expression
// source matches: literals as written, the first member of each class
// (a letter or digit when it has one), each repetition its minimum number
// of times (once for +), the first alternative. ok is false when source
// does not parse or holds something it cannot spell (the caller checks
// the result against the expression anyway: \b, for one, may not hold).
func patternExample(source string) (string, bool) {
	re, err := syntax.Parse(source, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	var spell func(re *syntax.Regexp) bool
	spell = func(re *syntax.Regexp) bool {
		switch re.Op {
		case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
			syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		case syntax.OpLiteral:
			b.WriteString(string(re.Rune))
		case syntax.OpCharClass:
			if len(re.Rune) == 0 {
				return false
			}
			b.WriteRune(classMember(re.Rune))
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			b.WriteByte('a')
		case syntax.OpCapture:
			return spell(re.Sub[0])
		case syntax.OpStar, syntax.OpQuest:
		case syntax.OpPlus:
			return spell(re.Sub[0])
		case syntax.OpRepeat:
			if re.Min > 100 {
				return false
			}
			for range re.Min {
				if !spell(re.Sub[0]) {
					return false
				}
			}
		case syntax.OpConcat:
			for _, sub := range re.Sub {
				if !spell(sub) {
					return false
				}
			}
		case syntax.OpAlternate:
			return spell(re.Sub[0])
		default:
			return false
		}
		return true
	}
	if !spell(re) {
		return "", false
	}
	return b.String(), true
}

// classMember picks a member of a character class given as ranges (lo, hi
// pairs): a lower-case letter, an upper-case one or a digit when the class
// has one, else its first.
func classMember(ranges []rune) rune {
	for _, want := range []rune{'a', 'A', '0'} {
		for i := 0; i+1 < len(ranges); i += 2 {
			lo, hi := ranges[i], ranges[i+1]
			if lo <= want+25 && hi >= want {
				return max(lo, want)
			}
		}
	}
	return ranges[0]
}
