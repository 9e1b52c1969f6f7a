package build

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/svcgen/svcgen/generator/model"
)

// storeCases lists the requests of r's generated strictness test
// (model.StoreCase), each with the answer it must get on either database
// once the test has stored r's sample: none when the test cannot store one
// over HTTP and learn its id.
func storeCases(r *model.Resource) []*model.StoreCase {
	if r.Create == nil || r.Get == nil || r.Sample == "" || !r.CreatableOverHTTP() || len(r.Unfilled) > 0 ||
		r.Create.Success() == nil || r.Create.Success().Kind != model.BodyJSON || r.Get.Success() == nil ||
		r.SentIn != "" || r.AnsweredIn != "" { // the cases change the sample's properties and read the answer's
		return nil
	}
	var sample map[string]any
	if json.Unmarshal([]byte(r.Sample), &sample) != nil {
		return nil
	}
	// A list filter by an array the sample leaves out gets a value in it,
	// so that the filter has something to find.
	if bt := r.Create.Body.Type; bt != nil && bt.Kind == model.KindNamed {
		for _, f := range r.Filters {
			name := f.Column.Field.Name
			bf := fieldNamed(bt.Named, name)
			if _, ok := sample[name]; ok || !f.Contains || bf == nil || bf.ReadOnly || bf.Type.GoType != f.Column.Field.Type.GoType || bf.Type.Elem == nil {
				continue
			}
			if x, ok := exampleValue(bf.Type.Elem, 0); ok {
				if _, ok := queryText(x); ok {
					sample[name] = []any{x}
				}
			}
		}
	}
	b, _ := json.Marshal(sample)
	r.StrictSample = string(b)
	var out []*model.StoreCase
	echo := map[string]bool{}
	for _, k := range r.Echo {
		if s, err := strconv.Unquote(k); err == nil {
			echo[s] = true
		}
	}

	// NUL characters: refused naming the property, on both databases.
	if k := nulTarget(r, sample, echo); k != "" {
		body := withNUL(sample, k)
		out = append(out, &model.StoreCase{Name: "create with U+0000 in " + k, Op: r.Create, Query: r.Create.Example.Query, Body: body, Want: 400, Field: k, Items: -1})
	}
	if r.IDKind == "string" && plainText(r.Get.IDParam.Type) {
		out = append(out, &model.StoreCase{Name: "get by an id with U+0000", Op: r.Get, Query: r.Get.Example.Query, Missing: r.Get.IDParam.Wildcard, Value: "no\x00such", Want: 404, Items: -1})
	}

	// UUIDs are compared in canonical form.
	if r.IDKind == "uuid" {
		out = append(out, &model.StoreCase{Name: "get by the id in upper case", Op: r.Get, Query: r.Get.Example.Query, Upper: r.Get.IDParam.Wildcard, Want: r.Get.Success().StatusCode, Items: -1})
	}
	list := r.List
	if list != nil && (list.Success() == nil || list.Page == nil) {
		list = nil
	}
	if list != nil && r.Parent != nil && r.Parent.IDKind == "uuid" && list.ParentParam != nil {
		out = append(out, &model.StoreCase{Name: "list under the " + r.Parent.Name + " id in upper case", Op: list, Query: list.Example.Query, Upper: list.ParentParam.Wildcard, Want: list.Success().StatusCode, Items: itemsIf(list.Example.Query == "", 1)})
	}

	// A parent that does not exist: 404, for the list and the create.
	if r.Parent != nil {
		for _, op := range []*model.Operation{list, r.Create} {
			if op == nil || op.ParentParam == nil {
				continue
			}
			if v, ok := absentKey(r.Parent, op.ParentParam); ok {
				c := &model.StoreCase{Name: strings.ToLower(op.CRUD) + " under a " + r.Parent.Name + " that does not exist", Op: op, Query: op.Example.Query, Missing: op.ParentParam.Wildcard, Value: v, Want: 404, Items: -1}
				if op == r.Create {
					c.Body = r.StrictSample
				}
				out = append(out, c)
			}
		}
	}

	// The list's total counts the rows, and each filter applies.
	if list != nil && list.Example.Query == "" {
		out = append(out, &model.StoreCase{Name: "list holds the sample", Op: list, Want: list.Success().StatusCode, Items: 1})
		for _, f := range r.Filters {
			out = append(out, filterCases(r, list, f, sample, echo)...)
		}
	}

	// A merge patch is judged as the resource it makes.
	if p := r.Patch; p != nil && p.Body != nil && p.Body.Type != nil && p.Body.Type.Kind == model.KindNamed && p.Success() != nil {
		pt := p.Body.Type.Named
		if p.Example.Valid && p.Example.Body != "" {
			out = append(out, &model.StoreCase{Name: "patch with the spec's example", Op: p, Query: p.Example.Query, Body: p.Example.Body, Want: p.Success().StatusCode, Items: -1})
		}
		if pt.MinProps != nil && *pt.MinProps > 0 {
			out = append(out, &model.StoreCase{Name: "patch with no property", Op: p, Query: p.Example.Query, Body: "{}", Want: 400, Items: -1})
		}
		for _, lit := range p.PatchKeys {
			k, err := strconv.Unquote(lit)
			if err != nil {
				continue
			}
			pf, sf := fieldNamed(pt, k), fieldNamed(r.Type, k)
			if pf == nil || sf == nil {
				continue
			}
			if pf.Type.AcceptsNull() && sf.Required && !sf.ReadOnly && !sf.Type.AcceptsNull() {
				out = append(out, &model.StoreCase{Name: "patch removing the required " + k, Op: p, Query: p.Example.Query, Body: `{"` + k + `":null}`, Want: 400, Field: k, Items: -1})
			}
			if echo[k] && nulTarget(r, map[string]any{k: sample[k]}, map[string]bool{k: true}) == k && plainText(pf.Type) {
				out = append(out, &model.StoreCase{Name: "patch with U+0000 in " + k, Op: p, Query: p.Example.Query, Body: withNUL(map[string]any{k: sample[k]}, k), Want: 400, Field: k, Items: -1})
			}
		}
	}
	return out
}

