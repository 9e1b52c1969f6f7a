package build

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/svcgen/svcgen/generator/model"
)

// maxDepth bounds how deep inline schemas nest before the builder gives up
// and uses json.RawMessage: it keeps pathological specs from exhausting the
// stack.
const maxDepth = 64

// componentType returns the named type for a schema that has a name of its
// own (a component or the target of a $ref into another file), creating it
// on first use. Primitive schemas get no named type: their uses are inlined.
func (b *builder) componentType(name string, s *openapi3.Schema, ptr string) *model.TypeRef {
	if t, ok := b.named[s]; ok {
		return namedRefOf(t, s)
	}
	// A component met again while it is being built, before it has a
	// type of its own, only passes through to another schema (an allOf,
	// oneOf or anyOf of one). When that one has its type by now (A: allOf
	// [B], B: {properties: {a: A}}), this use is that type; when none has
	// (A: allOf [A]), the schemas describe no value, and following them
	// would never end.
	if i, ok := b.building[s]; ok {
		if t := b.forwardType(s); t != nil {
			return namedRefOf(t, s)
		}
		b.cycle(b.stack[i:], name)
		return anyRef()
	}
	b.building[s] = len(b.stack)
	b.stack = append(b.stack, name)
	defer func() {
		delete(b.building, s)
		b.stack = b.stack[:len(b.stack)-1]
	}()
	if isPrimitive(s) {
		return b.inline(s, name, ptr, 0)
	}
	goName := model.Exported(name)
	if goName == "" {
		goName = "Schema"
	}
	if isCollection(s) {
		// A named array or map: a defined type keeps the spec's name. It
		// is registered before its elements are built, so an array of
		// itself refers back to it instead of recursing forever.
		t := &model.Type{
			Name:   b.types.Take(goName),
			Kind:   model.TypeAlias,
			Doc:    doc(s, name),
			Origin: ptr,
		}
		b.named[s] = t
		b.all = append(b.all, t)
		t.Underlying = b.inlineValue(s, goName, ptr, 0)
		return namedRefOf(t, s)
	}
	return b.inline(s, goName, ptr, 0)
}

// forwardType follows s through the schemas it only passes through to
// (see forward) and returns the first named type found on the way.
func (b *builder) forwardType(s *openapi3.Schema) *model.Type {
	seen := map[*openapi3.Schema]bool{}
	for s != nil && !seen[s] {
		seen[s] = true
		if t, ok := b.named[s]; ok {
			return t
		}
		s = b.forward(s)
	}
	return nil
}

// forward returns the schema s stands for when it is only an allOf,
// oneOf or anyOf of one schema (plus null), the way inlineValue treats
// it, or nil.
func (b *builder) forward(s *openapi3.Schema) *openapi3.Schema {
	var next *openapi3.SchemaRef
	switch {
	case len(s.AllOf) == 1 && len(s.Properties) == 0 && len(typesOf(s)) <= 1:
		next = s.AllOf[0]
	case len(s.AllOf) == 0 && len(s.OneOf)+len(s.AnyOf) > 0:
		arms := s.OneOf
		if len(arms) == 0 {
			arms = s.AnyOf
		}
		for _, a := range arms {
			if isNullSchema(a) {
				continue
			}
			if next != nil {
				return nil // a real union: it has a type
			}
			next = a
		}
	}
	if next == nil || next.Value == nil {
		return nil
	}
	if c := b.component(next.Ref); c != nil {
		return c
	}
	return next.Value
}

// cycle records the first cycle of components that only pass through to
// each other: members from the first met to the last, then back to first.
func (b *builder) cycle(members []string, first string) {
	if b.err != nil {
		return
	}
	ptr := "#/components/schemas/" + escape(members[0])
	b.err = fmt.Errorf("%s: %s: schemas %s are each defined by the next alone (an allOf, oneOf or anyOf of one schema), with no object between them to hold the recursion, so none of them describes a value; give one of them properties or a type of its own",
		b.file, ptr, strings.Join(append(slices.Clone(members), first), " → "))
}

// isCollection reports whether a schema is a plain array or map.
func isCollection(s *openapi3.Schema) bool {
	if len(s.Enum) > 0 || len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) > 0 || len(s.Properties) > 0 {
		return false
	}
	types := typesOf(s)
	switch {
	case len(types) == 1 && types[0] == "array", len(types) == 0 && s.Items != nil:
		return true
	case len(types) == 1 && types[0] == "object", len(types) == 0:
		return s.AdditionalProperties.Schema != nil
	}
	return false
}

// namedRefOf refers to t from a use of schema s, which may add null.
func namedRefOf(t *model.Type, s *openapi3.Schema) *model.TypeRef {
	r := namedRef(t)
	r.Nullable = nullable(s)
	return r
}

// isPrimitive reports whether a schema is a plain scalar without an enum:
// such components are inlined where they are used.
func isPrimitive(s *openapi3.Schema) bool {
	if len(s.Enum) > 0 || len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) > 0 || len(s.Properties) > 0 {
		return false
	}
	for _, t := range typesOf(s) {
		switch t {
		case "string", "integer", "number", "boolean":
		default:
			return false
		}
	}
	return len(typesOf(s)) == 1
}

func namedRef(t *model.Type) *model.TypeRef {
	return &model.TypeRef{Kind: model.KindNamed, Named: t, GoType: t.Name}
}

