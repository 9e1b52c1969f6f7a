// Package compat compares two models of one service, the one svcgen last
// generated from and the one the edited spec gives, and reports every
// change to the API a client sees, each marked breaking or not.
//
// Which changes break clients follows oasdiff's checker (its rule list and
// docs/BREAKING-CHANGES*.md): a change breaks clients when a request that was
// valid may now be rejected, or a response a client understood may now carry
// something it does not expect. Requests and responses therefore read the
// same edit in opposite ways: a tighter maxLength breaks requests and is
// harmless in responses, an added enum value is harmless in requests and
// breaks responses. Where oasdiff only warns (the spec cannot say for sure),
// Breaking is true unless a comment at the rule says otherwise: regenerate
// is the moment to look, and a warning nobody reads protects nobody.
//
// The comparison works on the model, not on the spec text: request and
// response bodies are walked structurally, field by JSON name, so a type
// whose Go name shifts between versions (an inline schema named after a
// renamed operation, a schema moved into components) is not a change.
// Operations are matched by method and path with path parameter names left
// out, so renaming {id} to {orderId} is not a change either.
package compat

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/svcgen/svcgen/generator/model"
)

// Change is one difference between two versions of an API.
type Change struct {
	Breaking bool
	// Kind is a stable kebab-case id: "operation-added",
	// "request-field-removed", "response-max-length-increased"...
	Kind string
	// Where is what a reader finds it by, in wire names and spec paths:
	// "POST /orders", "POST /orders request body .items[].sku",
	// "GET /orders query limit", "GET /orders response 200 .total".
	Where string
	// Message says what changed in one sentence: "type changed from
	// integer to string".
	Message string
}

// Compare returns every change from old to new, breaking ones first, then
// by Where, Kind and Message. The result does not depend on map order or on
// the Go names either model chose.
func Compare(old, new *model.Service) []Change {
	c := &comparer{walker: newWalker()}
	if old.BasePath != new.BasePath {
		c.add(true, "base-path-changed", "base path",
			"base path changed from "+quoteOrRoot(old.BasePath)+" to "+quoteOrRoot(new.BasePath)+": every route moved")
	}
	c.operations(old.Operations, new.Operations)
	c.events(old.Events, new.Events)
	sortChanges(c.changes)
	return c.changes
}

func quoteOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// sortChanges orders breaking changes first, then by Where, Kind, Message.
func sortChanges(cs []Change) {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Breaking != b.Breaking {
			return a.Breaking
		}
		if a.Where != b.Where {
			return a.Where < b.Where
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Message < b.Message
	})
}

// comparer collects the changes of one Compare call.
type comparer struct {
	changes []Change
	walker  *walker
}

func (c *comparer) add(breaking bool, kind, where, msg string) {
	c.changes = append(c.changes, Change{Breaking: breaking, Kind: kind, Where: where, Message: msg})
}

// addAll adds schema changes found under base ("POST /orders request
// body"), the path after a space: "POST /orders request body .items[].sku".
func (c *comparer) addAll(base string, rs []rel) {
	c.addUnder(base, " ", rs)
}

// addUnder adds schema changes found under base, the path after sep.
func (c *comparer) addUnder(base, sep string, rs []rel) {
	for _, r := range rs {
		where := base
		if r.path != "" {
			where += sep + r.path
		}
		c.add(r.breaking, r.kind, where, r.msg)
	}
}

// wildcard matches a path template parameter, with its braces.
var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// opKey identifies an operation across versions: method and path with the
// parameter names left out, "GET /orders/{}".
func opKey(op *model.Operation) string {
	return op.Method + " " + wildcard.ReplaceAllString(op.Path, "{}")
}

func (c *comparer) operations(old, new []*model.Operation) {
	olds := map[string]*model.Operation{}
	for _, op := range old {
		olds[opKey(op)] = op
	}
	news := map[string]*model.Operation{}
	for _, op := range new {
		news[opKey(op)] = op
	}
	for _, k := range unionKeys(olds, news) {
		o, n := olds[k], news[k]
		switch {
		case n == nil:
			// oasdiff: removing an operation breaks its clients, unless
			// it was deprecated first (api-removed-with-deprecation).
			msg := "operation removed"
			if o.Deprecated {
				msg = "deprecated operation removed"
			}
			c.add(!o.Deprecated, "operation-removed", o.Method+" "+o.Path, msg)
		case o == nil:
			c.add(false, "operation-added", n.Method+" "+n.Path, "operation added")
		default:
			c.operation(o, n)
		}
	}
}

