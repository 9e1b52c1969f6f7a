package build

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/svcgen/svcgen/generator/model"
)

// resources infers the persistent resources of svc. The rules (documented
// in the README of svcgen and of every generated service):
//
//   - An item path is a path whose last segment is one path parameter
//     (/orders/{orderId}); its collection path is the path without it.
//   - The stored schema is the named object the item's GET answers with
//     (or, without a GET, the one the collection's POST answers with). It
//     needs an id property: "id" or the item parameter's name.
//   - Collection GET → list (a bare array of the schema, or an object with
//     one array property of it); collection POST → create; item GET → get,
//     PUT → replace, PATCH → patch, DELETE → delete. Request bodies may be
//     any object: properties are matched by JSON name, and converted as
//     convert.go decides.
//   - A collection under another resource's item path
//     (/customers/{customerId}/orders) is a child: its rows carry the
//     parent's id, and the parent must exist.
//   - x-svcgen-resource on the collection or item path item, or on the
//     schema, forces a name (a string) or turns persistence off (false).
func (b *builder) resources(svc *model.Service) {
	ops := map[string]map[string]*model.Operation{} // path → method → op
	for _, op := range svc.Operations {
		if ops[op.Path] == nil {
			ops[op.Path] = map[string]*model.Operation{}
		}
		ops[op.Path][op.Method] = op
	}
	var items []string
	for p := range ops {
		if _, _, ok := splitItem(p); ok {
			items = append(items, p)
		}
	}
	sort.Strings(items)
	itemColls := map[string]bool{} // collections of item paths
	for _, p := range items {
		c, _, _ := splitItem(p)
		itemColls[c] = true
	}
	// Where each item's list and create live: its own collection, or a
	// collection nested under a parent when the item path is flat.
	type entry struct {
		item, coll, param string
		flat              *flatKey
	}
	var entries []entry
	for _, item := range items {
		coll, param, _ := splitItem(item)
		e := entry{item: item, coll: coll, param: param}
		if ops[coll]["GET"] == nil && ops[coll]["POST"] == nil {
			// A nested collection serves one flat item path: the first.
			if fk := b.flatCollection(coll, ops, itemColls, ops[item]); fk != nil {
				e.coll, e.flat = fk.coll, fk
				itemColls[fk.coll] = true
			}
		}
		entries = append(entries, e)
	}
	// Parents before children: shorter collection paths first, then by
	// item path.
	sort.SliceStable(entries, func(i, j int) bool {
		ci, cj := strings.Count(entries[i].coll, "/"), strings.Count(entries[j].coll, "/")
		if ci != cj {
			return ci < cj
		}
		return entries[i].item < entries[j].item
	})
	byItem := map[string]*model.Resource{}
	cv := newConvs(b)
	b.convs = cv
	tables := model.NewNamespace()
	names := model.NewNamespace()
	for _, e := range entries {
		coll, item := e.coll, e.item
		r := b.resource(coll, item, e.param, ops[coll], ops[item], tables, names)
		if r == nil {
			continue
		}
		var key *model.Field
		if fk := e.flat; fk != nil {
			r.Flat, r.ParentKey, key = true, fk.param, fieldNamed(r.Type, fk.field)
			if key == nil || key.Type.GoType != fk.goType {
				key = nil // the stored type is not the one the key was found in
			}
			r.Parent = byItem[fk.parentItem]
			if r.Parent != nil && r.Parent.ID.Field.Type.GoType != fk.goType {
				b.degrade("#/paths/"+escape(coll), "collection under "+fk.parentItem+" keyed by "+quote(fk.field)+" ("+fk.goType+"), the "+r.Parent.Name+" id "+r.Parent.ID.Field.Type.GoType, "stored without a parent check")
				r.Parent = nil
			} else if r.Parent == nil && key != nil {
				b.degrade("#/paths/"+escape(coll), "collection under "+fk.parentItem+", which is not a resource", "listed and created by "+quote(fk.field)+", without a parent check")
			}
		} else if parentItem := coll[:strings.LastIndex(coll, "/")]; parentItem != "" {
			if _, param, nested := splitItem(parentItem); nested {
				r.Parent = byItem[parentItem]
				if r.Parent == nil {
					b.degrade("#/paths/"+escape(coll), "collection under "+parentItem+", which is not a resource", "stored without a parent check")
				} else if pt := pathParamType(param, ops[coll], ops[item]); pt != "" && pt != r.Parent.ID.Field.Type.GoType {
					// The parameter names the parent some other way than by
					// its id (a slug where the id is an integer).
					b.degrade("#/paths/"+escape(coll), "collection under "+parentItem+", whose "+quote(param)+" is "+pt+", the "+r.Parent.Name+" id "+r.Parent.ID.Field.Type.GoType, "stored without a parent check")
					r.Parent = nil
				}
			}
		}
		b.columns(r, key)
		b.crudParams(r, svc.BasePath)
		if r.Create == nil && r.List == nil && r.Get == nil && r.Replace == nil && r.Patch == nil && r.Delete == nil {
			continue // no operation the store could serve
		}
		b.conversions(r, cv)
		byItem[item] = r
		svc.Resources = append(svc.Resources, r)
	}
	svc.Converters = cv.list()
}