// schemaRef maps a (possibly $ref) schema to a type reference. ctx is the Go
// name an inline object, enum or union gets; ptr is its JSON pointer.
func (b *builder) schemaRef(sr *openapi3.SchemaRef, ctx, ptr string, depth int) *model.TypeRef {
	if sr == nil || sr.Value == nil {
		return anyRef()
	}
	if depth > maxDepth {
		b.degrade(ptr, "schema nested deeper than 64 levels", "json.RawMessage")
		return anyRef()
	}
	s := sr.Value
	if sr.Ref != "" {
		name, refPtr := refName(sr.Ref)
		if b.async != nil && strings.HasPrefix(sr.Ref, b.async.file+"#") {
			refPtr = sr.Ref // a schema of the AsyncAPI document, named with its file
		}
		if c := b.component(sr.Ref); c != nil {
			// One type per component, however many objects the loader
			// made for its references.
			s = c
		}
		return b.componentType(name, s, refPtr)
	}
	if t, ok := b.named[s]; ok {
		return namedRefOf(t, s)
	}
	return b.inline(s, ctx, ptr, depth)
}

// component returns the schema a local component reference points to.
func (b *builder) component(ref string) *openapi3.Schema {
	const prefix = "#/components/schemas/"
	if !strings.HasPrefix(ref, prefix) || b.doc.Components == nil {
		return nil
	}
	name := strings.ReplaceAll(strings.ReplaceAll(ref[len(prefix):], "~1", "/"), "~0", "~")
	if c := b.doc.Components.Schemas[name]; c != nil && c.Value != nil {
		return c.Value
	}
	return nil
}

// refName returns the last segment of a $ref and a pointer for messages:
// "common.yaml#/components/schemas/Money" → "Money".
func refName(ref string) (name, ptr string) {
	i := strings.LastIndex(ref, "/")
	name = ref[i+1:]
	name = strings.ReplaceAll(strings.ReplaceAll(name, "~1", "/"), "~0", "~")
	if name == "" || strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".yml") {
		// A whole-file ref: name it after the file.
		base := ref
		if j := strings.LastIndexAny(base, "/\\"); j >= 0 {
			base = base[j+1:]
		}
		name = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(base, "#"), ".yaml"), ".yml"), ".json")
	}
	ptr = ref
	if j := strings.Index(ref, "#"); j >= 0 {
		ptr = ref[j:]
	}
	return name, ptr
}

func anyRef() *model.TypeRef {
	return &model.TypeRef{Kind: model.KindAny, GoType: "json.RawMessage"}
}

func scalarRef(k model.Kind) *model.TypeRef {
	return &model.TypeRef{Kind: k, GoType: goScalar[k]}
}

var goScalar = map[model.Kind]string{
	model.KindString: "string", model.KindInt32: "int32", model.KindInt64: "int64",
	model.KindInt: "int", model.KindFloat32: "float32", model.KindFloat64: "float64",
	model.KindBool: "bool", model.KindTime: "time.Time", model.KindDate: "svcgen.Date",
	model.KindBytes: "[]byte", model.KindBinary: "[]byte", model.KindAny: "json.RawMessage",
}

// typesOf returns the schema's types without "null".
func typesOf(s *openapi3.Schema) []string {
	if s.Type == nil {
		return nil
	}
	var out []string
	for _, t := range s.Type.Slice() {
		if t != "null" {
			out = append(out, t)
		}
	}
	return out
}

// nullable reports whether JSON null is allowed: 3.0 `nullable: true`, a
// 3.1 type array with "null", or null among the enum values.
func nullable(s *openapi3.Schema) bool {
	if s.Nullable || s.Type != nil && s.Type.IncludesNull() {
		return true
	}
	for _, e := range s.Enum {
		if e == nil {
			return true
		}
	}
	return false
}

// unsupported notes the JSON Schema keywords a schema uses that the
// generated code does not enforce, so that no gap is silent.
func (b *builder) unsupported(s *openapi3.Schema, ptr string) {
	var kw []string
	add := func(on bool, name string) {
		if on {
			kw = append(kw, name)
		}
	}
	add(s.Not != nil, "not")
	add(s.If != nil || s.Then != nil || s.Else != nil, "if/then/else")
	add(len(s.PrefixItems) > 0, "prefixItems")
	add(s.Contains != nil, "contains")
	add(len(s.PatternProperties) > 0, "patternProperties")
	add(len(s.DependentSchemas) > 0, "dependentSchemas")
	add(len(s.DependentRequired) > 0, "dependentRequired")
	add(s.PropertyNames != nil, "propertyNames")
	add(s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil, "unevaluatedProperties")
	add(s.UnevaluatedItems.Has != nil || s.UnevaluatedItems.Schema != nil, "unevaluatedItems")
	if len(kw) > 0 {
		b.degrade(ptr, "keywords "+strings.Join(kw, ", "), "not validated")
	}
}

// isNullSchema reports whether a schema only allows null (a 3.1 oneOf arm).
func isNullSchema(sr *openapi3.SchemaRef) bool {
	if sr == nil || sr.Value == nil || sr.Value.Type == nil {
		return false
	}
	t := sr.Value.Type.Slice()
	return len(t) == 1 && t[0] == "null"
}

// inline maps a schema that has no name of its own.
func (b *builder) inline(s *openapi3.Schema, ctx, ptr string, depth int) *model.TypeRef {
	b.unsupported(s, ptr)
	r := b.inlineValue(s, ctx, ptr, depth)
	if nullable(s) && !r.Nullable {
		c := *r
		c.Nullable = true
		r = &c
	}
	return r
}

