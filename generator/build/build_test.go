package build

import (
	"context"
	"flag"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/svcgen/svcgen/generator/load"
	"github.com/svcgen/svcgen/generator/model"
)

var update = flag.Bool("update", false, "rewrite golden files (none in this package)")

// buildYAML builds the model of an inline OpenAPI 3 document.
func buildYAML(t *testing.T, src string) *model.Service {
	t.Helper()
	_ = update
	doc, err := openapi3.NewLoader().LoadFromData([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc, err := Build(&load.Spec{Path: "test.yaml", Doc: doc, SourceVersion: doc.OpenAPI}, Options{SpecFile: "openapi.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func typeNamed(svc *model.Service, name string) *model.Type {
	for _, t := range svc.Types {
		if t.Name == name {
			return t
		}
	}
	return nil
}

const typesSpec = `
openapi: 3.0.3
info: {title: Type Mapping, version: "1"}
paths: {}
components:
  schemas:
    Everything:
      type: object
      required: [id, count, tags, when]
      properties:
        id: {type: string, format: uuid}
        count: {type: integer, format: int32, minimum: 1, maximum: 10}
        big: {type: integer}
        ratio: {type: number, format: float}
        price: {type: number}
        ok: {type: boolean}
        when: {type: string, format: date-time}
        day: {type: string, format: date}
        blob: {type: string, format: byte}
        email: {type: string, format: email}
        tags: {type: array, items: {type: string}, minItems: 1}
        labels: {type: object, additionalProperties: {type: integer}}
        free: {}
        note: {type: string, nullable: true}
        need: {type: string, nullable: true}
        status: {type: string, enum: [open, in-progress, "2nd"]}
        child: {type: object, properties: {name: {type: string}}}
        tree: {$ref: '#/components/schemas/Tree'}
    Tree:
      type: object
      properties:
        children: {type: array, items: {$ref: '#/components/schemas/Tree'}}
    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      discriminator:
        propertyName: kind
        mapping: {cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}
    Cat: {type: object, required: [kind], properties: {kind: {type: string}, purrs: {type: boolean}}}
    Dog: {type: object, required: [kind], properties: {kind: {type: string}, barks: {type: boolean}}}
    Merged:
      allOf:
        - $ref: '#/components/schemas/Cat'
        - type: object
          required: [name]
          properties: {name: {type: string}}
    Problem: {type: object, properties: {title: {type: string}}}
    Service: {type: object, properties: {name: {type: string}}}
    user_id: {type: object, properties: {a: {type: string}}}
    userId: {type: object, properties: {b: {type: string}}}
`

func TestTypeMapping(t *testing.T) {
	svc := buildYAML(t, typesSpec)
	ev := typeNamed(svc, "Everything")
	if ev == nil {
		t.Fatal("no Everything type")
	}
	want := map[string]string{
		"id": "string", "count": "int32", "big": "*int64", "ratio": "*float32",
		"price": "*float64", "ok": "*bool", "when": "time.Time", "day": "*svcgen.Date",
		"blob": "[]byte", "email": "*string", "tags": "[]string",
		"labels": "map[string]int64", "free": "json.RawMessage",
		"note": "svcgen.Nullable[string]", "status": "*EverythingStatus",
		"child": "*EverythingChild", "tree": "*Tree",
	}
	for name, goType := range want {
		f := fieldNamed(ev, name)
		if f == nil {
			t.Errorf("no field %q", name)
			continue
		}
		if f.GoType != goType {
			t.Errorf("field %q: Go type %s, want %s", name, f.GoType, goType)
		}
	}
	if f := fieldNamed(ev, "id"); f.Type.Format != "uuid" {
		t.Errorf("uuid format not kept: %q", f.Type.Format)
	}
	if c := fieldNamed(ev, "count").Type.Check; c == nil || c.Minimum.Literal != "1" || c.Maximum.Literal != "10" {
		t.Errorf("count bounds: %+v", c)
	}
	if got := len(ev.Required); got != 4 {
		t.Errorf("%d required fields, want 4", got)
	}
	if !ev.Custom {
		t.Error("a struct with required fields needs its own codec")
	}

	status := typeNamed(svc, "EverythingStatus")
	if status == nil || status.Kind != model.TypeEnum {
		t.Fatalf("EverythingStatus: %+v", status)
	}
	var consts []string
	for _, v := range status.Values {
		consts = append(consts, v.GoName)
	}
	if got := strings.Join(consts, " "); got != "EverythingStatusOpen EverythingStatusInProgress EverythingStatus2nd" {
		t.Errorf("enum constants: %s", got)
	}

	pet := typeNamed(svc, "Pet")
	if pet == nil || pet.Kind != model.TypeUnion || pet.Discriminator != "kind" || len(pet.Variants) != 2 {
		t.Fatalf("Pet: %+v", pet)
	}
	if v := pet.Variants[0]; v.GoName != "Cat" || strings.Join(v.Tags, ",") != "cat" {
		t.Errorf("first variant %s tags %v", v.GoName, v.Tags)
	}

	merged := typeNamed(svc, "Merged")
	if merged == nil || fieldNamed(merged, "kind") == nil || fieldNamed(merged, "name") == nil || len(merged.Required) != 2 {
		t.Errorf("allOf not merged: %+v", merged)
	}

	if typeNamed(svc, "Problem") == nil {
		t.Error("a schema named Problem keeps its name: the runtime lives in a package of its own")
	}
	if typeNamed(svc, "Service2") == nil {
		t.Error("a schema named Service must leave the name to the Service interface")
	}
	if typeNamed(svc, "UserID") == nil || typeNamed(svc, "UserID2") == nil {
		t.Error("user_id and userId must become UserID and UserID2")
	}
	tree := typeNamed(svc, "Tree")
	if f := fieldNamed(tree, "children"); f == nil || f.GoType != "[]Tree" {
		t.Errorf("recursive Tree.children: %+v", f)
	}
}

func TestServiceName(t *testing.T) {
	for in, want := range map[string]string{
		"Orders API":   "ordersapi",
		"":             "service",
		"3D Printing":  "service3dprinting",
		"type":         "typesvc",
		"Données":      "donnes",
		"Pet-Store v2": "petstorev2",
	} {
		if got := ServiceName(in); got != want {
			t.Errorf("ServiceName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBuildVersion(t *testing.T) {
	for in, want := range map[string]string{
		"1.0.0":                  "1.0.0",
		"":                       "dev",
		"2024-01-01 (beta)":      "2024-01-01--beta-",
		"v1+build.5":             "v1-build.5",
		"-x":                     "x",
		"'; rm -rf /":            "rm--rf--",
		strings.Repeat("a", 200): strings.Repeat("a", 128),
	} {
		if got := buildVersion(in); got != want {
			t.Errorf("buildVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDeployName(t *testing.T) {
	for in, want := range map[string]string{
		"orders":                 "orders",
		"order_items_":           "order-items",
		"_1st":                   "svc-1st",
		"_":                      "svc",
		strings.Repeat("ab", 30): strings.Repeat("ab", 20),
	} {
		if got := deployName(in); got != want {
			t.Errorf("deployName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBasePathAndPatterns(t *testing.T) {
	svc := buildYAML(t, `
openapi: 3.0.3
info: {title: Paths, version: "1"}
servers: [{url: "https://{host}/api/v2/", variables: {host: {default: example.com}}}]
paths:
  /:
    get: {responses: {"204": {description: ok}}}
  /files/{name}.json:
    get:
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses: {"204": {description: ok}}
  /a/{file.name}:
    get:
      operationId: get a file
      parameters: [{name: file.name, in: path, required: true, schema: {type: string}}]
      responses: {"204": {description: ok}}
`)
	if svc.BasePath != "/api/v2" {
		t.Errorf("base path %q", svc.BasePath)
	}
	got := map[string]string{}
	for _, op := range svc.Operations {
		got[op.GoName] = op.Pattern
	}
	want := map[string]string{
		"Get":              "GET /api/v2/{$}",
		"GetFilesNameJSON": "GET /api/v2/files/{name}",
		"GetAFile":         "GET /api/v2/a/{p1}",
	}
	for _, op := range svc.Operations {
		if op.GoName == "GetFilesNameJSON" && (op.Params[0].Suffix != ".json" || op.Params[0].Wildcard != "name") {
			t.Errorf("{name}.json: wildcard %q suffix %q", op.Params[0].Wildcard, op.Params[0].Suffix)
		}
	}
	for name, pattern := range want {
		if got[name] != pattern {
			t.Errorf("%s: pattern %q, want %q (all: %v)", name, got[name], pattern, got)
		}
	}
}

// Integer enums whose values are written as strings (bungie.net writes
// "1", "2", "4"...) keep their values; one with no integer at all is a
// plain integer, not a type refusing every value.
func TestIntegerEnumValuesAsStrings(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(`
openapi: 3.0.3
info: {title: Enums, version: "1"}
paths: {}
components:
  schemas:
    Scopes: {type: integer, format: int64, enum: ["1", "2", 4, "x"]}
    Nothing: {type: integer, enum: ["a", "b"]}
`))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := Build(&load.Spec{Path: "test.yaml", Doc: doc, SourceVersion: doc.OpenAPI}, Options{SpecFile: "openapi.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	scopes := typeNamed(svc, "Scopes")
	if scopes == nil || scopes.Kind != model.TypeEnum {
		t.Fatalf("Scopes: %+v", scopes)
	}
	var lits []string
	for _, v := range scopes.Values {
		lits = append(lits, v.Literal)
	}
	if got := strings.Join(lits, " "); got != "1 2 4" {
		t.Errorf("Scopes values %q, want 1 2 4", got)
	}
	if n := typeNamed(svc, "Nothing"); n != nil && n.Kind == model.TypeEnum {
		t.Errorf("Nothing is an enum with values %v: it would refuse every integer", n.Values)
	}
	var notes []string
	for _, c := range svc.Coverage.Items {
		notes = append(notes, c.Pointer+": "+c.What+" → "+c.Outcome)
	}
	for _, want := range []string{
		`#/components/schemas/Scopes: integer enum with values written as strings → read as the integers they spell`,
		`#/components/schemas/Scopes: enum value "x" is not an integer → value left out`,
		`#/components/schemas/Nothing: integer enum without an integer value → plain integer, values not checked`,
	} {
		if !strings.Contains(strings.Join(notes, "\n"), want) {
			t.Errorf("coverage lacks %q; has:\n%s", want, strings.Join(notes, "\n"))
		}
	}
}

// The JSON decoder takes every JSON media type, so offering several is no
// degradation; a media range is never used as a Content-Type.
func TestJSONMediaTypes(t *testing.T) {
	svc := buildYAML(t, `
openapi: 3.0.3
info: {title: Media, version: "1"}
paths:
  /things:
    post:
      operationId: addThing
      requestBody:
        content:
          application/*+json: {schema: {type: object}}
          text/json: {schema: {type: object}}
          application/json: {schema: {type: object}}
      responses:
        '201':
          description: Added.
          content:
            application/*+json: {schema: {type: object}}
    put:
      operationId: putThing
      requestBody:
        content:
          application/xml: {schema: {type: object}}
          text/json: {schema: {type: object}}
      responses:
        '204': {description: Done.}
`)
	ops := map[string]*model.Operation{}
	for _, op := range svc.Operations {
		ops[op.GoName] = op
	}
	add, put := ops["AddThing"], ops["PutThing"]
	if add == nil || put == nil {
		t.Fatalf("operations: %v", ops)
	}
	if add.Body.ContentType != "application/json" || add.Body.Kind != model.BodyJSON {
		t.Errorf("AddThing body %s (%s), want application/json", add.Body.ContentType, add.Body.Kind)
	}
	if ct := add.Responses[0].ContentType; ct != "application/json" {
		t.Errorf("AddThing response sent as %q, want application/json", ct)
	}
	if put.Body.ContentType != "text/json" || put.Body.Kind != model.BodyJSON {
		t.Errorf("PutThing body %s (%s), want text/json read as JSON", put.Body.ContentType, put.Body.Kind)
	}
	var notes []string
	for _, c := range svc.Coverage.Items {
		notes = append(notes, c.Pointer+": "+c.What+" → "+c.Outcome)
	}
	want := `#/paths/~1things/put/requestBody/content: request content types "application/xml" → only text/json is accepted`
	if strings.Join(notes, "\n") != want {
		t.Errorf("coverage:\n%s\nwant only:\n%s", strings.Join(notes, "\n"), want)
	}
}

// A JSON body reads the forms the spec gives the same schema, without
// file parts; other forms stay refused, and reported.
func TestFormAlternatives(t *testing.T) {
	svc := buildYAML(t, `
openapi: 3.0.3
info: {title: Forms, version: "1"}
paths:
  /same:
    post:
      operationId: same
      requestBody:
        content:
          application/json: {schema: {$ref: '#/components/schemas/Note'}}
          application/x-www-form-urlencoded: {schema: {$ref: '#/components/schemas/Note'}}
          multipart/form-data: {schema: {$ref: '#/components/schemas/Note'}}
      responses: {'204': {description: Done.}}
  /other:
    post:
      operationId: other
      requestBody:
        content:
          application/json: {schema: {$ref: '#/components/schemas/Note'}}
          application/x-www-form-urlencoded: {schema: {type: object, properties: {x: {type: string}}}}
          multipart/form-data:
            schema: {type: object, properties: {text: {type: string}, file: {type: string, format: binary}}}
      responses: {'204': {description: Done.}}
components:
  schemas:
    Note: {type: object, required: [text], properties: {text: {type: string}}}
`)
	ops := map[string]*model.Operation{}
	for _, op := range svc.Operations {
		ops[op.GoName] = op
	}
	if got := strings.Join(ops["Same"].Body.FormTypes, " "); got != "application/x-www-form-urlencoded multipart/form-data" {
		t.Errorf("Same reads forms %q", got)
	}
	if len(ops["Same"].Body.Fields) != 1 || len(ops["Same"].Example.Forms) != 2 {
		t.Errorf("Same: form fields %v, form examples %v", ops["Same"].Body.Fields, ops["Same"].Example.Forms)
	}
	if got := ops["Other"].Body.FormTypes; len(got) != 0 {
		t.Errorf("Other reads forms of another schema: %v", got)
	}
	var notes []string
	for _, c := range svc.Coverage.Items {
		notes = append(notes, c.Pointer+": "+c.What+" → "+c.Outcome)
	}
	want := `#/paths/~1other/post/requestBody/content: request content types "application/x-www-form-urlencoded", "multipart/form-data" → only application/json is accepted`
	if strings.Join(notes, "\n") != want {
		t.Errorf("coverage:\n%s\nwant only:\n%s", strings.Join(notes, "\n"), want)
	}
}

// ServeMux refuses a pattern beside another that matches some of the same
// paths, neither more specific: the refused operation is routed by its
// method's catch-all route (Fallback), with a coverage note. One matching
// exactly the same paths as a routed one could never be reached: skipped.
func TestFallbackRoutes(t *testing.T) {
	svc := buildYAML(t, `
openapi: 3.0.3
info: {title: Routes, version: "1"}
paths:
  /issues/comments/{commentId}:
    get: {operationId: getComment, parameters: [{name: commentId, in: path, required: true, schema: {type: integer}}], responses: {"204": {description: ok}}}
  /issues/{number}/comments:
    get: {operationId: listComments, parameters: [{name: number, in: path, required: true, schema: {type: integer}}], responses: {"204": {description: ok}}}
    post: {operationId: addComment, parameters: [{name: number, in: path, required: true, schema: {type: integer}}], responses: {"204": {description: ok}}}
  /issues/{number}:
    get: {operationId: getIssue, parameters: [{name: number, in: path, required: true, schema: {type: integer}}], responses: {"204": {description: ok}}}
  /files/{id}:
    get: {operationId: getFile, parameters: [{name: id, in: path, required: true, schema: {type: integer}}], responses: {"204": {description: ok}}}
  /files/{name}.json:
    get: {operationId: getFileJSON, parameters: [{name: name, in: path, required: true, schema: {type: string}}], responses: {"204": {description: ok}}}
  /tickets/{ticket}:
    get: {operationId: getTicket, parameters: [{name: ticket, in: path, required: true, schema: {type: integer}}], responses: {"204": {description: ok}}}
`)
	fallback := map[string]bool{}
	for _, op := range svc.Operations {
		fallback[op.GoName] = op.Fallback
	}
	want := map[string]bool{"GetComment": false, "ListComments": true, "AddComment": false, "GetIssue": false, "GetTicket": false, "GetFile": false}
	for name, f := range want {
		if got, ok := fallback[name]; !ok || got != f {
			t.Errorf("%s: routed %v, fallback %v; want fallback %v", name, ok, got, f)
		}
	}
	if _, ok := fallback["GetFileJSON"]; ok {
		t.Error("GET /files/{name}.json is routed, though GET /files/{id} takes every request it matches")
	}
	if !slices.Equal(svc.FallbackMethods, []string{"GET"}) {
		t.Errorf("fallback methods %v, want [GET]", svc.FallbackMethods)
	}
	var notes []string
	for _, c := range svc.Coverage.Items {
		notes = append(notes, c.Status+" "+c.What+" → "+c.Outcome)
	}
	all := strings.Join(notes, "\n")
	for _, s := range []string{
		`degraded route GET /issues/{number}/comments → matched by the handler itself, as ServeMux cannot tell it from "GET /issues/comments/{commentId}"; a path both match (such as "/issues/comments/comments") goes to that one`,
		`skipped operation GET /files/{name}.json → not routed: pattern "GET /files/{name}" conflicts with pattern "GET /files/{id}": GET /files/{name} matches the same requests as GET /files/{id}`,
	} {
		if !strings.Contains(all, s) {
			t.Errorf("coverage lacks %q:\n%s", s, all)
		}
	}
	if svc.NotAllowed == nil || svc.NotAllowed.Value != "/issues/1/comments" {
		t.Errorf("405 test request %+v, want one on the fallback route's path", svc.NotAllowed)
	}
}

// A segment of several parameters is one wildcard, split at its literal
// texts by the handler; two parameters with nothing between them cannot be
// told apart and are reported.
func TestSegmentOfSeveralParameters(t *testing.T) {
	svc := buildYAML(t, `
openapi: 3.0.3
info: {title: Segments, version: "1"}
paths:
  /compare/v{base}...{head}.diff:
    get:
      operationId: compare
      parameters:
        - {name: base, in: path, required: true, schema: {type: string}}
        - {name: head, in: path, required: true, schema: {type: integer}}
      responses: {"204": {description: ok}}
  /glued/{a}{b}:
    get:
      operationId: glued
      parameters:
        - {name: a, in: path, required: true, schema: {type: string}}
        - {name: b, in: path, required: true, schema: {type: string}}
      responses: {"204": {description: ok}}
`)
	if len(svc.Operations) != 1 {
		t.Fatalf("%d operations, want 1 (glued is not generated)", len(svc.Operations))
	}
	op := svc.Operations[0]
	if op.Pattern != "GET /compare/{base_head}" {
		t.Errorf("pattern %q", op.Pattern)
	}
	for i, p := range op.Params {
		if p.Wildcard != "base_head" || !slices.Equal(p.Segment, []string{"v", "...", ".diff"}) || p.SegmentIndex != i {
			t.Errorf("param %s: wildcard %q segment %q index %d", p.Name, p.Wildcard, p.Segment, p.SegmentIndex)
		}
	}
	if op.Example.Path != "/compare/va...1.diff" {
		t.Errorf("example path %q", op.Example.Path)
	}
	found := false
	for _, c := range svc.Coverage.Items {
		if c.Status == "skipped" && c.What == `path segment "{a}{b}"` && strings.Contains(c.Outcome, "cannot be told apart") {
			found = true
		}
	}
	if !found {
		t.Errorf("no coverage note for /glued/{a}{b}: %+v", svc.Coverage.Items)
	}
}

func TestSplitSegment(t *testing.T) {
	for _, c := range []struct {
		seg, lits, names, problem string
	}{
		{"{base}...{head}", `"" "..." ""`, "base head", ""},
		{"v{a}.{b}.diff", `"v" "." ".diff"`, "a b", ""},
		{"{a}{b}", "", "", "its parameters cannot be told apart (no text between two of them)"},
		{"{a}.{a}", "", "", `it names parameter "a" twice`},
		{"{a}}.{b}", "", "", "its braces do not pair"},
		{"{a}.{b", "", "", "its braces do not pair"},
		{"{a}.{}", "", "", "its braces do not pair"},
	} {
		lits, names, problem := splitSegment(c.seg)
		var quoted []string
		for _, l := range lits {
			quoted = append(quoted, strconv.Quote(l))
		}
		if strings.Join(quoted, " ") != c.lits || strings.Join(names, " ") != c.names || problem != c.problem {
			t.Errorf("%q: %v %v %q, want %s / %s / %q", c.seg, quoted, names, problem, c.lits, c.names, c.problem)
		}
	}
}
