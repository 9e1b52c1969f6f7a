package load

import (
	"context"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Sharing plain leaves.
//
// kin-openapi gives every schema written in a document a Schema of its
// own, 752 bytes however little it says. Most of a large API's schemas are
// properties that say little and say it again and again: `{type: string}`,
// `{type: integer, format: int64}`, `{type: string, format: date-time,
// readOnly: true}`. On the 30,000-schema benchmark spec (bench/scaling)
// they are 11 of every 17 schemas. sharePlainLeaves makes the properties,
// items and other subschemas that are such a leaf, equal field for field,
// point to one Schema, before the document is validated and the model
// built, which then hold a third of the memory.
//
// A leaf is shared only if nothing can tell the copies apart afterwards:
// it names no other schema, has no enum, default, example, pattern or
// extension (which the model may name a type after, or the checks report
// at the leaf's own place), a single type that is not null, a format
// svcgen knows for it, and it validates without a problem on its own, so
// that no problem is ever reported at the one place the shared copy
// keeps. Schemas reached through a $ref, and the components themselves,
// are never replaced: the model names those.
func sharePlainLeaves(ctx context.Context, doc *openapi3.T) {
	if doc == nil || doc.Components == nil {
		return
	}
	// A leaf is checked alone as doc.Validate checks it, for its version.
	var opts []openapi3.ValidationOption
	if doc.IsOpenAPI31OrLater() {
		opts = append(opts, openapi3.IsOpenAPI31OrLater())
	}
	if doc.IsOpenAPI32OrLater() {
		opts = append(opts, openapi3.IsOpenAPI32OrLater())
	}
	sh := newSharer(ctx, opts...)
	sh.schemas(doc.Components.Schemas)
	if doc.Paths == nil {
		return
	}
	// Inline request and response bodies hold properties too; their roots
	// stay their own (see above), what they hold is shared.
	// In a fixed order, so that the same leaf is the shared one each run.
	for _, path := range doc.Paths.InMatchingOrder() {
		ops := doc.Paths.Value(path).Operations()
		for _, method := range sortedKeys(ops) {
			op := ops[method]
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				sh.content(op.RequestBody.Value.Content)
			}
			if op.Responses == nil {
				continue
			}
			responses := op.Responses.Map()
			for _, status := range sortedKeys(responses) {
				if r := responses[status]; r.Value != nil {
					sh.content(r.Value.Content)
				}
			}
		}
	}
}

// shareWhileDecoding has decodeAndStamp share the plain leaves of each
// part of a large document's schemas as soon as it is decoded (see
// readRootDirect), so that the decoded document does not first grow to its
// full size: on the 30,000-schema spec, the largest the heap got while
// loading. sharePlainLeaves then shares across the parts. Tests that hold
// the decoded document to kin-openapi's switch it off.
var shareWhileDecoding = true

// sharePart is the function decodeAndStamp calls with each part of the
// schemas of an OpenAPI 3.0 document (what loadDirect reads) when
// shareWhileDecoding is on. Parts are decoded at the same time: each gets
// a sharer of its own.
func sharePart(ctx context.Context) func(openapi3.Schemas) {
	if !shareWhileDecoding {
		return nil
	}
	return func(part openapi3.Schemas) { newSharer(ctx).schemas(part) }
}

func newSharer(ctx context.Context, opts ...openapi3.ValidationOption) *sharer {
	return &sharer{ctx: ctx, pool: map[leafKey]*openapi3.Schema{}, bad: map[leafKey]bool{},
		seen: map[*openapi3.Schema]bool{}, formats: map[string]map[string]bool{}, opts: opts}
}

type sharer struct {
	ctx     context.Context
	pool    map[leafKey]*openapi3.Schema // the shared leaf of each key
	bad     map[leafKey]bool             // keys whose leaf has a problem: never shared
	seen    map[*openapi3.Schema]bool
	formats map[string]map[string]bool
	opts    []openapi3.ValidationOption
}

func (sh *sharer) content(c openapi3.Content) {
	for _, media := range sortedKeys(c) {
		if mt := c[media]; mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
			sh.schema(mt.Schema.Value)
		}
	}
}

// schemas shares the plain leaves of the schemas of m, in name order.
func (sh *sharer) schemas(m openapi3.Schemas) {
	for _, name := range sortedKeys(m) {
		if r := m[name]; r != nil && r.Value != nil {
			sh.schema(r.Value)
		}
	}
}

// schema shares the plain leaves among the subschemas of s, at any depth.
func (sh *sharer) schema(s *openapi3.Schema) {
	if sh.seen[s] {
		return
	}
	sh.seen[s] = true
	for _, name := range sortedKeys(s.Properties) {
		sh.ref(s.Properties[name])
	}
	sh.ref(s.Items)
	sh.ref(s.AdditionalProperties.Schema)
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf, s.PrefixItems} {
		for _, r := range list {
			sh.ref(r)
		}
	}
	for _, r := range []*openapi3.SchemaRef{s.Not, s.Contains, s.PropertyNames, s.If, s.Then, s.Else, s.ContentSchema} {
		sh.ref(r)
	}
	for _, m := range []openapi3.Schemas{s.PatternProperties, s.DependentSchemas, s.Defs} {
		for _, name := range sortedKeys(m) {
			sh.ref(m[name])
		}
	}
}

