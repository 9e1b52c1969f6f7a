package build

import (
	"os"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/generator/model"
)

// TestConversionsDecided checks what the workshop example's CRUD
// operations were decided to do with each property: converted, adapted,
// defaulted, or left out and reported.
func TestConversionsDecided(t *testing.T) {
	src, err := os.ReadFile("../../spec/workshop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	svc := buildYAML(t, string(src))
	conv := map[string]*model.Converter{}
	for _, c := range svc.Converters {
		conv[c.Func] = c
	}
	in := conv["gadgetFromGadgetInput"]
	if in == nil {
		t.Fatalf("no converter from GadgetInput to Gadget among %v", svc.Converters)
	}
	copies := map[string]string{}
	for _, c := range in.Copies {
		copies[c.To] = c.If + " → " + c.Value + " | " + c.Else
	}
	for field, want := range map[string]string{
		"Size":   " → int64(in.Size) | ",                             // int32 widened
		"Color":  " → api.GadgetColor(in.Color) | ",                  // enum of fewer values
		"Label":  "in.Label != nil → svcgen.Value(*in.Label) | ",     // pointer into Nullable
		"Finish": " →  | out.Finish = svcgen.Ptr[string](\"matte\")", // not in the input: default
		"Parts":  " → gadgetPartsItemSliceFromGadgetInputPartsItemSlice(in.Parts) | ",
		"Shape":  "in.Shape != nil → svcgen.Ptr(gadgetShapeFromGadgetInputShape(*in.Shape)) | ",
	} {
		if copies[field] != want {
			t.Errorf("%s: %q, want %q", field, copies[field], want)
		}
	}
	if _, ok := copies["Weight"]; ok {
		t.Errorf("Weight (a number stored, free text sent) is copied: %s", copies["Weight"])
	}
	var ops = map[string]*model.Operation{}
	for _, op := range svc.Operations {
		ops[op.GoName] = op
	}
	if got := ops["ReplaceGadget"].Answer; got != "gadgetSummaryFromGadget(*v)" {
		t.Errorf("ReplaceGadget answers %q", got)
	}
	if got := strings.Join(ops["UpdateGadget"].PatchKeys, " "); got != `"label" "name" "size"` {
		t.Errorf("UpdateGadget patches %s, want label, name and size (not weight)", got)
	}
	if pg := ops["ListGadgets"].Page; pg == nil || !pg.Count || len(pg.Fields) != 3 {
		t.Errorf("ListGadgets page: %+v", pg)
	}
	var reported []string
	for _, it := range svc.Coverage.Items {
		reported = append(reported, it.Pointer)
	}
	want := []string{
		"#/components/schemas/Gadget/properties/weight",
		"#/components/schemas/GadgetPatch/properties/weight",
		"#/components/schemas/GadgetSummary/properties/size",
	}
	if strings.Join(reported, " ") != strings.Join(want, " ") {
		t.Errorf("coverage reports %v, want %v", reported, want)
	}
}

// TestCursorPage checks a cursor parameter pages the default list and the
// next cursor goes where the page object has a place for it.
func TestCursorPage(t *testing.T) {
	svc := buildYAML(t, `
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /notes:
    get:
      operationId: listNotes
      parameters:
        - {name: limit, in: query, schema: {type: integer, format: int32}}
        - {name: after, in: query, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties:
                  data: {type: array, items: {$ref: '#/components/schemas/Note'}}
                  next_cursor: {type: string, nullable: true}
                  has_more: {type: boolean}
  /notes/{id}:
    get:
      operationId: getNote
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer, format: int64}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Note'}
components:
  schemas:
    Note:
      type: object
      required: [id]
      properties:
        id: {type: integer, format: int64}
`)
	if len(svc.Resources) != 1 || svc.Resources[0].Cursor == nil || svc.Resources[0].Cursor.Name != "after" {
		t.Fatalf("resources %+v: want Note paged by the cursor after", svc.Resources)
	}
	pg := svc.Resources[0].List.Page
	got := map[string]string{}
	for _, f := range pg.Fields {
		got[f.GoName] = f.If + " → " + f.Value
	}
	want := map[string]string{
		"Data":       " → items",
		"NextCursor": "more → svcgen.Value(store.Cursor(items[len(items)-1].ID))",
		"HasMore":    " → svcgen.Ptr(more)",
	}
	if !pg.Probe || pg.Count || len(got) != len(want) {
		t.Fatalf("page %+v %v", pg, got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if len(svc.Coverage.Items) != 0 {
		t.Errorf("coverage %v, want nothing degraded", svc.Coverage.Items)
	}
}

// TestPatchNestedMismatch checks a patch property whose nested object
// types a property differently is not patched (its JSON would not decode
// into the stored value), while one whose nested object fits is.
func TestPatchNestedMismatch(t *testing.T) {
	svc := buildYAML(t, `
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /boxes/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getBox
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Box'}}}}
    patch:
      operationId: patchBox
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                size: {type: object, properties: {w: {type: string}}}
                lid: {type: object, properties: {color: {type: string, enum: [red]}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Box'}}}}
components:
  schemas:
    Box:
      type: object
      required: [id]
      properties:
        id: {type: string}
        size: {type: object, properties: {w: {type: integer}}}
        lid: {type: object, properties: {color: {type: string, enum: [red, blue]}}}
`)
	var patch *model.Operation
	for _, op := range svc.Operations {
		if op.CRUD == "patch" {
			patch = op
		}
	}
	if patch == nil || strings.Join(patch.PatchKeys, " ") != `"lid"` {
		t.Fatalf("patch keys %v, want lid alone", patch)
	}
	if len(svc.Coverage.Items) != 1 || !strings.HasSuffix(svc.Coverage.Items[0].Pointer, "/properties/size") {
		t.Errorf("coverage %v, want the patch's size reported", svc.Coverage.Items)
	}
}

// TestWrappedItem checks creates whose body and answer wrap the item in an
// object ({"widget": {...}}): the default create stores the wrapped item
// and answers it wrapped, leaving nothing to the create hook; a body that
// carries the item's own required properties beside an item-typed one is
// converted property by property as before.
func TestWrappedItem(t *testing.T) {
	const spec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /widgets:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [widget]
              properties:
                widget: {$ref: '#/components/schemas/Widget'}
                dryRun: {type: boolean}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema:
                type: object
                required: [widget]
                properties:
                  widget: {$ref: '#/components/schemas/Widget'}
                  warnings: {type: array, items: {type: string}}
  /widgets/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer, format: int64}}
      responses:
        '200':
          description: the widget
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Widget'}
  /gadgets:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name, like]
              properties:
                name: {type: string, minLength: 1}
                like: {$ref: '#/components/schemas/Gadget'}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Gadget'}
  /gadgets/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer, format: int64}}
      responses:
        '200':
          description: the gadget
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Gadget'}
components:
  schemas:
    Widget:
      type: object
      required: [name]
      properties:
        id: {type: integer, format: int64, readOnly: true}
        name: {type: string, minLength: 1}
        size: {type: integer, format: int32, default: 3}
    Gadget:
      type: object
      required: [name]
      properties:
        id: {type: integer, format: int64, readOnly: true}
        name: {type: string, minLength: 1}
        like: {$ref: '#/components/schemas/Gadget'}
