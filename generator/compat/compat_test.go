package compat

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/generator/build"
	"github.com/svcgen/svcgen/generator/load"
	"github.com/svcgen/svcgen/generator/model"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// buildSpec loads and builds a spec given inline, the way svcgen does.
func buildSpec(t *testing.T, name, src string) *model.Service {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, _, err := load.Load(context.Background(), path)
	if err != nil {
		t.Fatalf("load %s: %v\n%s", name, err, src)
	}
	svc, err := build.Build(spec, build.Options{SpecFile: "openapi.yaml"})
	if err != nil {
		t.Fatalf("build %s: %v", name, err)
	}
	return svc
}

// edit applies replacements to a spec, each of an old text that occurs
// exactly once, so that a case shows only what it changes.
func edit(t *testing.T, src string, oldNew ...string) string {
	t.Helper()
	for i := 0; i+1 < len(oldNew); i += 2 {
		if n := strings.Count(src, oldNew[i]); n != 1 {
			t.Fatalf("edit: %q occurs %d times, want once", oldNew[i], n)
		}
		src = strings.Replace(src, oldNew[i], oldNew[i+1], 1)
	}
	return src
}

// ordersSpec is the starting point of most cases.
const ordersSpec = `openapi: 3.0.3
info: {title: Orders, version: "1"}
servers: [{url: /v1}]
paths:
  /orders:
    get:
      operationId: listOrders
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
        - {name: status, in: query, schema: {type: string, enum: [open, shipped]}}
        - {name: tag, in: query, schema: {type: array, items: {type: string}}}
      responses:
        "200":
          description: Orders.
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Order'}}
    post:
      operationId: createOrder
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewOrder'}
      responses:
        "201":
          description: Created.
          headers:
            Location: {schema: {type: string}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
        "400": {description: Bad request.}
  /orders/{orderId}:
    get:
      operationId: getOrder
      parameters:
        - {name: orderId, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The order.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
        "404": {description: Not found.}
components:
  schemas:
    NewOrder:
      type: object
      required: [customer, items]
      properties:
        customer: {type: string, minLength: 1, maxLength: 50}
        note: {type: string, nullable: true}
        items:
          type: array
          maxItems: 10
          items:
            type: object
            required: [sku, qty]
            properties:
              sku: {type: string, pattern: '^[A-Z0-9]+$'}
              qty: {type: integer, format: int32, minimum: 1}
              price: {type: number, maximum: 1000}
    Order:
      type: object
      required: [id, customer, status, total]
      properties:
        id: {type: string}
        customer: {type: string}
        status: {type: string, enum: [open, shipped]}
        total: {type: number}
        placed: {type: string, format: date-time}
        note: {type: string}
`

// orderField lists a change to a field of Order, which all three
// operations return.
func orderField(breaking bool, kind, field string) []want {
	return []want{
		{breaking, kind, "GET /orders response 200 []." + field},
		{breaking, kind, "GET /orders/{orderId} response 200 ." + field},
		{breaking, kind, "POST /orders response 201 ." + field},
	}
}

const categoriesSpec = `openapi: 3.0.3
info: {title: Categories, version: "1"}
paths:
  /categories:
    get:
      responses:
        "200":
          description: The tree.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Category'}
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Category'}
      responses:
        "204": {description: Stored.}
components:
  schemas:
    Category:
      type: object
      required: [name]
      properties:
        name: {type: string}
        parent: {$ref: '#/components/schemas/Category'}
        children:
          type: array
          items: {$ref: '#/components/schemas/Category'}
`

// graphSpec has two types that refer to each other, both reachable from
// the top: a change inside A shows under .a and under .b.a.
const graphSpec = `openapi: 3.0.3
info: {title: Graph, version: "1"}
paths:
  /graph:
    get:
      responses:
        "200":
          description: The graph.
          content:
            application/json:
              schema:
                type: object
                properties:
                  a: {$ref: '#/components/schemas/A'}
                  b: {$ref: '#/components/schemas/B'}
components:
  schemas:
    A:
      type: object
      properties:
        name: {type: string}
        b: {$ref: '#/components/schemas/B'}
    B:
      type: object
      properties:
        a: {$ref: '#/components/schemas/A'}
`

