// Package build turns a loaded OpenAPI document into the plain model that
// the templates print. It is the only package besides load that knows
// kin-openapi; every naming and typing decision is made here, deterministically.
package build

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/svcgen/svcgen/generator/load"
	"github.com/svcgen/svcgen/generator/model"
)

// Options for Build.
type Options struct {
	Name     string // service name; derived from info.title when empty
	Module   string // module path; defaults to the name
	SpecFile string // file name of the service's copy of the spec
	// KeepPanics lets a panic go on instead of becoming an error (for
	// debugging svcgen).
	KeepPanics bool
}

// builder holds the state of one Build call.
type builder struct {
	doc      *openapi3.T
	types    *model.Namespace // Go type names in package api
	named    map[*openapi3.Schema]*model.Type
	byName   map[string]*model.Type // component schema name → type
	all      []*model.Type
	patterns map[string]*model.Pattern
	patList  []*model.Pattern // in creation order
	patNames *model.Namespace
	coverage []model.CoverageItem
	schemes  map[string]*model.SecurityScheme // by name in components
	vars     *model.Namespace                 // Go variables of schemes

	fallbackMethods []string // see model.Service.FallbackMethods

	file     string                   // the spec's root file, for errors
	building map[*openapi3.Schema]int // components being built, by index in stack
	stack    []string                 // their names, outermost first
	err      error                    // the first reason the spec cannot be built
	convs    *convs                   // converters of the default CRUD behaviour
	async    *asyncAPI                // the AsyncAPI document of x-svcgen-events, or nil
}

// Build makes the service model from a loaded spec.
func Build(spec *load.Spec, opts Options) (svc *model.Service, err error) {
	defer func() {
		if r := recover(); r != nil {
			if opts.KeepPanics {
				panic(r) // keep the stack, for debugging svcgen
			}
			svc, err = nil, fmt.Errorf("internal error while building the model: %v", r)
		}
	}()
	doc := spec.Doc
	if spec.External {
		// Bring schemas from other files into components, so each gets one
		// Go type however many references lead to it.
		doc.InternalizeRefs(context.Background(), nil)
	}
	b := &builder{
		doc:      doc,
		types:    model.NewNamespace("Service"), // the one name package api declares besides the spec's
		named:    map[*openapi3.Schema]*model.Type{},
		byName:   map[string]*model.Type{},
		patterns: map[string]*model.Pattern{},
		patNames: model.NewNamespace(),
		schemes:  map[string]*model.SecurityScheme{},
		vars:     model.NewNamespace(),
		file:     spec.Path,
		building: map[*openapi3.Schema]int{},
	}
	svc = &model.Service{
		SpecFile:    opts.SpecFile,
		SpecVersion: spec.SourceVersion,
	}
	if doc.Info != nil {
		svc.Title = doc.Info.Title
		svc.Description = doc.Info.Description
		svc.Version = doc.Info.Version
	}
	svc.BuildVersion = buildVersion(svc.Version)
	svc.Name = opts.Name
	if svc.Name == "" {
		svc.Name = ServiceName(svc.Title)
	}
	svc.Module = opts.Module
	if svc.Module == "" {
		svc.Module = svc.Name
	}
	svc.BasePath = basePath(doc)
	svc.DeployName = deployName(svc.Name)

	// Component schemas first, in name order: they are the spec's own
	// vocabulary, so they get the plain names.
	if doc.Components != nil {
		for _, name := range sortedKeys(doc.Components.Schemas) {
			ref := doc.Components.Schemas[name]
			if ref == nil || ref.Value == nil {
				continue
			}
			b.componentType(name, ref.Value, "#/components/schemas/"+escape(name))
		}
	}
	// Then the schemas of the events an AsyncAPI document declares.
	if err := b.readAsyncAPI(svc); err != nil {
		return nil, err
	}
	svc.Operations, svc.Builtins = b.routes(svc.BasePath)
	if b.err != nil {
		return nil, b.err
	}
	svc.FallbackMethods = b.fallbackMethods
	for _, name := range sortedKeys(b.schemes) {
		if s := b.schemes[name]; s != nil {
			svc.Security = append(svc.Security, s)
		}
	}

	b.finishTypes()
	b.resources(svc)
	if err := b.dependencies(svc); err != nil {
		return nil, err
	}
	if err := b.events(svc); err != nil {
		return nil, err
	}
	sort.Slice(b.all, func(i, j int) bool { return b.all[i].Name < b.all[j].Name })
	svc.Types = b.all
	svc.Patterns = b.patList
	sort.Slice(svc.Patterns, func(i, j int) bool { return svc.Patterns[i].Var < svc.Patterns[j].Var })
	markPatterns(svc)
	for _, op := range svc.Operations {
		op.Example = exampleFor(op)
	}
	clientCalls(svc)
	b.errorForms(svc)
	svc.NotAllowed = notAllowed(svc.Operations)
	for _, r := range svc.Resources {
		if r.Create != nil && r.Create.Example.Valid {
			r.Sample = r.Create.Example.Body
			sent := r.Sample
			if r.SentIn != "" {
				var body map[string]json.RawMessage
				_ = json.Unmarshal([]byte(sent), &body)
				sent = string(body[r.SentIn])
			}
			if sent != "" && decodesAs(sent, storedRef(r)) {
				r.StoreSample = sent
			}
		}
	}
	for _, r := range svc.Resources {
		r.Strict = storeCases(r)
	}
	sort.SliceStable(b.coverage, func(i, j int) bool { return b.coverage[i].Pointer < b.coverage[j].Pointer })
	b.coverage = dedupe(b.coverage)
	svc.Coverage = model.Coverage{
		Operations: len(svc.Operations),
		Types:      len(svc.Types),
		Items:      b.coverage,
	}
	return svc, nil
}