func (b *builder) inlineValue(s *openapi3.Schema, ctx, ptr string, depth int) *model.TypeRef {
	switch {
	case len(s.AllOf) > 0:
		return b.allOf(s, ctx, ptr, depth)
	case len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		return b.union(s, ctx, ptr, depth)
	case len(s.Enum) > 0:
		return b.enum(s, ctx, ptr)
	}
	types := typesOf(s)
	if len(types) == 0 {
		switch {
		case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil:
			types = []string{"object"}
		case s.Items != nil:
			types = []string{"array"}
		case s.Const != nil:
			types = []string{constType(s.Const)}
		}
	}
	if len(types) > 1 {
		b.degrade(ptr, "schema with several types "+strings.Join(types, ", "), "json.RawMessage")
		return anyRef()
	}
	if len(types) == 0 {
		return anyRef() // free-form {}
	}
	switch types[0] {
	case "object":
		return b.object(s, ctx, ptr, depth)
	case "array":
		if s.Items == nil && len(s.PrefixItems) > 0 {
			b.degrade(ptr, "tuple (prefixItems, or items given as a list)", "[]json.RawMessage")
		}
		elem := b.schemaRef(s.Items, ctx+"Item", ptr+"/items", depth+1)
		r := &model.TypeRef{Kind: model.KindSlice, Elem: elem, GoType: "[]" + elem.GoType}
		r.Check = b.check(s, r, ctx, ptr)
		return r
	case "string":
		r := stringRef(s.Format)
		r.Check = b.check(s, r, ctx, ptr)
		r.Example = stringExample(s)
		return r
	case "integer":
		k := model.KindInt64
		if s.Format == "int32" {
			k = model.KindInt32
		}
		r := scalarRef(k)
		r.Check = b.check(s, r, ctx, ptr)
		return r
	case "number":
		k := model.KindFloat64
		if s.Format == "float" {
			k = model.KindFloat32
		}
		r := scalarRef(k)
		r.Check = b.check(s, r, ctx, ptr)
		return r
	case "boolean":
		r := scalarRef(model.KindBool)
		r.Check = b.check(s, r, ctx, ptr)
		return r
	}
	b.degrade(ptr, "unknown type "+strconv.Quote(types[0]), "json.RawMessage")
	return anyRef()
}

func constType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64, int, int64:
		return "number"
	}
	return ""
}

// stringExample is the first string example the schema gives.
func stringExample(s *openapi3.Schema) string {
	candidates := append([]any{s.Example}, s.Examples...)
	candidates = append(candidates, s.Default)
	for _, c := range candidates {
		if str, ok := c.(string); ok {
			return str
		}
	}
	return ""
}

// stringRef maps a string format to a Go type.
func stringRef(format string) *model.TypeRef {
	switch format {
	case "date-time":
		return scalarRef(model.KindTime)
	case "date":
		return scalarRef(model.KindDate)
	case "byte":
		return scalarRef(model.KindBytes)
	case "email", "uuid":
		r := scalarRef(model.KindString)
		r.Format = format
		return r
	}
	return scalarRef(model.KindString)
}

// object maps an object schema: a struct when it declares properties, a
// map when it only has additionalProperties, free-form otherwise.
func (b *builder) object(s *openapi3.Schema, ctx, ptr string, depth int) *model.TypeRef {
	if len(s.Properties) == 0 {
		var elem *model.TypeRef
		if s.AdditionalProperties.Schema != nil {
			elem = b.schemaRef(s.AdditionalProperties.Schema, ctx+"Value", ptr+"/additionalProperties", depth+1)
		} else {
			elem = anyRef()
		}
		r := &model.TypeRef{Kind: model.KindMap, Elem: elem, GoType: "map[string]" + elem.GoType}
		r.Check = b.check(s, r, ctx, ptr)
		return r
	}
	t := b.newType(ctx, model.TypeStruct, s, ptr)
	b.fillStruct(t, []*openapi3.Schema{s}, ptr, depth)
	return namedRef(t)
}

// newType declares a named type for schema s and registers it before its
// body is built, so recursive references find it.
func (b *builder) newType(ctx string, kind model.TypeKind, s *openapi3.Schema, ptr string) *model.Type {
	if ctx == "" {
		ctx = "Object"
	}
	t := &model.Type{Name: b.types.Take(ctx), Kind: kind, Doc: doc(s, ctx), Origin: ptr}
	b.named[s] = t
	b.all = append(b.all, t)
	return t
}

// prop is one property collected from a schema and its allOf parts.
type prop struct {
	name   string
	schema *openapi3.SchemaRef
	ptr    string
}

