package load

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestSharePlainLeaves loads a spec whose properties repeat plain leaves,
// and some that only look plain: equal plain leaves become one Schema, the
// others keep theirs, and the warnings still name each place.
func TestSharePlainLeaves(t *testing.T) {
	dir := t.TempDir()
	spec := `openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    A:
      type: object
      properties:
        name: {type: string, maxLength: 10}
        id: {type: integer, format: int64}
        at: {type: string, format: date-time, readOnly: true}
        kind: {type: string, enum: [a, b]}
        odd: {type: string, format: not-a-format}
        both: {type: string, readOnly: true, writeOnly: true}
        tags: {type: array, items: {type: string, maxLength: 10}}
        b: {$ref: '#/components/schemas/B'}
    B:
      type: object
      properties:
        name: {type: string, maxLength: 10}
        id: {type: integer, format: int64}
        at: {type: string, format: date-time, readOnly: true}
        kind: {type: string, enum: [a, b]}
        odd: {type: string, format: not-a-format}
        both: {type: string, readOnly: true, writeOnly: true}
        other: {type: string, maxLength: 11}
        described: {type: string, maxLength: 10, description: a name}
    Id: {type: integer, format: int64}
`
	path := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(path, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	got, warnings, err := Load(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s := got.Doc.Components.Schemas
	a, b := s["A"].Value.Properties, s["B"].Value.Properties
	same := func(x, y *openapi3.SchemaRef) bool { return x.Value == y.Value }
	for _, name := range []string{"name", "id", "at"} {
		if !same(a[name], b[name]) {
			t.Errorf("%s: the equal plain leaves of A and B are not shared", name)
		}
	}
	if !same(a["name"], a["tags"].Value.Items) {
		t.Error("an item equal to a property is not shared")
	}
	for _, name := range []string{"kind", "odd", "both"} {
		if same(a[name], b[name]) {
			t.Errorf("%s: shared, though it is not a plain leaf (or has a problem of its own)", name)
		}
	}
	if same(b["name"], b["other"]) || same(b["name"], b["described"]) {
		t.Error("leaves that differ are shared")
	}
	if a["id"].Value == s["Id"].Value {
		t.Error("a component was made the shared leaf: the model names components")
	}
	// The unknown format is reported at both places.
	n := 0
	for _, w := range warnings {
		if w.Message == `unknown string format "not-a-format"` {
			n++
		}
	}
	if n != 2 {
		t.Errorf("the unknown format is reported %d times, want 2 (once per place): %v", n, warnings)
	}
}

// TestLeafKeyCoversSchema holds sharer.key to openapi3.Schema: every
// field is either part of the key or must be unset for a leaf to be
// shared. A field a new kin-openapi adds fails here until key says which.
func TestLeafKeyCoversSchema(t *testing.T) {
	known := map[string]bool{
		// in the key
		"Type": true, "Title": true, "Format": true, "Description": true, "Nullable": true,
		"ReadOnly": true, "WriteOnly": true, "Deprecated": true, "Min": true, "Max": true,
		"MultipleOf": true, "ExclusiveMin": true, "ExclusiveMax": true, "MinLength": true, "MaxLength": true,
		// where the shared copy keeps the first place's
		"Origin": true,
		// must be unset
		"Extensions": true, "OneOf": true, "AnyOf": true, "AllOf": true, "Not": true, "Enum": true,
		"Default": true, "Example": true, "ExternalDocs": true, "UniqueItems": true, "AllowEmptyValue": true,
		"XML": true, "Pattern": true, "MinItems": true, "MaxItems": true, "Items": true, "Required": true,
		"Properties": true, "MinProps": true, "MaxProps": true, "AdditionalProperties": true,
		"Discriminator": true, "Const": true, "Examples": true, "PrefixItems": true, "Contains": true,
		"MinContains": true, "MaxContains": true, "PatternProperties": true, "DependentSchemas": true,
		"PropertyNames": true, "UnevaluatedItems": true, "UnevaluatedProperties": true, "If": true,
		"Then": true, "Else": true, "DependentRequired": true, "Always": true, "Defs": true,
		"SchemaDialect": true, "Comment": true, "SchemaID": true, "Anchor": true, "DynamicRef": true,
		"DynamicAnchor": true, "ContentMediaType": true, "ContentEncoding": true, "ContentSchema": true,
	}
	typ := reflect.TypeFor[openapi3.Schema]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.IsExported() && !known[f.Name] {
			t.Errorf("openapi3.Schema.%s is new: decide in sharer.key whether it is part of a leaf's key or must be unset", f.Name)
		}
	}
	// Each must-be-unset field, set on a plain leaf, stops the sharing.
	sh := sharer{formats: map[string]map[string]bool{}}
	plain := func() *openapi3.Schema { return &openapi3.Schema{Type: &openapi3.Types{"string"}} }
	if _, ok := sh.key(plain()); !ok {
		t.Fatal("a plain string is not a plain leaf")
	}
	one := &openapi3.SchemaRef{Value: plain()}
	bound := uint64(1)
	yes := true
	for name, set := range map[string]func(s *openapi3.Schema){
		"Extensions":  func(s *openapi3.Schema) { s.Extensions = map[string]any{"x-a": 1} },
		"Enum":        func(s *openapi3.Schema) { s.Enum = []any{"a"} },
		"Default":     func(s *openapi3.Schema) { s.Default = "a" },
		"Example":     func(s *openapi3.Schema) { s.Example = "a" },
		"Pattern":     func(s *openapi3.Schema) { s.Pattern = "^a$" },
		"Items":       func(s *openapi3.Schema) { s.Items = one },
		"Properties":  func(s *openapi3.Schema) { s.Properties = openapi3.Schemas{"a": one} },
		"AllOf":       func(s *openapi3.Schema) { s.AllOf = openapi3.SchemaRefs{one} },
		"MaxItems":    func(s *openapi3.Schema) { s.MaxItems = &bound },
		"Const":       func(s *openapi3.Schema) { s.Const = "a" },
		"Additional":  func(s *openapi3.Schema) { s.AdditionalProperties.Has = &yes },
		"TwoTypes":    func(s *openapi3.Schema) { s.Type = &openapi3.Types{"string", "null"} },
		"NoType":      func(s *openapi3.Schema) { s.Type = nil },
		"Unknown fmt": func(s *openapi3.Schema) { s.Format = "nope" },
	} {
		s := plain()
		set(s)
		if _, ok := sh.key(s); ok {
			t.Errorf("%s set: still a plain leaf", name)
		}
	}
}

// TestShareWhileDecoding loads the specs of the tests, as JSON and with
// their schemas decoded in parts, with the leaves shared while decoding
// and without: the documents must say the same and the warnings be the
// same.
func TestShareWhileDecoding(t *testing.T) {
	paths := jsonCopies(t, "../testdata/specs/*.yaml", "../../spec/*.yaml")
	n := minSchemaChunk
	t.Cleanup(func() { minSchemaChunk, shareWhileDecoding = n, true })
	minSchemaChunk = 1
	load := func(p string, share bool) ([]byte, []Warning, error) {
		shareWhileDecoding = share
		spec, warnings, err := Load(context.Background(), p)
		if err != nil {
			return nil, nil, err
		}
		doc, err := json.Marshal(spec.Doc)
		return doc, warnings, err
	}
	compared := 0
	for _, p := range paths {
		with, wWith, errWith := load(p, true)
		without, wWithout, errWithout := load(p, false)
		if (errWith == nil) != (errWithout == nil) {
			t.Errorf("%s: %v, without sharing while decoding %v", p, errWith, errWithout)
			continue
		}
		if errWith != nil {
			continue
		}
		if !bytes.Equal(with, without) {
			t.Errorf("%s: the document differs when its leaves are shared while decoding", p)
		}
		if !reflect.DeepEqual(wWith, wWithout) {
			t.Errorf("%s: warnings\n%v\nwithout sharing while decoding\n%v", p, wWith, wWithout)
		}
		compared++
	}
	if compared == 0 {
		t.Fatal("no spec compared")
	}
}

// TestSharePart checks that the leaves of a large JSON document are
// shared while it is decoded, part by part, before sharePlainLeaves.
func TestSharePart(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": {`)
	const n = 300
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"S%d": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 10}}}`, i)
	}
	b.WriteString("}}}")
	path := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { shareWhileDecoding = true })
	for _, share := range []bool{true, false} {
		shareWhileDecoding = share
		l := newLoader(context.Background())
		if err := l.readRoot(path); err != nil {
			t.Fatal(err)
		}
		if l.decoded == nil || l.decoded.err != nil {
			t.Fatalf("not decoded directly: %+v", l.decoded)
		}
		leaves := map[*openapi3.Schema]bool{}
		for _, s := range l.decoded.doc.Components.Schemas {
			leaves[s.Value.Properties["name"].Value] = true
		}
		switch {
		case share && len(leaves) > schemaChunks:
			t.Errorf("shared while decoding: %d distinct leaves, want at most one per part (%d)", len(leaves), schemaChunks)
		case !share && len(leaves) != n:
			t.Errorf("not shared while decoding: %d distinct leaves, want %d", len(leaves), n)
		}
	}
}
