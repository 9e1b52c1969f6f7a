package load

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

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
	rebaseRefs(doc, filepath.Dir(p), root)
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

// SpecRef is how the AsyncAPI document, as kept, refers to the OpenAPI
// document: its $refs into the spec's root file are rewritten to
// "openapi.yaml#/...", where the service serves its spec, beside the
// AsyncAPI document at /asyncapi.yaml; package build reads them as the
// spec's own schemas.
const SpecRef = "openapi.yaml"

// rebaseRefs rewrites the $refs of the AsyncAPI document v, read from the
// folder dir, that point into the spec's root file into SpecRef's form.
// Refs inside the document and into other files are kept as written.
func rebaseRefs(v any, dir, root string) {
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok {
			file, frag, _ := strings.Cut(ref, "#")
			if file != "" && !strings.Contains(file, ":") {
				p := file
				if !filepath.IsAbs(p) {
					p = filepath.Join(dir, filepath.FromSlash(p))
				}
				if filepath.Clean(p) == filepath.Clean(root) {
					v["$ref"] = SpecRef + "#" + frag
				}
			}
		}
		for _, x := range v {
			rebaseRefs(x, dir, root)
		}
	case []any:
		for _, x := range v {
			rebaseRefs(x, dir, root)
		}
	}
}
