package build

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

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

// eventType is a subscribed event's type: a noun in snake case, a dot, and
// created, updated or deleted.
var eventType = regexp.MustCompile(`^([a-z][a-z0-9_]*)\.(created|updated|deleted)$`)

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
	}
	dec := json.NewDecoder(strings.NewReader(string(js)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ext); err != nil {
		return fmt.Errorf("%s: want {publish: true or a list of resources, subscribe: {service: [event types]}}: %w", ptr, err)
	}
	ev := &model.Events{}
	if err := b.publishers(svc, ev, ext.Publish, ptr+"/publish"); err != nil {
		return err
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
				return fmt.Errorf("%s/%d: %q is not an event type such as \"order.created\" (a resource in snake case, then created, updated or deleted)", at, i, typ)
			}
			ev.Subscribe = append(ev.Subscribe, &model.Subscription{
				Dependency: d, Event: typ,
				Type:   model.Exported(m[1]) + "Event",
				Method: "On" + model.Exported(m[1]) + model.Exported(m[2]),
			})
		}
	}
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
	if len(ev.Publish) > 0 || len(ev.Subscribe) > 0 {
		svc.Events = ev
	}
	return nil
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
