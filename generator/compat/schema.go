package compat

import (
	"math"
	"strconv"

	"github.com/svcgen/svcgen/generator/model"
)

// prefix says what a value belongs to: it starts each Kind and decides the
// direction: parameters and request bodies travel to the server, responses
// to the client.
type prefix string

const (
	prefixParam    prefix = "param"
	prefixRequest  prefix = "request"
	prefixResponse prefix = "response"
)

func (p prefix) request() bool { return p != prefixResponse }

// effect is what an edit does to the set of values a schema allows.
type effect int

const (
	widens       effect = iota // every value allowed before still is
	narrows                    // every value allowed now already was
	incomparable               // neither, or it cannot be told
)

// breaks reports whether an edit with effect e breaks clients: narrowing
// what a server accepts rejects requests that used to pass; widening what
// it returns hands clients values they were promised never to see.
func (p prefix) breaks(e effect) bool {
	if p.request() {
		return e != widens
	}
	return e != narrows
}

// rel is a change inside a value, located by a path relative to it:
// "", ".items[].sku", "{}", "(cat).name".
type rel struct {
	path     string
	kind     string
	breaking bool
	msg      string
}

func (p prefix) rel(e effect, kind, msg string) rel {
	return rel{kind: string(p) + "-" + kind, breaking: p.breaks(e), msg: msg}
}

// under puts rels below a path segment.
func under(seg string, rs []rel) []rel {
	out := make([]rel, len(rs))
	for i, r := range rs {
		r.path = seg + r.path
		out[i] = r
	}
	return out
}

// pairKey is one comparison of two named types in one direction.
type pairKey struct {
	old, new *model.Type
	p        prefix
}

// complete is the low mark of a comparison that met no cycle left open.
const complete = math.MaxInt

// walker compares values structurally. Named types may be recursive and may
// be shared by many fields, so each pair of named types under comparison is
// marked while it is on the stack (meeting it again closes a cycle: the
// walk stops there and the change is reported at the shallower place) and
// its result is remembered once it is complete (a type shared by a
// hundred fields is compared once). A result that stopped at a cycle
// opened by an enclosing pair is not remembered, since from elsewhere the
// walk would go further: each call returns the lowest stack depth it met,
// as in Tarjan's algorithm.
type walker struct {
	active map[pairKey]int // pairs on the stack, with their depth
	done   map[pairKey][]rel
}

func newWalker() *walker {
	return &walker{active: map[pairKey]int{}, done: map[pairKey][]rel{}}
}

// compare returns the changes from value type o to n.
func (w *walker) compare(p prefix, o, n *model.TypeRef) []rel {
	if o == nil || n == nil {
		return nil
	}
	rs, _ := w.ref(p, o, n)
	return rs
}

// ref compares two uses of a type: nullability, then the value.
func (w *walker) ref(p prefix, o, n *model.TypeRef) ([]rel, int) {
	var out []rel
	switch on, nn := nullable(o), nullable(n); {
	case !on && nn:
		out = append(out, p.rel(widens, "became-nullable", "became nullable"))
	case on && !nn:
		out = append(out, p.rel(narrows, "became-not-nullable", "became not nullable"))
	}
	var rs []rel
	var low int
	if o.Kind == model.KindNamed && n.Kind == model.KindNamed {
		rs, low = w.named(p, o.Named, n.Named)
	} else {
		rs, low = w.value(p, unalias(o), unalias(n))
	}
	return append(out, rs...), low
}

// nullable reports whether null is allowed, by the use or by the named
// collection it refers to.
func nullable(r *model.TypeRef) bool {
	return r.Nullable || r.Kind == model.KindNamed && r.Named.Kind == model.TypeAlias && r.Named.Underlying.Nullable
}

// unalias returns the collection a named array or map stands for.
func unalias(r *model.TypeRef) *model.TypeRef {
	if r.Kind == model.KindNamed && r.Named.Kind == model.TypeAlias {
		return r.Named.Underlying
	}
	return r
}

