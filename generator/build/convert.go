package build

import (
	"sort"

	"github.com/svcgen/svcgen/generator/model"
)

// Conversions between API types, for the default CRUD behaviour: a request
// body into the stored type, the stored type into a response. Each is
// decided here, property by property, and printed as Go by the crud
// template; nothing is matched or retried at run time.
//
//   - A property is filled from the source property of the same JSON name.
//   - The same Go type is assigned. Value, pointer and Nullable shapes are
//     adapted (absent stays absent, null stays null where both allow it).
//   - Different types convert when every value of the source is a value of
//     the target: enums whose values the target's include, integers and
//     floats widened, aliases over convertible types, objects property by
//     property (a generated function per pair), arrays and maps element by
//     element, unions variant by variant (matched by type, name or
//     discriminator value), a value into the union variant
//     of its type.
//   - A property that cannot convert is left out (the target keeps its
//     zero value, or its spec default) and listed in the coverage report.
//   - A target property the source lacks gets its spec default, as a
//     decoded request would.

// convs holds the converter functions of one service.
type convs struct {
	b     *builder
	names *model.Namespace
	pairs map[string]*model.Converter // by "From To" Go types
	// visiting holds the pairs a dry run is deciding, for recursive types.
	visiting map[string]bool
}

func newConvs(b *builder) *convs {
	return &convs{
		b: b,
		// What package service declares besides the converters: the
		// generated CRUD code and its tests, and the scaffold.
		names: model.NewNamespace("CRUD", "NewCRUD", "Service", "New", "storeError", "deref", "mergePatch", "merge",
			"newTestServer", "call", "idOf", "fill", "allowAll", "Authenticate"),
		pairs:    map[string]*model.Converter{},
		visiting: map[string]bool{},
	}
}

// list returns the converters made, sorted by name.
func (cv *convs) list() []*model.Converter {
	var out []*model.Converter
	for _, c := range cv.pairs {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Func < out[j].Func })
	return out
}

// value returns the Go expression that converts x, a value of type from,
// to type to; ok is false when no conversion is possible. With dry set
// nothing is made: only whether a conversion exists is reported.
func (cv *convs) value(from, to *model.TypeRef, x string, dry bool) (expr string, ok bool) {
	if from.GoType == to.GoType && from.Kind == to.Kind {
		return x, true
	}
	fn, tn := named(from), named(to)
	switch {
	case fn != nil && fn.Kind == model.TypeAlias && tn != nil && tn.Kind == model.TypeAlias && fn.Underlying.GoType == tn.Underlying.GoType:
		return spell(to) + "(" + x + ")", true
	case fn != nil && fn.Kind == model.TypeAlias:
		return cv.value(fn.Underlying, to, spell(fn.Underlying)+"("+x+")", dry)
	case tn != nil && tn.Kind == model.TypeAlias:
		e, ok := cv.value(from, tn.Underlying, x, dry)
		return spell(to) + "(" + e + ")", ok
	case fn != nil && fn.Kind == model.TypeEnum:
		if tn != nil && tn.Kind == model.TypeEnum && tn.Base.GoType == fn.Base.GoType && subset(fn.Values, tn.Values) {
			return spell(to) + "(" + x + ")", true
		}
		if tn == nil && to.GoType == fn.Base.GoType {
			return to.GoType + "(" + x + ")", true
		}
		return "", false
	case tn != nil && tn.Kind == model.TypeUnion && (fn == nil || fn.Kind != model.TypeUnion):
		// A value into the variant of its type.
		for _, v := range tn.Variants {
			if v.Type.GoType == from.GoType {
				return spell(to) + "{" + v.GoName + ": svcgen.Ptr(" + x + ")}", true
			}
		}
		return "", false
	case fn != nil && tn != nil && fn.Kind == model.TypeStruct && tn.Kind == model.TypeStruct,
		fn != nil && tn != nil && fn.Kind == model.TypeUnion && tn.Kind == model.TypeUnion,
		from.Kind == model.KindSlice && to.Kind == model.KindSlice,
		from.Kind == model.KindMap && to.Kind == model.KindMap:
		if !cv.converts(from, to) {
			return "", false
		}
		if dry {
			return "", true
		}
		return cv.converter(from, to).Func + "(" + x + ")", true
	case fn == nil && tn == nil && widens(from.Kind, to.Kind):
		return to.GoType + "(" + x + ")", true
	}
	return "", false
}

// converts reports whether values of one object, union, array or map
// type convert to another: objects always do (what cannot convert is left
// out), the others when their variants or elements do. A pair met again
// inside itself (recursive types) is taken to convert: its first visit
// decides.
func (cv *convs) converts(from, to *model.TypeRef) bool {
	key := from.GoType + " " + to.GoType
	if cv.pairs[key] != nil || cv.visiting[key] {
		return true
	}
	cv.visiting[key] = true
	defer delete(cv.visiting, key)
	switch {
	case from.Kind == model.KindSlice || from.Kind == model.KindMap:
		_, ok := cv.value(from.Elem, to.Elem, "x", true)
		return ok
	case named(from).Kind == model.TypeUnion:
		return cv.variants(named(from), named(to), true) != nil
	}
	return true
}