// pathParamType is the Go type of path parameter name in the first of
// the operations that has it, or "".
func pathParamType(name string, opss ...map[string]*model.Operation) string {
	for _, ops := range opss {
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			if op := ops[m]; op != nil {
				for _, p := range op.Params {
					if p.In == model.InPath && p.Name == name && p.Type != nil {
						return p.Type.GoType
					}
				}
			}
		}
	}
	return ""
}

// flatKey is a collection nested under a parent (/accounts/{accountId}/invoices)
// whose items live at a flat path (/invoices/{invoiceId}), and the
// property of the items that holds the parent's key.
type flatKey struct {
	coll       string // "/accounts/{accountId}/invoices"
	parentItem string // "/accounts/{accountId}"
	param      string // "accountId"
	field      string // JSON name of the property: "accountId", "account_id"
	goType     string // Go type of both
}

// flatCollection finds the nested collection of the flat item path
// coll/{id}, whose own collection has no list or create: a path
// .../{param}/SEG, SEG being coll's last segment, that is not itself the
// collection of an item path, whose list or create answers with the item's
// type, and that type has a property named after the parameter
// (accountId or account_id for {accountId}; for a bare {id} under
// /accounts, accountId) of the parameter's type. The first such path in
// name order wins.
func (b *builder) flatCollection(coll string, ops map[string]map[string]*model.Operation, itemColls map[string]bool, itemOps map[string]*model.Operation) *flatKey {
	seg := coll[strings.LastIndex(coll, "/")+1:]
	if seg == "" || strings.ContainsAny(seg, "{}") {
		return nil
	}
	var t *model.Type
	if get := itemOps["GET"]; get != nil {
		t = successStruct(get)
	}
	var paths []string
	for p := range ops {
		if p != coll && strings.HasSuffix(p, "/"+seg) {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		parentItem := p[:len(p)-len(seg)-1]
		_, param, ok := splitItem(parentItem)
		if !ok || ops[p]["GET"] == nil && ops[p]["POST"] == nil || itemColls[p] {
			continue // not nested, nothing to list or create, or items of its own
		}
		st := t
		if st == nil && ops[p]["POST"] != nil {
			st = successStruct(ops[p]["POST"])
		}
		if st == nil {
			continue
		}
		// The list or create must be about st.
		related := false
		if list := ops[p]["GET"]; list != nil {
			_, related = listShape(list, st)
		}
		if post := ops[p]["POST"]; post != nil && successStruct(post) == st {
			related = true
		}
		if !related {
			continue
		}
		var pt *model.TypeRef
		for _, m := range []string{"GET", "POST"} {
			if op := ops[p][m]; op != nil {
				for _, q := range op.Params {
					if q.In == model.InPath && q.Name == param && !q.Raw {
						pt = q.Type
					}
				}
			}
		}
		if pt == nil || pt.Kind != model.KindString && pt.Kind != model.KindInt32 && pt.Kind != model.KindInt64 {
			continue
		}
		names := []string{param, param + "Id"}
		switch norm(param) {
		case "id", "key", "uuid":
			lit := parentItem[:strings.LastIndex(parentItem, "/")]
			lit = lit[strings.LastIndex(lit, "/")+1:]
			names = []string{singular(lit) + "Id"}
		}
		f := findField(st, names...)
		if f == nil || f.Type.GoType != pt.GoType || f.Shape == model.ShapeNillable || f.Indirect {
			continue
		}
		return &flatKey{coll: p, parentItem: parentItem, param: param, field: f.Name, goType: pt.GoType}
	}
	return nil
}

// singular undoes plural well enough for a path segment: "accounts" →
// "account", "categories" → "category".
func singular(s string) string {
	switch {
	case strings.HasSuffix(s, "ies") && len(s) > 3:
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "ses"), strings.HasSuffix(s, "xes"), strings.HasSuffix(s, "ches"), strings.HasSuffix(s, "shes"):
		return s[:len(s)-2]
	case strings.HasSuffix(s, "s") && !strings.HasSuffix(s, "ss"):
		return s[:len(s)-1]
	}
	return s
}

