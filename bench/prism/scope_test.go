package prism

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/generator/model"
	"sigs.k8s.io/yaml"
)

// OpenAPI scopes `required` by readOnly and writeOnly: a required
// write-only property is required of requests only, a required read-only
// one of responses only. Prism 5.14 applies the rule by stripping such
// properties from the schema it validates with, but it strips only an
// object's own properties and its items, after merging allOf: never
// inside a oneOf or anyOf variant. Of an Order answer whose payment is a
// Card (a variant of PaymentMethod requiring the write-only "number"), it
// then demands the card number the service rightly leaves out and reports
// every variant's mismatch, a false violation in place of the answer
// (stoplightio/prism#1941 reports the same for read-only properties in
// requests, open since 2021).
//
// scopeRequired writes the rule into the copy of the spec Prism reads, so
// that Prism judges those answers truthfully: wherever a response body's
// schema reaches (through $ref, properties, items, allOf, oneOf, anyOf...)
// an object that requires a write-only property, the response refers to a
// copy of the component that does not require it; request bodies likewise
// get copies that do not require read-only properties. Nothing else
// changes: the property keeps its schema (a card number the service did
// send would still be checked against its pattern), request bodies keep
// every write-only requirement, responses every read-only one, and the
// service itself serves its spec unchanged.
//
// It returns the path of the copy, or the spec's own path when no schema
// needs a scoped copy.
func scopeRequired(t *testing.T, spec, dir string) string {
	t.Helper()
	raw, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	// Numbers stay as written: an int64 bound read as a float64 would
	// move.
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if !scopeDoc(doc) {
		return spec
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "prism-"+strings.TrimSuffix(filepath.Base(spec), filepath.Ext(spec))+".json")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// scopeDoc rewrites doc, an OpenAPI document as JSON values, as
// scopeRequired describes, and reports whether anything changed.
func scopeDoc(doc map[string]any) bool {
	components, _ := doc["components"].(map[string]any)
	schemas, _ := components["schemas"].(map[string]any)
	scopes := []*scoper{
		{flag: "writeOnly", suffix: "_InResponses", bodies: responseBodies},
		{flag: "readOnly", suffix: "_InRequests", bodies: requestBodies},
	}
	// Both scopes are planned over the spec's own components, before
	// either adds its views.
	for _, s := range scopes {
		s.schemas, s.views = schemas, map[string]string{}
		s.plan()
	}
	changed := false
	for _, s := range scopes {
		s.bodies(doc, func(schema any) any {
			out, c := s.rewrite(schema)
			changed = changed || c
			return out
		})
	}
	for _, s := range scopes {
		for _, name := range sortedKeys(s.views) {
			view, _ := s.rewrite(schemas[name])
			schemas[s.views[name]] = view
		}
	}
	return changed
}

// scoper makes the views of one scope: components.schemas entries whose
// objects require properties marked flag, directly or through other
// components, get a copy (views: name → copy's name) that does not.
type scoper struct {
	flag, suffix string
	// bodies visits the schemas of the bodies in this scope.
	bodies  func(doc map[string]any, visit func(any) any)
	schemas map[string]any
	views   map[string]string
}

const schemaRef = "#/components/schemas/"

// plan decides which components need a view: those whose own tree
// requires a flagged property, then every one referring to one of those,
// until no more are found.
func (s *scoper) plan() {
	need := map[string]bool{}
	for name, sch := range s.schemas {
		if s.requiresFlagged(sch) {
			need[name] = true
		}
	}
	for grown := true; grown; {
		grown = false
		for name, sch := range s.schemas {
			if !need[name] && refersTo(sch, need) {
				need[name], grown = true, true
			}
		}
	}
	for _, name := range sortedKeys(need) {
		view := name + s.suffix
		for s.schemas[view] != nil || taken(s.views, view) {
			view += "_"
		}
		s.views[name] = view
	}
}

// flagged reports whether property schema p is marked with s.flag, on
// itself or on the component it refers to.
func (s *scoper) flagged(p any) bool {
	m, _ := p.(map[string]any)
	if m[s.flag] == true {
		return true
	}
	if ref, _ := m["$ref"].(string); strings.HasPrefix(ref, schemaRef) {
		target, _ := s.schemas[strings.TrimPrefix(ref, schemaRef)].(map[string]any)
		return target[s.flag] == true
	}
	return false
}

// requiresFlagged reports whether some object in v's own tree (refs not
// followed) requires a property marked s.flag.
func (s *scoper) requiresFlagged(v any) bool {
	found := false
	walk(v, func(m map[string]any) {
		props, _ := m["properties"].(map[string]any)
		req, _ := m["required"].([]any)
		for _, r := range req {
			name, _ := r.(string)
			if p, ok := props[name]; ok && s.flagged(p) {
				found = true
			}
		}
	})
	return found
}

// rewrite returns a copy of v in which no object requires a property
// marked s.flag and refs to components with a view refer to the view; it
// reports whether the copy differs from v.
func (s *scoper) rewrite(v any) (any, bool) {
	changed := false
	var rec func(v any) any
	rec = func(v any) any {
		switch x := v.(type) {
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = rec(e)
			}
			return out
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, e := range x {
				out[k] = rec(e)
			}
			if ref, ok := x["$ref"].(string); ok && strings.HasPrefix(ref, schemaRef) {
				if view, ok := s.views[strings.TrimPrefix(ref, schemaRef)]; ok {
					out["$ref"], changed = schemaRef+view, true
				}
			}
			// A discriminator maps its values to the views too.
			if d, ok := out["discriminator"].(map[string]any); ok {
				if mapping, ok := d["mapping"].(map[string]any); ok {
					for k, v := range mapping {
						ref, _ := v.(string)
						if view, ok := s.views[strings.TrimPrefix(ref, schemaRef)]; ok && strings.HasPrefix(ref, schemaRef) {
							mapping[k], changed = schemaRef+view, true
						}
					}
				}
			}
			props, _ := x["properties"].(map[string]any)
			if req, ok := x["required"].([]any); ok && props != nil {
				kept := []any{}
				for _, r := range req {
					name, _ := r.(string)
					if p, ok := props[name]; ok && s.flagged(p) {
						changed = true
						continue
					}
					kept = append(kept, r)
				}
				if len(kept) > 0 {
					out["required"] = kept
				} else {
					delete(out, "required") // OpenAPI 3.0 wants at least one
				}
			}
			return out
		}
		return v
	}
	out := rec(v)
	return out, changed
}