const petsSpec = `openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        "201":
          description: Created.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      discriminator: {propertyName: kind}
    Cat:
      type: object
      required: [kind]
      properties:
        kind: {type: string}
        purrs: {type: boolean}
    Dog:
      type: object
      required: [kind]
      properties:
        kind: {type: string}
        barks: {type: boolean}
`

const swaggerSpec = `swagger: "2.0"
info: {title: Pets, version: "1"}
basePath: /api
consumes: [application/json]
produces: [application/json]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, type: integer, maximum: 50}
      responses:
        "200":
          description: Pets.
          schema: {type: array, items: {$ref: '#/definitions/Pet'}}
    post:
      operationId: createPet
      parameters:
        - {name: pet, in: body, required: true, schema: {$ref: '#/definitions/Pet'}}
      responses:
        "201":
          description: Created.
          schema: {$ref: '#/definitions/Pet'}
definitions:
  Pet:
    type: object
    required: [name]
    properties:
      name: {type: string}
      tag: {type: string}
`

// openapiPetsSpec is swaggerSpec written as OpenAPI 3.
const openapiPetsSpec = `openapi: 3.0.3
info: {title: Pets, version: "1"}
servers: [{url: /api}]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer, maximum: 50}}
      responses:
        "200":
          description: Pets.
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    post:
      operationId: createPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        "201":
          description: Created.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        tag: {type: string}
`

// eventsSpec publishes the changes of its one resource.
const eventsSpec = `openapi: 3.0.3
info: {title: Pets, version: "1"}
x-svcgen-events: {publish: true}
paths:
  /pets:
    post:
      operationId: createPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        "201":
          description: Created.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /pets/{petId}:
    get:
      operationId: getPet
      parameters:
        - {name: petId, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The pet.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
        tag: {type: string}
`

// want is what a case checks of a Change: the message is free to improve.
type want struct {
	Breaking bool
	Kind     string
	Where    string
}

func (w want) String() string {
	b := "-"
	if w.Breaking {
		b = "BREAKING"
	}
	return fmt.Sprintf("%s %s @ %s", b, w.Kind, w.Where)
}

type compatCase struct {
	name     string
	old, new string
	want     []want
}

