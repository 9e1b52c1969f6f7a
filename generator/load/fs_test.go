package load

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

// LoadFS reads the root and the files its $refs name from the FS, and
// nothing outside it.
func TestLoadFS(t *testing.T) {
	root := `openapi: 3.0.3
info: {title: Widgets, version: "1"}
paths:
  /widgets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: 'schemas/widget.yaml#/Widget'}
`
	fsys := fstest.MapFS{
		"svc/openapi.yaml":        {Data: []byte(root)},
		"svc/schemas/widget.yaml": {Data: []byte("Widget:\n  type: object\n  properties:\n    name: {type: string}\n")},
	}
	spec, _, err := LoadFS(context.Background(), fsys, "svc/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !spec.External || len(spec.Files) != 2 || spec.Files[1] != "svc/schemas/widget.yaml" {
		t.Errorf("files = %q, external %v", spec.Files, spec.External)
	}

	// A $ref out of the FS is not followed, even where a file is.
	fsys["svc/openapi.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(root, "schemas/widget.yaml", "../../widget.yaml", 1))}
	if _, _, err := LoadFS(context.Background(), fsys, "svc/openapi.yaml"); err == nil {
		t.Error("LoadFS followed a $ref out of the FS")
	}
	if _, _, err := LoadFS(context.Background(), fsys, "svc/missing.yaml"); err == nil || !strings.Contains(err.Error(), "file not found") {
		t.Errorf("LoadFS of a missing root: %v", err)
	}
}
