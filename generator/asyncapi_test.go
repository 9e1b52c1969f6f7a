package generator

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// TestServedAsyncAPIRefs checks the AsyncAPI document the shipping example
// serves at /asyncapi.yaml: every $ref resolves where the service's copy
// puts it, inside the document, in the service's spec (served beside it
// at /openapi.yaml), or in the orders service's spec at its URL.
func TestServedAsyncAPIRefs(t *testing.T) {
	ctx := context.Background()
	shipping, err := Generate(ctx, Options{SpecPath: "../spec/shipping.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	orders, err := Generate(ctx, Options{SpecPath: "../spec/orders.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	served := shipping.Service.Events.ServedDocument()
	var doc any
	if err := json.Unmarshal([]byte(served), &doc); err != nil {
		t.Fatalf("the served document is not JSON: %v", err)
	}
	parse := func(b []byte) any {
		var v any
		if err := yaml.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	targets := map[string]any{
		"":                                doc,
		"openapi.yaml":                    parse(shipping.Spec),
		"http://orders:8080/openapi.yaml": parse(orders.Spec),
	}
	refs := refsOf(doc)
	if len(refs) < 10 {
		t.Fatalf("only %d $refs in the served document", len(refs))
	}
	kinds := map[string]int{}
	for _, ref := range refs {
		file, frag, _ := strings.Cut(ref, "#")
		target, ok := targets[file]
		if !ok {
			t.Errorf("$ref %q: to %q, which is not served", ref, file)
			continue
		}
		kinds[file]++
		if lookup(target, frag) == nil {
			t.Errorf("$ref %q: %s has nothing at %s", ref, file, frag)
		}
	}
	for file := range targets {
		if kinds[file] == 0 {
			t.Errorf("no $ref into %q: the example no longer covers it", file)
		}
	}
	// Served: a built-in route, answered by the generated handler.
	var route bool
	for _, b := range shipping.Service.Builtins {
		route = route || b.Path == "/asyncapi.yaml"
	}
	if !route {
		t.Error("GET /asyncapi.yaml is not a route")
	}
	for _, f := range shipping.Files {
		if f.Path == "internal/server/asyncapi_gen.go" && !strings.Contains(string(f.Content), `"asyncapi": "3.0.0"`) {
			t.Error("internal/server/asyncapi_gen.go does not hold the document")
		}
	}
}

// refsOf lists the $refs of a decoded document.
func refsOf(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok {
			out = append(out, ref)
		}
		for _, x := range v {
			out = append(out, refsOf(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, refsOf(x)...)
		}
	}
	return out
}

// lookup follows a JSON pointer in a decoded document; nil when nothing
// is there.
func lookup(v any, pointer string) any {
	if pointer == "" {
		return v
	}
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			v = x[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}