// fillStruct builds the fields of t from the properties of parts (several
// when merging allOf).
func (b *builder) fillStruct(t *model.Type, parts []*openapi3.Schema, ptr string, depth int) {
	props := map[string]prop{}
	required := map[string]bool{}
	var extra *openapi3.SchemaRef
	extraAny := false
	for _, p := range parts {
		for name, sr := range p.Properties {
			props[name] = prop{name: name, schema: sr, ptr: ptr + "/properties/" + escape(name)}
		}
		for _, r := range p.Required {
			required[r] = true
		}
		switch has := p.AdditionalProperties.Has; {
		case p.AdditionalProperties.Schema != nil:
			extra = p.AdditionalProperties.Schema
		case has != nil && *has:
			extraAny = true
		case has != nil && !*has && len(parts) == 1:
			// additionalProperties: false (on a single schema: allOf parts
			// each closing over their own properties would reject all).
			t.Closed, t.Custom = true, true
		}
		if p.MinProps > 0 && (t.MinProps == nil || int64(p.MinProps) > *t.MinProps) {
			n := int64(min(p.MinProps, math.MaxInt32))
			t.MinProps = &n
		}
		if p.MaxProps != nil && (t.MaxProps == nil || int64(*p.MaxProps) < *t.MaxProps) {
			n := int64(min(*p.MaxProps, math.MaxInt32))
			t.MaxProps = &n
		}
	}
	ns := model.NewNamespace("Validate", "MarshalJSON", "UnmarshalJSON")
	if extra != nil || extraAny {
		ns.Take("AdditionalProperties")
		if extra != nil {
			t.Extra = b.schemaRef(extra, t.Name+"Value", ptr+"/additionalProperties", depth+1)
		} else {
			t.Extra = anyRef()
		}
		t.Custom = true
	}
	for _, name := range sortedKeys(props) {
		p := props[name]
		goName := model.Exported(name)
		if goName == "" {
			goName = "Field"
		}
		goName = ns.Take(goName)
		ref := b.schemaRef(p.schema, t.Name+goName, p.ptr, depth+1)
		f := &model.Field{
			Name:     name,
			Key:      strconv.Quote(name),
			JSONKey:  jsonKey(name),
			GoName:   goName,
			Type:     ref,
			Required: required[name],
		}
		if v := p.schema.Value; v != nil {
			f.ReadOnly, f.WriteOnly = v.ReadOnly, v.WriteOnly
			f.Doc = v.Description
			if v.Default != nil && !required[name] {
				f.Default, f.DefaultJSON = b.defaultOf(v.Default, ref, p.ptr+"/default")
			}
			if v.Default != nil && required[name] {
				f.InitialDefault = goLiteral(v.Default, ref)
			}
		}
		shapeField(f)
		if !tagSafe(name) || f.Default != "" || f.DefaultJSON != "" {
			t.Custom = true
		}
		f.RequiredIndex, f.ReadOnlyIndex = -1, -1
		if f.Required && !f.ReadOnly {
			f.RequiredIndex = len(t.Required)
			t.Required = append(t.Required, f)
			t.Custom = true
		}
		if f.Required && f.ReadOnly {
			f.ReadOnlyIndex = len(t.ReadOnlyRequired)
			t.ReadOnlyRequired = append(t.ReadOnlyRequired, f)
		}
		t.Fields = append(t.Fields, f)
	}
}

// setTags writes each field's struct tag: the name and omit rule where a
// tag can say it, "-" for a Custom type. The generated codecs read no
// tags; the tags tell a reader, and reflection-based tools, the names.
func setTags(t *model.Type) {
	for _, f := range t.Fields {
		if t.Custom {
			f.Tag = "`json:\"-\"`"
			continue
		}
		omit := ""
		switch f.Shape {
		case model.ShapePointer, model.ShapeNillable:
			if !f.Required || !f.Type.AcceptsNull() {
				omit = ",omitempty" // a required nullable property is sent as null
			}
		case model.ShapeNullable:
			omit = ",omitzero"
		}
		f.Tag = "`json:\"" + f.Name + omit + "\"`"
	}
}

// shapeField decides how a field holds its value (see model.FieldShape).
func shapeField(f *model.Field) {
	r := f.Type
	switch {
	case r.Kind == model.KindSlice || r.Kind == model.KindMap || r.Kind == model.KindAny ||
		r.Kind == model.KindBytes || r.Kind == model.KindBinary ||
		(r.Kind == model.KindNamed && r.Named.Kind == model.TypeAlias):
		// nil already means absent (or null).
		if f.Required {
			f.Shape = model.ShapeValue
		} else {
			f.Shape = model.ShapeNillable
		}
		f.GoType = r.GoType
	case f.Required && !r.Nullable:
		f.Shape, f.GoType = model.ShapeValue, r.GoType
	case f.Required || !r.Nullable:
		f.Shape, f.GoType = model.ShapePointer, "*"+r.GoType
	default:
		f.Shape, f.GoType = model.ShapeNullable, "svcgen.Nullable["+r.GoType+"]"
	}
}

// breakCycles finds structs that contain themselves by value (a required
// self-reference, or Nullable[T] of an enclosing type) and holds the
// field that closes each cycle by pointer instead.
func breakCycles(types []*model.Type) {
	for {
		f := findCycle(types)
		if f == nil {
			return
		}
		if f.Shape == model.ShapeNullable {
			f.GoType = "svcgen.Nullable[*" + f.Type.GoType + "]"
			f.Indirect = true
		} else {
			f.Shape, f.GoType = model.ShapePointer, "*"+f.Type.GoType
		}
	}
}

// valueEdge returns the struct a field holds by value, or nil.
func valueEdge(f *model.Field) *model.Type {
	if f.Type.Kind != model.KindNamed || f.Type.Named.Kind != model.TypeStruct || f.Indirect {
		return nil
	}
	if f.Shape == model.ShapeValue || f.Shape == model.ShapeNullable {
		return f.Type.Named
	}
	return nil
}

