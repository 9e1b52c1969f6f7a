package load

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"go.yaml.in/yaml/v4"
)

// Stage 6 (after validation): an AsyncAPI document beside the spec.
//
// x-svcgen-events may name an AsyncAPI 3.0 document by its path from the
// spec's folder (docs/ARCHITECTURE.md, "Events"):
//
//	x-svcgen-events:
//	  asyncapi: events.asyncapi.yaml
//
// It is read like a $ref's target (inside the spec's folder, or the
// --ref-root one), parsed, and put in the extension beside its name, as
// JSON text under asyncapi-document, so that package build finds it there
// and the service's copy of the spec carries it (the copy is then
// bundled, as for a spec split into files).

// eventsExtension is the root extension that may name the document.
const eventsExtension = "x-svcgen-events"

// inlineAsyncAPI reads the AsyncAPI document the events extension names,
// if any; it reports whether it did.
func (l *loader) inlineAsyncAPI(root string) (bool, error) {
	ext, ok := l.doc.Extensions[eventsExtension].(map[string]any)
	if !ok {
		return false, nil
	}
	name, ok := ext["asyncapi"].(string)
	if !ok {
		return false, nil
	}
	if _, done := ext[asyncAPIDocument].(string); done {
		return false, nil // a service's copy of the spec: read when it was made
	}
	fail := func(msg string, err error) (bool, error) {
		return false, &Error{File: root, Pointer: "#/" + eventsExtension + "/asyncapi", Message: "AsyncAPI document " + name + ": " + msg, Err: err}
	}
	p := name
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(root), p)
	}
	if reason := l.fence.refuses(p); reason != "" {
		return fail(reason, nil)
	}
	raw, err := l.read(p)
	if err != nil {
		return fail(err.Error(), err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return fail(fmt.Sprintf("not YAML or JSON: %v", err), err)
	}
	if v, _ := doc["asyncapi"].(string); len(v) < 2 || v[:2] != "3." {
		return fail(fmt.Sprintf("asyncapi is %q: svcgen reads AsyncAPI 3", doc["asyncapi"]), nil)
	}
	// Kept as JSON text, not as an object: tools that read the service's
	// copy of the spec follow every $ref of an object, and the document's
	// refs point into itself and into other files.
	text, err := json.Marshal(doc)
	if err != nil {
		return fail(err.Error(), err)
	}
	ext[asyncAPIDocument] = string(text)
	return true, nil
}

// asyncAPIDocument is the key of the events extension holding the AsyncAPI
// document read, as JSON text.
const asyncAPIDocument = "asyncapi-document"
