package model

import "testing"

func TestSetsDefault(t *testing.T) {
	for _, tc := range []struct {
		def  string
		want bool
	}{
		{"", false},           // no default
		{"0", false},          // an integer's zero value
		{"0.0", false},        // a number's
		{"false", false},      // a boolean's
		{`""`, false},         // a string's
		{"20", true},          // the value a request would otherwise lack
		{"-1", true},          // not zero
		{"true", true},        // not zero
		{`"asc"`, true},       // a string that is not empty
		{"api.SortAsc", true}, // an enum constant, even one whose value is ""
		{"0.5", true},         // a number that is not zero
	} {
		if got := (&Param{Default: tc.def}).SetsDefault(); got != tc.want {
			t.Errorf("Default %s: SetsDefault() = %v, want %v", tc.def, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct{ expr, goType, want string }{
		{"id", "string", "id"},
		{"*v.ID", "int64", "strconv.FormatInt(*v.ID, 10)"},
		{"id", "int32", "strconv.FormatInt(int64(id), 10)"},
		{"v.Day", "svcgen.Date", "fmt.Sprint(v.Day)"}, // any other type
		{"v.Kind", "Kind", "fmt.Sprint(v.Kind)"},      // a named string type too
	} {
		if got := Text(tc.expr, tc.goType); got != tc.want {
			t.Errorf("Text(%q, %q) = %s, want %s", tc.expr, tc.goType, got, tc.want)
		}
	}
}

func TestPathSegment(t *testing.T) {
	for _, tc := range []struct{ expr, goType, want string }{
		{"v.ID", "string", "url.PathEscape(v.ID)"},
		{"*v.ID", "int64", "strconv.FormatInt(*v.ID, 10)"},
		{"req.Page", "int32", "strconv.FormatInt(int64(req.Page), 10)"},
		{"v.Day", "svcgen.Date", "url.PathEscape(fmt.Sprint(v.Day))"}, // any other type: its text
		{"v.Kind", "Kind", "url.PathEscape(fmt.Sprint(v.Kind))"},      // a named string type too
	} {
		if got := PathSegment(tc.expr, tc.goType); got != tc.want {
			t.Errorf("PathSegment(%q, %q) = %s, want %s", tc.expr, tc.goType, got, tc.want)
		}
	}
}

func TestSetColumns(t *testing.T) {
	id, parent, created := &Column{Name: "id"}, &Column{Name: "customer_id"}, &Column{Name: "created_at"}
	status, updated := &Column{Name: "status"}, &Column{Name: "updated_at"}
	r := &Resource{
		ID: id, ParentColumn: parent, CreatedAt: created,
		Columns: []*Column{id, parent, created, status, updated},
	}
	got := r.SetColumns()
	want := []SetColumn{{status, 3}, {updated, 4}} // indexes into Columns, as the row's values
	if len(got) != len(want) {
		t.Fatalf("SetColumns() = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("SetColumns()[%d] = %s at %d, want %s at %d", i, got[i].Name, got[i].Index, want[i].Name, want[i].Index)
		}
	}
	// Without a parent key or creation time only the id stays.
	r = &Resource{ID: id, Columns: []*Column{status, id, updated}}
	if got := r.SetColumns(); len(got) != 2 || got[0].Index != 0 || got[1].Index != 2 {
		t.Errorf("SetColumns() without parent and creation time = %v", got)
	}
}

func TestFilters(t *testing.T) {
	text := &Column{Name: "email", Field: &Field{Type: &TypeRef{Kind: KindString}}}
	number := &Column{Name: "count", Field: &Field{Type: &TypeRef{Kind: KindInt64}}}
	for _, tc := range []struct {
		name                string
		filters             []*Filter
		asGiven, canExclude bool
	}{
		{"none", nil, false, false},
		{"an integer", []*Filter{{Column: number}}, true, false},
		{"text, which may hold NUL", []*Filter{{Column: text}}, true, true},
		{"a list matched to an integer column (IN)", []*Filter{{Column: number, Elem: &TypeRef{Kind: KindInt64}}}, true, true},
		{"a list of integers in a JSON array", []*Filter{{Column: number, Elem: &TypeRef{Kind: KindInt64}, Contains: true}}, true, false},
		{"a converted enum", []*Filter{{Column: number, Convert: true}}, false, false},
	} {
		r := &Resource{Filters: tc.filters}
		if got := r.FiltersAsGiven(); got != tc.asGiven {
			t.Errorf("%s: FiltersAsGiven() = %v, want %v", tc.name, got, tc.asGiven)
		}
		if got := r.FiltersCanExclude(); got != tc.canExclude {
			t.Errorf("%s: FiltersCanExclude() = %v, want %v", tc.name, got, tc.canExclude)
		}
	}
}

func TestConverterLiteral(t *testing.T) {
	plain := &Copy{To: "Name", From: "Name", Value: "in.Name"}
	for _, tc := range []struct {
		name string
		c    Converter
		want bool
	}{
		{"plain copies", Converter{Kind: "struct", Copies: []*Copy{plain, plain}}, true},
		{"a conditional copy", Converter{Kind: "struct", Copies: []*Copy{plain, {To: "Phone", From: "Phone", If: "in.Phone != nil", Value: "in.Phone"}}}, false},
		{"a default for a field the source lacks", Converter{Kind: "struct", Copies: []*Copy{plain, {To: "Currency", Else: `out.Currency = "EUR"`}}}, false},
		{"nothing to copy", Converter{Kind: "struct"}, false},
		{"a union", Converter{Kind: "union", Copies: []*Copy{plain}}, false},
	} {
		if got := tc.c.Literal(); got != tc.want {
			t.Errorf("%s: Literal() = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestFieldExpressions(t *testing.T) {
	for _, tc := range []struct {
		f         Field
		zero, ptr string
	}{
		{Field{Shape: ShapeValue, GoType: "string", Type: &TypeRef{GoType: "string"}, Default: `"en"`}, `""`, `svcgen.Ptr("en")`},
		{Field{Shape: ShapeValue, GoType: "bool", Type: &TypeRef{GoType: "bool"}, Default: "false"}, "false", "svcgen.Ptr(false)"},
		{Field{Shape: ShapeValue, GoType: "int32", Type: &TypeRef{GoType: "int32"}, Default: "5"}, "0", "svcgen.Ptr[int32](5)"}, // 5 alone is an int
		{Field{Shape: ShapeValue, GoType: "api.Kind", Type: &TypeRef{GoType: "api.Kind"}, Default: "api.KindA"}, "*new(api.Kind)", "svcgen.Ptr[api.Kind](api.KindA)"},
		{Field{Shape: ShapeNullable, GoType: "svcgen.Nullable[string]", Type: &TypeRef{GoType: "string"}, Default: `"x"`}, "svcgen.Nullable[string]{}", `svcgen.Ptr("x")`},
		{Field{Shape: ShapePointer, GoType: "*int64", Type: &TypeRef{GoType: "int64"}, Default: "1"}, "nil", "svcgen.Ptr[int64](1)"},
	} {
		if got := tc.f.Zero(); got != tc.zero {
			t.Errorf("%s: Zero() = %s, want %s", tc.f.GoType, got, tc.zero)
		}
		if got := tc.f.PtrDefault(); got != tc.ptr {
			t.Errorf("%s: PtrDefault() = %s, want %s", tc.f.GoType, got, tc.ptr)
		}
	}
	if got := (&TypeRef{Kind: KindMap, GoType: "map[string]string"}).Unnamed("v"); got != "v" {
		t.Errorf("Unnamed of a map = %s, want v", got)
	}
	if got := (&TypeRef{Kind: KindString, GoType: "string"}).Unnamed("v"); got != "string(v)" {
		t.Errorf("Unnamed of a string = %s, want string(v)", got)
	}
	limit := &Param{GoName: "Limit", Type: &TypeRef{GoType: "int32"}, Pointer: true}
	if got := limit.Int64(limit.ReqValue()); got != "int64(deref(req.Limit))" {
		t.Errorf("an optional int32 limit: %s", got)
	}
	offset := &Param{GoName: "Offset", Type: &TypeRef{GoType: "int64"}}
	if got := offset.Int64(offset.ReqValue()); got != "req.Offset" {
		t.Errorf("an int64 offset: %s", got)
	}
}
