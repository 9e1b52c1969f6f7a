package build

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/svcgen/svcgen/generator/load"
	"github.com/svcgen/svcgen/generator/model"
)

// eventsExtension opts a service into events (docs/ARCHITECTURE.md,
// "Events"):
//
//	x-svcgen-events:
//	  publish: true              # every stored resource, or a list: [order]
//	  subscribe:                 # events of services named in x-svcgen-dependencies
//	    orders: [order.created, order.updated]
//
// A published resource gives the events <noun>.created, .updated and
// .deleted, where noun is the resource's name in snake case ("order",
// "order_item"); their contract type is <Resource>Event in package api.
const eventsExtension = "x-svcgen-events"

// eventType is an event's type: a noun in snake case, a dot, and a verb
// (created, updated or deleted for a resource's changes).
var eventType = regexp.MustCompile(`^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$`)

// changeVerb reports whether verb names a resource's change.
func changeVerb(verb string) bool { return verb == "created" || verb == "updated" || verb == "deleted" }

// eventTypeName is the contract type of events of type noun.verb: the
// resource's <Noun>Event for its changes, <Noun><Verb>Event otherwise.
func eventTypeName(noun, verb string) string {
	if changeVerb(verb) {
		return model.Exported(noun) + "Event"
	}
	return model.Exported(noun) + model.Exported(verb) + "Event"
}