func itemsIf(ok bool, n int) int {
	if ok {
		return n
	}
	return -1
}

// nulTarget is a property of the sample the create copies into the stored
// value as it is, a string without a pattern or format that a NUL would
// break first, or "".
func nulTarget(r *model.Resource, sample map[string]any, echo map[string]bool) string {
	keys := make([]string, 0, len(sample))
	for k := range sample {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		s, ok := sample[k].(string)
		f := fieldNamed(r.Type, k)
		if ok && s != "" && echo[k] && f != nil && !f.ReadOnly && plainText(f.Type) {
			return k
		}
	}
	return ""
}

// plainText reports whether t is a string with no pattern, format or
// const: a NUL put in it breaks no constraint the request side checks.
func plainText(t *model.TypeRef) bool {
	return t != nil && t.Kind == model.KindString && t.Format == "" && (t.Check == nil || t.Check.Pattern == nil && t.Check.Const == "")
}

// withNUL is body with the first character of the string property k
// replaced by U+0000 (its length stays the same).
func withNUL(body map[string]any, k string) string {
	m := make(map[string]any, len(body))
	for key, v := range body {
		m[key] = v
	}
	s := []rune(m[k].(string))
	m[k] = "\x00" + string(s[1:])
	b, _ := json.Marshal(m)
	return string(b)
}

// absentKey is a valid value of parent parameter p that names no stored
// parent (the test stores only parents with new ids).
func absentKey(parent *model.Resource, p *model.Param) (string, bool) {
	t := p.Type
	switch parent.IDKind {
	case "uuid":
		return "0f0e0d0c-0b0a-4908-8706-050403020100", t.Kind == model.KindString && (t.Check == nil || t.Check.Pattern == nil)
	case "int":
		return "987654321", (t.Kind == model.KindInt64 || t.Kind == model.KindInt) && (t.Check == nil || t.Check.Maximum == nil && t.Check.MultipleOf == nil)
	}
	return "no-such-" + strings.ToLower(parent.Name), plainText(t) && (t.Check == nil || t.Check.MaxLength == nil)
}

