package load

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// TestDirectLoadMatchesKin holds loadDirect to kin-openapi's loader: the
// same document, every field and every origin equal (origins' end
// positions aside, which svcgen does not read and loadDirect does not set).
// The specs are the JSON OpenAPI 3.0 files of testdata and, with
// SVCGEN_JSON_CORPUS set to a folder (bench/.cache/npm after a corpus
// run), every such file under it.
func TestDirectLoadMatchesKin(t *testing.T) {
	paths := jsonCopies(t, "../testdata/specs/*.yaml", "../../spec/*.yaml")
	for _, dir := range []string{os.Getenv("SVCGEN_JSON_CORPUS")} {
		if dir == "" {
			continue
		}
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
				paths = append(paths, p)
			}
			return nil
		})
	}
	// The schemas are decoded in chunks only in large APIs: here, in every
	// spec too. Leaves shared while decoding would differ in their origins
	// (TestShareWhileDecoding holds that to loading without).
	n := minSchemaChunk
	t.Cleanup(func() { minSchemaChunk, shareWhileDecoding = n, true })
	shareWhileDecoding = false
	for _, minSchemaChunk = range []int{n, 1} {
		compareDirect(t, paths)
	}
}

// compareDirect checks loadDirect gives kin-openapi's document for each
// of paths that it loads.
func compareDirect(t *testing.T, paths []string) {
	direct := 0
	for _, p := range paths {
		l := newLoader(context.Background())
		if l.readRoot(p) != nil || !directEligible(l.root) {
			continue
		}
		got, ok := l.loadDirect()
		kin := newLoader(context.Background())
		kin.readRoot(p)
		want, err := kin.loadKin()
		if err != nil {
			if ok {
				t.Errorf("%s: loads directly, but kin-openapi says: %v", p, err)
			}
			continue
		}
		if !ok {
			t.Errorf("%s: kin-openapi loads it, loadDirect does not", p)
			continue
		}
		direct++
		if diff := differ(reflect.ValueOf(got), reflect.ValueOf(want), "doc", map[seenPair]bool{}); diff != "" {
			t.Errorf("%s: loadDirect differs from kin-openapi's loader at %s", p, diff)
		}
	}
	if direct == 0 {
		t.Fatal("no spec was loaded directly")
	}
	t.Logf("%d specs compared", direct)
}

// jsonCopies writes the YAML specs the patterns match as indented JSON
// into a temporary folder and returns the copies' paths.
func jsonCopies(t *testing.T, patterns ...string) []string {
	dir := t.TempDir()
	var paths []string
	for _, pattern := range patterns {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if err := yaml.Unmarshal(raw, &v); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			b, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			p := filepath.Join(dir, strings.TrimSuffix(filepath.Base(f), ".yaml")+".json")
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		t.Fatalf("no specs match %v", patterns)
	}
	return paths
}

type seenPair struct {
	a, b uintptr
	t    reflect.Type
}

var (
	locationType = reflect.TypeFor[openapi3.Location]()
	schemaRefT   = reflect.TypeFor[openapi3.SchemaRef]()
)