// events reads the extension from the document's root. It runs after
// resources and dependencies.
func (b *builder) events(svc *model.Service) error {
	raw, ok := b.doc.Extensions[eventsExtension]
	if !ok {
		return nil
	}
	ptr := "#/" + eventsExtension
	js, err := json.Marshal(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", ptr, err)
	}
	var ext struct {
		Publish   json.RawMessage     `json:"publish"`
		Subscribe map[string][]string `json:"subscribe"`
		AsyncAPI  string              `json:"asyncapi"`
		// AsyncAPIDocument is the document the file names, as JSON text,
		// put there by package load.
		AsyncAPIDocument string `json:"asyncapi-document"`
	}
	dec := json.NewDecoder(strings.NewReader(string(js)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ext); err != nil {
		return fmt.Errorf("%s: want {publish: true or a list of resources, subscribe: {service: [event types]}, asyncapi: FILE}: %w", ptr, err)
	}
	ev := &model.Events{}
	if err := b.publishers(svc, ev, ext.Publish, ptr+"/publish"); err != nil {
		return err
	}
	switch {
	case ext.AsyncAPIDocument != "":
		if err := b.asyncAPI(svc, ev, &ext.Subscribe, ptr+"/asyncapi"); err != nil {
			return err
		}
		b.serveAsyncAPI(svc, ev, ext.AsyncAPIDocument)
	case ext.AsyncAPI != "":
		return fmt.Errorf("%s/asyncapi: the AsyncAPI document %s was not read", ptr, ext.AsyncAPI)
	}
	for _, dep := range sortedKeys(ext.Subscribe) {
		at := ptr + "/subscribe/" + escape(dep)
		var d *model.Dependency
		for _, x := range svc.Dependencies {
			if x.Name == dep {
				d = x
			}
		}
		if d == nil {
			return fmt.Errorf("%s: %q is not a service named in x-svcgen-dependencies", at, dep)
		}
		for i, typ := range ext.Subscribe[dep] {
			m := eventType.FindStringSubmatch(typ)
			if m == nil {
				return fmt.Errorf("%s/%d: %q is not an event type such as \"order.created\" (a resource in snake case, a dot, a verb)", at, i, typ)
			}
			ev.Subscribe = append(ev.Subscribe, &model.Subscription{
				Dependency: d, Event: typ,
				Type:   eventTypeName(m[1], m[2]),
				Method: "On" + model.Exported(m[1]) + model.Exported(m[2]),
			})
		}
	}
	sort.Slice(ev.Declared, func(i, j int) bool { return ev.Declared[i].Event < ev.Declared[j].Event })
	sort.Slice(ev.Subscribe, func(i, j int) bool {
		a, c := ev.Subscribe[i], ev.Subscribe[j]
		if a.Method != c.Method {
			return a.Method < c.Method
		}
		return a.Dependency.Name < c.Dependency.Name
	})
	for i := 1; i < len(ev.Subscribe); i++ {
		a, c := ev.Subscribe[i-1], ev.Subscribe[i]
		if a.Method == c.Method {
			if a.Dependency == c.Dependency {
				return fmt.Errorf("%s/subscribe/%s: %s is listed twice", ptr, escape(a.Dependency.Name), a.Event)
			}
			// Two producers with the same event: the handler names the service.
			a.Method = "On" + model.Exported(a.Dependency.Name) + strings.TrimPrefix(a.Method, "On")
			c.Method = "On" + model.Exported(c.Dependency.Name) + strings.TrimPrefix(c.Method, "On")
		}
	}
	b.histories(svc, ev)
	if len(ev.Publish) > 0 || len(ev.Subscribe) > 0 || len(ev.Declared) > 0 {
		svc.Events = ev
	}
	return nil
}

// historyExtension on a GET operation (or its path item) under the item
// path of a resource whose changes are published makes it that resource's
// history; false keeps svcgen from doing so.
const historyExtension = "x-svcgen-history"

// historyNames are the last path segments that make a GET right under a
// published resource's item path its history without the extension:
// GET /orders/{orderId}/history.
var historyNames = map[string]bool{"history": true, "events": true, "changes": true}

// historyAttrs maps the property names a history item may have to the
// event attribute each is filled from; the resource's own name (order,
// customer) holds the data too.
var historyAttrs = map[string]string{
	"id": "id", "eventId": "id", "event_id": "id",
	"type": "type", "eventType": "type", "event_type": "type", "kind": "type",
	"version": "version", "revision": "version",
	"time": "time", "timestamp": "time", "at": "time", "occurredAt": "time", "occurred_at": "time", "changedAt": "time", "changed_at": "time",
	"data": "data", "payload": "data", "state": "data", "snapshot": "data",
}

// histories wires to the event log the operations that list a published
// resource's changes (model.History): a GET with x-svcgen-history: true
// anywhere under the resource's item path, or, without the extension,
// GET <item path>/history (or /events, /changes). Its answer is an array
// of objects, or an object whose one array property holds them (its other
// properties optional); an item's properties are filled by name
// (historyAttrs: id, type, version, time, data and their usual other
// names), and an optional one no event attribute fills is left out.
// Another shape is left to the user (501) and reported.
func (b *builder) histories(svc *model.Service, ev *model.Events) {
	for _, op := range svc.Operations {
		if op.Method != "GET" || op.CRUD != "" {
			continue
		}
		ptr := "#/paths/" + escape(op.Path) + "/get"
		asked, said := b.historyAsked(op.Path)
		if said && !asked {
			continue
		}
		var p *model.Publisher
		for _, x := range ev.Publish {
			r := x.Resource
			if r.Get == nil || r.Get.IDParam == nil || !strings.HasPrefix(op.Path, r.Item+"/") {
				continue
			}
			rest := strings.TrimPrefix(op.Path, r.Item+"/")
			if (asked || historyNames[rest]) && (p == nil || len(r.Item) > len(p.Resource.Item)) {
				p = x
			}
		}
		if p == nil {
			if asked {
				b.degrade(ptr, historyExtension+" on an operation that is not under the item path of a resource whose changes are published", "answers 501")
			}
			continue
		}
		b.history(op, p, ptr)
	}
}

// historyAsked reads x-svcgen-history on the GET of path, or else on the
// path item: said is false when neither has it.
func (b *builder) historyAsked(path string) (asked, said bool) {
	item := b.doc.Paths.Value(path)
	if item == nil {
		return false, false
	}
	for _, exts := range []map[string]any{opExtensions(item.Get), item.Extensions} {
		if v, ok := exts[historyExtension]; ok {
			on, _ := v.(bool)
			return on, true
		}
	}
	return false, false
}

func opExtensions(op *openapi3.Operation) map[string]any {
	if op == nil {
		return nil
	}
	return op.Extensions
}

// changeEnum reports whether t is an enum of strings holding the three
// event types of p's changes.
func changeEnum(t *model.TypeRef, p *model.Publisher) bool {
	if t.Kind != model.KindNamed || t.Named.Kind != model.TypeEnum || t.Named.Base == nil || t.Named.Base.Kind != model.KindString {
		return false
	}
	n := 0
	for _, v := range t.Named.Values {
		if v.Value == p.Created() || v.Value == p.Updated() || v.Value == p.Deleted() {
			n++
		}
	}
	return n == 3
}

// history makes op, at ptr, the history of p's resource when its answer
// has a shape svcgen can fill (see histories).
func (b *builder) history(op *model.Operation, p *model.Publisher, ptr string) {
	r := p.Resource
	ok := op.Success()
	if ok == nil || ok.Kind != model.BodyJSON || ok.Type == nil {
		b.degrade(ptr, "history of "+r.Name+" without a JSON answer", "answers 501")
		return
	}
	list, items, itemsKey := ok.Type, "", ""
	if list.Kind == model.KindNamed && list.Named.Kind == model.TypeStruct {
		for _, f := range list.Named.Fields {
			if f.Type.Kind == model.KindSlice && f.Shape == model.ShapeValue {
				if items != "" {
					b.degrade(ptr, "history of "+r.Name+" in an object with more than one array", "answers 501")
					return
				}
				list, items, itemsKey = f.Type, f.GoName, f.Name
			} else if f.Required {
				b.degrade(ptr, "history of "+r.Name+" in an object with the required property "+f.Name+" besides its list", "answers 501")
				return
			}
		}
	}
	if list.Kind != model.KindSlice || list.Elem == nil || list.Elem.Kind != model.KindNamed || list.Elem.Named.Kind != model.TypeStruct {
		b.degrade(ptr, "history of "+r.Name+" that is not a list of objects", "answers 501")
		return
	}
	item := list.Elem.Named
	own := map[string]bool{model.Unexported(r.Name): true, p.Noun: true}
	fields := map[string]string{}
	for _, f := range item.Fields {
		attr := historyAttrs[f.Name]
		if own[f.Name] {
			attr = "data"
		}
		t := f.Type
		fits := false
		switch attr {
		case "id":
			fits = t.Kind == model.KindString && t.GoType == "string"
		case "type":
			fits = t.Kind == model.KindString && t.GoType == "string" || changeEnum(t, p)
		case "version":
			fits = t.Kind == model.KindInt || t.Kind == model.KindInt32 || t.Kind == model.KindInt64
		case "time":
			fits = t.Kind == model.KindTime || t.Kind == model.KindString && t.GoType == "string"
		case "data":
			fits = t.Kind == model.KindNamed && t.Named == r.Type || t.Kind == model.KindAny
		}
		switch {
		case fits:
			fields[f.Name] = attr
		case f.Required:
			b.degrade(ptr, "history item "+item.Name+" with the required property "+f.Name+", which no event attribute of the "+r.Name+"'s fills (id, type, version, time, data, by those or their usual other names)", "answers 501")
			return
		}
	}
	if len(fields) == 0 {
		b.degrade(ptr, "history item "+item.Name+" with none of the event's attributes", "answers 501")
		return
	}
	for _, q := range op.Params {
		if q.In != model.InPath {
			continue
		}
		switch {
		case q.Name == r.Get.IDParam.Name && q.Type.GoType == r.Get.IDParam.Type.GoType:
			op.IDParam = q
		case r.Get.ParentParam != nil && q.Name == r.Get.ParentParam.Name && q.Type.GoType == r.Get.ParentParam.Type.GoType:
			op.ParentParam = q
		}
	}
	if op.IDParam == nil || r.Get.ParentParam != nil && op.ParentParam == nil {
		return
	}
	h := &model.History{Items: items, ItemsKey: itemsKey, Item: item.Name}
	for _, name := range sortedKeys(fields) {
		h.Fields = append(h.Fields, model.KV{Name: name, Value: fields[name]})
	}
	op.Resource, op.CRUD, op.History = r, "history", h
}

// publishers reads publish: true, false or a list of resources.
func (b *builder) publishers(svc *model.Service, ev *model.Events, raw json.RawMessage, at string) error {
	if len(raw) == 0 || string(raw) == "false" || string(raw) == "null" {
		return nil
	}
	var names []string
	if string(raw) != "true" {
		if err := json.Unmarshal(raw, &names); err != nil {
			return fmt.Errorf("%s: want true, false or a list of resource names", at)
		}
	}
	want := map[string]int{}
	for i, n := range names {
		want[n] = i
	}
	for _, r := range svc.Resources {
		noun := snake(r.Name)
		_, byNoun := want[noun]
		_, byName := want[r.Name]
		if names != nil && !byNoun && !byName {
			continue
		}
		delete(want, noun)
		delete(want, r.Name)
		typ := r.Name + "Event"
		if b.types.Taken(typ) {
			return fmt.Errorf("%s: the events of %s would be type %s in package api, which the spec's schemas already use; rename the schema", at, r.Name, typ)
		}
		b.types.Take(typ)
		ev.Publish = append(ev.Publish, &model.Publisher{Resource: r, Noun: noun, Type: typ})
	}
	if len(want) > 0 {
		var left []string
		for n := range want {
			left = append(left, n)
		}
		sort.Strings(left)
		return fmt.Errorf("%s: %s: no stored resource of that name (svcgen stores: %s)", at, strings.Join(left, ", "), resourceNames(svc))
	}
	return nil
}

func resourceNames(svc *model.Service) string {
	var out []string
	for _, r := range svc.Resources {
		out = append(out, snake(r.Name))
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// asyncAPI reads the AsyncAPI 3.0 document the load stage put in the
// extension (docs/ARCHITECTURE.md, "Events"), parsed by readAsyncAPI.
// Each operation's channel has the address SERVICE.NOUN.VERB, where
// NOUN.VERB is the event type:
//
//   - action send, SERVICE this service: a change of a stored resource
//     (VERB created, updated or deleted) publishes that resource's events;
//     another verb declares an event the service's code publishes, whose
//     message payload is an object schema: inline, one of the document's
//     components.schemas, or one of the OpenAPI document's
//     (openapi.yaml#/components/schemas/Shipment, see load.SpecRef).
//   - action receive, SERVICE a service of x-svcgen-dependencies: a
//     subscription, as subscribe would list it.
func (b *builder) asyncAPI(svc *model.Service, ev *model.Events, subscribe *map[string][]string, at string) error {
	if b.async == nil || b.async.err != nil {
		var err error
		if b.async != nil {
			err = b.async.err
		}
		return fmt.Errorf("%s: not an AsyncAPI document svcgen can read (name its file, relative to the spec): %v", at, err)
	}
	doc := &b.async.doc
	ev.AsyncAPI = true
	published := map[*model.Resource]bool{}
	for _, p := range ev.Publish {
		published[p.Resource] = true
	}
	for _, id := range sortedKeys(doc.Operations) {
		op := doc.Operations[id]
		where := at + " operations/" + id
		chID, ok := strings.CutPrefix(op.Channel.Ref, "#/channels/")
		ch, found := doc.Channels[chID]
		if !ok || !found {
			return fmt.Errorf("%s: channel %q is not a channel of the document (#/channels/NAME)", where, op.Channel.Ref)
		}
		parts := strings.SplitN(ch.Address, ".", 2)
		var m []string
		if len(parts) == 2 {
			m = eventType.FindStringSubmatch(parts[1])
		}
		if m == nil {
			return fmt.Errorf("%s: channel %s has the address %q; svcgen's events travel on SERVICE.NOUN.VERB (orders.order.created)", where, chID, ch.Address)
		}
		source, typ, noun, verb := parts[0], parts[1], m[1], m[2]
		switch op.Action {
		case "send":
			if source != svc.Name {
				return fmt.Errorf("%s: sends on %q, but this service publishes on %s.*", where, ch.Address, svc.Name)
			}
			payload, err := b.asyncPayload(id, ch.Messages)
			if err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
			if changeVerb(verb) {
				var r *model.Resource
				for _, x := range svc.Resources {
					if snake(x.Name) == noun {
						r = x
					}
				}
				if r == nil || payload != nil && payload != r.Type {
					return fmt.Errorf("%s: %s is the change of a stored resource %q, with the resource as payload; svcgen stores: %s", where, typ, noun, resourceNames(svc))
				}
				if !published[r] {
					published[r] = true
					name := r.Name + "Event"
					if b.types.Taken(name) {
						return fmt.Errorf("%s: the events of %s would be type %s in package api, which the spec's schemas already use", where, r.Name, name)
					}
					b.types.Take(name)
					ev.Publish = append(ev.Publish, &model.Publisher{Resource: r, Noun: noun, Type: name})
				}
				continue
			}
			if payload == nil || payload.Kind != model.TypeStruct {
				return fmt.Errorf("%s: event %s needs a message whose payload is an object schema (inline, #/components/schemas/NAME, or %s#/components/schemas/NAME for the OpenAPI document's)", where, typ, load.SpecRef)
			}
			name := eventTypeName(noun, verb)
			if b.types.Taken(name) {
				return fmt.Errorf("%s: event %s would be type %s in package api, which the spec's schemas already use", where, typ, name)
			}
			b.types.Take(name)
			ev.Declared = append(ev.Declared, &model.Declared{Event: typ, Type: name, Payload: payload, Method: "Publish" + model.Exported(noun) + model.Exported(verb)})
		case "receive":
			if *subscribe == nil {
				*subscribe = map[string][]string{}
			}
			(*subscribe)[source] = append((*subscribe)[source], typ)
		default:
			return fmt.Errorf("%s: action %q: want send or receive", where, op.Action)
		}
	}
	// Resources keep their order, as without the document.
	sort.SliceStable(ev.Publish, func(i, j int) bool {
		return slices.Index(svc.Resources, ev.Publish[i].Resource) < slices.Index(svc.Resources, ev.Publish[j].Resource)
	})
	return nil
}