`
	svc := buildYAML(t, spec)
	res := map[string]*model.Resource{}
	for _, r := range svc.Resources {
		res[r.Name] = r
	}
	w := res["Widget"]
	if w == nil || w.Create == nil {
		t.Fatalf("no Widget resource with a create: %v", svc.Resources)
	}
	for what, got := range map[string][2]string{
		"FromBody":    {w.Create.FromBody, "req.Body.Widget"},
		"Answer":      {w.Create.Answer, "api.PostWidgets201ResponseBody{Widget: v}"},
		"SentIn":      {w.SentIn, "widget"},
		"AnsweredIn":  {w.AnsweredIn, "widget"},
		"StoreSample": {w.StoreSample, `{"name":"a"}`},
		"Complete":    {w.Complete, ""},
	} {
		if got[0] != got[1] {
			t.Errorf("Widget's %s: %q, want %q", what, got[0], got[1])
		}
	}
	if len(w.Strict) != 0 {
		t.Errorf("Widget has strictness cases, which edit the sample's top level: %v", w.Strict)
	}
	g := res["Gadget"]
	if g == nil || g.Create == nil {
		t.Fatalf("no Gadget resource with a create: %v", svc.Resources)
	}
	if g.SentIn != "" || !strings.HasPrefix(g.Create.FromBody, "gadgetFrom") {
		t.Errorf("a body with the Gadget's own name is no wrapper: SentIn %q, FromBody %q", g.SentIn, g.Create.FromBody)
	}
}