// splitItem splits "/a/{b}/c/{id}" into "/a/{b}/c" and "id".
func splitItem(p string) (coll, param string, ok bool) {
	i := strings.LastIndex(p, "/")
	if i <= 0 {
		return "", "", false
	}
	last := p[i+1:]
	if len(last) < 3 || last[0] != '{' || last[len(last)-1] != '}' || strings.ContainsAny(last[1:len(last)-1], "{}") {
		return "", "", false
	}
	return p[:i], last[1 : len(last)-1], true
}

// extension reads x-svcgen-resource from the path items or schema: the
// forced name, and whether persistence is off.
func (b *builder) extension(coll, item string, t *model.Type) (name string, off bool) {
	var values []any
	if b.doc.Paths != nil {
		for _, p := range []string{coll, item} {
			if pi := b.doc.Paths.Value(p); pi != nil {
				if v, ok := pi.Extensions["x-svcgen-resource"]; ok {
					values = append(values, v)
				}
			}
		}
	}
	for s, nt := range b.named {
		if nt == t {
			if v, ok := s.Extensions["x-svcgen-resource"]; ok {
				values = append(values, v)
			}
		}
	}
	for _, v := range values {
		switch x := v.(type) {
		case bool:
			if !x {
				return "", true
			}
		case string:
			name = x
		}
	}
	return name, false
}

// resource recognises the resource at coll/item, or returns nil.
func (b *builder) resource(coll, item, param string, collOps, itemOps map[string]*model.Operation, tables, names *model.Namespace) *model.Resource {
	var t *model.Type
	if get := itemOps["GET"]; get != nil {
		t = successStruct(get)
	}
	if t == nil && collOps["POST"] != nil {
		t = successStruct(collOps["POST"])
	}
	if t == nil {
		return nil
	}
	forced, off := b.extension(coll, item, t)
	if off {
		return nil
	}
	ptr := "#/paths/" + escape(item)
	idField := findField(t, param, "id")
	if idField == nil {
		b.degrade(ptr, "resource "+t.Name+" without an id property (\"id\" or \""+param+"\")", "not stored; its operations answer 501")
		return nil
	}
	idKind := ""
	switch {
	case idField.Type.Kind == model.KindString && idField.Type.Format == "uuid":
		idKind = "uuid"
	case idField.Type.Kind == model.KindString:
		idKind = "string"
	case idField.Type.Kind == model.KindInt64 || idField.Type.Kind == model.KindInt32:
		idKind = "int"
	default:
		b.degrade(ptr, "resource "+t.Name+" with an id of type "+idField.Type.GoType, "not stored; its operations answer 501")
		return nil
	}
	if idKind == "string" {
		// The store makes string ids of 26 hex digits: a pattern or a
		// length it cannot meet would make its own ids invalid requests.
		constrained := func(c *model.Check) bool {
			return c != nil && (c.Pattern != nil || c.MaxLength != nil && *c.MaxLength < 26 || c.MinLength != nil && *c.MinLength > 26)
		}
		bad := constrained(idField.Type.Check)
		if get := itemOps["GET"]; get != nil {
			for _, p := range get.Params {
				if p.In == model.InPath && p.Name == param && constrained(p.Type.Check) {
					bad = true
				}
			}
		}
		if bad && !idField.Required {
			b.degrade(ptr, "resource "+t.Name+" whose string id has a pattern or length the store cannot generate", "not stored; its operations answer 501")
			return nil
		}
	}
	if idField.Shape != model.ShapeValue && idField.Shape != model.ShapePointer {
		b.degrade(ptr, "resource "+t.Name+" with a nullable id", "not stored; its operations answer 501")
		return nil
	}
	name := t.Name
	if forced != "" {
		name = model.Exported(forced)
	}
	r := &model.Resource{
		Name:       names.Take(name),
		Collection: coll,
		Item:       item,
		Type:       t,
		IDKind:     idKind,
	}
	r.Plural = plural(r.Name)
	seg := coll[strings.LastIndex(coll, "/")+1:]
	table := snake(seg)
	if table == "" || strings.ContainsAny(seg, "{}") {
		table = snake(r.Plural)
	}
	r.Table = tables.Take(table)
	r.ID = &model.Column{Field: idField}

	// The item parameter must hold the same Go type as the id.
	idParamOK := func(op *model.Operation) bool {
		for _, p := range op.Params {
			if p.In == model.InPath && p.Name == param {
				return p.Type.GoType == idField.Type.GoType && !p.Raw
			}
		}
		return false
	}
	attach := func(op *model.Operation, crud string, ok bool) *model.Operation {
		// The default implementation answers with the first 2xx response
		// the operation declares: without one it has nothing to send.
		if op == nil || !ok || op.Success() == nil {
			return nil
		}
		op.Resource, op.CRUD = r, crud
		for _, p := range op.Params {
			if p.In == model.InPath && p.Name == param {
				op.IDParam = p
			}
		}
		return op
	}
	if get := itemOps["GET"]; get != nil && idParamOK(get) {
		r.Get = attach(get, "get", true)
	}
	if put := itemOps["PUT"]; put != nil {
		r.Replace = attach(put, "replace", idParamOK(put) && jsonStructBody(put))
	}
	if patch := itemOps["PATCH"]; patch != nil {
		r.Patch = attach(patch, "patch", idParamOK(patch) && jsonStructBody(patch))
	}
	if del := itemOps["DELETE"]; del != nil {
		r.Delete = attach(del, "delete", idParamOK(del))
	}
	if post := collOps["POST"]; post != nil {
		r.Create = attach(post, "create", jsonStructBody(post))
		if r.Create != nil {
			if s := r.Create.Success(); s != nil {
				for _, h := range s.Headers {
					if strings.EqualFold(h.Name, "Location") {
						r.Location = true
					}
				}
			}
		}
	}
	if list := collOps["GET"]; list != nil {
		if items, ok := listShape(list, t); ok {
			r.ListItems = items
			r.List = attach(list, "list", true)
		}
	}
	return r
}