// findCycle returns a field that closes a by-value cycle, or nil.
func findCycle(types []*model.Type) *model.Field {
	const (
		unseen = iota
		active
		done
	)
	state := map[*model.Type]int{}
	var visit func(t *model.Type) *model.Field
	visit = func(t *model.Type) *model.Field {
		state[t] = active
		for _, f := range t.Fields {
			next := valueEdge(f)
			if next == nil {
				continue
			}
			switch state[next] {
			case active:
				return f
			case unseen:
				if c := visit(next); c != nil {
					return c
				}
			}
		}
		state[t] = done
		return nil
	}
	for _, t := range types {
		if t.Kind == model.TypeStruct && state[t] == unseen {
			if f := visit(t); f != nil {
				return f
			}
		}
	}
	return nil
}

// tagSafe reports whether encoding/json can carry name in a struct tag.
func tagSafe(name string) bool {
	if name == "" || name == "-" {
		return false
	}
	for _, c := range name {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		default:
			return false
		}
	}
	return true
}

// allOf merges the parts into one struct, or passes a single $ref through
// (the usual way to add nullable or a description to a reference).
func (b *builder) allOf(s *openapi3.Schema, ctx, ptr string, depth int) *model.TypeRef {
	if len(s.AllOf) == 1 && len(s.Properties) == 0 && len(typesOf(s)) <= 1 {
		return b.schemaRef(s.AllOf[0], ctx, ptr+"/allOf/0", depth+1)
	}
	var parts []*openapi3.Schema
	seen := map[*openapi3.Schema]bool{}
	var collect func(x *openapi3.Schema, p string, d int) bool
	collect = func(x *openapi3.Schema, p string, d int) bool {
		if seen[x] || d > maxDepth {
			return true // recursive allOf: each part once
		}
		seen[x] = true
		if len(x.OneOf)+len(x.AnyOf) > 0 {
			return false
		}
		for i, sub := range x.AllOf {
			if sub == nil || sub.Value == nil {
				continue
			}
			if !collect(sub.Value, fmt.Sprintf("%s/allOf/%d", p, i), d+1) {
				return false
			}
		}
		parts = append(parts, x)
		return true
	}
	if !collect(s, ptr, depth) {
		b.degrade(ptr, "allOf combining oneOf/anyOf", "json.RawMessage")
		return anyRef()
	}
	hasProps := false
	for _, p := range parts {
		if len(p.Properties) > 0 || p.AdditionalProperties.Schema != nil {
			hasProps = true
		}
	}
	if !hasProps {
		// allOf of scalars: the last part with a type describes the value.
		for i := len(parts) - 1; i >= 0; i-- {
			if len(typesOf(parts[i])) > 0 || len(parts[i].Enum) > 0 {
				c := *parts[i]
				c.AllOf = nil
				return b.inlineValue(&c, ctx, ptr, depth+1)
			}
		}
		return anyRef()
	}
	t := b.newType(ctx, model.TypeStruct, s, ptr)
	b.fillStruct(t, parts, ptr, depth)
	return namedRef(t)
}

// union maps oneOf/anyOf to a sum type: a struct with one pointer per
// variant, exactly one of which is set.
func (b *builder) union(s *openapi3.Schema, ctx, ptr string, depth int) *model.TypeRef {
	arms, key := s.OneOf, "oneOf"
	if len(arms) == 0 {
		arms, key = s.AnyOf, "anyOf"
	}
	var real []*openapi3.SchemaRef
	var ptrs []string
	null := false
	for i, a := range arms {
		if isNullSchema(a) {
			null = true
			continue
		}
		real = append(real, a)
		ptrs = append(ptrs, fmt.Sprintf("%s/%s/%d", ptr, key, i))
	}
	if len(real) == 0 {
		return anyRef()
	}
	if len(real) == 1 {
		r := b.schemaRef(real[0], ctx, ptrs[0], depth+1)
		if null && !r.Nullable {
			c := *r
			c.Nullable = true
			r = &c
		}
		return r
	}
	t := b.newType(ctx, model.TypeUnion, s, ptr)
	t.AnyOf = key == "anyOf"
	ns := model.NewNamespace("Validate", "MarshalJSON", "UnmarshalJSON")
	mapping := map[string][]string{} // ref → tags
	if d := s.Discriminator; d != nil && d.PropertyName != "" {
		t.Discriminator = d.PropertyName
		for _, tag := range sortedKeys(d.Mapping) {
			// A mapping value is a $ref or, by the spec, a bare schema name.
			name, _ := refName(d.Mapping[tag].Ref)
			mapping[name] = append(mapping[name], tag)
		}
	}
	kinds := map[string]int{}
	seenRef, usedTag := map[string]bool{}, map[string]bool{}
	for i, a := range real {
		name := ""
		if a.Ref != "" {
			if seenRef[a.Ref] {
				continue // listed twice (stream-io-api): one variant
			}
			seenRef[a.Ref] = true
			name, _ = refName(a.Ref)
		}
		vr := b.schemaRef(a, ctx+model.Exported(name), ptrs[i], depth+1)
		if name == "" {
			name = variantName(vr)
		}
		goName := model.Exported(name)
		if goName == "" {
			goName = "Variant"
		}
		v := &model.Variant{GoName: ns.Take(goName), Type: vr, JSONKind: jsonKind(vr)}
		kinds[v.JSONKind]++
		if t.Discriminator != "" && a.Ref != "" {
			refN, _ := refName(a.Ref)
			tags := mapping[refN]
			if len(tags) == 0 {
				// Without a mapping the tag is the schema name.
				n, _ := refName(a.Ref)
				tags = []string{n}
			}
			for _, tag := range tags {
				if !usedTag[tag] { // a tag selects one variant
					usedTag[tag] = true
					v.Tags = append(v.Tags, tag)
				}
			}
		}
		t.Variants = append(t.Variants, v)
	}
	if t.Discriminator != "" {
		for _, v := range t.Variants {
			if len(v.Tags) == 0 || v.JSONKind != "object" {
				b.degrade(ptr+"/discriminator", "discriminator over an inline or non-object variant", "variants tried in order")
				t.Discriminator = ""
				break
			}
		}
	}
	r := namedRef(t)
	if null {
		r.Nullable = true
	}
	return r
}

