package build

import (
	"encoding/json"
	"math"
	"strings"

	"github.com/svcgen/svcgen/generator/model"
)

// conversions decides how the CRUD operations of r move values between
// request bodies, the stored type and responses (see convert.go).
func (b *builder) conversions(r *model.Resource, cv *convs) {
	stored := storedRef(r)
	for _, op := range []*model.Operation{r.Create, r.Replace} {
		if op == nil {
			continue
		}
		src := "req.Body"
		if op.Body.Pointer {
			src = "deref(req.Body)"
		}
		if w := wrapper(op.Body.Type, r.Type, false); w != nil {
			op.FromBody = src + "." + w.GoName
			if op == r.Create {
				r.SentIn = w.Name
			}
			continue
		}
		e, ok := cv.value(op.Body.Type, stored, src, false)
		if !ok {
			panic("svcgen: an object body does not convert to the stored object") // objects always do
		}
		op.FromBody = e
	}
	if op := r.Create; op != nil {
		r.Echo = echo(r, bodyItem(op, r))
	}
	if op := r.Replace; op != nil {
		// A replace keeps what the client cannot send: read-only
		// properties, the parent key and, when the body is another schema,
		// every property it does not have (ids, timestamps, states and
		// what the create hook filled).
		body := bodyItem(op, r)
		for _, f := range r.Type.Fields {
			if f.ReadOnly || r.ParentColumn != nil && r.ParentColumn.Field == f || body != r.Type && fieldNamed(body, f.Name) == nil {
				op.Keep = append(op.Keep, f.GoName)
			}
		}
	}
	if op := r.Create; op != nil {
		op.Answer, _ = b.answer(op, r, "v", false)
		if s := op.Success(); s != nil && s.Kind == model.BodyJSON && s.Type != nil {
			if w := wrapper(s.Type, r.Type, true); w != nil {
				r.AnsweredIn = w.Name
			}
		}
	}
	for _, op := range []*model.Operation{r.Get, r.Replace, r.Patch} {
		if op != nil {
			op.Answer, _ = b.answer(op, r, "*v", false)
		}
	}
	if op := r.Patch; op != nil {
		op.PatchKeys = b.patchKeys(op, r)
	}
	if op := r.List; op != nil {
		op.Page = b.page(op, r)
	}
}

// echo lists the scalar properties of r a create from body copies as
// sent: neither filled by the store nor write-only (responses leave those
// out) nor read-only, and of a type whose JSON reads back the same (no
// times or dates, which a database may write back differently).
func echo(r *model.Resource, body *model.Type) []string {
	owned := map[*model.Field]bool{}
	for _, c := range []*model.Column{r.ID, r.CreatedAt, r.UpdatedAt, r.ParentColumn} {
		if c != nil && c.Field != nil {
			owned[c.Field] = true
		}
	}
	scalar := func(f *model.Field) bool {
		t := f.Type
		if t.Kind == model.KindNamed && t.Named.Kind == model.TypeEnum {
			t = t.Named.Base
		}
		switch t.Kind {
		case model.KindString, model.KindInt32, model.KindInt64, model.KindInt, model.KindFloat32, model.KindFloat64, model.KindBool:
			return !f.WriteOnly && !f.ReadOnly
		}
		return false
	}
	var out []string
	for _, tf := range r.Type.Fields {
		sf := fieldNamed(body, tf.Name)
		if sf == nil || owned[tf] || !scalar(tf) || !scalar(sf) || !fits(sf.Type, tf.Type, map[string]bool{}) {
			continue
		}
		out = append(out, tf.Key)
	}
	return out
}

// wrapper returns the property of object t that holds a whole item of
// stored type st, when t wraps the item rather than describing it: t is
// another object, with exactly one property of type st, required and by
// value, and none named as a required property of st (a body with the
// item's own properties converts property by property). In an answer
// (answer set), t must require nothing else, which the item alone could
// not fill.
func wrapper(t *model.TypeRef, st *model.Type, answer bool) *model.Field {
	if t == nil || t.Kind != model.KindNamed || t.Named.Kind != model.TypeStruct || t.Named == st {
		return nil
	}
	var w *model.Field
	for _, f := range t.Named.Fields {
		if f.Type.Kind == model.KindNamed && f.Type.Named == st {
			if w != nil {
				return nil
			}
			w = f
		}
	}
	if w == nil || !w.Required || w.Shape != model.ShapeValue {
		return nil
	}
	for _, f := range st.Required {
		if fieldNamed(t.Named, f.Name) != nil {
			return nil
		}
	}
	if answer {
		for _, f := range t.Named.Required {
			if f != w {
				return nil
			}
		}
	}
	return w
}