// crudParams finds the parent id parameter of each operation of a child
// resource, and builds the Location prefix of created items.
func (b *builder) crudParams(r *model.Resource, base string) {
	for _, op := range []*model.Operation{r.Create, r.List, r.Get, r.Replace, r.Patch, r.Delete} {
		if op == nil {
			continue
		}
		collOp := op == r.Create || op == r.List
		if r.Flat && !collOp {
			continue // found by id alone
		}
		for _, p := range op.Params {
			// The parameter must hold the parent's key as the store keeps
			// it: a string path parameter cannot key an integer id.
			if p.In != model.InPath || p.Name != r.ParentKey || r.ParentKey == "" || p.Type == nil || !r.Scoped() {
				continue
			}
			if want := r.ParentType; p.Type.GoType != want {
				of := "the parent key"
				if r.Parent != nil {
					of = "the " + r.Parent.Name + " id"
				}
				b.degrade("#/paths/"+escape(op.Path), "resource "+r.Name+": path parameter "+quote(p.Name)+" is "+p.Type.GoType+", "+of+" "+want,
					"operation not stored; it answers 501")
				continue
			}
			op.ParentParam = p
		}
		if (r.Scoped() || r.Flat) && op.ParentParam == nil {
			// Without the parent's key the store cannot scope the rows.
			op.Resource, op.CRUD = nil, ""
		}
	}
	// A create body becomes a stored item: the required properties it
	// lacks and the store does not fill are left to a method of the
	// user's Service, which the create calls before storing (the zero
	// value until it is written). A replace keeps them from the stored
	// item (conversions, Keep).
	var unfilled []*model.Field
	if r.Create != nil && r.Create.Resource != nil {
		unfilled = missingRequired(r, bodyItem(r.Create, r))
	}
	// The answer is made from the stored item: the item, another object
	// or union made from it property by property, or the id itself
	// (blockfrost-like creates answer with the new id); anything else
	// cannot be made from it.
	for _, op := range []*model.Operation{r.Create, r.Get, r.Replace, r.Patch} {
		if op == nil || op.Resource == nil {
			continue
		}
		if t, ok := b.answer(op, r, "v", true); !ok {
			b.degrade("#/paths/"+escape(op.Path)+"/"+strings.ToLower(op.Method)+"/responses",
				"the "+op.CRUD+" response of "+r.Name+" is "+t+", which a stored "+r.Name+" cannot fill",
				"not stored; "+op.GoName+" answers 501")
			op.Resource, op.CRUD = nil, ""
		}
	}
	for _, f := range []**model.Operation{&r.Create, &r.List, &r.Get, &r.Replace, &r.Patch, &r.Delete} {
		if *f != nil && (*f).Resource == nil {
			*f = nil
		}
	}
	if r.Create != nil && len(unfilled) > 0 {
		r.Complete = "complete" + r.Name
		var quoted []string
		for _, f := range unfilled {
			r.Unfilled = append(r.Unfilled, f.Name)
			quoted = append(quoted, quote(f.Name))
		}
		b.degrade("#/paths/"+escape(r.Create.Path)+"/"+strings.ToLower(r.Create.Method)+"/requestBody",
			"the create body of "+r.Name+" lacks its required "+strings.Join(quoted, ", "),
			"stored with the zero value until "+r.Complete+" in internal/service/service.go sets it")
	}
	if r.Create == nil || !r.Location {
		r.Location = false
		return
	}
	// The Location of a new item: the path of its collection (the item
	// path without the id; a flat item's is not the create's) with the
	// create request's path parameters filled in, then the id.
	var parts []string
	lit := base
	for _, seg := range strings.Split(strings.TrimPrefix(r.Item[:strings.LastIndex(r.Item, "/")], "/"), "/") {
		lit += "/"
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			var p *model.Param
			for _, q := range r.Create.Params {
				if q.In == model.InPath && q.Name == seg[1:len(seg)-1] {
					p = q
				}
			}
			if p == nil {
				r.Location = false
				return
			}
			parts = append(parts, quote(lit), model.PathSegment("req."+p.GoName, p.GoType))
			lit = ""
			continue
		}
		lit += seg
	}
	parts = append(parts, quote(lit+"/"))
	r.LocationPrefix = strings.Join(parts, " + ")
}