// named compares two named types, once per pair and direction.
func (w *walker) named(p prefix, o, n *model.Type) ([]rel, int) {
	k := pairKey{o, n, p}
	if rs, ok := w.done[k]; ok {
		return rs, complete
	}
	if d, ok := w.active[k]; ok {
		return nil, d // a cycle: the enclosing comparison reports it
	}
	depth := len(w.active)
	w.active[k] = depth
	rs, low := w.value(p, unalias(&model.TypeRef{Kind: model.KindNamed, Named: o}), unalias(&model.TypeRef{Kind: model.KindNamed, Named: n}))
	delete(w.active, k)
	if low >= depth {
		w.done[k] = rs
		low = complete
	}
	return rs, low
}

// value compares two values whose nullability is already compared. Named
// refs here are structs, enums or unions; collections are unwrapped.
func (w *walker) value(p prefix, o, n *model.TypeRef) ([]rel, int) {
	od, nd := describe(o), describe(n)
	switch {
	case od.base == "object" && nd.base == "object":
		return w.fields(p, o.Named, n.Named)
	case od.base == "union" && nd.base == "union":
		return w.variants(p, o.Named, n.Named)
	case od.base == "array" && nd.base == "array":
		rs, low := w.ref(p, o.Elem, n.Elem)
		return append(checks(p, o.Check, n.Check), under("[]", rs)...), low
	case od.base == "map" && nd.base == "map":
		rs, low := w.ref(p, o.Elem, n.Elem)
		return append(checks(p, o.Check, n.Check), under("{}", rs)...), low
	case od == nd && od.enum:
		return enumValues(p, o.Named, n.Named), complete
	case od == nd:
		return checks(p, o.Check, n.Check), complete
	case od.plain() == nd.plain() && nd.enum:
		return []rel{p.rel(narrows, "became-enum", "became an enum of "+n.Named.Allowed)}, complete
	case od.plain() == nd.plain() && od.enum:
		return []rel{p.rel(widens, "became-not-enum", "no longer restricted to enum values")}, complete
	}
	e := incomparable
	switch {
	case wider(nd, od):
		e = widens
	case wider(od, nd):
		e = narrows
	}
	return []rel{p.rel(e, "type-changed", "type changed from "+od.String()+" to "+nd.String())}, complete
}

// desc is a value's type as JSON Schema sees it: "string" with format
// "date-time", "integer" with format "int32", a string enum...
type desc struct {
	base   string // string, integer, number, boolean, array, map, object, union, any
	format string
	enum   bool
}

func (d desc) plain() desc { d.enum = false; return d }

func (d desc) String() string {
	s := d.base
	switch {
	case d.base == "map":
		s = "object (map)"
	case d.base == "union":
		s = "oneOf"
	case d.format != "":
		s += " (" + d.format + ")"
	}
	if d.enum {
		s += " enum"
	}
	return s
}

func describe(r *model.TypeRef) desc {
	switch r.Kind {
	case model.KindString:
		return desc{base: "string", format: r.Format}
	case model.KindTime:
		return desc{base: "string", format: "date-time"}
	case model.KindDate:
		return desc{base: "string", format: "date"}
	case model.KindBytes:
		return desc{base: "string", format: "byte"}
	case model.KindBinary:
		return desc{base: "string", format: "binary"}
	case model.KindInt32:
		return desc{base: "integer", format: "int32"}
	case model.KindInt64, model.KindInt:
		return desc{base: "integer"}
	case model.KindFloat32:
		return desc{base: "number", format: "float"}
	case model.KindFloat64:
		return desc{base: "number"}
	case model.KindBool:
		return desc{base: "boolean"}
	case model.KindSlice:
		return desc{base: "array"}
	case model.KindMap:
		return desc{base: "map"}
	case model.KindNamed:
		switch t := r.Named; t.Kind {
		case model.TypeStruct:
			return desc{base: "object"}
		case model.TypeUnion:
			return desc{base: "union"}
		case model.TypeEnum:
			d := describe(t.Base)
			d.enum = true
			return d
		case model.TypeAlias:
			return describe(t.Underlying)
		}
	}
	return desc{base: "any"}
}