// filterCases are the requests that show filter f applied: the sample's
// own value finds it; another valid value (the parameter's example, when
// it differs) finds nothing.
func filterCases(r *model.Resource, list *model.Operation, f *model.Filter, sample map[string]any, echo map[string]bool) []*model.StoreCase {
	name := f.Column.Field.Name
	p := f.Param
	val, ok := sample[name]
	if !ok {
		return nil
	}
	var have []string // the sample's values, as query text
	switch v := val.(type) {
	case []any:
		if f.Elem == nil || !f.Contains {
			return nil
		}
		// The create must store the list as it is.
		if bt := r.Create.Body.Type; bt.Kind != model.KindNamed || fieldNamed(bt.Named, name) == nil || fieldNamed(bt.Named, name).Type.GoType != f.Column.Field.Type.GoType {
			return nil
		}
		for _, x := range v {
			if s, ok := queryText(x); ok {
				have = append(have, s)
			}
		}
		if len(have) == 0 {
			return nil
		}
		have = have[:1]
	default:
		if f.Contains || !echo[name] {
			return nil
		}
		s, ok := queryText(v)
		if !ok {
			return nil
		}
		have = []string{s}
	}
	query := func(vals ...string) string {
		if p.Array && !p.Explode {
			return url.QueryEscape(p.Name) + "=" + url.QueryEscape(strings.Join(vals, p.Delimiter))
		}
		var parts []string
		for _, v := range vals {
			parts = append(parts, url.QueryEscape(p.Name)+"="+url.QueryEscape(v))
		}
		return strings.Join(parts, "&")
	}
	out := []*model.StoreCase{{Name: "filter " + p.Name + " by the sample's value", Op: list, Query: query(have...), Want: list.Success().StatusCode, Items: 1}}
	other, ok := paramExample(p)
	held := sampleTexts(val)
	if et := p.Type; ok && slices.Contains(held, other) {
		// Another value of an enum.
		if p.Array {
			et = et.Elem
		}
		switch {
		case et.Kind == model.KindNamed && et.Named.Kind == model.TypeEnum:
			for _, v := range et.Named.Values {
				if !slices.Contains(held, v.Value) {
					other = v.Value
					break
				}
			}
		case et.Kind == model.KindString && et.Format == "":
			// Another string that keeps to the constraints.
			for _, c := range []string{other + "0", other + "x", "0", "z"} {
				if !slices.Contains(held, c) && fitsText(et.Check, c) {
					other = c
					break
				}
			}
		}
	}
	if !ok || slices.Contains(held, other) {
		return out
	}
	vals := []string{other}
	if f.Contains {
		vals = []string{have[0], other} // every value must be held
	}
	return append(out, &model.StoreCase{Name: "filter " + p.Name + " by another value", Op: list, Query: query(vals...), Want: list.Success().StatusCode, Items: 0})
}

// queryText is a JSON scalar as a query parameter's text.
func queryText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// sampleTexts is every scalar of a sample value, as query text.
func sampleTexts(v any) []string {
	var out []string
	if xs, ok := v.([]any); ok {
		for _, x := range xs {
			if s, ok := queryText(x); ok {
				out = append(out, s)
			}
		}
		return out
	}
	if s, ok := queryText(v); ok {
		out = append(out, s)
	}
	return out
}

// fitsText reports whether s keeps to the string constraints c.
func fitsText(c *model.Check, s string) bool {
	if c == nil {
		return true
	}
	n := int64(utf8.RuneCountInString(s))
	if c.MinLength != nil && n < *c.MinLength || c.MaxLength != nil && n > *c.MaxLength || c.Const != "" {
		return false
	}
	if c.Pattern != nil {
		re, err := regexp.Compile(c.Pattern.Source)
		return err == nil && re.MatchString(s)
	}
	return true
}