// successStruct is the struct the first success response carries.
func successStruct(op *model.Operation) *model.Type {
	s := op.Success()
	if s == nil || s.Kind != model.BodyJSON || s.Type == nil || s.Type.Kind != model.KindNamed {
		return nil
	}
	if s.Type.Named.Kind != model.TypeStruct {
		return nil
	}
	return s.Type.Named
}

// missingRequired lists the required properties of r's stored type that a
// request body of type body may leave out and the store does not fill:
// not read-only, not the id, timestamps, parent key or initial state.
func missingRequired(r *model.Resource, body *model.Type) []*model.Field {
	if body == r.Type {
		return nil
	}
	filled := map[*model.Field]bool{}
	for _, c := range []*model.Column{r.ID, r.CreatedAt, r.UpdatedAt, r.ParentColumn} {
		if c != nil && c.Field != nil {
			filled[c.Field] = true
		}
	}
	for _, iv := range r.Initial {
		filled[iv.Field] = true
	}
	for _, f := range r.Stamped {
		filled[f] = true
	}
	sent := map[string]bool{}
	for _, f := range body.Required {
		sent[f.Name] = true
	}
	for _, f := range body.Fields {
		if f.Default != "" || f.DefaultJSON != "" {
			sent[f.Name] = true
		}
	}
	var missing []*model.Field
	for _, f := range r.Type.Required {
		if !f.ReadOnly && !filled[f] && !sent[f.Name] {
			missing = append(missing, f)
		}
	}
	return missing
}

func jsonStructBody(op *model.Operation) bool {
	b := op.Body
	return b != nil && b.Kind == model.BodyJSON && b.Type.Kind == model.KindNamed && b.Type.Named.Kind == model.TypeStruct
}

// listShape reports how a list response holds the items: a bare array
// (""), or the JSON name of the object property that holds them.
func listShape(op *model.Operation, t *model.Type) (string, bool) {
	s := op.Success()
	if s == nil || s.Kind != model.BodyJSON || s.Type == nil {
		return "", false
	}
	isList := func(r *model.TypeRef) bool {
		if r.Kind == model.KindNamed && r.Named.Kind == model.TypeAlias {
			r = r.Named.Underlying
		}
		return r.Kind == model.KindSlice && r.Elem.Kind == model.KindNamed && r.Elem.Named == t
	}
	if isList(s.Type) {
		return "", true
	}
	if s.Type.Kind == model.KindNamed && s.Type.Named.Kind == model.TypeStruct {
		for _, f := range s.Type.Named.Fields {
			if isList(f.Type) {
				return f.Name, true
			}
		}
	}
	return "", false
}

// findField finds a field by JSON name, ignoring case and punctuation.
func findField(t *model.Type, names ...string) *model.Field {
	for _, n := range names {
		for _, f := range t.Fields {
			if norm(f.Name) == norm(n) {
				return f
			}
		}
	}
	return nil
}

func norm(s string) string { return strings.ToLower(strings.Join(model.Words(s), "")) }

// snake turns a name into a lower-case SQL identifier: "orderItems" →
// "order_items".
func snake(s string) string {
	var parts []string
	for _, w := range model.Words(s) {
		var b strings.Builder
		for _, r := range strings.ToLower(w) {
			if r < 128 {
				b.WriteRune(r)
			}
		}
		if b.Len() > 0 {
			parts = append(parts, b.String())
		}
	}
	out := strings.Join(parts, "_")
	if out != "" && out[0] >= '0' && out[0] <= '9' {
		out = "t_" + out
	}
	return out
}