// events compares the events a service publishes: its consumers read an
// event's data as a client reads a response, so the same changes break
// them; an event no longer published breaks every subscriber.
func (c *comparer) events(old, new *model.Events) {
	olds, news := map[string]*model.Publisher{}, map[string]*model.Publisher{}
	if old != nil {
		for _, p := range old.Publish {
			olds[p.Noun] = p
		}
	}
	if new != nil {
		for _, p := range new.Publish {
			news[p.Noun] = p
		}
	}
	for _, noun := range unionKeys(olds, news) {
		o, n := olds[noun], news[noun]
		where := "events " + noun + ".*"
		switch {
		case n == nil:
			c.add(true, "event-removed", where, "no longer published: subscribers get no more of these events")
		case o == nil:
			c.add(false, "event-added", where, "published")
		default:
			c.addAll(where+" data", c.walker.compare(prefixResponse,
				&model.TypeRef{Kind: model.KindNamed, Named: o.Resource.Type},
				&model.TypeRef{Kind: model.KindNamed, Named: n.Resource.Type}))
		}
	}
	oldDecl, newDecl := map[string]*model.Declared{}, map[string]*model.Declared{}
	for _, d := range old.DeclaredOrNil() {
		oldDecl[d.Event] = d
	}
	for _, d := range new.DeclaredOrNil() {
		newDecl[d.Event] = d
	}
	for _, typ := range unionKeys(oldDecl, newDecl) {
		o, n := oldDecl[typ], newDecl[typ]
		where := "event " + typ
		switch {
		case n == nil:
			c.add(true, "event-removed", where, "no longer published: subscribers get no more of these events")
		case o == nil:
			c.add(false, "event-added", where, "published")
		default:
			c.addAll(where+" data", c.walker.compare(prefixResponse,
				&model.TypeRef{Kind: model.KindNamed, Named: o.Payload},
				&model.TypeRef{Kind: model.KindNamed, Named: n.Payload}))
		}
	}
}

// operation compares two versions of one operation.
func (c *comparer) operation(o, n *model.Operation) {
	where := n.Method + " " + n.Path
	if n.Deprecated && !o.Deprecated {
		c.add(false, "operation-deprecated", where, "operation deprecated")
	}
	c.params(where, o, n)
	c.body(where, o.Body, n.Body)
	c.responses(where, o.Responses, n.Responses)
	c.security(where, o, n)
}

// security compares what credentials an operation asks for. Like oasdiff,
// newly required credentials break clients that send none; dropping them,
// or adding another way to authenticate, does not.
func (c *comparer) security(where string, o, n *model.Operation) {
	switch {
	case n.Secured() && !o.Secured():
		c.add(true, "security-added", where, "credentials now required ("+schemes(n)+")")
	case o.Secured() && !n.Secured():
		c.add(false, "security-removed", where, "credentials no longer required")
	case o.Secured() && n.Secured() && schemes(o) != schemes(n):
		// Clients satisfying an old requirement still pass if it is still
		// one of the alternatives, with no more scopes than before.
		old := map[string]bool{}
		for _, a := range o.Security {
			old[alternative(a)] = true
		}
		kept := false
		for _, a := range n.Security {
			kept = kept || old[alternative(a)]
		}
		c.add(!kept, "security-changed", where, "security schemes changed from "+schemes(o)+" to "+schemes(n))
	}
}

// schemes describes an operation's security alternatives: "bearer or
// basicAuth+cookieKey".
func schemes(op *model.Operation) string {
	var alts []string
	for _, a := range op.Security {
		alts = append(alts, alternative(a))
	}
	return strings.Join(alts, " or ")
}