// variantName names an inline variant after its type: "String", "Int64".
func variantName(r *model.TypeRef) string {
	switch r.Kind {
	case model.KindNamed:
		return r.Named.Name
	case model.KindSlice:
		return "List"
	case model.KindMap:
		return "Map"
	case model.KindAny:
		return "Value"
	case model.KindTime:
		return "Time"
	}
	return model.Exported(string(r.Kind))
}

// jsonKind is the first JSON token of a value of type r.
func jsonKind(r *model.TypeRef) string {
	switch r.Kind {
	case model.KindString, model.KindTime, model.KindDate, model.KindBytes, model.KindBinary:
		return "string"
	case model.KindInt32, model.KindInt64, model.KindInt, model.KindFloat32, model.KindFloat64:
		return "number"
	case model.KindBool:
		return "boolean"
	case model.KindSlice:
		return "array"
	case model.KindMap:
		return "object"
	case model.KindNamed:
		switch r.Named.Kind {
		case model.TypeEnum:
			return jsonKind(r.Named.Base)
		case model.TypeAlias:
			return jsonKind(r.Named.Underlying)
		case model.TypeStruct:
			return "object"
		}
	}
	return "any"
}

// enum maps a string or integer enum to a named type with constants.
func (b *builder) enum(s *openapi3.Schema, ctx, ptr string) *model.TypeRef {
	types := typesOf(s)
	base := ""
	if len(types) == 1 {
		base = types[0]
	} else {
		base = constType(firstNonNil(s.Enum))
	}
	var baseRef *model.TypeRef
	switch base {
	case "string":
		baseRef = scalarRef(model.KindString)
	case "integer":
		baseRef = scalarRef(model.KindInt64)
	default:
		// Boolean, number or mixed enums keep their base type; the allowed
		// values are not checked.
		c := *s
		c.Enum = nil
		if base == "" {
			b.degrade(ptr, "enum of mixed or unknown type", "json.RawMessage")
			return anyRef()
		}
		b.degrade(ptr, "enum of type "+base, "plain "+base+", values not checked")
		return b.inlineValue(&c, ctx, ptr, 0)
	}
	if base == "integer" && !hasInt(s.Enum) {
		// No value to allow: a plain integer, rather than a type that
		// refuses every value.
		c := *s
		c.Enum = nil
		b.degrade(ptr, "integer enum without an integer value", "plain integer, values not checked")
		return b.inlineValue(&c, ctx, ptr, 0)
	}
	t := b.newType(ctx, model.TypeEnum, s, ptr)
	t.Base = baseRef
	seen := map[string]bool{}
	quoted := false // an integer written as a string was read
	for _, e := range s.Enum {
		if e == nil {
			continue
		}
		var lit, text string
		if base == "string" {
			str, ok := e.(string)
			if !ok {
				str = fmt.Sprint(e)
			}
			lit, text = strconv.Quote(str), str
		} else {
			n, ok := asInt(e)
			if !ok {
				if str, isStr := e.(string); isStr {
					n, ok = intText(str)
					quoted = quoted || ok
				}
			}
			if !ok {
				b.degrade(ptr, fmt.Sprintf("enum value %s is not an integer", enumText(e)), "value left out")
				continue
			}
			lit = strconv.FormatInt(n, 10)
			text = lit
		}
		if seen[lit] {
			continue
		}
		seen[lit] = true
		t.Values = append(t.Values, &model.EnumValue{
			GoName:  b.types.Take(t.Name + enumSuffix(text)),
			Literal: lit,
			Value:   text,
		})
	}
	if quoted {
		b.degrade(ptr, "integer enum with values written as strings", "read as the integers they spell")
	}
	t.Validates = true
	var allowed []string
	for i, v := range t.Values {
		if i == 10 {
			allowed = append(allowed, fmt.Sprintf("… (%d more)", len(t.Values)-10))
			break
		}
		allowed = append(allowed, v.Value)
	}
	t.Allowed = strings.Join(allowed, ", ")
	return namedRef(t)
}

// enumSuffix names an enum constant after its value: "in-progress" →
// "InProgress", "-1" → "Minus1", "" → "Empty", "2nd-class" → "2ndClass".
func enumSuffix(text string) string {
	minus := ""
	if strings.HasPrefix(text, "-") {
		minus, text = "Minus", text[1:]
	}
	s := model.Exported(text)
	if strings.HasPrefix(s, "X") && text != "" && text[0] >= '0' && text[0] <= '9' {
		s = s[1:] // the type name before it already makes it an identifier
	}
	switch {
	case s == "" && text == "" && minus == "":
		return "Empty"
	case s == "":
		return minus + "Value"
	}
	return minus + s
}