// plural makes an English plural of a Go name, well enough for method
// names: Customer → Customers, Category → Categories.
func plural(s string) string {
	switch {
	case strings.HasSuffix(s, "y") && len(s) > 1 && !strings.ContainsRune("aeiou", rune(s[len(s)-2])):
		return s[:len(s)-1] + "ies"
	case strings.HasSuffix(s, "s"), strings.HasSuffix(s, "x"), strings.HasSuffix(s, "ch"), strings.HasSuffix(s, "sh"):
		return s + "es"
	}
	return s + "s"
}

// columns lays out the table of r. key is the property holding the
// parent's key of a flat resource, or nil.
func (b *builder) columns(r *model.Resource, key *model.Field) {
	ns := model.NewNamespace()
	t := r.Type
	// A property the create body does not have is the server's to fill
	// (when the body is another schema).
	var body *model.Type
	if r.Create != nil && r.Create.Body != nil && r.Create.Body.Type.Kind == model.KindNamed {
		body = bodyItem(r.Create, r)
	}
	unsent := func(f *model.Field) bool {
		return f.ReadOnly || body != nil && body != t && fieldNamed(body, f.Name) == nil
	}
	for _, f := range t.Fields {
		c := &model.Column{Name: ns.Take(columnName(f.Name)), Field: f}
		sqlTypes(c, f.Type)
		c.NotNull = f.Shape == model.ShapeValue
		if f == r.ID.Field {
			r.ID = c
			c.NotNull = true
			switch r.IDKind {
			case "int":
				c.SQLite = "INTEGER PRIMARY KEY"
				c.Postgres = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
			case "uuid":
				c.SQLite, c.Postgres, c.Zero = "TEXT PRIMARY KEY", "UUID PRIMARY KEY", zeroUUID
			default:
				c.SQLite, c.Postgres = "TEXT PRIMARY KEY", "TEXT PRIMARY KEY"
			}
		}
		if f.Type.Kind == model.KindDate && unsent(f) && f.Required && f.Shape != model.ShapeNillable {
			// A required date the client cannot send: the day of creation
			// (a zero Date is no date a database takes).
			r.Stamped = append(r.Stamped, f)
		}
		if f.Type.Kind == model.KindTime && unsent(f) && f != r.ID.Field {
			switch norm(f.Name) {
			case "createdat", "created", "createdon", "creationtime":
				r.CreatedAt = c
			case "updatedat", "updated", "modifiedat", "lastmodified", "updatedon":
				r.UpdatedAt = c
			default:
				// Another required timestamp (issuedAt, sent_at) the
				// client cannot send: the time of creation.
				words := model.Words(f.Name)
				last := strings.ToLower(words[len(words)-1])
				if f.Required && f.Shape != model.ShapeNillable && (last == "at" || last == "on" || last == "time" || last == "timestamp") {
					r.Stamped = append(r.Stamped, f)
				}
			}
		}
		// A required enum, or an enum called status or state, starts at its
		// default, else the first value the spec lists: the initial state.
		initial := f.Shape == model.ShapeValue || norm(f.Name) == "status" || norm(f.Name) == "state"
		if initial && f.Shape != model.ShapeNillable && f.Type.Kind == model.KindNamed && f.Type.Named.Kind == model.TypeEnum && len(f.Type.Named.Values) > 0 {
			zero := `""`
			if f.Type.Named.Base.Kind != model.KindString {
				zero = "0"
			}
			value := "api." + f.Type.Named.Values[0].GoName
			if d := f.Default + f.InitialDefault; d != "" {
				value = "api." + d
			}
			r.Initial = append(r.Initial, &model.InitialValue{Field: f, Value: value, Zero: zero})
		}
		// A const property has one possible value: fill it in.
		if c := f.Type.Check; c != nil && c.Const != "" && f.Shape != model.ShapeNillable && f.Shape != model.ShapeNullable {
			switch f.Type.Kind {
			case model.KindString:
				r.Initial = append(r.Initial, &model.InitialValue{Field: f, Value: c.Const, Zero: `""`})
			case model.KindInt32, model.KindInt64, model.KindFloat32, model.KindFloat64:
				r.Initial = append(r.Initial, &model.InitialValue{Field: f, Value: c.Const, Zero: "0"})
			}
		}
		r.Columns = append(r.Columns, c)
	}
	switch p := r.Parent; {
	case r.Flat && key != nil:
		// The property named after the collection's parent parameter.
		for _, c := range r.Columns {
			if c.Field == key && c != r.ID {
				r.ParentColumn = c
			}
		}
		// It keeps the property's own column type, which it had before
		// the nested collection appeared, if it did (no reference to the
		// parent either: see schema.Of).
		if pc := r.ParentColumn; pc != nil {
			pc.NotNull, pc.Index = true, true
			r.ParentType = key.Type.GoType
			if p == nil {
				r.ParentSample = sampleKey(key.Type)
			}
		}
	case r.Flat:
	case p != nil:
		_, param, _ := splitItem(p.Item)
		r.ParentKey, r.ParentType = param, p.ID.Field.Type.GoType
		name := columnName(param)
		var pc *model.Column
		for _, c := range r.Columns {
			if c.Name == name && c.Field.Type.GoType == p.ID.Field.Type.GoType && c != r.ID {
				pc = c // the schema carries the parent id itself
			}
		}
		if pc == nil {
			pc = &model.Column{Name: ns.Take(name)}
			r.Columns = append(r.Columns, pc)
		}
		pc.NotNull, pc.Index = true, true
		pc.SQLite, pc.Postgres, pc.Zero = parentType(p.ID)
		r.ParentColumn = pc
	}
	// The id first, then the parent key, then the rest by name.
	sort.SliceStable(r.Columns, func(i, j int) bool { return columnRank(r, r.Columns[i]) < columnRank(r, r.Columns[j]) })
	if r.List != nil {
		for _, p := range r.List.Params {
			if p.In != model.InQuery {
				continue
			}
			if p.Array || p.Raw || p.Object != nil {
				if f := listFilter(r, p); f != nil {
					r.Filters = append(r.Filters, f)
				} else {
					b.unfiltered(r, p)
				}
				continue
			}
			switch norm(p.Name) {
			case "limit", "pagesize", "perpage":
				if isInt(p.Type) {
					r.Limit = p
				}
				continue
			case "offset", "skip":
				if isInt(p.Type) {
					r.Offset = p
				}
				continue
			case "cursor", "after", "pagetoken", "nextpagetoken", "continuationtoken", "starting_after", "startingafter":
				if p.Type.Kind == model.KindString && r.Cursor == nil {
					r.Cursor = p
				} else {
					b.degrade("#/paths/"+escape(r.Collection)+"/get", "cursor pagination by "+strconv.Quote(p.Name), "not applied: the default list pages by limit and offset")
				}
				continue
			}
			// A parameter filters by the column of the same name: exact
			// first, then ignoring case and punctuation.
			var match *model.Column
			for _, exact := range []bool{true, false} {
				for _, c := range r.Columns {
					if match != nil || c.Field == nil || c.JSON || baseKind(c.Field.Type) != baseKind(p.Type) || !(p.Pointer || p.Required) {
						continue
					}
					if exact && c.Field.Name == p.Name || !exact && norm(c.Field.Name) == norm(p.Name) {
						match = c
					}
				}
			}
			if match != nil {
				match.Index = match != r.ID
				r.Filters = append(r.Filters, &model.Filter{Param: p, Column: match, Convert: match.Field.Type.GoType != p.Type.GoType})
			} else {
				b.unfiltered(r, p)
			}
		}
	}
}