// taken reports whether name is one of views' names.
func taken(views map[string]string, name string) bool {
	for _, v := range views {
		if v == name {
			return true
		}
	}
	return false
}

// refersTo reports whether v's tree refers to a component in names.
func refersTo(v any, names map[string]bool) bool {
	found := false
	walk(v, func(m map[string]any) {
		if ref, ok := m["$ref"].(string); ok && names[strings.TrimPrefix(ref, schemaRef)] && strings.HasPrefix(ref, schemaRef) {
			found = true
		}
	})
	return found
}

// walk calls f on every object in v's tree.
func walk(v any, f func(map[string]any)) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			walk(e, f)
		}
	case map[string]any:
		f(x)
		for _, e := range x {
			walk(e, f)
		}
	}
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// responseBodies calls visit on the schema of every response body the
// document declares (operations' responses and components.responses),
// replacing it with what visit returns.
func responseBodies(doc map[string]any, visit func(any) any) {
	var responses []map[string]any
	forOperations(doc, func(op map[string]any) {
		rs, _ := op["responses"].(map[string]any)
		for _, r := range rs {
			if m, ok := r.(map[string]any); ok {
				responses = append(responses, m)
			}
		}
	})
	components, _ := doc["components"].(map[string]any)
	rs, _ := components["responses"].(map[string]any)
	for _, r := range rs {
		if m, ok := r.(map[string]any); ok {
			responses = append(responses, m)
		}
	}
	for _, r := range responses {
		contentSchemas(r, visit)
	}
}