func cases(t *testing.T) []compatCase {
	o := ordersSpec
	return []compatCase{
		{name: "no change", old: o, new: o},
		{
			name: "security added, changed, removed",
			old: edit(t, edit(t, o, "operationId: getOrder\n", "operationId: getOrder\n      security: [{key: []}]\n"),
				"components:\n", "components:\n  securitySchemes:\n    key: {type: apiKey, in: header, name: X-Key}\n    bearer: {type: http, scheme: bearer}\n"),
			new: edit(t, edit(t, o, "operationId: getOrder\n", "operationId: getOrder\n      security: [{bearer: []}]\n"),
				"components:\n", "security: [{bearer: []}]\ncomponents:\n  securitySchemes:\n    key: {type: apiKey, in: header, name: X-Key}\n    bearer: {type: http, scheme: bearer}\n"),
			want: []want{
				{true, "security-added", "GET /orders"},
				{true, "security-added", "POST /orders"},
				{true, "security-changed", "GET /orders/{orderId}"},
			},
		},
		{
			name: "another way to authenticate is not breaking",
			old: edit(t, edit(t, o, "operationId: getOrder\n", "operationId: getOrder\n      security: [{key: []}]\n"),
				"components:\n", "components:\n  securitySchemes:\n    key: {type: apiKey, in: header, name: X-Key}\n    bearer: {type: http, scheme: bearer}\n"),
			new: edit(t, edit(t, o, "operationId: getOrder\n", "operationId: getOrder\n      security: [{key: []}, {bearer: []}]\n"),
				"components:\n", "components:\n  securitySchemes:\n    key: {type: apiKey, in: header, name: X-Key}\n    bearer: {type: http, scheme: bearer}\n"),
			want: []want{{false, "security-changed", "GET /orders/{orderId}"}},
		},
		{
			name: "operation added",
			old:  o,
			new: edit(t, o, "components:\n", `  /orders/{orderId}/cancel:
    post:
      parameters:
        - {name: orderId, in: path, required: true, schema: {type: string}}
      responses:
        "204": {description: Cancelled.}
components:
`),
			want: []want{{false, "operation-added", "POST /orders/{orderId}/cancel"}},
		},
		{
			name: "operation removed",
			old:  o,
			new: edit(t, o, `  /orders/{orderId}:
    get:
      operationId: getOrder
      parameters:
        - {name: orderId, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The order.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
        "404": {description: Not found.}
`, ""),
			want: []want{{true, "operation-removed", "GET /orders/{orderId}"}},
		},
		{
			name: "deprecated operation removed and another deprecated",
			old:  edit(t, o, "operationId: getOrder\n", "operationId: getOrder\n      deprecated: true\n"),
			new: edit(t, o, `  /orders/{orderId}:
    get:
      operationId: getOrder
      parameters:
        - {name: orderId, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The order.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
        "404": {description: Not found.}
`, "", "operationId: listOrders\n", "operationId: listOrders\n      deprecated: true\n"),
			want: []want{
				{false, "operation-deprecated", "GET /orders"},
				{false, "operation-removed", "GET /orders/{orderId}"},
			},
		},
		{
			name: "path parameter renamed",
			old:  o,
			new: edit(t, o, "/orders/{orderId}:", "/orders/{id}:",
				"{name: orderId, in: path", "{name: id, in: path"),
		},
		{
			name: "base path changed",
			old:  o,
			new:  edit(t, o, "servers: [{url: /v1}]", "servers: [{url: /v2}]"),
			want: []want{{true, "base-path-changed", "base path"}},
		},
		{
			name: "parameters added",
			old:  o,
			new: edit(t, o, "        - {name: tag, in: query,", `        - {name: sort, in: query, schema: {type: string}}
        - {name: X-Tenant, in: header, required: true, schema: {type: string}}
        - {name: tag, in: query,`),
			want: []want{
				{true, "param-added", "GET /orders header X-Tenant"},
				{false, "param-added", "GET /orders query sort"},
			},
		},
		{
			name: "parameter removed",
			old:  o,
			new:  edit(t, o, "        - {name: status, in: query, schema: {type: string, enum: [open, shipped]}}\n", ""),
			want: []want{{true, "param-removed", "GET /orders query status"}},
		},
		{
			name: "parameter required and optional",
			old:  edit(t, o, "{name: status, in: query,", "{name: status, in: query, required: true,"),
			new:  edit(t, o, "{name: limit, in: query,", "{name: limit, in: query, required: true,"),
			want: []want{
				{true, "param-became-required", "GET /orders query limit"},
				{false, "param-became-optional", "GET /orders query status"},
			},
		},
		{
			name: "parameter types",
			old:  o,
			new: edit(t, o, "{name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}",
				"{name: limit, in: query, schema: {type: string}}",
				"{name: tag, in: query, schema: {type: array, items: {type: string}}}",
				"{name: tag, in: query, schema: {type: array, items: {type: string, format: uuid}}}",
				"{name: orderId, in: path, required: true, schema: {type: string}}",
				"{name: orderId, in: path, required: true, schema: {type: string, format: uuid}}"),
			want: []want{
				{true, "param-type-changed", "GET /orders query limit"},
				{true, "param-type-changed", "GET /orders query tag[]"},
				{true, "param-type-changed", "GET /orders/{orderId} path orderId"},
			},
		},
		{
			name: "parameter widened",
			old:  o,
			new: edit(t, o, "{name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}",
				"{name: limit, in: query, schema: {type: number, maximum: 200}}",
				"{name: status, in: query, schema: {type: string, enum: [open, shipped]}}",
				"{name: status, in: query, schema: {type: string}}"),
			want: []want{
				{false, "param-became-not-enum", "GET /orders query status"},
				{false, "param-type-changed", "GET /orders query limit"},
			},
		},
		{
			name: "parameter enum values and bounds",
			old:  o,
			new: edit(t, o, "enum: [open, shipped]}}", "enum: [open, closed]}}",
				"minimum: 1, maximum: 100}", "minimum: 5, maximum: 100}",
				"{name: tag, in: query, schema: {type: array, items: {type: string}}}",
				"{name: tag, in: query, style: form, explode: false, schema: {type: array, maxItems: 3, items: {type: string}}}"),
			want: []want{
				{true, "param-enum-value-removed", "GET /orders query status"},
				{true, "param-max-items-added", "GET /orders query tag"},
				{true, "param-minimum-increased", "GET /orders query limit"},
				{true, "param-style-changed", "GET /orders query tag"},
				{false, "param-enum-value-added", "GET /orders query status"},
			},
		},
		{
			name: "request body removed",
			old:  o,
			new: edit(t, o, `      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewOrder'}
`, ""),
			want: []want{{true, "request-body-removed", "POST /orders request body"}},
		},
		{
			name: "request bodies added",
			old:  o,
			new: edit(t, o, `        - {name: orderId, in: path, required: true, schema: {type: string}}
      responses:
        "200":`, `        - {name: orderId, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {fields: {type: string}}}
      responses:
        "200":`, "  /orders/{orderId}:\n", `  /orders/{orderId}:
    put:
      parameters:
        - {name: orderId, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewOrder'}
      responses:
        "200":
          description: Replaced.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
`),
			want: []want{
				{false, "operation-added", "PUT /orders/{orderId}"},
				{false, "request-body-added", "GET /orders/{orderId} request body"},
			},
		},
		{
			name: "request body became optional, then required with new content type",
			old:  edit(t, o, "      requestBody:\n        required: true\n", "      requestBody:\n        required: false\n"),
			new:  edit(t, o, "          application/json:\n            schema: {$ref: '#/components/schemas/NewOrder'}", "          application/vnd.orders+json:\n            schema: {$ref: '#/components/schemas/NewOrder'}"),
			want: []want{
				{true, "request-body-became-required", "POST /orders request body"},
				{true, "request-content-type-changed", "POST /orders request body"},
			},
		},
		{
			name: "request fields added and removed",
			old:  o,
			new: edit(t, o, "        note: {type: string, nullable: true}\n",
				"        coupon: {type: string}\n        channel: {type: string}\n",
				"      required: [customer, items]\n", "      required: [customer, items, channel]\n"),
			want: []want{
				{true, "request-field-added", "POST /orders request body .channel"},
				{true, "request-field-removed", "POST /orders request body .note"},
				{false, "request-field-added", "POST /orders request body .coupon"},
			},
		},
		{
			name: "request fields required, optional, type, nullable",
			old:  o,
			new: edit(t, o, "      required: [customer, items]\n", "      required: [note, items]\n",
				"        note: {type: string, nullable: true}\n", "        note: {type: string}\n",
				"              qty: {type: integer, format: int32, minimum: 1}",
				"              qty: {type: string}",
				"              price: {type: number, maximum: 1000}",
				"              price: {type: integer, format: int32, maximum: 1000}"),
			want: []want{
				{true, "request-became-not-nullable", "POST /orders request body .note"},
				{true, "request-field-became-required", "POST /orders request body .note"},
				{true, "request-type-changed", "POST /orders request body .items[].price"},
				{true, "request-type-changed", "POST /orders request body .items[].qty"},
				{false, "request-field-became-optional", "POST /orders request body .customer"},
			},
		},
		{
			name: "request type widened",
			old:  o,
			new: edit(t, o, "              qty: {type: integer, format: int32, minimum: 1}",
				"              qty: {type: number, minimum: 1}",
				"        customer: {type: string, minLength: 1, maxLength: 50}",
				"        customer: {type: string, nullable: true, minLength: 1, maxLength: 50}"),
			want: []want{
				{false, "request-became-nullable", "POST /orders request body .customer"},
				{false, "request-type-changed", "POST /orders request body .items[].qty"},
			},
		},
		{
			name: "request constraints narrowed",
			old:  o,
			new: edit(t, o, "minLength: 1, maxLength: 50}", "minLength: 3, maxLength: 20}",
				"          maxItems: 10\n", "          maxItems: 5\n          minItems: 1\n",
				"sku: {type: string, pattern: '^[A-Z0-9]+$'}", "sku: {type: string, pattern: '^[A-Z]+$'}",
				"qty: {type: integer, format: int32, minimum: 1}", "qty: {type: integer, format: int32, minimum: 2, multipleOf: 2}",
				"price: {type: number, maximum: 1000}", "price: {type: number, maximum: 1000, exclusiveMaximum: true}",
				"note: {type: string, nullable: true}", "note: {type: string, nullable: true, pattern: '^\\S'}"),
			want: []want{
				{true, "request-max-items-decreased", "POST /orders request body .items"},
				{true, "request-max-length-decreased", "POST /orders request body .customer"},
				{true, "request-maximum-decreased", "POST /orders request body .items[].price"},
				{true, "request-min-items-increased", "POST /orders request body .items"},
				{true, "request-min-length-increased", "POST /orders request body .customer"},
				{true, "request-minimum-increased", "POST /orders request body .items[].qty"},
				{true, "request-multiple-of-added", "POST /orders request body .items[].qty"},
				{true, "request-pattern-added", "POST /orders request body .note"},
				{true, "request-pattern-changed", "POST /orders request body .items[].sku"},
			},
		},
		{
			name: "request constraints loosened",
			old:  o,
			new: edit(t, o, "minLength: 1, maxLength: 50}", "maxLength: 80}",
				"          maxItems: 10\n", "",
				"sku: {type: string, pattern: '^[A-Z0-9]+$'}", "sku: {type: string}",
				"qty: {type: integer, format: int32, minimum: 1}", "qty: {type: integer, format: int32, minimum: 0}"),
			want: []want{
				{false, "request-max-items-removed", "POST /orders request body .items"},
				{false, "request-max-length-increased", "POST /orders request body .customer"},
				{false, "request-min-length-decreased", "POST /orders request body .customer"},
				{false, "request-minimum-decreased", "POST /orders request body .items[].qty"},
				{false, "request-pattern-removed", "POST /orders request body .items[].sku"},
			},
		},
		{
			name: "request enum values",
			old:  edit(t, o, "        note: {type: string, nullable: true}\n", "        speed: {type: string, enum: [normal, express]}\n"),
			new:  edit(t, o, "        note: {type: string, nullable: true}\n", "        speed: {type: string, enum: [normal, overnight]}\n"),
			want: []want{
				{true, "request-enum-value-removed", "POST /orders request body .speed"},
				{false, "request-enum-value-added", "POST /orders request body .speed"},
			},
		},
		{
			name: "request field became enum",
			old:  o,
			new:  edit(t, o, "              sku: {type: string, pattern: '^[A-Z0-9]+$'}", "              sku: {type: string, pattern: '^[A-Z0-9]+$', enum: [A1, B2]}"),
			want: []want{{true, "request-became-enum", "POST /orders request body .items[].sku"}},
		},
		{
			name: "read-only and write-only fields",
			old:  o,
			new: edit(t, o, "        note: {type: string, nullable: true}\n",
				"        note: {type: string, nullable: true}\n        number: {type: string, readOnly: true}\n        password: {type: string, writeOnly: true}\n",
				"      required: [customer, items]\n", "      required: [customer, items, number]\n",
				"        id: {type: string}\n", "        id: {type: string}\n        secret: {type: integer, writeOnly: true}\n",
				"        note: {type: string}\n", "        note: {type: string, readOnly: true}\n"),
			want: []want{
				// password is only in requests, number only in responses
				// (NewOrder is never returned); secret never leaves.
				{false, "request-field-added", "POST /orders request body .password"},
			},
		},
		{
			name: "field became read-only",
			old:  o,
			new:  edit(t, o, "        note: {type: string, nullable: true}\n", "        note: {type: string, nullable: true, readOnly: true}\n"),
			want: []want{{true, "request-field-removed", "POST /orders request body .note"}},
		},
		{
			name: "request closed",
			old:  o,
			new:  edit(t, o, "    NewOrder:\n      type: object\n", "    NewOrder:\n      type: object\n      additionalProperties: false\n"),
			want: []want{{true, "request-additional-properties-forbidden", "POST /orders request body"}},
		},
		{
			name: "response statuses",
			old:  o,
			new: edit(t, o, `        "404": {description: Not found.}`, `        "410": {description: Gone.}`,
				`        "201":
          description: Created.`, `        "202":
          description: Accepted.`),
			want: []want{
				{true, "response-status-removed", "POST /orders response 201"},
				{false, "response-status-added", "GET /orders/{orderId} response 410"},
				{false, "response-status-added", "POST /orders response 202"},
				{false, "response-status-removed", "GET /orders/{orderId} response 404"},
			},
		},
		{
			name: "response header and body",
			old:  o,
			new: edit(t, o, "          headers:\n            Location: {schema: {type: string}}\n", "",
				`        "400": {description: Bad request.}`, `        "400":
          description: Bad request.
          content:
            application/problem+json:
              schema: {type: object, properties: {title: {type: string}}}`),
			want: []want{
				{true, "response-header-removed", "POST /orders response 201 header Location"},
				{false, "response-body-added", "POST /orders response 400"},
			},
		},
		{
			name: "response field removed",
			old:  o,
			new:  edit(t, o, "        note: {type: string}\n", ""),
			want: orderField(true, "response-field-removed", "note"),
		},
		{
			name: "response field added",
			old:  o,
			new:  edit(t, o, "        note: {type: string}\n", "        note: {type: string}\n        lines: {type: integer}\n"),
			want: orderField(false, "response-field-added", "lines"),
		},
		{
			name: "response field type changed",
			old:  o,
			new:  edit(t, o, "        customer: {type: string}\n", "        customer: {type: integer}\n"),
			want: orderField(true, "response-type-changed", "customer"),
		},
		{
			name: "response field widened and narrowed",
			old:  o,
			new: edit(t, o, "        total: {type: number}\n", "        total: {type: integer}\n",
				"        placed: {type: string, format: date-time}\n", "        placed: {type: string}\n"),
			want: append(orderField(true, "response-type-changed", "placed"),
				orderField(false, "response-type-changed", "total")...),
		},
		{
			name: "response field became optional",
			old:  o,
			new:  edit(t, o, "      required: [id, customer, status, total]\n", "      required: [id, customer, status]\n"),
			want: orderField(true, "response-field-became-optional", "total"),
		},
		{
			name: "response field became nullable",
			old:  o,
			new:  edit(t, o, "        id: {type: string}\n", "        id: {type: string, nullable: true}\n"),
			want: orderField(true, "response-became-nullable", "id"),
		},
		{
			name: "response enum values",
			old:  o,
			new:  edit(t, o, "status: {type: string, enum: [open, shipped]}\n", "status: {type: string, enum: [open, shipped, lost]}\n"),
			want: orderField(true, "response-enum-value-added", "status"),
		},
		{
			name: "response constraints",
			old:  o,
			new:  edit(t, o, "        customer: {type: string}\n", "        customer: {type: string, maxLength: 40}\n"),
			want: orderField(false, "response-max-length-added", "customer"),
		},
		{
			name: "inline schema moved to components and operation renamed",
			old:  o,
			new: edit(t, o, "operationId: createOrder", "operationId: placeOrder", `          items:
            type: object
            required: [sku, qty]
            properties:
              sku: {type: string, pattern: '^[A-Z0-9]+$'}
              qty: {type: integer, format: int32, minimum: 1}
              price: {type: number, maximum: 1000}
`, `          items: {$ref: '#/components/schemas/Line'}
    Line:
      type: object
      required: [sku, qty]
      properties:
        sku: {type: string, pattern: '^[A-Z0-9]+$'}
        qty: {type: integer, format: int32, minimum: 1}
        price: {type: number, maximum: 1000}
`),
		},
		{
			name: "component renamed",
			old:  o,
			new: strings.ReplaceAll(edit(t, o, "    NewOrder:\n", "    OrderInput:\n"),
				"schemas/NewOrder'", "schemas/OrderInput'"),
		},
		{
			name: "recursive schema",
			old:  categoriesSpec,
			new: edit(t, categoriesSpec, "        name: {type: string}\n",
				"        name: {type: string, maxLength: 20}\n        slug: {type: string}\n"),
			want: []want{
				{true, "request-max-length-added", "POST /categories request body .name"},
				{false, "request-field-added", "POST /categories request body .slug"},
				{false, "response-field-added", "GET /categories response 200 .slug"},
				{false, "response-max-length-added", "GET /categories response 200 .name"},
			},
		},
		{
			name: "recursive schema unchanged",
			old:  categoriesSpec,
			new:  categoriesSpec,
		},
		{
			name: "mutually recursive types",
			old:  graphSpec,
			new:  edit(t, graphSpec, "        name: {type: string}\n", "        name: {type: integer}\n"),
			want: []want{
				{true, "response-type-changed", "GET /graph response 200 .a.name"},
				{true, "response-type-changed", "GET /graph response 200 .b.a.name"},
			},
		},
		{
			name: "union variants",
			old:  petsSpec,
			new: edit(t, petsSpec, "        - $ref: '#/components/schemas/Dog'\n",
				"        - $ref: '#/components/schemas/Dog'\n        - $ref: '#/components/schemas/Bird'\n",
				"    Cat:\n", "    Bird:\n      type: object\n      required: [kind]\n      properties:\n        kind: {type: string}\n    Cat:\n",
				"        purrs: {type: boolean}\n", "        purrs: {type: string}\n"),
			want: []want{
				{true, "request-type-changed", "POST /pets request body (Cat).purrs"},
				{true, "response-type-changed", "POST /pets response 201 (Cat).purrs"},
				{true, "response-variant-added", "POST /pets response 201 (Bird)"},
				{false, "request-variant-added", "POST /pets request body (Bird)"},
			},
		},
		{
			name: "swagger 2.0",
			old:  swaggerSpec,
			new: edit(t, swaggerSpec, "{name: limit, in: query, type: integer, maximum: 50}",
				"{name: limit, in: query, required: true, type: integer, maximum: 20}",
				"      tag: {type: string}\n", ""),
			want: []want{
				{true, "param-became-required", "GET /pets query limit"},
				{true, "param-maximum-decreased", "GET /pets query limit"},
				{true, "request-field-removed", "POST /pets request body .tag"},
				{true, "response-field-removed", "GET /pets response 200 [].tag"},
				{true, "response-field-removed", "POST /pets response 201 .tag"},
			},
		},
		{
			name: "event data changed",
			old:  eventsSpec,
			new:  edit(t, eventsSpec, "        tag: {type: string}\n", ""),
			want: []want{
				{true, "response-field-removed", "GET /pets/{petId} response 200 .tag"},
				{true, "response-field-removed", "POST /pets response 201 .tag"},
				{true, "response-field-removed", "events pet.* data .tag"},
				{true, "request-field-removed", "POST /pets request body .tag"},
			},
		},
		{
			name: "events no longer published",
			old:  eventsSpec,
			new:  edit(t, eventsSpec, "x-svcgen-events: {publish: true}\n", ""),
			want: []want{{true, "event-removed", "events pet.*"}},
		},
		{
			name: "events published",
			old:  edit(t, eventsSpec, "x-svcgen-events: {publish: true}\n", ""),
			new:  eventsSpec,
			want: []want{{false, "event-added", "events pet.*"}},
		},
		{
			name: "swagger 2.0 to openapi 3",
			old:  swaggerSpec,
			new:  openapiPetsSpec,
		},
	}
}