// jsonKey is a property name JSON-encoded, as a Go string literal.
func jsonKey(name string) string {
	b, _ := json.Marshal(name)
	return goString(string(b))
}

// defaultOf renders a default for a value of type r: a Go literal, or JSON
// decoded at run time. A default the type cannot hold (an enum default that
// is not among the values) is reported and dropped.
func (b *builder) defaultOf(v any, r *model.TypeRef, ptr string) (lit, js string) {
	if lit = goLiteral(v, r); lit != "" {
		return lit, ""
	}
	if r.Kind == model.KindNamed && r.Named.Kind == model.TypeEnum {
		b.degrade(ptr, "default that is not one of the enum values", "not applied")
		return "", ""
	}
	return "", jsonLiteral(v)
}

// jsonLiteral is v encoded as JSON, as a Go string literal.
func jsonLiteral(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return goString(string(b))
}

// goString is s as a Go string literal, a raw one when that reads better.
func goString(s string) string {
	if strings.ContainsAny(s, "\"\\") && strconv.CanBackquote(s) {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}

func firstNonNil(vs []any) any {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<63 {
			return int64(n), true
		}
	case int:
		return int64(n), true
	case int64:
		return n, true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

// hasInt reports whether an integer enum has a value it can allow: an
// integer, or a string spelling one.
func hasInt(values []any) bool {
	for _, e := range values {
		if _, ok := asInt(e); ok {
			return true
		}
		if str, isStr := e.(string); isStr {
			if _, ok := intText(str); ok {
				return true
			}
		}
	}
	return false
}

// intText reads a string that spells an integer in decimal ("16", "-1"),
// as some specs write the values of integer enums.
func intText(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// enumText shows an enum value in a note: strings quoted, so that "1" is
// not mistaken for 1.
func enumText(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// doc returns the comment for a named type.
func doc(s *openapi3.Schema, name string) string {
	d := strings.TrimSpace(s.Description)
	if d == "" {
		d = strings.TrimSpace(s.Title)
	}
	return d
}

// check collects the constraints a schema states for a value of type r;
// ctx is the Go name of the value's place ("OrderSku"), which names its
// pattern variable.
func (b *builder) check(s *openapi3.Schema, r *model.TypeRef, ctx, ptr string) *model.Check {
	c := &model.Check{}
	any := false
	switch r.Kind {
	case model.KindString:
		if s.MinLength > 0 {
			n := int64(min(s.MinLength, math.MaxInt32))
			c.MinLength, any = &n, true
		}
		if s.MaxLength != nil {
			n := int64(min(*s.MaxLength, math.MaxInt32))
			c.MaxLength, any = &n, true
		}
		if s.Pattern != "" {
			if p := b.pattern(s.Pattern, ctx, ptr); p != nil {
				c.Pattern, any = p, true
			}
		}
	case model.KindInt32, model.KindInt64, model.KindFloat32, model.KindFloat64:
		isInt := r.Kind == model.KindInt32 || r.Kind == model.KindInt64
		lo, hi := typeRange(r.Kind)
		if s.Min != nil {
			if n := number(*s.Min, isInt, lo, hi); n != nil {
				c.Minimum, any = n, true
				c.ExclusiveMinimum = s.ExclusiveMin.IsTrue()
			}
		}
		if s.ExclusiveMin.Value != nil {
			if n := number(*s.ExclusiveMin.Value, isInt, lo, hi); n != nil {
				c.Minimum, c.ExclusiveMinimum, any = n, true, true
			}
		}
		if s.Max != nil {
			if n := number(*s.Max, isInt, lo, hi); n != nil {
				c.Maximum, any = n, true
				c.ExclusiveMaximum = s.ExclusiveMax.IsTrue()
			}
		}
		if s.ExclusiveMax.Value != nil {
			if n := number(*s.ExclusiveMax.Value, isInt, lo, hi); n != nil {
				c.Maximum, c.ExclusiveMaximum, any = n, true, true
			}
		}
		if s.MultipleOf != nil && *s.MultipleOf > 0 {
			if isInt && *s.MultipleOf != math.Trunc(*s.MultipleOf) {
				b.degrade(ptr+"/multipleOf", "fractional multipleOf on an integer", "not validated")
			} else if n := number(*s.MultipleOf, isInt, lo, hi); n != nil {
				c.MultipleOf, any = n, true
			}
		}
	case model.KindSlice:
		if s.MinItems > 0 {
			n := int64(min(s.MinItems, math.MaxInt32))
			c.MinItems, any = &n, true
		}
		if s.MaxItems != nil {
			n := int64(min(*s.MaxItems, math.MaxInt32))
			c.MaxItems, any = &n, true
		}
		if s.UniqueItems {
			c.UniqueItems, any = true, true
		}
	case model.KindMap:
		if s.MinProps > 0 {
			n := int64(min(s.MinProps, math.MaxInt32))
			c.MinProps, any = &n, true
		}
		if s.MaxProps != nil {
			n := int64(min(*s.MaxProps, math.MaxInt32))
			c.MaxProps, any = &n, true
		}
	}
	if s.Const != nil {
		if lit := goLiteral(s.Const, r); lit != "" && r.Kind != model.KindSlice && r.Kind != model.KindMap {
			c.Const, any = lit, true
			if j, err := json.Marshal(s.Const); err == nil {
				c.ConstJSON = string(j)
			}
		}
	}
	if !any {
		return nil
	}
	return c
}

// typeRange is the range of an integer kind as float64, or ±Inf for floats.
func typeRange(k model.Kind) (lo, hi float64) {
	switch k {
	case model.KindInt32:
		return math.MinInt32, math.MaxInt32
	case model.KindInt64:
		return math.MinInt64, math.MaxInt64
	}
	return math.Inf(-1), math.Inf(1)
}

// number makes a bound literal; nil when the bound is outside the type's
// range and so always holds.
func number(v float64, isInt bool, lo, hi float64) *model.Number {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	if isInt {
		if v < lo || v >= hi {
			return nil
		}
		s := strconv.FormatInt(int64(v), 10)
		if v != math.Trunc(v) {
			// A fractional bound on an integer: compare as a float.
			f := strconv.FormatFloat(v, 'g', -1, 64)
			return &model.Number{Literal: f, Text: f, Float: true}
		}
		return &model.Number{Literal: s, Text: s}
	}
	f := strconv.FormatFloat(v, 'g', -1, 64)
	lit := f
	if !strings.ContainsAny(lit, ".eE") {
		lit += ".0"
	}
	return &model.Number{Literal: lit, Text: f}
}

// pattern registers a regular expression, in Go's syntax (goPattern); nil
// (and a coverage note) when Go's RE2 cannot compile it. Its variable is
// named after the place that first states it (ctx: "patternOrderSku"), so
// that a pattern added to the spec renames no other.
func (b *builder) pattern(src, ctx, ptr string) *model.Pattern {
	goSrc, relaxed := goPattern(src)
	if relaxed {
		b.degrade(ptr+"/pattern", "pattern "+strconv.Quote(src)+" repeating more than Go's RE2 allows (1000)",
			"checked without that upper bound")
	}
	if p, ok := b.patterns[src]; ok {
		return p
	}
	if _, err := regexp.Compile(goSrc); err != nil {
		b.degrade(ptr+"/pattern", "pattern "+strconv.Quote(src)+" that Go's RE2 cannot compile", "not validated")
		return nil
	}
	p := &model.Pattern{Var: b.patNames.Take("pattern" + model.Exported(ctx)), Source: goSrc, Quoted: goString(goSrc)}
	b.patterns[src] = p
	b.patList = append(b.patList, p)
	return p
}

// goLiteral renders a JSON value (a default or const) as a Go expression of
// type r, or "" when that is not possible.
func goLiteral(v any, r *model.TypeRef) string {
	switch r.Kind {
	case model.KindString:
		if s, ok := v.(string); ok {
			return strconv.Quote(s)
		}
	case model.KindInt32, model.KindInt64, model.KindInt:
		if n, ok := asInt(v); ok {
			lo, hi := typeRange(r.Kind)
			if float64(n) >= lo && float64(n) < hi {
				return strconv.FormatInt(n, 10)
			}
		}
	case model.KindFloat32, model.KindFloat64:
		switch n := v.(type) {
		case float64:
			return strconv.FormatFloat(n, 'g', -1, 64)
		case int:
			return strconv.Itoa(n)
		}
	case model.KindBool:
		if bv, ok := v.(bool); ok {
			return strconv.FormatBool(bv)
		}
	case model.KindNamed:
		if r.Named.Kind == model.TypeEnum {
			lit := goLiteral(v, r.Named.Base)
			for _, ev := range r.Named.Values {
				if ev.Literal == lit {
					return ev.GoName
				}
			}
		}
	}
	return ""
}

// finishTypes breaks recursion that Go cannot represent, writes struct
// tags and computes which types need validation, to a fixed point so that
// recursive types are handled.
func (b *builder) finishTypes() {
	breakCycles(b.all)
	// Which types carry write-only properties, to a fixed point.
	for changed := true; changed; {
		changed = false
		for _, t := range b.all {
			if t.Redacts {
				continue
			}
			r := false
			switch t.Kind {
			case model.TypeStruct:
				for _, f := range t.Fields {
					r = r || f.WriteOnly || f.Type.Redacts()
				}
			case model.TypeUnion:
				for _, v := range t.Variants {
					r = r || v.Type.Redacts()
				}
			case model.TypeAlias:
				r = t.Underlying.Redacts()
			}
			if r {
				t.Redacts, changed = true, true
			}
		}
	}
	for _, t := range b.all {
		if t.Kind == model.TypeStruct {
			setTags(t)
		}
	}
	for changed := true; changed; {
		changed = false
		for _, t := range b.all {
			if t.Validates {
				continue
			}
			v := false
			switch t.Kind {
			case model.TypeStruct:
				v = len(t.Required) > 0 || len(t.ReadOnlyRequired) > 0 || t.Extra.HasCheck() || t.MinProps != nil || t.MaxProps != nil
				for _, f := range t.Fields {
					if f.Type.HasCheck() && !f.ReadOnly {
						v = true
					}
				}
			case model.TypeUnion:
				v = true
			case model.TypeAlias:
				v = t.Underlying.HasCheck()
			case model.TypeEnum:
				v = true
			}
			if v {
				t.Validates, changed = true, true
			}
		}
	}
	for _, t := range b.all {
		for _, f := range t.Fields {
			// Read-only properties are the server's: a client may leave
			// them out or send anything, so requests do not check them.
			f.Check = f.Type.HasCheck() && !f.ReadOnly
		}
	}
}
