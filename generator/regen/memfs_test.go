package regen

import (
	"context"
	"encoding/json"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v4"

	"github.com/svcgen/svcgen/generator"
)

// memService generates the service of spec (YAML) in memory, spec files
// included: the tree new-service would write, as a MapFS.
func memService(t testing.TB, spec map[string]string) fstest.MapFS {
	t.Helper()
	in := fstest.MapFS{}
	for name, content := range spec {
		in[name] = &fstest.MapFile{Data: []byte(content)}
	}
	res, err := generator.Generate(context.Background(), generator.Options{FS: in, SpecPath: "openapi.yaml", Module: "example.com/widgets"})
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	out := fstest.MapFS{}
	for _, f := range res.Files {
		out[f.Path] = &fstest.MapFile{Data: f.Content, Mode: fs.FileMode(f.Mode)}
	}
	return out
}

// applyMem makes the plan's changes to the in-memory service.
func applyMem(m fstest.MapFS, p *Plan) {
	for _, s := range p.Steps {
		switch {
		case !s.Changes():
		case s.Action == Delete:
			delete(m, s.Path)
		default:
			m[s.Path] = &fstest.MapFile{Data: s.After, Mode: fs.FileMode(s.Mode)}
		}
	}
}

// nowhere is a folder that does not exist: Make given it as Dir with an FS
// must read nothing from the disk.
func nowhere(t testing.TB) string { return filepath.Join(t.TempDir(), "absent") }

// Planning runs on an in-memory tree: the motivating edit (a helper
// appended to service.go) against an operation added, merged, applied in
// memory, and a second plan changes nothing.
func TestMakeInMemory(t *testing.T) {
	v1, v2 := scenarioSpecs(t, "operation-added")
	m := memService(t, map[string]string{"openapi.yaml": v1})
	helper := "\n// helper is the user's.\nfunc helper() int { return 1 }\n"
	m["internal/service/service.go"].Data = append(m["internal/service/service.go"].Data, helper...)
	m["openapi.yaml"] = &fstest.MapFile{Data: []byte(v2)}

	p, err := Make(context.Background(), Options{FS: m, Dir: nowhere(t)})
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Conflicts(); len(c) > 0 {
		t.Fatalf("conflicts in %v", c)
	}
	var svc *Step
	for i := range p.Steps {
		if p.Steps[i].Path == "internal/service/service.go" {
			svc = &p.Steps[i]
		}
	}
	if svc == nil || svc.Action != Merge || !strings.Contains(string(svc.After), helper) {
		t.Fatalf("service.go step: %+v", svc)
	}
	applyMem(m, p)
	again, err := Make(context.Background(), Options{FS: m, Dir: nowhere(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range again.Steps {
		if s.Changes() {
			t.Errorf("second plan would %s %s", s.Action, s.Path)
		}
	}
}

// A spec taken from elsewhere under another name (--spec v2.json for a
// service whose copy is openapi.yaml) becomes the service's copy under
// the service's name, in the model and in the manifest.
func TestMakeSpecOfAnotherName(t *testing.T) {
	v1, v2 := scenarioSpecs(t, "field-added")
	m := memService(t, map[string]string{"openapi.yaml": v1})
	other := filepath.Join(t.TempDir(), "v2.json")
	var doc any
	if err := yamlToJSON(v2, &doc); err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	mustWrite(t, other, b)

	p, err := Make(context.Background(), Options{FS: m, Dir: nowhere(t), SpecPath: other})
	if err != nil {
		t.Fatal(err)
	}
	if p.Service.SpecFile != "openapi.yaml" {
		t.Errorf("model's spec file = %q", p.Service.SpecFile)
	}
	applyMem(m, p)
	if _, ok := m["openapi.json"]; ok {
		t.Error("openapi.json written beside openapi.yaml")
	}
	if string(m["openapi.yaml"].Data) != string(b) {
		t.Error("openapi.yaml is not the spec regenerated from")
	}
	man, err := generator.ReadManifestFS(m, "svc")
	if err != nil {
		t.Fatal(err)
	}
	if man.Spec.File != "openapi.yaml" || man.Spec.SHA256 != generator.Hash(b) {
		t.Errorf("manifest spec = %+v", man.Spec)
	}
	for _, e := range man.Files {
		if e.Path == "openapi.json" {
			t.Error("manifest records openapi.json")
		}
	}
}

func yamlToJSON(src string, v *any) error { return yaml.Unmarshal([]byte(src), v) }