// converter returns the converter function from one type to another,
// which converts says exists, making it the first time.
func (cv *convs) converter(from, to *model.TypeRef) *model.Converter {
	key := from.GoType + " " + to.GoType
	if c := cv.pairs[key]; c != nil {
		return c
	}
	c := &model.Converter{
		Func: cv.names.Take(model.Unexported(typeWord(to)) + "From" + typeWord(from)),
		From: spell(from),
		To:   spell(to),
	}
	cv.pairs[key] = c // before its members: recursive types refer to it
	switch {
	case from.Kind == model.KindSlice || from.Kind == model.KindMap:
		c.Kind = string(from.Kind)
		c.Elem, _ = cv.value(from.Elem, to.Elem, "x", false)
	case named(from).Kind == model.TypeUnion:
		c.Kind = "union"
		c.Copies = cv.variants(named(from), named(to), false)
	default:
		c.Kind = "struct"
		c.Copies = cv.fields(named(from), named(to))
	}
	return c
}

// variants matches every variant of union from to a variant of union to:
// the one of the same type, else the one of the same name or discriminator
// value if it converts. It returns nil when some variant has none.
func (cv *convs) variants(from, to *model.Type, dry bool) []*model.Copy {
	var out []*model.Copy
	for _, fv := range from.Variants {
		var cp *model.Copy
		for _, tv := range to.Variants {
			if cp == nil && fv.Type.GoType == tv.Type.GoType {
				cp = &model.Copy{To: tv.GoName, From: fv.GoName, Value: "in." + fv.GoName}
			}
		}
		for _, tv := range to.Variants {
			if cp != nil || fv.GoName != tv.GoName && !shareTag(fv, tv) {
				continue
			}
			if e, ok := cv.value(fv.Type, tv.Type, "*in."+fv.GoName, dry); ok {
				cp = &model.Copy{To: tv.GoName, From: fv.GoName, If: "in." + fv.GoName + " != nil", Value: "svcgen.Ptr(" + e + ")"}
			}
		}
		if cp == nil {
			return nil
		}
		out = append(out, cp)
	}
	return out
}

// shareTag reports whether two variants have a discriminator value in
// common.
func shareTag(a, b *model.Variant) bool {
	for _, x := range a.Tags {
		for _, y := range b.Tags {
			if x == y {
				return true
			}
		}
	}
	return false
}

// fields decides how each field of struct to is filled from struct from.
// What cannot be converted is left out and reported.
func (cv *convs) fields(from, to *model.Type) []*model.Copy {
	src := map[string]*model.Field{}
	for _, f := range from.Fields {
		src[f.Name] = f
	}
	var out []*model.Copy
	for _, tf := range to.Fields {
		sf := src[tf.Name]
		delete(src, tf.Name)
		if sf == nil {
			if d := defaultStmt(tf); d != "" {
				out = append(out, &model.Copy{To: tf.GoName, Else: d})
			}
			continue
		}
		cp, ok := cv.field(sf, tf)
		if !ok {
			kept := "its zero value"
			if d := defaultStmt(tf); d != "" {
				out = append(out, &model.Copy{To: tf.GoName, Else: d})
				kept = "its default"
			}
			cv.b.degrade(to.Origin+"/properties/"+escape(tf.Name),
				"property "+quote(tf.Name)+" is "+describe(tf)+" in "+to.Name+" but "+describe(sf)+" in "+from.Name,
				"not copied when a "+to.Name+" is made from a "+from.Name+": it keeps "+kept)
			continue
		}
		out = append(out, cp)
	}
	if from.Extra != nil && to.Extra != nil && from.Extra.GoType == to.Extra.GoType {
		out = append(out, &model.Copy{To: "AdditionalProperties", From: "AdditionalProperties", Value: "in.AdditionalProperties"})
	}
	return out
}

// field decides how target field tf is filled from source field sf.
func (cv *convs) field(sf, tf *model.Field) (*model.Copy, bool) {
	cp := &model.Copy{To: tf.GoName, From: sf.GoName}
	if sf.GoType == tf.GoType && sf.Indirect == tf.Indirect {
		cp.Value = "in." + sf.GoName
		return cp, true
	}
	if sf.Indirect || tf.Indirect {
		return nil, false
	}
	var x string
	switch sf.Shape {
	case model.ShapePointer:
		cp.If, x = "in."+sf.GoName+" != nil", "*in."+sf.GoName
	case model.ShapeNullable:
		cp.If, x = "x, ok := in."+sf.GoName+".Get(); ok", "x"
		cp.Null = tf.Shape == model.ShapeNullable
	case model.ShapeNillable:
		x = "in." + sf.GoName
		if tf.Shape == model.ShapeNullable || tf.Shape == model.ShapePointer {
			cp.If = x + " != nil"
		}
	default:
		x = "in." + sf.GoName
	}
	e, ok := cv.value(sf.Type, tf.Type, x, false)
	if !ok {
		return nil, false
	}
	switch tf.Shape {
	case model.ShapePointer:
		cp.Value = "svcgen.Ptr(" + e + ")"
	case model.ShapeNullable:
		cp.Value = "svcgen.Value(" + e + ")"
	default:
		cp.Value = e
	}
	if cp.If != "" {
		cp.Else = defaultStmt(tf)
	}
	return cp, true
}