// wider reports whether every value of type b is also a value of type a:
// a plain string holds any formatted string or string enum, a number any
// integer, an int64 any int32.
func wider(a, b desc) bool {
	switch {
	case a == b, a.base == "any":
		return true
	case a.enum:
		return false
	}
	b = b.plain()
	switch {
	case a.base == b.base:
		return a.format == "" || a.format == b.format
	case a.base == "number" && a.format == "" && b.base == "integer":
		return true
	}
	return false
}

// fields compares two structs field by field, by JSON name. Read-only
// fields are not part of a request and write-only ones not of a response,
// so each side is seen as the direction sees it.
func (w *walker) fields(p prefix, o, n *model.Type) ([]rel, int) {
	seen := func(f *model.Field) bool {
		if p.request() {
			return !f.ReadOnly
		}
		return !f.WriteOnly
	}
	view := func(t *model.Type) map[string]*model.Field {
		m := map[string]*model.Field{}
		for _, f := range t.Fields {
			if seen(f) {
				m[f.Name] = f
			}
		}
		return m
	}
	all := func(t *model.Type, name string) *model.Field {
		for _, f := range t.Fields {
			if f.Name == name {
				return f
			}
		}
		return nil
	}
	olds, news := view(o), view(n)
	var out []rel
	if p.request() && o.Closed != n.Closed {
		// svcgen's generated server rejects undeclared properties of a
		// closed object (additionalProperties: false).
		if n.Closed {
			out = append(out, p.rel(narrows, "additional-properties-forbidden", "undeclared fields are now rejected"))
		} else {
			out = append(out, p.rel(widens, "additional-properties-allowed", "undeclared fields are now accepted"))
		}
	}
	low := complete
	for _, name := range unionKeys(olds, news) {
		fo, fn := olds[name], news[name]
		seg := "." + name
		switch {
		case fn == nil:
			msg := "field removed"
			if f := all(n, name); f != nil && p.request() {
				msg = "field became read-only: the server ignores it in requests"
			} else if f != nil {
				msg = "field became write-only: responses leave it out"
			}
			// oasdiff: removing a response field is an error when it was
			// required; when optional it warned and now informs. Either
			// way a client that read it gets nothing any more. In a
			// request oasdiff warns: the server drops what clients send
			// (or, for a closed object, rejects it).
			out = append(out, rel{path: seg, kind: string(p) + "-field-removed", breaking: true, msg: msg})
		case fo == nil:
			switch {
			case p.request() && fn.Required:
				out = append(out, rel{path: seg, kind: string(p) + "-field-added", breaking: true, msg: "required field added"})
			case fn.Required:
				out = append(out, rel{path: seg, kind: string(p) + "-field-added", msg: "required field added"})
			default:
				out = append(out, rel{path: seg, kind: string(p) + "-field-added", msg: "optional field added"})
			}
		default:
			switch {
			case !fo.Required && fn.Required:
				// A request must now carry it; a response now always does.
				out = append(out, rel{path: seg, kind: string(p) + "-field-became-required", breaking: p.request(), msg: "field became required"})
			case fo.Required && !fn.Required:
				out = append(out, rel{path: seg, kind: string(p) + "-field-became-optional", breaking: !p.request(), msg: "field became optional"})
			}
			rs, l := w.ref(p, fo.Type, fn.Type)
			out = append(out, under(seg, rs)...)
			low = min(low, l)
		}
	}
	if o.Extra != nil && n.Extra != nil {
		rs, l := w.ref(p, o.Extra, n.Extra)
		out = append(out, under("{}", rs)...)
		low = min(low, l)
	}
	return out, low
}

// variantLabels names each variant of a union the same way in both
// versions: by its discriminator value, else by the JSON kind it starts
// with when only one variant has it, else by its Go name.
func variantLabels(t *model.Type) map[string]*model.Variant {
	kinds := map[string]int{}
	for _, v := range t.Variants {
		kinds[v.JSONKind]++
	}
	out := map[string]*model.Variant{}
	for _, v := range t.Variants {
		switch {
		case len(v.Tags) > 0:
			for _, tag := range v.Tags {
				out[tag] = v
			}
		case kinds[v.JSONKind] == 1:
			out[v.JSONKind] = v
		default:
			out[v.GoName] = v
		}
	}
	return out
}

