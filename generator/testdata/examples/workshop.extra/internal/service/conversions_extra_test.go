package service

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestConversions drives the conversions svcgen decided for the workshop
// spec through the API: every property the input types differently but
// convertibly arrives in the stored gadget, the one that cannot convert
// (weight) is left out, defaults of the stored schema apply, the summary
// is made property by property, a patch changes only what it may, and the
// page carries its total.
func TestConversions(t *testing.T) {
	h := newTestServer(t)
	const body = `{"name":"Whirligig","size":3,"weight":"1.5 kg","color":"red","label":"spare",
		"dims":{"w":10,"h":20},"parts":[{"name":"spring","qty":2}],"shape":{"kind":"circle","radius":4}}`
	var created map[string]any
	call(t, h, "POST", "/workshop/gadgets", "", nil, body, 201, &created)
	id, _ := created["id"].(string)
	if id == "" {
		t.Fatalf("no id in %v", created)
	}
	want := map[string]any{
		"id": id, "name": "Whirligig", "size": 3.0, "color": "red", "label": "spare", "finish": "matte",
		"dims":  map[string]any{"w": 10.0, "h": 20.0},
		"parts": []any{map[string]any{"name": "spring", "qty": 2.0}},
		"shape": map[string]any{"kind": "circle", "radius": 4.0},
	}
	if !reflect.DeepEqual(created, want) {
		t.Fatalf("created\n%v\nwant\n%v", created, want)
	}
	var got map[string]any
	call(t, h, "GET", "/workshop/gadgets/"+id, "", nil, "", 200, &got)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read back\n%v\nwant\n%v", got, want)
	}

	var summary map[string]any
	call(t, h, "PUT", "/workshop/gadgets/"+id, "", nil, `{"name":"Gizmo","size":5,"color":"green"}`, 200, &summary)
	if want := map[string]any{"id": id, "name": "Gizmo", "color": "green"}; !reflect.DeepEqual(summary, want) {
		t.Fatalf("summary %v, want %v (size is narrower in the summary: left out)", summary, want)
	}

	var patched map[string]any
	call(t, h, "PATCH", "/workshop/gadgets/"+id, "", nil, `{"size":7,"weight":"2 kg","label":null}`, 200, &patched)
	if patched["size"] != 7.0 || patched["name"] != "Gizmo" || patched["weight"] != nil || patched["label"] != nil {
		t.Fatalf("patched %v: want size 7, name kept, no weight (not patchable), no label (cleared)", patched)
	}

	var page struct {
		Items   []json.RawMessage
		Total   int
		HasMore *bool
	}
	call(t, h, "POST", "/workshop/gadgets", "", nil, `{"name":"Sprocket","size":1,"color":"green"}`, 201, nil)
	call(t, h, "GET", "/workshop/gadgets", "limit=1", nil, "", 200, &page)
	if len(page.Items) != 1 || page.Total != 2 || page.HasMore == nil || !*page.HasMore {
		t.Fatalf("page %+v: want 1 item of 2, more to come", page)
	}
	call(t, h, "GET", "/workshop/gadgets", "color=green&offset=1", nil, "", 200, &page)
	if len(page.Items) != 1 || page.Total != 2 || *page.HasMore {
		t.Fatalf("page %+v: want the last of 2 green gadgets", page)
	}
}
