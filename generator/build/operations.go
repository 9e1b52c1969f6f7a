package build

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/svcgen/svcgen/generator/model"
)

// methodOrder is the order operations of one path appear in.
var methodOrder = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "QUERY"}

// builtins are the routes every service serves besides the API.
var builtins = []model.Builtin{
	{Pattern: "GET /healthz", Path: "/healthz", Handler: "Healthz"},
	{Pattern: "GET /readyz", Path: "/readyz", Handler: "Readyz"},
	{Pattern: "GET /metrics", Path: "/metrics", Handler: "Metrics"},
	{Pattern: "GET /openapi.yaml", Path: "/openapi.yaml", Handler: "Spec"},
}

// routes builds every operation, in path then method order, and the
// built-in routes the spec leaves free: when the spec declares GET /healthz
// itself, its operation serves it.
func (b *builder) routes(base string) ([]*model.Operation, []model.Builtin) {
	mux := http.NewServeMux() // detects patterns that would conflict at start-up
	ops := b.operations(base, mux)
	var served []model.Builtin
	for _, bi := range builtins {
		if err := register(mux, bi.Pattern); err != nil {
			b.skip("#/paths", "built-in route "+bi.Pattern, "not served: the spec declares it")
			continue
		}
		served = append(served, bi)
	}
	return ops, served
}

// operations builds every operation, in path then method order.
func (b *builder) operations(base string, mux *http.ServeMux) []*model.Operation {
	if len(b.doc.Webhooks) > 0 {
		b.skip("#/webhooks", "webhooks", "noted, not generated")
	}
	if b.doc.Paths == nil {
		return nil
	}
	// Method names go vet expects a fixed signature for, the ones the
	// handler itself has, and Service.Authenticate (auth.go) cannot name an
	// operation.
	methods := model.NewNamespace("Validate", "Authenticate", "MarshalJSON", "UnmarshalJSON", "MarshalText",
		"UnmarshalText", "MarshalXML", "UnmarshalXML", "MarshalBinary", "UnmarshalBinary",
		"String", "GoString", "Error", "Format", "Scan", "Seek", "ReadFrom", "WriteTo",
		"ReadByte", "WriteByte", "ReadRune", "UnreadByte", "UnreadRune", "Peek",
		"GobEncode", "GobDecode", "ServeHTTP", "Is", "As", "Unwrap")
	var ops []*model.Operation
	fallbacks := map[string]bool{} // methods with a catch-all route registered
	paths := b.doc.Paths.Map()
	for _, p := range sortedKeys(paths) {
		item := paths[p]
		if item == nil {
			continue
		}
		itemPtr := "#/paths/" + escape(p)
		byMethod := item.Operations()
		for _, m := range sortedMethods(byMethod) {
			o := byMethod[m]
			ptr := itemPtr + "/" + strings.ToLower(m)
			op := b.operation(p, m, item, o, ptr, base, methods)
			if op == nil {
				continue
			}
			if err := register(mux, op.Pattern); err != nil {
				if !b.fallback(mux, op, ptr, err, fallbacks) {
					b.skip(ptr, "operation "+m+" "+p, "not routed: "+err.Error())
					continue
				}
			}
			ops = append(ops, op)
		}
		if len(item.Servers) > 0 {
			b.degrade(itemPtr+"/servers", "path-level servers", "ignored; routes use the document's base path")
		}
	}
	return ops
}