// ref replaces the schema r holds with the shared one when it is a plain
// leaf, and goes into it otherwise.
func (sh *sharer) ref(r *openapi3.SchemaRef) {
	if r == nil || r.Value == nil {
		return
	}
	if r.Ref != "" {
		sh.schema(r.Value) // a component, or a schema of another file: its own
		return
	}
	k, ok := sh.key(r.Value)
	if !ok {
		sh.schema(r.Value)
		return
	}
	if shared := sh.pool[k]; shared != nil {
		r.Value = shared
		return
	}
	if sh.bad[k] {
		return
	}
	// The first of its kind is checked alone, with every check the strict
	// pass makes (validate).
	if err := r.Value.Validate(sh.ctx, sh.opts...); err != nil {
		sh.bad[k] = true
		return
	}
	sh.pool[k] = r.Value
}

// leafKey is everything a plain leaf says.
type leafKey struct {
	typ, title, format, description string
	nullable, readOnly, writeOnly   bool
	deprecated                      bool
	min, max, multipleOf            number
	exclusiveMin, exclusiveMax      bound
	minLength                       uint64
	maxLength                       number
}

// number is an optional number as a value.
type number struct {
	set bool
	v   float64
}

func numberOf(f *float64) number {
	if f == nil {
		return number{}
	}
	return number{true, *f}
}

// bound is an ExclusiveBound as a value: unset, a 3.0 boolean or a 3.1
// number.
type bound struct {
	set, isBool, b bool
	v              float64
}

func boundOf(e openapi3.ExclusiveBound) bound {
	switch {
	case e.Bool != nil:
		return bound{set: true, isBool: true, b: *e.Bool}
	case e.Value != nil:
		return bound{set: true, v: *e.Value}
	}
	return bound{}
}

// key returns what s says when it is a plain leaf (see sharePlainLeaves).
// Every field of openapi3.Schema is either in the key or must be unset;
// TestLeafKeyCoversSchema holds this list to the struct, so that a field
// a later kin-openapi adds cannot make two different leaves one.
func (sh *sharer) key(s *openapi3.Schema) (leafKey, bool) {
	if len(s.Extensions) > 0 || len(s.OneOf)+len(s.AnyOf)+len(s.AllOf)+len(s.PrefixItems) > 0 || s.Not != nil ||
		s.Enum != nil || s.Default != nil || s.Example != nil || s.ExternalDocs != nil ||
		s.UniqueItems || s.AllowEmptyValue || s.XML != nil || s.Pattern != "" ||
		s.MinItems != 0 || s.MaxItems != nil || s.Items != nil ||
		s.Required != nil || s.Properties != nil || s.MinProps != 0 || s.MaxProps != nil ||
		s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil || s.Discriminator != nil ||
		s.Const != nil || s.Examples != nil || s.Contains != nil || s.MinContains != nil || s.MaxContains != nil ||
		s.PatternProperties != nil || s.DependentSchemas != nil || s.PropertyNames != nil ||
		s.UnevaluatedItems.Has != nil || s.UnevaluatedItems.Schema != nil ||
		s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil ||
		s.If != nil || s.Then != nil || s.Else != nil || s.DependentRequired != nil || s.Always != nil ||
		s.Defs != nil || s.SchemaDialect != "" || s.Comment != "" || s.SchemaID != "" || s.Anchor != "" ||
		s.DynamicRef != "" || s.DynamicAnchor != "" || s.ContentMediaType != "" || s.ContentEncoding != "" ||
		s.ContentSchema != nil {
		return leafKey{}, false
	}
	if s.Type == nil || len(*s.Type) != 1 || (*s.Type)[0] == openapi3.TypeNull || strings.TrimSpace((*s.Type)[0]) == "" {
		return leafKey{}, false
	}
	t := (*s.Type)[0]
	if s.Format != "" {
		known, ok := sh.formats[t]
		if !ok {
			known, _ = knownFormats(t)
			sh.formats[t] = known
		}
		if !known[s.Format] {
			return leafKey{}, false // warned about at its own place
		}
	}
	k := leafKey{
		typ: t, title: s.Title, format: s.Format, description: s.Description,
		nullable: s.Nullable, readOnly: s.ReadOnly, writeOnly: s.WriteOnly, deprecated: s.Deprecated,
		min: numberOf(s.Min), max: numberOf(s.Max), multipleOf: numberOf(s.MultipleOf),
		exclusiveMin: boundOf(s.ExclusiveMin), exclusiveMax: boundOf(s.ExclusiveMax),
		minLength: s.MinLength,
	}
	if s.MaxLength != nil {
		k.maxLength = number{true, float64(*s.MaxLength)}
		if uint64(k.maxLength.v) != *s.MaxLength {
			return leafKey{}, false // beyond what a float64 holds exactly
		}
	}
	return k, true
}