// defaultStmt is the Go statement that sets field f of out to its spec
// default, or "".
func defaultStmt(f *model.Field) string {
	if f.DefaultJSON != "" {
		return "svcgen.DecodeDefault(&out." + f.GoName + ", " + f.DefaultJSON + ")"
	}
	if f.Default == "" {
		return ""
	}
	d := f.Default
	if f.Type.Kind == model.KindNamed {
		d = "api." + d // an enum constant
	}
	switch f.Shape {
	case model.ShapePointer:
		d = "svcgen.Ptr[" + spell(f.Type) + "](" + d + ")"
	case model.ShapeNullable:
		d = "svcgen.Value[" + spell(f.Type) + "](" + d + ")"
	}
	return "out." + f.GoName + " = " + d
}

// describe names a field's type for the coverage report.
func describe(f *model.Field) string {
	if f.Type.Kind == model.KindNamed {
		return f.Type.Named.Name
	}
	return f.Type.GoType
}

// named is the named type t refers to, or nil.
func named(t *model.TypeRef) *model.Type {
	if t.Kind == model.KindNamed {
		return t.Named
	}
	return nil
}

// spell is t's Go type as package service writes it.
func spell(t *model.TypeRef) string { return t.In("api") }

// typeWord names a type inside a converter's name: "OrderInput",
// "OrderItemSlice", "Int64Map".
func typeWord(t *model.TypeRef) string {
	switch t.Kind {
	case model.KindNamed:
		return t.Named.Name
	case model.KindSlice:
		return typeWord(t.Elem) + "Slice"
	case model.KindMap:
		return typeWord(t.Elem) + "Map"
	}
	return model.Exported(string(t.Kind))
}

// subset reports whether every value of a is one of b.
func subset(a, b []*model.EnumValue) bool {
	in := map[string]bool{}
	for _, v := range b {
		in[v.Literal] = true
	}
	for _, v := range a {
		if !in[v.Literal] {
			return false
		}
	}
	return true
}

// widens reports whether every value of kind from is a value of kind to.
func widens(from, to model.Kind) bool {
	switch from {
	case model.KindInt32:
		return to == model.KindInt64 || to == model.KindInt || to == model.KindFloat64
	case model.KindFloat32:
		return to == model.KindFloat64
	case model.KindInt:
		return to == model.KindInt64
	}
	return false
}

// fits reports whether every JSON value of type from decodes into type to
// whole: what a merge patch of the stored value needs, since it works on
// JSON. seen holds the pairs being decided (recursive types).
func fits(from, to *model.TypeRef, seen map[string]bool) bool {
	if from.GoType == to.GoType && from.Kind == to.Kind {
		return true
	}
	key := from.GoType + " " + to.GoType
	if seen[key] {
		return true
	}
	seen[key] = true
	defer delete(seen, key)
	fn, tn := named(from), named(to)
	switch {
	case fn != nil && fn.Kind == model.TypeAlias:
		return fits(fn.Underlying, to, seen)
	case tn != nil && tn.Kind == model.TypeAlias:
		return fits(from, tn.Underlying, seen)
	case fn != nil && fn.Kind == model.TypeEnum:
		if tn != nil && tn.Kind == model.TypeEnum {
			return tn.Base.GoType == fn.Base.GoType && subset(fn.Values, tn.Values)
		}
		return tn == nil && to.GoType == fn.Base.GoType
	case fn != nil && tn != nil && fn.Kind == model.TypeStruct && tn.Kind == model.TypeStruct:
		for _, ff := range fn.Fields {
			tf := fieldNamed(tn, ff.Name)
			if tf == nil && tn.Closed || tf != nil && !fits(ff.Type, tf.Type, seen) {
				return false
			}
		}
		return fn.Extra == nil || tn.Extra != nil && fits(fn.Extra, tn.Extra, seen) || tn.Extra == nil && !tn.Closed
	case from.Kind == model.KindSlice && to.Kind == model.KindSlice, from.Kind == model.KindMap && to.Kind == model.KindMap:
		return fits(from.Elem, to.Elem, seen)
	case fn == nil && tn == nil:
		return widens(from.Kind, to.Kind)
	}
	return false // unions decode by their own rules: only the same union fits
}