// fallback routes op, whose pattern mux refused with err, through its
// method's catch-all route (see model.Operation.Fallback), and reports
// whether it could. It cannot when the refused pattern matches the same
// requests as a routed one: no request would ever reach it.
func (b *builder) fallback(mux *http.ServeMux, op *model.Operation, ptr string, err error, registered map[string]bool) bool {
	// ServeMux explains an overlap as "... both match some paths, like
	// "/a/b/c". But neither is more specific than the other. ..."; the
	// same requests as "... matches the same requests as ...".
	msg := err.Error()
	if !strings.Contains(msg, "neither is more specific") {
		return false
	}
	if !registered[op.Method] {
		if register(mux, model.FallbackPattern(op.Method)) != nil {
			return false
		}
		registered[op.Method] = true
		b.fallbackMethods = append(b.fallbackMethods, op.Method)
	}
	op.Fallback = true
	other := ""
	if _, rest, ok := strings.Cut(msg, "conflicts with pattern "); ok {
		other, _, _ = strings.Cut(rest, ":")
	}
	like := ""
	if _, rest, ok := strings.Cut(msg, "like "); ok {
		like, _, _ = strings.Cut(rest, ". ")
	}
	b.degrade(ptr, "route "+op.Pattern, fmt.Sprintf("matched by the handler itself, as ServeMux cannot tell it from %s; a path both match (such as %s) goes to that one", other, like))
	return true
}

// register adds a pattern to mux and reports a conflict instead of the
// panic ServeMux raises.
func register(mux *http.ServeMux, pattern string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			// "pattern X (registered at file:line) conflicts with pattern
			// Y (registered at file:line): reason": keep it readable.
			msg := fmt.Sprint(r)
			msg = regexp.MustCompile(` \(registered at [^)]*\)`).ReplaceAllString(msg, "")
			msg = strings.Join(strings.Fields(msg), " ")
			err = errors.New(msg)
		}
	}()
	mux.HandleFunc(pattern, func(http.ResponseWriter, *http.Request) {})
	return nil
}