func fileName(src string) string {
	if strings.HasPrefix(src, "swagger:") {
		return "swagger.yaml"
	}
	return "openapi.yaml"
}

func TestCompare(t *testing.T) {
	for _, tc := range cases(t) {
		t.Run(tc.name, func(t *testing.T) {
			old := buildSpec(t, "old-"+fileName(tc.old), tc.old)
			new := buildSpec(t, "new-"+fileName(tc.new), tc.new)
			changes := Compare(old, new)
			got := make([]want, len(changes))
			for i, c := range changes {
				got[i] = want{c.Breaking, c.Kind, c.Where}
				if c.Message == "" || strings.Contains(c.Message, "\n") {
					t.Errorf("%v: message %q is not one line", got[i], c.Message)
				}
			}
			wantSorted := append([]want(nil), tc.want...)
			sort.SliceStable(wantSorted, func(i, j int) bool {
				a, b := wantSorted[i], wantSorted[j]
				if a.Breaking != b.Breaking {
					return a.Breaking
				}
				if a.Where != b.Where {
					return a.Where < b.Where
				}
				return a.Kind < b.Kind
			})
			if !reflect.DeepEqual(got, wantSorted) && !(len(got) == 0 && len(wantSorted) == 0) {
				var gl, wl []string
				for _, g := range got {
					gl = append(gl, g.String())
				}
				for _, w := range wantSorted {
					wl = append(wl, w.String())
				}
				var buf bytes.Buffer
				Format(&buf, changes)
				t.Errorf("got:\n  %s\nwant:\n  %s\nreport:\n%s", strings.Join(gl, "\n  "), strings.Join(wl, "\n  "), buf.String())
			}
			// Deterministic, and the same when compared again.
			if again := Compare(old, new); !reflect.DeepEqual(again, changes) {
				t.Errorf("second Compare differs:\n%v\n%v", again, changes)
			}
		})
	}
}

