package build

import (
	"strings"
	"testing"

	"github.com/svcgen/svcgen/generator/model"
)

// historySpec publishes widgets' changes; each case adds one GET under the
// widget's item path (%s: its path item) and a WidgetLog item schema.
const historySpec = `openapi: 3.0.3
info: {title: Widgets, version: "1"}
x-svcgen-events: {publish: true}
paths:
  /widgets:
    post:
      operationId: createWidget
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/Widget'}}}}
      responses: {'201': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Widget'}}}}}
  /widgets/{widgetId}:
    parameters: [{name: widgetId, in: path, required: true, schema: {type: integer, format: int64}}]
    get:
      operationId: getWidget
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Widget'}}}}}
  /widgets/{widgetId}/%s
components:
  schemas:
    Widget:
      type: object
      required: [id]
      properties:
        id: {type: integer, format: int64, readOnly: true}
    WidgetLog:
%s
`

func TestHistoryShapes(t *testing.T) {
	const getLog = `
    parameters: [{name: widgetId, in: path, required: true, schema: {type: integer, format: int64}}]
    get:
      operationId: widgetLog
      %s
      responses: {'200': {description: ok, content: {application/json: {schema: %s}}}}`
	const entry = `      type: object
      required: [eventId, at]
      properties:
        eventId: {type: string}
        at: {type: string, format: date-time}
        revision: {type: integer, format: int32}
        widget: {$ref: '#/components/schemas/Widget'}
        comment: {type: string}`
	array := "{type: array, items: {$ref: '#/components/schemas/WidgetLog'}}"
	for _, c := range []struct {
		name, path, ext, schema, item string
		want                          string // the fields, or why not
	}{
		{"usual path", "changes:", "", array, entry, "at:time eventId:id revision:version widget:data"},
		{"extension", "audit/trail:", "x-svcgen-history: true", "{type: object, required: [log], properties: {log: " + array + ", next: {type: string}}}", entry, "at:time eventId:id revision:version widget:data"},
		{"not asked", "audit:", "", array, entry, "not wired"},
		{"turned off", "history:", "x-svcgen-history: false", array, entry, "not wired"},
		{"required unknown", "history:", "", array, strings.Replace(entry, "[eventId, at]", "[eventId, at, comment]", 1), "required property comment"},
		{"sibling required", "history:", "", "{type: object, required: [next], properties: {log: " + array + ", next: {type: string}}}", entry, "required property next besides its list"},
	} {
		t.Run(c.name, func(t *testing.T) {
			svc := buildYAML(t, strings.Replace(strings.Replace(historySpec, "%s", c.path+strings.Replace(strings.Replace(getLog, "%s", c.ext, 1), "%s", c.schema, 1), 1), "%s", c.item, 1))
			var op *model.Operation
			for _, o := range svc.Operations {
				if o.GoName == "WidgetLog" {
					op = o
				}
			}
			got := "not wired"
			if op.CRUD == "history" {
				var fs []string
				for _, f := range op.History.Fields {
					fs = append(fs, f.Name+":"+f.Value)
				}
				got = strings.Join(fs, " ")
			} else {
				for _, it := range svc.Coverage.Items {
					if strings.Contains(it.Pointer, "~1widgets~1{widgetId}~1") {
						got = it.What + " " + it.Outcome
					}
				}
			}
			if !strings.Contains(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