// dedupe drops repeated coverage items (a schema used twice is seen twice).
func dedupe(items []model.CoverageItem) []model.CoverageItem {
	var out []model.CoverageItem
	seen := map[model.CoverageItem]bool{}
	for _, it := range items {
		if !seen[it] {
			seen[it] = true
			out = append(out, it)
		}
	}
	return out
}

// ServiceName derives a clean lower-case Go identifier from a title:
// "Orders API" → "ordersapi". It never returns a keyword or "".
func ServiceName(title string) string {
	var sb strings.Builder
	for _, w := range model.Words(title) {
		sb.WriteString(strings.ToLower(w))
	}
	name := sb.String()
	// Keep ASCII letters and digits only: the name ends up in file names,
	// Docker image names and module paths.
	var clean strings.Builder
	for _, r := range name {
		if r < 128 {
			clean.WriteRune(r)
		}
	}
	name = clean.String()
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		name = "service" + name
	}
	if model.IsReserved(name) || name == "main" || name == "api" {
		name += "svc"
	}
	return name
}

// basePath is the path of the first server URL, with server variables
// replaced by their defaults: "https://{host}/v1/" → "/v1".
func basePath(doc *openapi3.T) string {
	if len(doc.Servers) == 0 || doc.Servers[0] == nil {
		return ""
	}
	srv := doc.Servers[0]
	raw := srv.URL
	for name, v := range srv.Variables {
		if v != nil {
			raw = strings.ReplaceAll(raw, "{"+name+"}", v.Default)
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	p := u.Path
	if p == "" || strings.ContainsAny(p, "{}") {
		return ""
	}
	p = path.Clean("/" + p)
	if p == "/" {
		return ""
	}
	// ServeMux patterns treat {…} specially and reject some characters; a
	// base path is a literal prefix, so keep only safe segments.
	var segs []string
	for _, s := range strings.Split(strings.Trim(p, "/"), "/") {
		segs = append(segs, url.PathEscape(s))
	}
	return "/" + strings.Join(segs, "/")
}

// escape escapes a JSON pointer token (RFC 6901).
func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// degrade records a construct that was not fully honoured.
func (b *builder) degrade(pointer, what, outcome string) {
	b.coverage = append(b.coverage, model.CoverageItem{
		Pointer: pointer, Status: "degraded", What: what, Outcome: outcome,
	})
}

// skip records a construct that was not generated at all.
func (b *builder) skip(pointer, what, outcome string) {
	b.coverage = append(b.coverage, model.CoverageItem{
		Pointer: pointer, Status: "skipped", What: what, Outcome: outcome,
	})
}

func quote(s string) string { return strconv.Quote(s) }

// notAllowed finds a request the generated 405 test can send: a routed
// path with a method no route takes for it (another route may match the
// same URL with that method, so each candidate is checked on a mux).
func notAllowed(ops []*model.Operation) *model.KV {
	mux := http.NewServeMux()
	fallback := map[string]bool{} // methods whose catch-all route takes any path
	var ordered []*model.Operation
	for _, op := range ops {
		if op.Fallback {
			fallback[op.Method] = true
			ordered = append(ordered, op) // first: their 405 takes the handler's own matching
			continue
		}
		if register(mux, op.Pattern) != nil {
			return nil
		}
	}
	for _, op := range ops {
		if !op.Fallback {
			ordered = append(ordered, op)
		}
	}
	for _, op := range ordered {
		for _, m := range []string{"DELETE", "PATCH", "PUT", "POST"} {
			if fallback[m] {
				continue
			}
			req, err := http.NewRequest(m, op.Example.Path, nil)
			if err != nil {
				continue
			}
			if _, pattern := mux.Handler(req); pattern == "" {
				return &model.KV{Name: m, Value: op.Example.Path}
			}
		}
	}
	return nil
}

// markPatterns records which package uses each pattern: package api checks
// the fields of the schemas' types, the server the values of parameters
// and bodies until they reach a named type, which validates itself.
func markPatterns(svc *model.Service) {
	var walk func(r *model.TypeRef, mark func(*model.Pattern))
	walk = func(r *model.TypeRef, mark func(*model.Pattern)) {
		if r == nil {
			return
		}
		if r.Check != nil && r.Check.Pattern != nil {
			mark(r.Check.Pattern)
		}
		if r.Kind == model.KindSlice || r.Kind == model.KindMap {
			walk(r.Elem, mark)
		}
	}
	inAPI := func(p *model.Pattern) { p.InAPI = true }
	inServer := func(p *model.Pattern) { p.InServer = true }
	for _, t := range svc.Types {
		walk(t.Underlying, inAPI)
		walk(t.Base, inAPI)
		for _, f := range t.Fields {
			walk(f.Type, inAPI)
		}
		if t.Extra != nil {
			walk(t.Extra, inAPI)
		}
		for _, v := range t.Variants {
			walk(v.Type, inAPI)
		}
	}
	for _, op := range svc.Operations {
		for _, p := range op.Params {
			walk(p.Type, inServer)
		}
		if op.Body != nil {
			walk(op.Body.Type, inServer)
		}
	}
}

// buildVersion turns info.version into a container image tag: other
// characters become '-', a leading '.' or '-' goes, and it is cut at 128.
func buildVersion(v string) string {
	b := []byte(v)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			b[i] = '-'
		}
	}
	s := strings.TrimLeft(string(b), ".-")
	if len(s) > 128 {
		s = s[:128]
	}
	if s == "" {
		return "dev"
	}
	return s
}

// deployName turns a service name (a lower-case Go identifier) into an
// RFC 1035 label short enough for the names derived from it.
func deployName(name string) string {
	s := strings.Trim(strings.ReplaceAll(name, "_", "-"), "-")
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "-")
	}
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		s = "svc-" + s
	}
	return strings.TrimRight(s, "-")
}