// variants compares two unions (oneOf/anyOf) alternative by alternative.
func (w *walker) variants(p prefix, o, n *model.Type) ([]rel, int) {
	olds, news := variantLabels(o), variantLabels(n)
	var out []rel
	low := complete
	compared := map[[2]*model.Variant]bool{}
	for _, label := range unionKeys(olds, news) {
		vo, vn := olds[label], news[label]
		seg := "(" + label + ")"
		switch {
		case vn == nil:
			r := p.rel(narrows, "variant-removed", "variant "+quote(label)+" removed")
			r.path = seg
			out = append(out, r)
		case vo == nil:
			// oasdiff: adding a oneOf/anyOf alternative is an error in
			// responses; clients cannot decode what they do not know.
			r := p.rel(widens, "variant-added", "variant "+quote(label)+" added")
			r.path = seg
			out = append(out, r)
		case !compared[[2]*model.Variant{vo, vn}]:
			compared[[2]*model.Variant{vo, vn}] = true
			rs, l := w.ref(p, vo.Type, vn.Type)
			out = append(out, under(seg, rs)...)
			low = min(low, l)
		}
	}
	return out, low
}

// enumValues compares the values of two enums of the same base type.
//
// An added value in a response is breaking although oasdiff only warns
// (response-property-enum-value-added): a client generated from the spec
// with enum types may reject a value it does not know when it validates
// the response, and code that switches over the values misses the new
// case. An API that means to add values later says so with a plain string
// and documented values.
func enumValues(p prefix, o, n *model.Type) []rel {
	olds := map[string]*model.EnumValue{}
	for _, v := range o.Values {
		olds[v.Literal] = v
	}
	news := map[string]*model.EnumValue{}
	for _, v := range n.Values {
		news[v.Literal] = v
	}
	var out []rel
	for _, lit := range unionKeys(olds, news) {
		switch vo, vn := olds[lit], news[lit]; {
		case vn == nil:
			out = append(out, p.rel(narrows, "enum-value-removed", "enum value "+quote(vo.Value)+" removed"))
		case vo == nil:
			out = append(out, p.rel(widens, "enum-value-added", "enum value "+quote(vn.Value)+" added"))
		}
	}
	return out
}

// bound is a limit on a value, or unset.
type bound struct {
	set  bool
	v    float64
	text string
	excl bool
}

func (b bound) String() string {
	if b.excl {
		return "exclusive " + b.text
	}
	return b.text
}

func intBound(p *int64) bound {
	if p == nil {
		return bound{}
	}
	return bound{set: true, v: float64(*p), text: strconv.FormatInt(*p, 10)}
}

func numBound(n *model.Number, excl bool) bound {
	if n == nil {
		return bound{}
	}
	v, err := strconv.ParseFloat(n.Text, 64)
	if err != nil {
		v, _ = strconv.ParseFloat(n.Literal, 64)
	}
	return bound{set: true, v: v, text: n.Text, excl: excl}
}

// orZero treats an unset lower bound as 0: minLength: 0 is no limit.
func orZero(b bound) bound {
	if !b.set {
		return bound{set: true, text: "0"}
	}
	return b
}

// checkCmp collects constraint changes of one value.
type checkCmp struct {
	p   prefix
	out []rel
}

func (c *checkCmp) add(e effect, kebab, msg string) {
	c.out = append(c.out, c.p.rel(e, kebab, msg))
}

// upper compares an upper bound (maxLength, maximum...): lower is tighter.
func (c *checkCmp) upper(kw, kebab string, o, n bound) {
	switch {
	case !o.set && !n.set:
	case !o.set:
		c.add(narrows, kebab+"-added", kw+" "+n.String()+" added")
	case !n.set:
		c.add(widens, kebab+"-removed", kw+" "+o.String()+" removed")
	case n.v < o.v || n.v == o.v && n.excl && !o.excl:
		c.add(narrows, kebab+"-decreased", kw+" decreased from "+o.String()+" to "+n.String())
	case n.v > o.v || n.v == o.v && !n.excl && o.excl:
		c.add(widens, kebab+"-increased", kw+" increased from "+o.String()+" to "+n.String())
	}
}

