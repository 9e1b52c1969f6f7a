package build

import (
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
	// Parents before children: shorter paths first, then by name.
	sort.Slice(items, func(i, j int) bool {
		ci, cj := strings.Count(items[i], "/"), strings.Count(items[j], "/")
		if ci != cj {
			return ci < cj
		}
		return items[i] < items[j]
	})
	byItem := map[string]*model.Resource{}
	cv := newConvs(b)
	b.convs = cv
	tables := model.NewNamespace()
	names := model.NewNamespace()
	for _, item := range items {
		coll, param, _ := splitItem(item)
		r := b.resource(coll, item, param, ops[coll], ops[item], tables, names)
		if r == nil {
			continue
		}
		if parentItem := coll[:strings.LastIndex(coll, "/")]; parentItem != "" {
			if _, _, nested := splitItem(parentItem); nested {
				r.Parent = byItem[parentItem]
				if r.Parent == nil {
					b.degrade("#/paths/"+escape(coll), "collection under "+parentItem+", which is not a resource", "stored without a parent check")
				}
			}
		}
		b.columns(r)
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
	parentParam := ""
	if r.Parent != nil {
		_, parentParam, _ = splitItem(r.Parent.Item)
	}
	for _, op := range []*model.Operation{r.Create, r.List, r.Get, r.Replace, r.Patch, r.Delete} {
		if op == nil {
			continue
		}
		for _, p := range op.Params {
			// The parameter must hold the parent's id as the store keeps
			// it: a string path parameter cannot key an integer id.
			if p.In != model.InPath || p.Name != parentParam || parentParam == "" || p.Type == nil ||
				r.Parent.ID == nil || r.Parent.ID.Field == nil {
				continue
			}
			if want := r.Parent.ID.Field.Type.GoType; p.Type.GoType != want {
				b.degrade("#/paths/"+escape(op.Path), "resource "+r.Name+": path parameter "+quote(p.Name)+" is "+p.Type.GoType+", the "+r.Parent.Name+" id "+want,
					"operation not stored; it answers 501")
				continue
			}
			op.ParentParam = p
		}
		if r.Parent != nil && op.ParentParam == nil {
			// Without the parent's id the store cannot scope the rows.
			op.Resource, op.CRUD = nil, ""
		}
	}
	// A create or replace body becomes a stored item: it must carry every
	// required property the store does not fill itself, or the item
	// cannot be made.
	for _, op := range []*model.Operation{r.Create, r.Replace} {
		if op == nil || op.Resource == nil {
			continue
		}
		if missing := missingRequired(r, op.Body.Type.Named); len(missing) > 0 {
			b.degrade("#/paths/"+escape(op.Path)+"/"+strings.ToLower(op.Method)+"/requestBody",
				"the "+op.CRUD+" body of "+r.Name+" lacks its required "+strings.Join(missing, ", "),
				"not stored; "+op.GoName+" answers 501")
			op.Resource, op.CRUD = nil, ""
		}
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
	if r.Create == nil || !r.Location {
		r.Location = false
		return
	}
	// The Location of a new item: the collection path with the create
	// request's path parameters filled in, then the id.
	var parts []string
	lit := base
	for _, seg := range strings.Split(strings.TrimPrefix(r.Collection, "/"), "/") {
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
			parts = append(parts, quote(lit), "url.PathEscape(fmt.Sprint(req."+p.GoName+"))")
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
func missingRequired(r *model.Resource, body *model.Type) []string {
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
	sent := map[string]bool{}
	for _, f := range body.Required {
		sent[f.Name] = true
	}
	for _, f := range body.Fields {
		if f.Default != "" || f.DefaultJSON != "" {
			sent[f.Name] = true
		}
	}
	var missing []string
	for _, f := range r.Type.Required {
		if !f.ReadOnly && !filled[f] && !sent[f.Name] {
			missing = append(missing, quote(f.Name))
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

// columns lays out the table of r.
func (b *builder) columns(r *model.Resource) {
	ns := model.NewNamespace()
	t := r.Type
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
		if f.Type.Kind == model.KindTime && f.ReadOnly {
			switch norm(f.Name) {
			case "createdat", "created", "createdon", "creationtime":
				r.CreatedAt = c
			case "updatedat", "updated", "modifiedat", "lastmodified", "updatedon":
				r.UpdatedAt = c
			}
		}
		// A required enum, or an enum called status or state, starts at the
		// first value the spec lists: the initial state.
		initial := f.Shape == model.ShapeValue || norm(f.Name) == "status" || norm(f.Name) == "state"
		if initial && f.Shape != model.ShapeNillable && f.Type.Kind == model.KindNamed && f.Type.Named.Kind == model.TypeEnum && len(f.Type.Named.Values) > 0 {
			zero := `""`
			if f.Type.Named.Base.Kind != model.KindString {
				zero = "0"
			}
			r.Initial = append(r.Initial, &model.InitialValue{Field: f, Value: "api." + f.Type.Named.Values[0].GoName, Zero: zero})
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
	if p := r.Parent; p != nil {
		_, param, _ := splitItem(p.Item)
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
			if p.In != model.InQuery || p.Array || p.Raw {
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
			}
		}
	}
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