func sortedMethods(m map[string]*openapi3.Operation) []string {
	var out []string
	for _, want := range methodOrder {
		if m[want] != nil {
			out = append(out, want)
		}
	}
	var other []string
	for k, o := range m {
		if o != nil && !contains(methodOrder, k) {
			other = append(other, k)
		}
	}
	sort.Strings(other)
	return append(out, other...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// operation builds one operation, or nil when it cannot be routed at all.
func (b *builder) operation(path, method string, item *openapi3.PathItem, o *openapi3.Operation, ptr, base string, methods *model.Namespace) *model.Operation {
	id := o.OperationID
	name := model.Exported(id)
	if name == "" {
		name = synthName(method, path)
		if id == "" {
			id = name
		}
	}
	op := &model.Operation{
		ID:          id,
		GoName:      methods.Take(name),
		Method:      method,
		Path:        path,
		Summary:     strings.TrimSpace(o.Summary),
		Description: strings.TrimSpace(o.Description),
		Deprecated:  o.Deprecated,
		Tags:        o.Tags,
	}
	op.RequestType = b.types.Take(op.GoName + "Request")
	op.ResponseType = b.types.Take(op.GoName + "Response")

	pattern, wild, ok := b.pathPattern(base+path, ptr)
	if !ok {
		return nil
	}
	op.Pattern = method + " " + pattern
	fields := model.NewNamespace("Body", "RawBody")
	op.Params = b.params(op, item, o, ptr, wild, fields)
	if o.RequestBody != nil && o.RequestBody.Value != nil {
		op.Body = b.body(op, o.RequestBody.Value, ptr+"/requestBody", fields)
	}
	op.Responses = b.responses(op, o, ptr)
	op.Security = b.security(o, ptr)
	if len(o.Callbacks) > 0 {
		b.skip(ptr+"/callbacks", "callbacks", "noted, not generated")
	}
	return op
}

// synthName names an operation without an operationId: "GET
// /customers/{customerId}/orders" → "GetCustomersCustomerIDOrders".
func synthName(method, path string) string {
	name := model.Exported(strings.ToLower(method))
	for _, seg := range strings.Split(path, "/") {
		seg = strings.Trim(seg, "{}")
		name += model.Exported(seg)
	}
	return name
}

// segWildcard describes a path segment that holds a parameter.
type segWildcard struct {
	wildcard       string
	prefix, suffix string
	// lits and index are set instead of prefix and suffix in a segment of
	// several parameters (see model.Param.Segment).
	lits  []string
	index int
}

// pathPattern turns a path template into a ServeMux pattern and maps each
// path parameter name to its wildcard.
func (b *builder) pathPattern(p, ptr string) (string, map[string]segWildcard, bool) {
	wild := map[string]segWildcard{}
	segs := strings.Split(p, "/")
	n := 0
	for i, seg := range segs {
		if i == 0 {
			continue
		}
		open := strings.Index(seg, "{")
		close := strings.LastIndex(seg, "}")
		if open < 0 && close < 0 {
			segs[i] = escapeLiteral(seg)
			continue
		}
		if open < 0 || close < open {
			b.skip(ptr, "path segment "+strconv.Quote(seg)+" with unbalanced braces", "operation not generated")
			return "", nil, false
		}
		n++
		if strings.Count(seg, "{") > 1 {
			lits, names, problem := splitSegment(seg)
			if problem != "" {
				b.skip(ptr, "path segment "+strconv.Quote(seg), "operation not generated: "+problem)
				return "", nil, false
			}
			w := strings.Join(names, "_")
			if !validWildcard(w) || strings.Contains(p, "{"+w+"}") {
				w = fmt.Sprintf("p%d", n)
			}
			for j, name := range names {
				wild[name] = segWildcard{wildcard: w, lits: lits, index: j}
			}
			segs[i] = "{" + w + "}"
			continue
		}
		name := seg[open+1 : close]
		w := name
		if !validWildcard(w) || w == "$" {
			w = fmt.Sprintf("p%d", n)
		}
		wild[name] = segWildcard{wildcard: w, prefix: seg[:open], suffix: seg[close+1:]}
		segs[i] = "{" + w + "}"
	}
	pattern := strings.Join(segs, "/")
	if pattern == "" {
		pattern = "/"
	}
	if strings.HasSuffix(pattern, "/") {
		pattern += "{$}" // exact match, not a subtree
	}
	return pattern, wild, true
}

// splitSegment splits a path segment holding several parameters into its
// literal texts and parameter names: "{base}...{head}" → ["", "...", ""]
// and [base head]. problem says why it cannot be split: braces that do not
// pair, two parameters with no text between them, or a parameter named
// twice.
func splitSegment(seg string) (lits, names []string, problem string) {
	const unpaired = "its braces do not pair"
	rest := seg
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			if strings.ContainsRune(rest, '}') {
				return nil, nil, unpaired
			}
			lits = append(lits, rest)
			break
		}
		close := strings.IndexByte(rest[open:], '}')
		if close < 0 {
			return nil, nil, unpaired
		}
		lit, name := rest[:open], rest[open+1:open+close]
		if strings.ContainsRune(lit, '}') || name == "" || strings.ContainsRune(name, '{') {
			return nil, nil, unpaired
		}
		if len(names) > 0 && lit == "" {
			return nil, nil, "its parameters cannot be told apart (no text between two of them)"
		}
		if slices.Contains(names, name) {
			return nil, nil, "it names parameter " + strconv.Quote(name) + " twice"
		}
		lits, names = append(lits, lit), append(names, name)
		rest = rest[open+close+1:]
	}
	return lits, names, ""
}

// escapeLiteral escapes a literal segment: braces would read as a
// wildcard, and spaces would end the pattern. ServeMux unescapes it again.
func escapeLiteral(seg string) string {
	return url.PathEscape(seg)
}

