package build

import (
	"testing"

	"github.com/svcgen/svcgen/generator/model"
)

const clientSpec = `
openapi: 3.0.3
info: {title: Client, version: "1"}
servers: [{url: "https://api.example.com/v1"}]
paths:
  /items/{itemId}/files/{name}.json:
    get:
      operationId: getFile
      parameters:
        - {name: itemId, in: path, required: true, schema: {type: integer, format: int64}}
        - {name: name, in: path, required: true, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer, format: int32, default: 20}}
        - {name: offset, in: query, schema: {type: integer, format: int32}}
        - {name: deep, in: query, schema: {type: boolean, default: true}}
        - {name: since, in: query, schema: {type: string, format: date}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
        - {name: sizes, in: query, explode: false, schema: {type: array, items: {type: number, format: float}}}
        - {name: colors, in: query, style: pipeDelimited, schema: {type: array, items: {$ref: "#/components/schemas/Color"}}}
        - {name: color, in: query, schema: {$ref: "#/components/schemas/Color"}}
        - {name: sort, in: query, schema: {type: string, enum: [asc, desc], default: asc}}
        - {name: X-Ids, in: header, schema: {type: array, items: {type: integer}}}
        - {name: at, in: header, required: true, schema: {type: string, format: date-time}}
        - {name: session, in: cookie, schema: {type: string}}
        - {name: filter, in: query, style: deepObject, schema: {$ref: "#/components/schemas/Filter"}}
        - {name: where, in: query, content: {application/json: {schema: {$ref: "#/components/schemas/Filter"}}}}
      responses:
        "200": {description: ok}
  /ids/{ids}:
    get:
      operationId: getIds
      parameters:
        - {name: ids, in: path, required: true, schema: {type: array, items: {type: string}}}
      responses:
        "200": {description: ok}
components:
  schemas:
    Color: {type: string, enum: [red, green]}
    Filter:
      type: object
      properties:
        q: {type: string}
`

func TestClientCalls(t *testing.T) {
	svc := buildYAML(t, clientSpec)
	ops := map[string]*model.Operation{}
	for _, op := range svc.Operations {
		ops[op.GoName] = op
	}
	if got, want := ops["GetFile"].ClientPath, `"/v1/items/" + svcgen.FormatInt(req.ItemID) + "/files/" + url.PathEscape(req.Name) + ".json"`; got != want {
		t.Errorf("path\n got %s\nwant %s", got, want)
	}
	if got, want := ops["GetIDs"].ClientPath, `"/v1/ids/" + url.PathEscape(strings.Join(req.IDs, ","))`; got != want {
		t.Errorf("path\n got %s\nwant %s", got, want)
	}
	want := map[string]model.ClientParam{
		"limit":   {If: "req.Limit != 0", Text: "svcgen.FormatInt(req.Limit)"},
		"offset":  {If: "req.Offset != nil", Text: "svcgen.FormatInt(*req.Offset)"},
		"deep":    {Text: "svcgen.FormatBool(req.Deep)"},
		"since":   {If: "req.Since != nil", Text: "svcgen.FormatDate(*req.Since)"},
		"tags":    {If: "len(req.Tags) > 0", Text: "req.Tags", Each: true},
		"sizes":   {If: "len(req.Sizes) > 0", Text: `strings.Join(svcgen.FormatEach(req.Sizes, svcgen.FormatFloat32), ",")`},
		"colors":  {If: "len(req.Colors) > 0", Text: `strings.Join(svcgen.FormatEach(req.Colors, svcgen.FormatString), "|")`},
		"color":   {If: "req.Color != nil", Text: "string(*req.Color)"},
		"sort":    {If: `req.Sort != ""`, Text: "string(req.Sort)"},
		"X-Ids":   {If: "len(req.XIDs) > 0", Text: `strings.Join(svcgen.FormatEach(req.XIDs, svcgen.FormatInt), ",")`},
		"at":      {Text: "svcgen.FormatDateTime(req.At)"},
		"session": {If: "req.Session != nil", Text: "*req.Session"},
		"filter":  {If: "req.Filter != nil", Text: "*req.Filter"},
		"where":   {If: "req.Where != nil", Text: "*req.Where"},
	}
	for _, p := range ops["GetFile"].Params {
		w, ok := want[p.Name]
		if !ok {
			continue
		}
		if p.Client != w {
			t.Errorf("%s: %+v, want %+v", p.Name, p.Client, w)
		}
		delete(want, p.Name)
	}
	for name := range want {
		t.Errorf("no parameter %s", name)
	}
	// The client's tests send every parameter that has an example value.
	ex := ops["GetFile"].ClientExample
	if want := "color=red&colors=red&deep=true&limit=1&offset=1&since=2024-01-02&sizes=1&sort=asc&tags=a&where=%7B%7D"; ex == nil || ex.Query != want {
		t.Errorf("client example %+v, want query %s", ex, want)
	} else if len(ex.Headers) != 3 || ex.Headers[2].Value != "session=a" {
		t.Errorf("client example headers %+v, want X-Ids, at and the cookie", ex.Headers)
	}
}

func TestClientInvalid(t *testing.T) {
	svc := buildYAML(t, `
openapi: 3.0.3
info: {title: Invalid, version: "1"}
paths:
  /a/{id}:
    get:
      operationId: byUUID
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
      responses: {"200": {description: ok}}
  /b:
    get:
      operationId: byBound
      parameters:
        - {name: free, in: query, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer, format: int32, maximum: 100}}
      responses: {"200": {description: ok}}
  /c:
    get:
      operationId: byEnum
      parameters:
        - {name: sort, in: query, schema: {type: string, enum: [asc, desc]}}
      responses: {"200": {description: ok}}
    post:
      operationId: byBody
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [note, name]
              properties:
                note: {type: string}
                name: {type: string, minLength: 1}
      responses: {"200": {description: ok}}
  /d/{name}:
    get:
      operationId: none
      parameters:
        - {name: name, in: path, required: true, schema: {type: string, minLength: 1}}
      responses: {"200": {description: ok}}
`)
	want := map[string]*model.ClientInvalid{
		"ByUUID":  {Set: `req.ID = "not-a-uuid"`, In: "path", Field: "id"},
		"ByBound": {Set: "req.Limit = svcgen.Ptr[int32](101)", In: "query", Field: "limit"},
		"ByEnum":  {Set: `req.Sort = svcgen.Ptr[api.ByEnumSort]("not-a-valid-value")`, In: "query", Field: "sort"},
		"ByBody":  {Set: `req.Body.Name = ""`, In: "body", Field: "name"},
		"None":    nil, // "" would change the route
	}
	for _, op := range svc.Operations {
		w, ok := want[op.GoName]
		if !ok {
			t.Errorf("unexpected operation %s", op.GoName)
			continue
		}
		got := op.ClientInvalid
		if (got == nil) != (w == nil) || got != nil && *got != *w {
			t.Errorf("%s: %+v, want %+v", op.GoName, got, w)
		}
	}
}
