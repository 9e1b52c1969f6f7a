package build

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/svcgen/svcgen/generator/load"
	"github.com/svcgen/svcgen/generator/model"
)

// The AsyncAPI 3.0 document of x-svcgen-events (docs/ARCHITECTURE.md,
// "Events"), as package load keeps it: JSON text in the extension, its
// $refs into the spec rewritten to load.SpecRef ("openapi.yaml#/...").

// asyncDoc is what svcgen reads of the document.
type asyncDoc struct {
	AsyncAPI string                  `json:"asyncapi"`
	Channels map[string]asyncChannel `json:"channels"`
	// Operations are by id.
	Operations map[string]struct {
		Action  string `json:"action"`
		Channel struct {
			Ref string `json:"$ref"`
		} `json:"channel"`
	} `json:"operations"`
	Components struct {
		Messages map[string]asyncMessage    `json:"messages"`
		Schemas  map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

type asyncChannel struct {
	Address  string                  `json:"address"`
	Messages map[string]asyncMessage `json:"messages"`
}

// asyncMessage is what svcgen reads of an AsyncAPI message.
type asyncMessage struct {
	Ref     string          `json:"$ref"`
	Payload json.RawMessage `json:"payload"`
}

// asyncAPI is the state of reading the document: its schemas, parsed as
// they are reached, and the payload types of the events the service
// declares, built before the types are finished (asyncTypes).
type asyncAPI struct {
	file string // the document's name, relative to the spec: "events/shipping.asyncapi.yaml"
	doc  asyncDoc
	// schemas are the document's component schemas parsed so far, by name.
	schemas map[string]*openapi3.SchemaRef
	// reached are the component schemas a declared event's payload uses.
	reached map[string]bool
	// payloads are the types of the declared events' payloads, by
	// operation id; payloadErrs why one has none.
	payloads    map[string]*model.TypeRef
	payloadErrs map[string]error
	// err is why the document could not be read, for events to report.
	err error
}

// readAsyncAPI parses the document, if the extension holds one, and
// builds the types of the payloads of the events the service declares
// (send operations on SERVICE.NOUN.VERB with a verb other than created,
// updated or deleted): a schema inline in the message, one of the
// document's components.schemas, or one of the OpenAPI document's. They
// join package api like the spec's schemas; the document's component
// schemas keep their names, and one whose name a schema of the OpenAPI
// document has is refused unless it is a $ref to that one. It runs after
// the OpenAPI components' types and before the types are finished;
// errors of the document's shape are left to events.
func (b *builder) readAsyncAPI(svc *model.Service) error {
	raw, ok := b.doc.Extensions[eventsExtension]
	if !ok {
		return nil
	}
	js, err := json.Marshal(raw)
	if err != nil {
		return nil // events reports it
	}
	var ext struct {
		AsyncAPI         string `json:"asyncapi"`
		AsyncAPIDocument string `json:"asyncapi-document"`
	}
	if json.Unmarshal(js, &ext) != nil || ext.AsyncAPIDocument == "" {
		return nil
	}
	a := &asyncAPI{
		file:        ext.AsyncAPI,
		schemas:     map[string]*openapi3.SchemaRef{},
		reached:     map[string]bool{},
		payloads:    map[string]*model.TypeRef{},
		payloadErrs: map[string]error{},
	}
	if a.file == "" {
		a.file = "asyncapi"
	}
	b.async = a
	if a.err = json.Unmarshal([]byte(ext.AsyncAPIDocument), &a.doc); a.err != nil {
		return nil
	}
	// The payloads' schemas, parsed and their refs resolved first, so that
	// the component schemas they reach are known.
	type pending struct {
		id, name, ptr string
		sr            *openapi3.SchemaRef
	}
	var todo []pending
	for _, id := range sortedKeys(a.doc.Operations) {
		op := a.doc.Operations[id]
		chID, _ := strings.CutPrefix(op.Channel.Ref, "#/channels/")
		ch, found := a.doc.Channels[chID]
		source, typ, ok := strings.Cut(ch.Address, ".")
		m := eventType.FindStringSubmatch(typ)
		if op.Action != "send" || !found || !ok || m == nil || source != svc.Name || changeVerb(m[2]) {
			continue
		}
		key, msg, err := a.message(ch.Messages)
		if err != nil {
			a.payloadErrs[id] = err
			continue
		}
		if msg.Payload == nil {
			continue
		}
		ptr := a.file + "#/channels/" + escape(chID) + "/messages/" + escape(key) + "/payload"
		if msg.ref != "" {
			ptr = a.file + "#/components/messages/" + escape(msg.ref) + "/payload"
		}
		sr, err := b.asyncSchema(msg.Payload, ptr)
		if err == nil {
			err = b.resolveAsync(sr, ptr, map[*openapi3.Schema]bool{})
		}
		if err != nil {
			return err
		}
		todo = append(todo, pending{id: id, name: model.Exported(m[1]) + model.Exported(m[2]), ptr: ptr, sr: sr})
	}
	// The component schemas reached, in name order, so they get their
	// plain names; then the payloads, an inline one named after its
	// event (ShipmentDispatched for shipment.dispatched).
	for _, name := range sortedKeys(a.reached) {
		sr := a.schemas[name]
		if sr.Ref != "" || sr.Value == nil {
			continue // an alias: the type of what it names
		}
		b.componentType(name, sr.Value, a.file+"#/components/schemas/"+escape(name))
	}
	for _, p := range todo {
		a.payloads[p.id] = b.schemaRef(p.sr, p.name, p.ptr, 0)
	}
	return nil
}

// resolvedMessage is a message with its $ref to the components followed.
type resolvedMessage struct {
	asyncMessage
	ref string // the component it came from, or ""
}

// message returns the first message of a channel, by key, that has a
// payload (the first message when none has).
func (a *asyncAPI) message(messages map[string]asyncMessage) (string, resolvedMessage, error) {
	var first resolvedMessage
	firstKey := ""
	for i, key := range sortedKeys(messages) {
		m := resolvedMessage{asyncMessage: messages[key]}
		if name, ok := strings.CutPrefix(m.Ref, "#/components/messages/"); ok {
			c, found := a.doc.Components.Messages[name]
			if !found {
				return key, m, fmt.Errorf("message %q is not in the document's components", m.Ref)
			}
			m = resolvedMessage{asyncMessage: c, ref: name}
		}
		if m.Payload != nil && string(m.Payload) != "null" {
			return key, m, nil
		}
		if i == 0 {
			first, firstKey = m, key
		}
	}
	first.Payload = nil
	return firstKey, first, nil
}

// asyncSchema parses a schema of the document: a JSON schema (AsyncAPI's
// default schema format), or a multi-format schema object whose format is
// AsyncAPI's, JSON Schema or OpenAPI's.
func (b *builder) asyncSchema(raw json.RawMessage, ptr string) (*openapi3.SchemaRef, error) {
	var multi struct {
		SchemaFormat string          `json:"schemaFormat"`
		Schema       json.RawMessage `json:"schema"`
	}
	if json.Unmarshal(raw, &multi) == nil && multi.SchemaFormat != "" {
		f := multi.SchemaFormat
		if !strings.HasPrefix(f, "application/vnd.aai.asyncapi") && !strings.HasPrefix(f, "application/schema+") && !strings.HasPrefix(f, "application/vnd.oai.openapi") {
			return nil, fmt.Errorf("%s: schemaFormat %q: svcgen reads AsyncAPI, JSON Schema and OpenAPI schemas", ptr, f)
		}
		raw = multi.Schema
	}
	sr := &openapi3.SchemaRef{}
	if err := json.Unmarshal(raw, sr); err != nil {
		return nil, fmt.Errorf("%s: not a schema svcgen can read: %v", ptr, err)
	}
	if sr.Ref == "" && sr.Value == nil {
		sr.Value = &openapi3.Schema{}
	}
	return sr, nil
}

// resolveAsync points every $ref under sr (a schema of the document, at
// ptr) at the schema it names: one of the document's components
// (#/components/schemas/NAME), parsed on first use and marked reached, or
// one of the OpenAPI document's (openapi.yaml#/components/schemas/NAME,
// load.SpecRef; another file naming a schema the OpenAPI document has,
// as copies of the spec made before the refs were rewritten hold), whose
// ref is then the spec's own, #/components/schemas/NAME.
func (b *builder) resolveAsync(sr *openapi3.SchemaRef, ptr string, seen map[*openapi3.Schema]bool) error {
	if sr == nil {
		return nil
	}
	a := b.async
	if sr.Ref != "" {
		target, err := b.asyncTarget(sr.Ref, ptr, 0)
		if err != nil {
			return err
		}
		if name, ok := strings.CutPrefix(sr.Ref, "#/components/schemas/"); ok {
			sr.Ref = a.file + "#/components/schemas/" + name
		} else {
			_, frag, _ := strings.Cut(sr.Ref, "#")
			sr.Ref = "#" + frag
		}
		sr.Value = target
		return nil
	}
	s := sr.Value
	if s == nil || seen[s] {
		return nil
	}
	seen[s] = true
	for _, name := range sortedKeys(s.Properties) {
		if err := b.resolveAsync(s.Properties[name], ptr+"/properties/"+escape(name), seen); err != nil {
			return err
		}
	}
	for kw, list := range map[string]openapi3.SchemaRefs{"allOf": s.AllOf, "oneOf": s.OneOf, "anyOf": s.AnyOf, "prefixItems": s.PrefixItems} {
		for i, x := range list {
			if err := b.resolveAsync(x, fmt.Sprintf("%s/%s/%d", ptr, kw, i), seen); err != nil {
				return err
			}
		}
	}
	for kw, x := range map[string]*openapi3.SchemaRef{"items": s.Items, "not": s.Not, "additionalProperties": s.AdditionalProperties.Schema, "contains": s.Contains, "propertyNames": s.PropertyNames, "if": s.If, "then": s.Then, "else": s.Else} {
		if err := b.resolveAsync(x, ptr+"/"+kw, seen); err != nil {
			return err
		}
	}
	return nil
}

// asyncTarget returns the schema a $ref of the document names (see
// resolveAsync), following a component that is itself a $ref.
func (b *builder) asyncTarget(ref, ptr string, depth int) (*openapi3.Schema, error) {
	a := b.async
	if depth > 32 {
		return nil, fmt.Errorf("%s: $ref %q: a chain of more than 32 $refs", ptr, ref)
	}
	if name, ok := strings.CutPrefix(ref, "#/components/schemas/"); ok {
		name = strings.ReplaceAll(strings.ReplaceAll(name, "~1", "/"), "~0", "~")
		at := a.file + "#/components/schemas/" + escape(name)
		sr, parsed := a.schemas[name]
		if parsed && sr.Ref != "" && sr.Value == nil {
			return nil, fmt.Errorf("%s: $ref %q: a chain of $refs that comes back on itself", ptr, ref)
		}
		if !parsed {
			raw, found := a.doc.Components.Schemas[name]
			if !found {
				return nil, fmt.Errorf("%s: $ref %q: the AsyncAPI document has no schema %s (a schema of the OpenAPI document is %s#/components/schemas/%s, written as a path from the AsyncAPI document)", ptr, ref, name, load.SpecRef, name)
			}
			var err error
			if sr, err = b.asyncSchema(raw, at); err != nil {
				return nil, err
			}
			a.schemas[name] = sr
			if sr.Ref != "" {
				// An alias: the schema it names, and no type of its own.
				if sr.Value, err = b.asyncTarget(sr.Ref, at, depth+1); err != nil {
					return nil, err
				}
			} else if err := b.resolveAsync(sr, at, map[*openapi3.Schema]bool{}); err != nil {
				return nil, err
			}
		}
		if !a.reached[name] {
			a.reached[name] = true
			if own := b.component("#/components/schemas/" + escape(name)); own != nil && own != sr.Value {
				return nil, fmt.Errorf("%s: the OpenAPI document has a schema %s too (%s#/components/schemas/%s); svcgen refuses to guess which one package api's %s is: rename one, or make this one $ref: '%s#/components/schemas/%s'", at, name, b.file, escape(name), model.Exported(name), b.specFromAsync(), escape(name))
			}
		}
		if sr.Value == nil {
			return nil, fmt.Errorf("%s: $ref %q names no schema", ptr, ref)
		}
		return sr.Value, nil
	}
	frag := refFragment(ref)
	if own := b.component("#" + frag); own != nil && !strings.HasPrefix(ref, "#") {
		return own, nil
	}
	return nil, fmt.Errorf("%s: $ref %q: svcgen reads schemas of the AsyncAPI document (#/components/schemas/NAME) and of the OpenAPI document (%s#/components/schemas/NAME, written as a path from the AsyncAPI document)", ptr, ref, load.SpecRef)
}

// refFragment is the JSON pointer part of a $ref: "/components/schemas/X".
func refFragment(ref string) string {
	_, frag, _ := strings.Cut(ref, "#")
	return frag
}

// asyncPayload returns the type of the payload of the messages of a
// channel on which the service sends (operation id): nil when no message
// has one; an error when it is not a schema svcgen reads. A declared
// event's was built by readAsyncAPI; a resource change's must be that
// resource, a schema of the OpenAPI document.
func (b *builder) asyncPayload(id string, messages map[string]asyncMessage) (*model.Type, error) {
	a := b.async
	if err := a.payloadErrs[id]; err != nil {
		return nil, err
	}
	if t, ok := a.payloads[id]; ok {
		if t.Kind != model.KindNamed {
			return nil, nil // not an object: the caller says what it wants
		}
		return t.Named, nil
	}
	key, m, err := a.message(messages)
	if err != nil || m.Payload == nil {
		return nil, err
	}
	var ref struct {
		Ref string `json:"$ref"`
	}
	_ = json.Unmarshal(m.Payload, &ref)
	s := b.component("#" + refFragment(ref.Ref))
	if ref.Ref == "" || strings.HasPrefix(ref.Ref, "#") || s == nil {
		return nil, fmt.Errorf("the payload of message %s is not $ref to a schema of the OpenAPI document (%s#/components/schemas/NAME)", key, load.SpecRef)
	}
	if t := b.named[s]; t != nil {
		return t, nil
	}
	return nil, fmt.Errorf("the payload of message %s, %s, has no Go type", key, ref.Ref)
}

// specFromAsync is the spec's root file as a path from the AsyncAPI
// document's folder, for messages: "../orders.yaml".
func (b *builder) specFromAsync() string {
	up := strings.Repeat("../", strings.Count(path.Clean(b.async.file), "/"))
	return up + filepath.Base(b.file)
}

// asyncAPIRoute is the built-in route serving the AsyncAPI document, beside
// GET /openapi.yaml: the document's refs into the spec are relative to it
// (load.SpecRef).
var asyncAPIRoute = model.Builtin{Pattern: "GET /asyncapi.yaml", Path: "/asyncapi.yaml", Handler: "asyncAPI"}

// serveAsyncAPI has the service serve the AsyncAPI document (text, the
// JSON package load kept) at /asyncapi.yaml, indented, unless the spec
// declares that route itself. Its refs into the spec are relative to
// that route already (load.SpecRef); those into the spec of a service of
// x-svcgen-dependencies (its spec: FILE) go to where that service serves
// it (depRefs); others stay as written.
func (b *builder) serveAsyncAPI(svc *model.Service, ev *model.Events, text string) {
	mux := http.NewServeMux()
	for _, op := range svc.Operations {
		if !op.Fallback {
			_ = register(mux, op.Pattern)
		}
	}
	for _, bi := range svc.Builtins {
		_ = register(mux, bi.Pattern)
	}
	if err := register(mux, asyncAPIRoute.Pattern); err != nil {
		b.skip("#/paths", "built-in route "+asyncAPIRoute.Pattern, "not served: the spec declares it")
		return
	}
	var doc any
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return // asyncAPI read it already
	}
	b.depRefs(svc, doc)
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return
	}
	ev.Document = string(out) + "\n"
	svc.Builtins = append(svc.Builtins, asyncAPIRoute)
}

// depRefs rewrites the $refs of the AsyncAPI document v that point into
// the spec of a dependency (Dependency.Spec, a path from this spec's
// folder) to that service's spec as it serves it, at its default URL:
// ../orders.yaml#/components/schemas/Order from events/ becomes
// http://orders:8080/openapi.yaml#/components/schemas/Order.
func (b *builder) depRefs(svc *model.Service, v any) {
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok {
			file, frag, _ := strings.Cut(ref, "#")
			if file != "" && file != load.SpecRef && !strings.Contains(file, ":") && !path.IsAbs(file) {
				at := path.Join(path.Dir(b.async.file), file)
				for _, d := range svc.Dependencies {
					if d.Spec != "" && path.Clean(d.Spec) == at {
						v["$ref"] = d.URL + "/openapi.yaml#" + frag
					}
				}
			}
		}
		for _, x := range v {
			b.depRefs(svc, x)
		}
	case []any:
		for _, x := range v {
			b.depRefs(svc, x)
		}
	}
}