// validWildcard reports whether ServeMux accepts s as a wildcard name.
func validWildcard(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

var inOrder = map[string]int{"path": 0, "query": 1, "header": 2, "cookie": 3}

// params merges path-item and operation parameters (the operation's win).
func (b *builder) params(op *model.Operation, item *openapi3.PathItem, o *openapi3.Operation, ptr string, wild map[string]segWildcard, fields *model.Namespace) []*model.Param {
	type entry struct {
		p   *openapi3.Parameter
		ptr string
	}
	merged := map[string]entry{}
	for i, pr := range item.Parameters {
		if pr != nil && pr.Value != nil {
			merged[pr.Value.In+"\x00"+pr.Value.Name] = entry{pr.Value, fmt.Sprintf("%s/parameters/%d", ptr[:strings.LastIndex(ptr, "/")], i)}
		}
	}
	for i, pr := range o.Parameters {
		if pr != nil && pr.Value != nil {
			merged[pr.Value.In+"\x00"+pr.Value.Name] = entry{pr.Value, fmt.Sprintf("%s/parameters/%d", ptr, i)}
		}
	}
	keys := sortedKeys(merged)
	sort.SliceStable(keys, func(i, j int) bool {
		return inOrder[merged[keys[i]].p.In] < inOrder[merged[keys[j]].p.In]
	})
	var out []*model.Param
	for _, k := range keys {
		e := merged[k]
		p := e.p
		if p.Name == "" {
			b.degrade(e.ptr, "parameter without a name", "left out: no client can send it")
			continue
		}
		if p.In == "header" {
			switch strings.ToLower(p.Name) {
			case "accept", "content-type", "authorization":
				// OpenAPI says these header parameters are ignored.
				continue
			}
		}
		if p.In == "path" {
			if _, ok := wild[p.Name]; !ok {
				b.degrade(e.ptr, "path parameter "+strconv.Quote(p.Name)+" not in the path template", "ignored")
				continue
			}
		}
		mp := &model.Param{
			Name:        p.Name,
			In:          model.ParamIn(p.In),
			Description: strings.TrimSpace(p.Description),
			Required:    p.Required || p.In == "path",
			Explode:     true,
			Delimiter:   ",",
		}
		if p.In == "path" {
			w := wild[p.Name]
			mp.Wildcard, mp.Prefix, mp.Suffix = w.wildcard, w.prefix, w.suffix
			mp.Segment, mp.SegmentIndex = w.lits, w.index
		}
		goName := model.Exported(p.Name)
		if goName == "" {
			goName = "Param"
		}
		mp.GoName = fields.Take(goName)
		b.paramType(op, mp, p, e.ptr)
		out = append(out, mp)
	}
	return out
}

// paramType decides the Go type of a parameter and how it is parsed.
func (b *builder) paramType(op *model.Operation, mp *model.Param, p *openapi3.Parameter, ptr string) {
	raw := func(why string) {
		b.degrade(ptr, why, "raw string")
		mp.Raw, mp.Array = true, false
		mp.Type = scalarRef(model.KindString)
		mp.Parse, mp.Convert = "", ""
		mp.GoType = "string"
		if !mp.Required {
			mp.GoType, mp.Pointer = "*string", true
		}
	}
	if p.Schema == nil || p.Schema.Value == nil {
		if ct, mt := pickContent(p.Content); mt != nil && mt.Schema != nil && mediaKind(ct) == model.BodyJSON {
			// The value is JSON text of the schema.
			t := b.schemaRef(mt.Schema, op.GoName+model.Exported(p.Name), ptr+"/content/"+escape(ct)+"/schema", 0)
			mp.Type, mp.JSON, mp.GoType = t, true, t.GoType
			mp.Parse = "svcgenhttp.ParseJSON[" + t.In("api") + "]"
			if !mp.Required && t.Kind != model.KindSlice && t.Kind != model.KindMap {
				mp.GoType, mp.Pointer = "*"+t.GoType, true
			}
			return
		}
		raw("parameter " + strconv.Quote(p.Name) + " described by content, not schema")
		return
	}
	t := b.schemaRef(p.Schema, op.GoName+model.Exported(p.Name), ptr+"/schema", 0)
	mp.Type = t
	if t.Kind == model.KindNamed && t.Named.Kind == model.TypeStruct && p.In == "query" {
		explode := p.Explode == nil || *p.Explode
		switch {
		case p.Style == "deepObject", (p.Style == "" || p.Style == "form") && explode:
			obj := &model.ObjectParam{Deep: p.Style == "deepObject"}
			for _, f := range t.Named.Fields {
				ff := &model.FormField{Name: f.Name, Kind: formKind(f.Type)}
				if f.Type.Kind == model.KindSlice {
					ff.Array, ff.Kind = true, formKind(f.Type.Elem)
				}
				obj.Fields = append(obj.Fields, ff)
			}
			mp.Object, mp.GoType = obj, t.GoType
			if !mp.Required {
				mp.GoType, mp.Pointer = "*"+t.GoType, true
			}
			return
		}
	}
	elem := t
	if t.Kind == model.KindSlice {
		if p.In == "path" || p.In == "cookie" {
			// Path and cookie arrays are comma separated (style simple/form).
			mp.Explode = false
		}
		mp.Array = true
		elem = t.Elem
		switch p.Style {
		case "", "form", "simple":
			if p.Explode != nil && !*p.Explode {
				mp.Explode = false
			}
			if p.In == "header" {
				mp.Explode = false
			}
		case "spaceDelimited":
			mp.Explode, mp.Delimiter = false, " "
		case "pipeDelimited":
			mp.Explode, mp.Delimiter = false, "|"
		default:
			raw("array parameter style " + p.Style)
			return
		}
	}
	var ok bool
	if mp.Parse, mp.Convert, ok = parseFunc(elem); !ok {
		raw("parameter " + strconv.Quote(p.Name) + " of type " + elem.GoType)
		return
	}
	if p.Schema.Value.Default != nil && !mp.Required {
		mp.Default, mp.DefaultJSON = b.defaultOf(p.Schema.Value.Default, t, ptr+"/schema/default")
		if t.Kind == model.KindNamed && mp.Default != "" {
			mp.Default = "api." + mp.Default // an enum constant; the server reads parameters
		}
	}
	mp.GoType = t.GoType
	if !mp.Array && !mp.Required && mp.Default == "" && mp.DefaultJSON == "" {
		mp.GoType, mp.Pointer = "*"+t.GoType, true
	}
}

// parseFunc names the function that reads one value of type r from a
// parameter's text, as the server calls it ("svcgen.ParseInt32[int32]"), or,
// for strings, which cannot fail, the conversion to apply ("" for string
// itself, "api.OrderStatus"); ok is false when r cannot be read from text.
func parseFunc(r *model.TypeRef) (parse, convert string, ok bool) {
	switch r.Kind {
	case model.KindString:
		return "", "", true
	case model.KindInt32:
		return "svcgen.ParseInt32[int32]", "", true
	case model.KindInt64:
		return "svcgen.ParseInt64[int64]", "", true
	case model.KindFloat32:
		return "svcgen.ParseFloat32[float32]", "", true
	case model.KindFloat64:
		return "svcgen.ParseFloat64[float64]", "", true
	case model.KindBool:
		return "svcgen.ParseBool", "", true
	case model.KindTime:
		return "svcgen.ParseDateTime", "", true
	case model.KindDate:
		return "svcgen.ParseDate", "", true
	case model.KindBytes:
		return "svcgen.ParseBytes", "", true
	case model.KindNamed:
		if t := r.Named; t.Kind == model.TypeEnum {
			if t.Base.Kind == model.KindString {
				return "", "api." + t.Name, true
			}
			return "svcgen.ParseInt64[api." + t.Name + "]", "", true
		}
	}
	return "", "", false
}

// mediaKind classifies a content type.
func mediaKind(ct string) model.BodyKind {
	ct, _, _ = strings.Cut(strings.ToLower(ct), ";")
	ct = strings.TrimSpace(ct)
	switch {
	case ct == "application/json" || strings.HasSuffix(ct, "+json") || ct == "text/json" || ct == "text/x-json":
		return model.BodyJSON
	case strings.HasPrefix(ct, "text/"):
		return model.BodyText
	}
	return model.BodyBinary
}

// requestKind is how a request body of content type ct is read.
func requestKind(ct string) model.BodyKind {
	base, _, _ := strings.Cut(strings.ToLower(ct), ";")
	switch strings.TrimSpace(base) {
	case "application/x-www-form-urlencoded":
		return model.BodyForm
	case "multipart/form-data":
		return model.BodyMultipart
	}
	return mediaKind(ct)
}

// pickRequestContent chooses the media type a request body is generated
// for: JSON first, then forms, then text, then anything else as bytes.
func pickRequestContent(c openapi3.Content) (string, *openapi3.MediaType) {
	keys := jsonFirst(sortedKeys(c))
	for _, want := range []model.BodyKind{model.BodyJSON, model.BodyForm, model.BodyMultipart, model.BodyText, model.BodyBinary} {
		for _, k := range keys {
			if requestKind(k) == want {
				return k, c[k]
			}
		}
	}
	return "", nil
}

// pickContent chooses the media type a body is generated for: JSON first,
// then text, then anything else as bytes.
func pickContent(c openapi3.Content) (string, *openapi3.MediaType) {
	keys := jsonFirst(sortedKeys(c))
	for _, want := range []model.BodyKind{model.BodyJSON, model.BodyText, model.BodyBinary} {
		for _, k := range keys {
			if mediaKind(k) == want {
				return k, c[k]
			}
		}
	}
	return "", nil
}

// concreteType is the media type a response is sent with, or a test
// request, for the media type or range ct the spec declares: a range
// ("application/*+json", "text/*", "*/*") cannot be a Content-Type.
func concreteType(ct string) string {
	if !strings.Contains(ct, "*") {
		return ct
	}
	switch mediaKind(ct) {
	case model.BodyJSON:
		return "application/json"
	case model.BodyText:
		return "text/plain"
	}
	return "application/octet-stream"
}

// jsonFirst puts application/json (with or without parameters) first
// among sorted media types, and ranges (application/*+json) last: of the
// JSON family, application/json is the one to send, and the one a client
// is most likely to send.
func jsonFirst(keys []string) []string {
	rank := func(k string) int {
		base, _, _ := strings.Cut(strings.ToLower(k), ";")
		switch base = strings.TrimSpace(base); {
		case base == "application/json":
			return 0
		case strings.Contains(base, "*"):
			return 2
		}
		return 1
	}
	sort.SliceStable(keys, func(i, j int) bool { return rank(keys[i]) < rank(keys[j]) })
	return keys
}

// body builds the request body.
func (b *builder) body(op *model.Operation, rb *openapi3.RequestBody, ptr string, fields *model.Namespace) *model.Body {
	ct, mt := pickRequestContent(rb.Content)
	if mt == nil {
		return nil
	}
	body := &model.Body{
		ContentType: concreteType(ct),
		Kind:        requestKind(ct),
		Required:    rb.Required,
		Description: strings.TrimSpace(rb.Description),
	}
	if body.IsForm() && !b.form(op, body, mt, ptr+"/content/"+escape(ct), fields) {
		body.Kind = model.BodyBinary
	}
	switch body.Kind {
	case model.BodyJSON:
		body.Type = b.schemaRef(mt.Schema, op.GoName+"Body", ptr+"/content/"+escape(ct)+"/schema", 0)
		body.Example = mediaExample(mt)
		switch body.Type.Kind {
		case model.KindSlice, model.KindMap, model.KindAny:
		default:
			body.Pointer = !body.Required || body.Type.Nullable
		}
	case model.BodyText, model.BodyBinary:
		if strings.HasPrefix(ct, "multipart/") && requestKind(ct) != model.BodyMultipart {
			b.degrade(ptr+"/content/"+escape(ct), ct+" body", "raw io.Reader")
		}
	}
	if len(rb.Content) > 1 {
		// The JSON decoder takes every JSON media type, and forms of the
		// same schema when it can.
		var forms []string
		if op.Method != "PATCH" { // a merge patch is JSON (Operation.KeepsRawBody)
			forms = formAlternatives(body, rb.Content, ct)
		}
		var others []string
		for _, k := range sortedKeys(rb.Content) {
			bothJSON := requestKind(ct) == model.BodyJSON && mediaKind(k) == model.BodyJSON
			if k != ct && !bothJSON && !slices.Contains(forms, k) {
				others = append(others, strconv.Quote(k))
			}
		}
		if len(others) > 0 {
			outcome := "only " + ct + " is accepted"
			if len(body.FormTypes) > 0 {
				outcome = "only " + strings.Join(append([]string{ct}, body.FormTypes...), ", ") + " are accepted"
			}
			b.degrade(ptr+"/content", "request content types "+strings.Join(others, ", "), outcome)
		}
	}
	return body
}

// mediaExample returns the first example of a media type (media example,
// named examples in name order, schema example) that its schema accepts.
func mediaExample(mt *openapi3.MediaType) string {
	if mt.Schema == nil || mt.Schema.Value == nil {
		return ""
	}
	candidates := []any{mt.Example}
	for _, name := range sortedKeys(mt.Examples) {
		if e := mt.Examples[name]; e != nil && e.Value != nil {
			candidates = append(candidates, e.Value.Value)
		}
	}
	candidates = append(candidates, mt.Schema.Value.Example)
	for _, c := range candidates {
		if c == nil {
			continue
		}
		if err := mt.Schema.Value.VisitJSON(c, openapi3.VisitAsRequest(), openapi3.EnableFormatValidation()); err != nil {
			continue
		}
		if b, err := json.Marshal(c); err == nil {
			return string(b)
		}
	}
	return ""
}

// responses builds the declared responses, numeric statuses first.
func (b *builder) responses(op *model.Operation, o *openapi3.Operation, ptr string) []*model.Response {
	if o.Responses == nil {
		return nil
	}
	m := o.Responses.Map()
	codes := sortedKeys(m)
	sort.SliceStable(codes, func(i, j int) bool { return statusRank(codes[i]) < statusRank(codes[j]) })
	var out []*model.Response
	for _, code := range codes {
		rr := m[code]
		if rr == nil || rr.Value == nil {
			continue
		}
		r := rr.Value
		rptr := ptr + "/responses/" + escape(code)
		status := strings.ToUpper(code)
		resp := &model.Response{Status: status, Kind: model.BodyNone}
		if r.Description != nil {
			resp.Description = strings.TrimSpace(*r.Description)
		}
		label := status
		switch {
		case status == "DEFAULT":
			resp.Status, resp.Dynamic, label = "default", true, "Default"
		case len(status) == 3 && strings.HasSuffix(status, "XX"):
			resp.Dynamic = true
		default:
			n, err := strconv.Atoi(status)
			if err != nil || n < 100 || n > 599 {
				b.degrade(rptr, "response status "+strconv.Quote(code), "ignored")
				continue
			}
			resp.StatusCode = n
		}
		resp.GoName = b.types.Take(op.GoName + label + "Response")
		if ct, mt := pickContent(r.Content); mt != nil {
			resp.ContentType = concreteType(ct)
			resp.Kind = mediaKind(ct)
			if resp.Kind == model.BodyJSON {
				resp.Type = b.schemaRef(mt.Schema, op.GoName+label+"ResponseBody", rptr+"/content/"+escape(ct)+"/schema", 0)
			}
		}
		hns := model.NewNamespace("Body", "StatusCode")
		for _, h := range sortedKeys(r.Headers) {
			if strings.EqualFold(h, "content-type") {
				continue
			}
			goName := model.Exported(h)
			if goName == "" {
				goName = "Header"
			}
			if hr := r.Headers[h]; hr != nil && hr.Value != nil && hr.Value.Schema != nil && hr.Value.Schema.Value != nil {
				if typ := typesOf(hr.Value.Schema.Value); len(typ) == 1 && typ[0] != "string" {
					b.degrade(rptr+"/headers/"+escape(h), "response header of type "+typ[0], "string the service formats")
				}
			}
			resp.Headers = append(resp.Headers, &model.Header{Name: h, GoName: hns.Take(goName), Type: scalarRef(model.KindString)})
		}
		out = append(out, resp)
	}
	return out
}

// statusRank orders "200" < "2XX" < "404" < "default".
func statusRank(code string) int {
	c := strings.ToUpper(code)
	if c == "DEFAULT" {
		return 10000
	}
	if len(c) == 3 && strings.HasSuffix(c, "XX") {
		return int(c[0]-'0')*100 + 99
	}
	n, err := strconv.Atoi(c)
	if err != nil {
		return 9999
	}
	return n
}