// requestBodies is responseBodies for request bodies.
func requestBodies(doc map[string]any, visit func(any) any) {
	forOperations(doc, func(op map[string]any) {
		if b, ok := op["requestBody"].(map[string]any); ok {
			contentSchemas(b, visit)
		}
	})
	components, _ := doc["components"].(map[string]any)
	bs, _ := components["requestBodies"].(map[string]any)
	for _, b := range bs {
		if m, ok := b.(map[string]any); ok {
			contentSchemas(m, visit)
		}
	}
}

func forOperations(doc map[string]any, f func(op map[string]any)) {
	paths, _ := doc["paths"].(map[string]any)
	for _, item := range paths {
		im, _ := item.(map[string]any)
		for _, m := range methods {
			if op, ok := im[m].(map[string]any); ok {
				f(op)
			}
		}
	}
}

// contentSchemas visits the schema of each media type of a request body
// or response.
func contentSchemas(holder map[string]any, visit func(any) any) {
	content, _ := holder["content"].(map[string]any)
	for _, mt := range content {
		m, _ := mt.(map[string]any)
		if sch, ok := m["schema"]; ok {
			m["schema"] = visit(sch)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestScopeRequired checks the copy of the orders spec Prism reads: the
// answers' schemas no longer require the card number, and nothing else
// changed of what Prism checks.
func TestScopeRequired(t *testing.T) {
	spec := filepath.Join("..", "..", "spec", "orders.yaml")
	scoped := scopeRequired(t, spec, t.TempDir())
	if scoped == spec {
		t.Fatal("the orders spec needs a scoped copy: a Card requires its write-only number")
	}
	doc := readJSON(t, scoped)
	orig := readJSON(t, spec)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)

	required := func(name string) string {
		m, _ := schemas[name].(map[string]any)
		b, _ := json.Marshal(m["required"])
		return string(b)
	}
	if got := required("Card_InResponses"); got != `["type","expiryMonth","expiryYear"]` {
		t.Errorf("Card in responses requires %s, want all but the write-only number", got)
	}
	if got := required("Card"); got != `["type","number","expiryMonth","expiryYear"]` {
		t.Errorf("Card (in requests) requires %s, want the number too", got)
	}
	card := schemas["Card_InResponses"].(map[string]any)["properties"].(map[string]any)
	if n, _ := card["number"].(map[string]any); n["pattern"] != "^[0-9]{12,19}$" {
		t.Errorf("Card in responses lost its number's schema: %v", card["number"])
	}
	if _, ok := schemas["BankTransfer_InResponses"]; ok {
		t.Error("BankTransfer got a view: it requires no write-only property")
	}
	pm, _ := json.Marshal(schemas["PaymentMethod_InResponses"])
	if !strings.Contains(string(pm), `"#/components/schemas/Card_InResponses"`) || strings.Contains(string(pm), `"#/components/schemas/Card"`) {
		t.Errorf("PaymentMethod in responses does not refer to Card's view (discriminator mapping included): %s", pm)
	}

	op := func(d map[string]any, path, method string) map[string]any {
		return d["paths"].(map[string]any)[path].(map[string]any)[method].(map[string]any)
	}
	body := func(d map[string]any, path, method, status string) string {
		r := op(d, path, method)["responses"].(map[string]any)[status].(map[string]any)
		b, _ := json.Marshal(r["content"].(map[string]any)["application/json"].(map[string]any)["schema"])
		return string(b)
	}
	item := "/customers/{customerId}/orders/{orderId}"
	if got := body(doc, item, "get", "200"); got != `{"$ref":"#/components/schemas/Order_InResponses"}` {
		t.Errorf("GET order answers %s, want the Order's view", got)
	}
	// Requests are as written: the requestBody component and the
	// schemas it refers to.
	for _, p := range []string{"requestBodies"} {
		a, _ := json.Marshal(doc["components"].(map[string]any)[p])
		b, _ := json.Marshal(orig["components"].(map[string]any)[p])
		if string(a) != string(b) {
			t.Errorf("components.%s changed:\n%s\nwas\n%s", p, a, b)
		}
	}
	for _, name := range sortedKeys(orig["components"].(map[string]any)["schemas"].(map[string]any)) {
		a, _ := json.Marshal(schemas[name])
		b, _ := json.Marshal(orig["components"].(map[string]any)["schemas"].(map[string]any)[name])
		if string(a) != string(b) {
			t.Errorf("component %s changed:\n%s\nwas\n%s", name, a, b)
		}
	}
	if a, b := op(doc, item, "put")["requestBody"], op(orig, item, "put")["requestBody"]; fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("PUT order's request body changed: %v, was %v", a, b)
	}
}

// TestPrismJudgesUnions shows Prism, given the scoped copy, judging Order
// answers whose payment is a oneOf variant with a write-only required
// property: a fake upstream gives the answers. Without the copy Prism
// refuses a valid answer; with it, it takes that answer and still refuses
// each broken one.
func TestPrismJudgesUnions(t *testing.T) {
	prism := os.Getenv("SVCGEN_PRISM")
	if prism == "" {
		t.Skip("SVCGEN_PRISM is not set: .ci/run installs Prism and sets it")
	}
	dir := t.TempDir()
	res, err := generator.Generate(context.Background(), generator.Options{SpecPath: filepath.Join("..", "..", "spec", "orders.yaml"), Module: "example.com/orders"})
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, res.Files)
	var answer atomic.Value
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer.Load().(string))
	}))
	defer upstream.Close()
	spec := filepath.Join(dir, filepath.FromSlash(res.Service.SpecFile))
	plain := &session{t: t, svc: res.Service, base: startPrism(t, prism, spec, upstream.URL+res.Service.BasePath)}
	scoped := &session{t: t, svc: res.Service, base: startPrism(t, prism, scopeRequired(t, spec, dir), upstream.URL+res.Service.BasePath)}

	var get *model.Operation
	for _, op := range res.Service.Operations {
		if op.ID == "getOrder" {
			get = op
		}
	}
	if get == nil {
		t.Fatal("no getOrder in the orders spec")
	}
	params := map[string]string{"customerId": "6f1c2a3e-8d4b-4c1a-9e2f-0a1b2c3d4e5f", "orderId": "1042"}
	order := func(payment string) string {
		return `{"id": 1042, "customerId": "6f1c2a3e-8d4b-4c1a-9e2f-0a1b2c3d4e5f", "items": [{"sku": "CUP-ESP-01", "quantity": 2, "unitPrice": 9.9}], ` +
			`"payment": ` + payment + `, "totalCents": 1980, "createdAt": "2024-03-01T09:30:00Z", "updatedAt": "2024-03-01T10:00:00Z"}`
	}
	reported := func(s *session, body string) []violation {
		t.Helper()
		answer.Store(body)
		resp, _ := s.send(get, params, "", "")
		if resp == nil {
			t.FailNow()
		}
		return violations(resp)
	}

	valid := order(`{"type": "card", "last4": "4242", "expiryMonth": 12, "expiryYear": 2030}`)
	if vs := reported(plain, valid); len(vs) == 0 {
		t.Error("Prism took a card without its write-only number from the spec as written: its limit is gone, and the scoped copy (scopeRequired) may be too")
	}
	if vs := reported(scoped, valid); len(vs) != 0 {
		t.Errorf("a valid Order paid by card: Prism reports %v", vs)
	}
	if vs := reported(scoped, order(`{"type": "bank_transfer", "iban": "DE89370400440532013000", "reference": "ORD-1042"}`)); len(vs) != 0 {
		t.Errorf("a valid Order paid by transfer: Prism reports %v", vs)
	}
	for _, bad := range []struct{ what, payment string }{
		{"a card without its expiry month", `{"type": "card", "last4": "4242", "expiryYear": 2030}`},
		{"a card number that is no number", `{"type": "card", "number": "abc", "expiryMonth": 12, "expiryYear": 2030}`},
		{"a transfer without its IBAN", `{"type": "bank_transfer", "reference": "ORD-1042"}`},
		{"a payment of no known type", `{"type": "cash"}`},
	} {
		if vs := reported(scoped, order(bad.payment)); len(vs) == 0 {
			t.Errorf("%s: Prism reports nothing", bad.what)
		}
	}
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	js, err := yaml.YAMLToJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}