func alternative(a *model.SecurityAlternative) string {
	var names []string
	for _, u := range a.Uses {
		n := u.Scheme.Name
		if len(u.Scopes) > 0 {
			n += "[" + strings.Join(u.Scopes, ",") + "]"
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return "anonymous"
	}
	return strings.Join(names, "+")
}

// paramKeys maps each parameter to its identity across versions: its
// location and name (header names are case-insensitive), or for a path
// parameter its position in the path, since its name may change freely.
func paramKeys(op *model.Operation) map[string]*model.Param {
	pos := map[string]int{}
	for i, m := range wildcard.FindAllString(op.Path, -1) {
		pos[m[1:len(m)-1]] = i
	}
	out := map[string]*model.Param{}
	for _, p := range op.Params {
		var k string
		switch p.In {
		case model.InPath:
			k = "path\x00" + strconv.Itoa(pos[p.Name])
		case model.InHeader:
			k = "header\x00" + strings.ToLower(p.Name)
		default:
			k = string(p.In) + "\x00" + p.Name
		}
		out[k] = p
	}
	return out
}

func (c *comparer) params(op string, o, n *model.Operation) {
	olds, news := paramKeys(o), paramKeys(n)
	for _, k := range unionKeys(olds, news) {
		po, pn := olds[k], news[k]
		switch {
		case pn == nil:
			// oasdiff warns (request-parameter-removed): requests that
			// send it still succeed, but the server no longer reads it, so
			// what they ask for silently changes: a filter stops
			// filtering, a header stops counting.
			c.add(true, "param-removed", op+" "+string(po.In)+" "+po.Name, "parameter removed: the server ignores it now")
		case po == nil:
			where := op + " " + string(pn.In) + " " + pn.Name
			if pn.Required {
				c.add(true, "param-added", where, "required parameter added")
			} else {
				c.add(false, "param-added", where, "optional parameter added")
			}
		default:
			c.param(op+" "+string(pn.In)+" "+pn.Name, po, pn)
		}
	}
}

func (c *comparer) param(where string, o, n *model.Param) {
	switch {
	case !o.Required && n.Required:
		c.add(true, "param-became-required", where, "parameter became required")
	case o.Required && !n.Required:
		c.add(false, "param-became-optional", where, "parameter became optional")
	}
	if o.Array && n.Array && (o.Explode != n.Explode || o.Delimiter != n.Delimiter) {
		c.add(true, "param-style-changed", where,
			"array encoding changed from "+arrayStyle(o)+" to "+arrayStyle(n))
	}
	// The path follows the name: "GET /orders query tag[]".
	c.addUnder(where, "", c.walker.compare(prefixParam, o.Type, n.Type))
}

// arrayStyle describes how an array parameter travels.
func arrayStyle(p *model.Param) string {
	if p.Explode {
		return "repeated " + string(p.In) + " values"
	}
	return "values separated by " + quote(p.Delimiter)
}

func (c *comparer) body(op string, o, n *model.Body) {
	where := op + " request body"
	switch {
	case o == nil && n == nil:
		return
	case n == nil:
		// oasdiff: request-body-removed is an error: clients still send
		// a body the server no longer reads.
		c.add(true, "request-body-removed", where, "request body removed: the server ignores it now")
		return
	case o == nil:
		if n.Required {
			c.add(true, "request-body-added", where, "required request body added")
		} else {
			c.add(false, "request-body-added", where, "optional request body added")
		}
		return
	}
	switch {
	case !o.Required && n.Required:
		c.add(true, "request-body-became-required", where, "request body became required")
	case o.Required && !n.Required:
		c.add(false, "request-body-became-optional", where, "request body became optional")
	}
	if !sameMedia(o.ContentType, n.ContentType) {
		// oasdiff: removing a request media type is an error.
		c.add(true, "request-content-type-changed", where,
			"content type changed from "+o.ContentType+" to "+n.ContentType)
		return
	}
	if o.Type != nil && n.Type != nil {
		c.addAll(where, c.walker.compare(prefixRequest, o.Type, n.Type))
	}
}

// sameMedia compares media types without their parameters or case.
func sameMedia(a, b string) bool {
	a, _, _ = strings.Cut(a, ";")
	b, _, _ = strings.Cut(b, ";")
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// success reports whether a status is a success: "201", "2XX".
func success(status string) bool {
	return strings.HasPrefix(status, "2")
}

func (c *comparer) responses(op string, old, new []*model.Response) {
	olds := map[string]*model.Response{}
	for _, r := range old {
		olds[r.Status] = r
	}
	news := map[string]*model.Response{}
	for _, r := range new {
		news[r.Status] = r
	}
	for _, k := range unionKeys(olds, news) {
		o, n := olds[k], news[k]
		where := op + " response " + k
		switch {
		case n == nil:
			// oasdiff: a removed success status is an error (clients
			// expect it); a removed error status is information, since
			// clients handle unlisted errors anyway.
			if success(k) {
				c.add(true, "response-status-removed", where, "success response removed")
			} else {
				c.add(false, "response-status-removed", where, "response removed")
			}
		case o == nil:
			c.add(false, "response-status-added", where, "response added")
		default:
			c.response(where, o, n)
		}
	}
}

func (c *comparer) response(where string, o, n *model.Response) {
	switch {
	case o.Kind != model.BodyNone && n.Kind == model.BodyNone:
		c.add(true, "response-body-removed", where, "response body removed")
	case o.Kind == model.BodyNone && n.Kind != model.BodyNone:
		c.add(false, "response-body-added", where, "response body added")
	case o.Kind != model.BodyNone && !sameMedia(o.ContentType, n.ContentType):
		// oasdiff: removing a response media type is an error.
		c.add(true, "response-content-type-changed", where,
			"content type changed from "+o.ContentType+" to "+n.ContentType)
	case o.Type != nil && n.Type != nil:
		c.addAll(where, c.walker.compare(prefixResponse, o.Type, n.Type))
	}
	olds := map[string]*model.Header{}
	for _, h := range o.Headers {
		olds[strings.ToLower(h.Name)] = h
	}
	news := map[string]*model.Header{}
	for _, h := range n.Headers {
		news[strings.ToLower(h.Name)] = h
	}
	for _, k := range unionKeys(olds, news) {
		ho, hn := olds[k], news[k]
		switch {
		case hn == nil:
			// oasdiff: an error for a required header, a warning for an
			// optional one; the model keeps no required flag for headers.
			c.add(true, "response-header-removed", where+" header "+ho.Name, "response header removed")
		case ho == nil:
			c.add(false, "response-header-added", where+" header "+hn.Name, "response header added")
		}
	}
}

// unionKeys returns the keys of two maps, sorted.
func unionKeys[V any](a, b map[string]V) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