// lower compares a lower bound (minLength, minimum...): higher is tighter.
func (c *checkCmp) lower(kw, kebab string, o, n bound) {
	switch {
	case !o.set && !n.set:
	case !o.set:
		c.add(narrows, kebab+"-added", kw+" "+n.String()+" added")
	case !n.set:
		c.add(widens, kebab+"-removed", kw+" "+o.String()+" removed")
	case n.v > o.v || n.v == o.v && n.excl && !o.excl:
		c.add(narrows, kebab+"-increased", kw+" increased from "+o.String()+" to "+n.String())
	case n.v < o.v || n.v == o.v && !n.excl && o.excl:
		c.add(widens, kebab+"-decreased", kw+" decreased from "+o.String()+" to "+n.String())
	}
}

// checks compares the constraints of two values of the same type.
func checks(p prefix, o, n *model.Check) []rel {
	if o == nil {
		o = &model.Check{}
	}
	if n == nil {
		n = &model.Check{}
	}
	c := &checkCmp{p: p}
	c.lower("minLength", "min-length", orZero(intBound(o.MinLength)), orZero(intBound(n.MinLength)))
	c.upper("maxLength", "max-length", intBound(o.MaxLength), intBound(n.MaxLength))
	switch op, np := patternOf(o), patternOf(n); {
	case op == np:
	case op == "":
		c.add(narrows, "pattern-added", "pattern "+quote(np)+" added")
	case np == "":
		c.add(widens, "pattern-removed", "pattern "+quote(op)+" removed")
	default:
		// Whether one expression accepts less than another cannot be
		// told in general; oasdiff warns.
		c.add(incomparable, "pattern-changed", "pattern changed from "+quote(op)+" to "+quote(np))
	}
	c.lower("minimum", "minimum", numBound(o.Minimum, o.ExclusiveMinimum), numBound(n.Minimum, n.ExclusiveMinimum))
	c.upper("maximum", "maximum", numBound(o.Maximum, o.ExclusiveMaximum), numBound(n.Maximum, n.ExclusiveMaximum))
	switch om, nm := numBound(o.MultipleOf, false), numBound(n.MultipleOf, false); {
	case !om.set && !nm.set, om.set && nm.set && om.v == nm.v:
	case !om.set:
		c.add(narrows, "multiple-of-added", "multipleOf "+nm.text+" added")
	case !nm.set:
		c.add(widens, "multiple-of-removed", "multipleOf "+om.text+" removed")
	default:
		e := incomparable
		switch {
		case math.Mod(nm.v, om.v) == 0:
			e = narrows // multiples of 10 are multiples of 5
		case math.Mod(om.v, nm.v) == 0:
			e = widens
		}
		c.add(e, "multiple-of-changed", "multipleOf changed from "+om.text+" to "+nm.text)
	}
	c.lower("minItems", "min-items", orZero(intBound(o.MinItems)), orZero(intBound(n.MinItems)))
	c.upper("maxItems", "max-items", intBound(o.MaxItems), intBound(n.MaxItems))
	switch {
	case !o.UniqueItems && n.UniqueItems:
		c.add(narrows, "unique-items-added", "uniqueItems added")
	case o.UniqueItems && !n.UniqueItems:
		c.add(widens, "unique-items-removed", "uniqueItems removed")
	}
	c.lower("minProperties", "min-properties", orZero(intBound(o.MinProps)), orZero(intBound(n.MinProps)))
	c.upper("maxProperties", "max-properties", intBound(o.MaxProps), intBound(n.MaxProps))
	switch {
	case o.ConstJSON == n.ConstJSON:
	case o.ConstJSON == "":
		c.add(narrows, "const-added", "const "+n.ConstJSON+" added")
	case n.ConstJSON == "":
		c.add(widens, "const-removed", "const "+o.ConstJSON+" removed")
	default:
		c.add(incomparable, "const-changed", "const changed from "+o.ConstJSON+" to "+n.ConstJSON)
	}
	return c.out
}

func patternOf(c *model.Check) string {
	if c.Pattern == nil {
		return ""
	}
	return c.Pattern.Source
}

// quote quotes a spec value for a message.
func quote(s string) string {
	return strconv.Quote(s)
}