// unfiltered reports a query parameter of r's list that the default list
// does not apply: a declared filter must be applied or reported, never
// silently ignored.
func (b *builder) unfiltered(r *model.Resource, p *model.Param) {
	b.degrade("#/paths/"+escape(r.Collection)+"/get",
		"query parameter "+quote(p.Name)+" of "+r.List.GoName,
		"not applied by the default "+r.List.GoName+" (no column of that name and type to filter by): the list ignores it")
}

// listFilter matches list parameter p (?tag=a&tag=b) to a column of r of
// its name, or of its plural (tag: tags): a JSON array of the same scalar
// values, which a row matches when it holds every value given, or a scalar
// column, which it matches when its value is any of them. nil when there
// is none.
func listFilter(r *model.Resource, p *model.Param) *model.Filter {
	if !p.Array || p.Raw || p.Type.Kind != model.KindSlice || p.Type.Elem == nil {
		return nil
	}
	elem := p.Type.Elem
	switch baseKind(elem) {
	case model.KindString, model.KindInt32, model.KindInt64:
	default:
		return nil
	}
	n := norm(p.Name)
	names := []string{n, n + "s", n + "es", strings.TrimSuffix(n, "y") + "ies"}
	for _, exact := range []bool{true, false} {
		for _, c := range r.Columns {
			if c.Field == nil {
				continue
			}
			if exact && c.Field.Name != p.Name || !exact && !slices.Contains(names, norm(c.Field.Name)) {
				continue
			}
			t := c.Field.Type
			switch {
			case c.JSON && t.Kind == model.KindSlice && t.Elem != nil && baseKind(t.Elem) == baseKind(elem):
				return &model.Filter{Param: p, Column: c, Contains: true, Elem: t.Elem, Convert: t.Elem.GoType != elem.GoType}
			case !c.JSON && baseKind(t) == baseKind(elem):
				c.Index = c != r.ID
				return &model.Filter{Param: p, Column: c, Elem: t, Convert: t.GoType != elem.GoType}
			}
		}
	}
	return nil
}

