package build

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/svcgen/svcgen/generator/load"
	"github.com/svcgen/svcgen/generator/model"
)

// asyncSpec is a service whose events an AsyncAPI document declares;
// asyncBuild builds it with the document's components.schemas given.
const asyncSpec = `openapi: 3.0.3
info: {title: Orders, version: "1"}
x-svcgen-events:
  asyncapi: events/orders.asyncapi.yaml
paths: {}
components:
  schemas:
    Order:
      type: object
      required: [id]
      properties:
        id: {type: integer, format: int64}
`

// asyncBuild builds asyncSpec with an AsyncAPI document of the given
// channels and components.schemas, each operation sending on its channel.
func asyncBuild(t *testing.T, channels, schemas string) (*model.Service, error) {
	t.Helper()
	var ops strings.Builder
	for _, line := range strings.Split(channels, "\n") {
		if strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") && strings.HasSuffix(line, ":") {
			id := strings.TrimSuffix(strings.TrimSpace(line), ":")
			ops.WriteString("  " + id + ":\n    action: send\n    channel: {$ref: '#/channels/" + id + "'}\n")
		}
	}
	doc := "asyncapi: 3.0.0\ninfo: {title: Order events, version: \"1\"}\nchannels:\n" + channels + "operations:\n" + ops.String()
	if schemas != "" {
		doc += "components:\n  schemas:\n" + schemas
	}
	fsys := fstest.MapFS{
		"spec.yaml":                   {Data: []byte(asyncSpec)},
		"events/orders.asyncapi.yaml": {Data: []byte(doc)},
	}
	spec, _, err := load.LoadFS(context.Background(), fsys, "spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return Build(spec, Options{Name: "orders", SpecFile: "openapi.json"})
}

func TestAsyncAPIPayloads(t *testing.T) {
	svc, err := asyncBuild(t, `  placed:
    address: orders.order.placed
    messages:
      m:
        payload:
          type: object
          required: [orderId]
          properties:
            orderId: {type: integer, format: int64, minimum: 1}
            note: {$ref: '#/components/schemas/Note'}
  noted:
    address: orders.order.noted
    messages:
      m: {payload: {$ref: '#/components/schemas/Note'}}
  shipped:
    address: orders.order.shipped
    messages:
      m: {payload: {$ref: '../spec.yaml#/components/schemas/Order'}}
  aliased:
    address: orders.order.aliased
    messages:
      m: {payload: {$ref: '#/components/schemas/Order'}}
`, `    Note:
      type: object
      required: [text]
      properties:
        text: {type: string, minLength: 1}
        order: {$ref: '../spec.yaml#/components/schemas/Order'}
    Order: {$ref: '../spec.yaml#/components/schemas/Order'}
    Unused:
      type: object
      properties:
        x: {type: string}
`)
	if err != nil {
		t.Fatal(err)
	}
	payloads := map[string]string{}
	for _, d := range svc.Events.Declared {
		payloads[d.Event] = d.Payload.Name
	}
	// Inline: named after its event; a component: its name; the OpenAPI
	// document's schema, by a path to its file or through an alias of the
	// same name: that schema's type.
	want := map[string]string{"order.placed": "OrderPlaced", "order.noted": "Note", "order.shipped": "Order", "order.aliased": "Order"}
	for ev, name := range want {
		if payloads[ev] != name {
			t.Errorf("payload of %s: %q, want %q", ev, payloads[ev], name)
		}
	}
	note := typeNamed(svc, "Note")
	if note == nil || !note.Validates || note.Origin != "events/orders.asyncapi.yaml#/components/schemas/Note" {
		t.Fatalf("Note: %+v", note)
	}
	for _, f := range note.Fields {
		if f.Name == "order" && (f.Type.Named == nil || f.Type.Named.Name != "Order") {
			t.Errorf("Note.order is %s, want the OpenAPI document's Order", f.Type.GoType)
		}
	}
	placed := typeNamed(svc, "OrderPlaced")
	if placed == nil || len(placed.Fields) != 2 || placed.Fields[0].Type.Named != note {
		t.Errorf("OrderPlaced: %+v", placed)
	}
	// Schemas no sent event uses (a received event's, say) make no type.
	if typeNamed(svc, "Unused") != nil || typeNamed(svc, "Order2") != nil {
		t.Error("a type for a schema no payload uses")
	}
}

func TestAsyncAPIPayloadErrors(t *testing.T) {
	one := func(payload string) string {
		return "  placed:\n    address: orders.order.placed\n    messages:\n      m:\n        payload: " + payload + "\n"
	}
	for _, c := range []struct {
		name, channels, schemas, want string
	}{
		{"clash", one("{$ref: '#/components/schemas/Order'}"), "    Order: {type: object, properties: {x: {type: string}}}\n",
			"events/orders.asyncapi.yaml#/components/schemas/Order: the OpenAPI document has a schema Order too (spec.yaml#/components/schemas/Order); svcgen refuses to guess which one package api's Order is: rename one, or make this one $ref: '../spec.yaml#/components/schemas/Order'"},
		{"missing", one("{$ref: '#/components/schemas/Nope'}"), "",
			"events/orders.asyncapi.yaml#/channels/placed/messages/m/payload: $ref \"#/components/schemas/Nope\": the AsyncAPI document has no schema Nope"},
		{"nested missing", one("{$ref: '#/components/schemas/A'}"), "    A: {type: object, properties: {b: {$ref: '#/components/schemas/B'}}}\n",
			"events/orders.asyncapi.yaml#/components/schemas/A/properties/b: $ref \"#/components/schemas/B\": the AsyncAPI document has no schema B"},
		{"other file", one("{$ref: '../common.yaml#/components/schemas/Money'}"), "",
			"$ref \"../common.yaml#/components/schemas/Money\": svcgen reads schemas of the AsyncAPI document"},
		{"alias loop", one("{$ref: '#/components/schemas/A'}"), "    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n",
			"events/orders.asyncapi.yaml#/components/schemas/B: $ref \"#/components/schemas/A\": a chain of $refs that comes back on itself"},
		{"not an object", one("{type: string}"), "",
			"event order.placed needs a message whose payload is an object schema"},
		{"schema format", one("{schemaFormat: application/vnd.apache.avro;version=1.9.0, schema: {type: record}}"), "",
			"schemaFormat \"application/vnd.apache.avro;version=1.9.0\": svcgen reads AsyncAPI, JSON Schema and OpenAPI schemas"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := asyncBuild(t, c.channels, c.schemas)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}