// TestCompareExamples compares each bundled example with a fresh build of
// itself: two models of one spec share no pointers, so this walks every
// type of real specs structurally and must find nothing.
func TestCompareExamples(t *testing.T) {
	matches, err := filepath.Glob("../../spec/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range matches {
		if ext := filepath.Ext(m); strings.Contains(filepath.Base(m), "-common") || ext != ".yaml" && ext != ".json" {
			continue // shared parts, and spec/testdata
		}
		t.Run(filepath.Base(m), func(t *testing.T) {
			build1 := func() *model.Service {
				spec, _, err := load.Load(context.Background(), m)
				if err != nil {
					t.Fatal(err)
				}
				svc, err := build.Build(spec, build.Options{})
				if err != nil {
					t.Fatal(err)
				}
				return svc
			}
			if changes := Compare(build1(), build1()); len(changes) > 0 {
				var buf bytes.Buffer
				Format(&buf, changes)
				t.Errorf("a spec compared with itself:\n%s", buf.String())
			}
		})
	}
}

// TestFormat checks the report of a mixed case against
// testdata/format.golden; -update rewrites it.
func TestFormat(t *testing.T) {
	o := ordersSpec
	old := buildSpec(t, "old.yaml", o)
	new := buildSpec(t, "new.yaml", edit(t, o,
		"status: {type: string, enum: [open, shipped]}\n", "status: {type: string, enum: [open, shipped, lost]}\n",
		"      required: [customer, items]\n", "      required: [customer, items, channel]\n",
		"        note: {type: string, nullable: true}\n", "        note: {type: string, nullable: true}\n        channel: {type: string, maxLength: 20}\n",
		"minimum: 1, maximum: 100}", "minimum: 1, maximum: 50}",
		"        - {name: tag, in: query,", "        - {name: sort, in: query, schema: {type: string}}\n        - {name: tag, in: query,",
		`        "404": {description: Not found.}`, `        "404": {description: Not found.}
  /orders/{orderId}/cancel:
    post:
      parameters:
        - {name: orderId, in: path, required: true, schema: {type: string}}
      responses:
        "204": {description: Cancelled.}`,
	))
	var buf bytes.Buffer
	Format(&buf, Compare(old, new))
	got := buf.String()
	const file = "testdata/format.golden"
	wantBytes, err := os.ReadFile(file)
	if *update {
		if string(wantBytes) != got {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s rewritten:\n%s", file, got)
		}
		return
	}
	if err != nil {
		t.Fatalf("%v (run go test ./generator/compat -update)", err)
	}
	if string(wantBytes) != got {
		t.Errorf("%s differs (run go test ./generator/compat -update):\ngot:\n%s\nwant:\n%s", file, got, wantBytes)
	}
}

func TestFormatEmpty(t *testing.T) {
	var buf bytes.Buffer
	Format(&buf, nil)
	if got := buf.String(); got != "no API changes\n" {
		t.Errorf("Format(nil) = %q", got)
	}
	buf.Reset()
	Format(&buf, []Change{{Kind: "operation-added", Where: "GET /x", Message: "operation added"}})
	if got, want := buf.String(), "1 API change, none breaking\n          GET /x: operation added (operation-added)\n"; got != want {
		t.Errorf("Format(one) = %q, want %q", got, want)
	}
}