// differ compares a and b as reflect.DeepEqual does, pointer pairs seen
// once, and says where they first differ. It skips Location's end
// positions, T's url (set by LoadFromDataWithPath only, read for specs
// with external files) and SchemaRef's sibling (the schema written next
// to a $ref, read for OpenAPI 3.1 and external files only). The origin
// of a type whose origins loadDirect stamps compact (compactOrigin) is
// compared with b's made compact.
func differ(a, b reflect.Value, at string, seen map[seenPair]bool) string {
	if a.IsValid() != b.IsValid() {
		return at + ": one is missing"
	}
	if !a.IsValid() {
		return ""
	}
	if a.Type() != b.Type() {
		return fmt.Sprintf("%s: %s vs %s", at, a.Type(), b.Type())
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice:
		if a.IsNil() != b.IsNil() {
			return fmt.Sprintf("%s: nil %v vs %v", at, a.IsNil(), b.IsNil())
		}
		if a.IsNil() {
			return ""
		}
		if a.Kind() != reflect.Slice || a.Len() > 0 {
			v := seenPair{a.Pointer(), b.Pointer(), a.Type()}
			if seen[v] {
				return ""
			}
			seen[v] = true
		}
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.Kind() == reflect.Interface && a.IsNil() != b.IsNil() {
			return at + ": nil vs not"
		}
		return differ(a.Elem(), b.Elem(), at, seen)
	case reflect.Struct:
		for i := range a.NumField() {
			f := a.Type().Field(i)
			switch {
			case a.Type() == locationType && (f.Name == "EndLine" || f.Name == "EndColumn"),
				a.Type() == docType && f.Name == "url",
				a.Type() == schemaRefT && f.Name == "sibling":
				continue
			case compactOrigin(a.Type()) && f.Name == "Origin":
				want := compacted((*openapi3.Origin)(b.Field(i).UnsafePointer()))
				if a.Type() == schemaRefT && a.FieldByName("Ref").String() == "" {
					want = nil
				}
				if d := differ(a.Field(i), reflect.ValueOf(want), at+".Origin", seen); d != "" {
					return d
				}
				continue
			}
			if d := differ(a.Field(i), b.Field(i), at+"."+f.Name, seen); d != "" {
				return d
			}
		}
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d vs %d items", at, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if d := differ(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", at, i), seen); d != "" {
				return d
			}
		}
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d vs %d entries", at, a.Len(), b.Len())
		}
		for _, k := range a.MapKeys() {
			if d := differ(a.MapIndex(k), b.MapIndex(k), fmt.Sprintf("%s[%v]", at, k), seen); d != "" {
				return d
			}
		}
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		if a.Pointer() != b.Pointer() {
			return at + ": different " + a.Kind().String()
		}
	default:
		if !reflect.DeepEqual(valueOf(a), valueOf(b)) {
			return fmt.Sprintf("%s: %v vs %v", at, valueOf(a), valueOf(b))
		}
	}
	return ""
}

// compacted is o as loadDirect stamps it on the types of compactOrigin:
// its first field alone, or else its key (or none, for a SchemaRef that
// is not a $ref).
func compacted(o *openapi3.Origin) *openapi3.Origin {
	switch {
	case o == nil:
		return nil
	case len(o.Fields) > 0:
		return &openapi3.Origin{Fields: o.Fields[:1]}
	}
	return &openapi3.Origin{Key: o.Key}
}

// valueOf reads a basic value, also from an unexported field.
func valueOf(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.String:
		return v.String()
	}
	return fmt.Sprintf("%v", v)
}

// TestIndexLookup holds the index's lookup, which answers for a released
// tree (readRootDirect), to the tree's: the same line and tokens resolved
// for every element of the JSON copies of the specs, and for pointers
// that go one token past one.
func TestIndexLookup(t *testing.T) {
	for _, p := range jsonCopies(t, "../testdata/specs/*.yaml", "../../spec/*.yaml") {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		root, ok := parseJSON(raw)
		if !ok {
			t.Fatalf("%s: not read by parseJSON", p)
		}
		ix := buildIndex(root)
		n := 0
		walkTree(root, "", nil, func(_ *yaml.Node, ptr string, _ *yaml.Node) bool {
			for _, q := range []string{ptr, ptr + "/0", ptr + "/1", ptr + "/-1", ptr + "/01", ptr + "/nope", ptr + "/$ref"} {
				wl, wr, wok := lookup(root, q)
				gl, gr, gok := ix.lookup(q)
				if gl != wl || gr != wr || gok != wok {
					t.Errorf("%s: lookup(%q) = %d, %d, %v from the index, %d, %d, %v from the tree", p, q, gl, gr, gok, wl, wr, wok)
				}
			}
			n++
			return true
		})
		if n < 10 {
			t.Errorf("%s: only %d elements", p, n)
		}
	}
}