// bodyItem is the object op's body describes the item with: the stored
// type itself when the body wraps an item (wrapper), else the body's.
func bodyItem(op *model.Operation, r *model.Resource) *model.Type {
	if wrapper(op.Body.Type, r.Type, false) != nil {
		return r.Type
	}
	return op.Body.Type.Named
}

// storedRef refers to r's stored type.
func storedRef(r *model.Resource) *model.TypeRef {
	return &model.TypeRef{Kind: model.KindNamed, Named: r.Type, GoType: r.Type.Name}
}

// answer returns the Go expression of op's success response body made
// from v, the stored value ("v" or "*v"): "" when the response has no JSON
// body. It returns the response's Go type and false when no such
// expression exists. With dry set, no converter is made.
func (b *builder) answer(op *model.Operation, r *model.Resource, v string, dry bool) (string, bool) {
	s := op.Success()
	if s == nil || s.Kind != model.BodyJSON || s.Type == nil {
		return "", true
	}
	switch {
	case s.Type.GoType == r.Type.Name:
		return v, true
	case r.ID != nil && r.ID.Field != nil && s.Type.GoType == r.ID.Field.Type.GoType:
		return r.IDOf("v"), true // the spec answers with the id alone
	}
	if w := wrapper(s.Type, r.Type, true); w != nil {
		return spell(s.Type) + "{" + w.GoName + ": " + v + "}", true // the item in an envelope
	}
	e, ok := b.convs.value(storedRef(r), s.Type, v, dry)
	if !ok {
		return s.Type.GoType, false
	}
	return e, true
}

// patchKeys lists the properties of op's body a merge patch may change in
// the stored type: those it holds with a type every patch value decodes
// into. The others are reported and left out.
func (b *builder) patchKeys(op *model.Operation, r *model.Resource) []string {
	p := op.Body.Type.Named
	var keys []string
	for _, pf := range p.Fields {
		tf := fieldNamed(r.Type, pf.Name)
		if tf == nil {
			continue // the stored type has no such property: nothing to change
		}
		if pf.Type.GoType != tf.Type.GoType || pf.Indirect != tf.Indirect {
			if !fits(pf.Type, tf.Type, map[string]bool{}) {
				b.degrade(p.Origin+"/properties/"+escape(pf.Name),
					"property "+quote(pf.Name)+" is "+describe(pf)+" in "+p.Name+" but "+describe(tf)+" in "+r.Type.Name,
					"not applied by the default "+op.GoName+": the stored "+r.Type.Name+" keeps its value")
				continue
			}
		}
		keys = append(keys, pf.Key)
	}
	return keys
}