// sampleKey is a Go literal of a parent key of type t, for the store's
// tests when no parent resource makes one.
func sampleKey(t *model.TypeRef) string {
	switch {
	case t.Kind != model.KindString:
		return "7"
	case t.Format == "uuid":
		return `"00000000-0000-4000-8000-000000000007"`
	}
	return `"parent-7"`
}

func columnRank(r *model.Resource, c *model.Column) int {
	switch c {
	case r.ID:
		return 0
	case r.ParentColumn:
		return 1
	}
	return 2
}

// baseKind is the scalar kind under an enum, for matching filters to
// columns: an inline enum parameter filters an enum column of its own.
func baseKind(t *model.TypeRef) model.Kind {
	if t.Kind == model.KindNamed && t.Named.Kind == model.TypeEnum {
		return t.Named.Base.Kind
	}
	return t.Kind
}

func isInt(t *model.TypeRef) bool { return t.Kind == model.KindInt32 || t.Kind == model.KindInt64 }

// parentType is the SQL type of a column referring to parent id c, per
// dialect, and its zero value.
func parentType(c *model.Column) (sqlite, postgres, zero string) {
	switch {
	case strings.HasPrefix(c.Postgres, "BIGINT"):
		return "INTEGER", "BIGINT", "0"
	case strings.HasPrefix(c.Postgres, "UUID"):
		return "TEXT", "UUID", zeroUUID
	}
	return "TEXT", "TEXT", "''"
}

// zeroUUID is the zero of a UUID column: an empty string is no UUID in
// PostgreSQL.
const zeroUUID = "'00000000-0000-0000-0000-000000000000'"

// columnName is a property's column: snake case, never empty.
func columnName(name string) string {
	if c := snake(name); c != "" {
		return c
	}
	return "col"
}

// sqlTypes sets the column types of a value of type t, per dialect, and
// the literal of its zero value.
//
// Zero values are what rows that existed before a NOT NULL column get. Times
// get the Unix epoch, a constant that reads as "unknown" rather than
// pretending the row changed when the migration ran (SQLite also refuses
// CURRENT_TIMESTAMP as the default of an added column). JSON gets the empty
// array or object where the Go value is a slice, map or struct, and null
// otherwise.
func sqlTypes(c *model.Column, t *model.TypeRef) {
	switch t.Kind {
	case model.KindString:
		c.SQLite, c.Postgres, c.Zero = "TEXT", "TEXT", "''"
	case model.KindInt32:
		c.SQLite, c.Postgres, c.Zero = "INTEGER", "INTEGER", "0"
	case model.KindInt64, model.KindInt:
		c.SQLite, c.Postgres, c.Zero = "INTEGER", "BIGINT", "0"
	case model.KindFloat32:
		c.SQLite, c.Postgres, c.Zero = "REAL", "REAL", "0"
	case model.KindFloat64:
		c.SQLite, c.Postgres, c.Zero = "REAL", "DOUBLE PRECISION", "0"
	case model.KindBool:
		c.SQLite, c.Postgres, c.Zero = "INTEGER", "BOOLEAN", "false"
	case model.KindTime:
		c.SQLite, c.Postgres, c.Zero = "TIMESTAMP", "TIMESTAMPTZ", "'1970-01-01 00:00:00+00:00'"
	case model.KindDate:
		c.SQLite, c.Postgres, c.Zero = "TEXT", "DATE", "'1970-01-01'"
	case model.KindBytes, model.KindBinary:
		c.SQLite, c.Postgres, c.Zero = "BLOB", "BYTEA", "''"
	case model.KindNamed:
		if t.Named.Kind == model.TypeEnum {
			sqlTypes(c, t.Named.Base)
			return
		}
		fallthrough
	default:
		c.JSON = true
		c.SQLite, c.Postgres, c.Zero = "TEXT", "JSONB", "'"+jsonZero(t)+"'"
	}
}

// jsonZero is the JSON a JSON column holds for the zero value of t.
func jsonZero(t *model.TypeRef) string {
	switch t.Kind {
	case model.KindSlice:
		return "[]"
	case model.KindMap:
		return "{}"
	case model.KindNamed:
		switch t.Named.Kind {
		case model.TypeStruct:
			return "{}"
		case model.TypeAlias:
			return jsonZero(t.Named.Underlying)
		}
	}
	return "null"
}