// fieldNamed is t's field of JSON name name, or nil.
func fieldNamed(t *model.Type, name string) *model.Field {
	for _, f := range t.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// page decides how a list operation fills its response: the list itself,
// or an object whose items property gets the rows, total (and count-like
// properties) the number of matching rows, limit and offset what was asked
// and hasMore or an integer next the rest. Other properties are reported.
func (b *builder) page(op *model.Operation, r *model.Resource) *model.Page {
	s := op.Success()
	noNext := func() {
		if r.Cursor != nil {
			b.degrade("#/paths/"+escape(op.Path)+"/"+strings.ToLower(op.Method)+"/responses",
				"cursor pagination by "+quote(r.Cursor.Name)+" without a response property for the next cursor",
				"the default "+op.GoName+" pages by cursor, but clients cannot learn the next one")
		}
	}
	if r.ListItems == "" {
		noNext()
		if s.Type.Kind == model.KindNamed { // an alias of the slice
			return &model.Page{Body: spell(s.Type) + "(items)"}
		}
		return &model.Page{Body: "items"}
	}
	t := s.Type.Named
	pg := &model.Page{}
	// Whether rows follow this page: with a cursor, the row read beyond
	// it tells; with an offset, the total.
	more := func() string {
		if r.Cursor != nil {
			pg.Probe = true
			return "more"
		}
		pg.Count = true
		return "p.Offset+int64(len(items)) < total"
	}
	next := false
	for _, f := range t.Fields {
		pf := &model.PageField{GoName: f.GoName}
		integer := f.Type.Kind == model.KindInt64 || f.Type.Kind == model.KindInt32 || f.Type.Kind == model.KindInt
		switch n := norm(f.Name); {
		case f.Name == r.ListItems:
			pf.Value = "items"
			if f.Type.Kind == model.KindNamed {
				pf.Value = spell(f.Type) + "(items)"
			}
		case integer && (n == "total" || n == "totalcount" || n == "count" || n == "totalitems" || n == "totalresults" || n == "totalsize" || n == "totalelements" || n == "totalrecords"):
			pf.Value, pg.Count, pg.Total = intOf(f.Type, "total"), true, f.Name
		case integer && r.Limit != nil && (n == norm(r.Limit.Name) || n == "limit"):
			pf.Value = intOf(f.Type, "p.Limit")
		case integer && r.Offset != nil && (n == norm(r.Offset.Name) || n == "offset"):
			pf.Value = intOf(f.Type, "p.Offset")
		case f.Type.Kind == model.KindBool && (n == "hasmore" || n == "more" || n == "hasnext" || n == "hasnextpage"):
			pf.Value = more()
		case integer && r.Offset != nil && r.Cursor == nil && (n == "next" || n == "nextoffset"):
			// The offset of the next page, absent on the last.
			pf.Value, pf.If = intOf(f.Type, "p.Offset+int64(len(items))"), more()
		case f.Type.Kind == model.KindString && f.Type.Format == "" && r.Cursor != nil && !next && nextCursor(n):
			// The cursor of the next page (the last row's id), absent on the last.
			pf.Value, pf.If, next = "store.Cursor("+r.IDOf("items[len(items)-1]")+")", more(), true
		default:
			b.degrade(t.Origin+"/properties/"+escape(f.Name),
				"list response property "+quote(f.Name)+" of "+t.Name,
				"not filled by the default "+op.GoName+": it keeps its zero value")
			continue
		}
		switch f.Shape {
		case model.ShapePointer:
			pf.Value = "svcgen.Ptr(" + pf.Value + ")"
		case model.ShapeNullable:
			pf.Value = "svcgen.Value(" + pf.Value + ")"
		}
		pg.Fields = append(pg.Fields, pf)
	}
	if !next {
		noNext()
	}
	return pg
}

// nextCursor reports whether a list response property of normalised name
// n holds the next page's cursor.
func nextCursor(n string) bool {
	switch n {
	case "next", "nextcursor", "cursor", "nextpagetoken", "nexttoken", "pagetoken", "continuationtoken", "nextcontinuationtoken", "endcursor", "after", "nextafter":
		return true
	}
	return false
}

// intOf converts x, an int64, to integer type t.
func intOf(t *model.TypeRef, x string) string {
	if t.Kind == model.KindInt64 {
		return x
	}
	return t.GoType + "(" + x + ")"
}

// decodesAs reports whether the JSON text js decodes into a value of type
// t: the store's tests decode the create request's example into the
// stored type, which works when the two schemas agree on what the example
// sends, whatever they say of the rest.
func decodesAs(js string, t *model.TypeRef) bool {
	var v any
	if json.Unmarshal([]byte(js), &v) != nil {
		return false
	}
	return valueFits(v, t, 0)
}

func valueFits(v any, t *model.TypeRef, depth int) bool {
	if v == nil || depth > 64 {
		return true // null is for the decoder to judge; deep enough
	}
	if t.Kind == model.KindNamed {
		switch n := t.Named; n.Kind {
		case model.TypeAlias:
			return valueFits(v, n.Underlying, depth+1)
		case model.TypeEnum:
			return valueFits(v, n.Base, depth+1)
		case model.TypeUnion:
			return true // decoded by its own rules
		case model.TypeStruct:
			obj, ok := v.(map[string]any)
			if !ok {
				return false
			}
			for k, x := range obj {
				f := fieldNamed(n, k)
				switch {
				case f != nil:
					if !valueFits(x, f.Type, depth+1) {
						return false
					}
				case n.Extra != nil:
					if !valueFits(x, n.Extra, depth+1) {
						return false
					}
				case n.Closed:
					return false
				}
			}
			return true
		}
	}
	switch t.Kind {
	case model.KindString, model.KindTime, model.KindDate, model.KindBytes:
		_, ok := v.(string)
		return ok
	case model.KindInt32, model.KindInt64, model.KindInt:
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	case model.KindFloat32, model.KindFloat64:
		_, ok := v.(float64)
		return ok
	case model.KindBool:
		_, ok := v.(bool)
		return ok
	case model.KindSlice:
		a, ok := v.([]any)
		for _, x := range a {
			ok = ok && valueFits(x, t.Elem, depth+1)
		}
		return ok
	case model.KindMap:
		m, ok := v.(map[string]any)
		for _, x := range m {
			ok = ok && valueFits(x, t.Elem, depth+1)
		}
		return ok
	}
	return true // free-form, binary: whatever the decoder makes of it
}
