package svcgen_test

import (
	"math"
	"reflect"
	"strconv"
	"testing"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

// one runs check against a fresh body path and returns what it reported.
func one(check func(at *svcgen.Path, errs *svcgen.Errors)) svcgen.Errors {
	var errs svcgen.Errors
	at := svcgen.Root("body", "")
	check(&at, &errs)
	return errs
}

// wantDetail fails unless errs holds exactly one error with detail, or
// none when detail is "".
func wantDetail(t *testing.T, errs svcgen.Errors, detail string) {
	t.Helper()
	switch {
	case detail == "" && len(errs) != 0:
		t.Errorf("got %v, want no error", errs)
	case detail != "" && (len(errs) != 1 || errs[0].Detail != detail):
		t.Errorf("got %#v, want one error %q", errs, detail)
	}
}

func TestPathFieldError(t *testing.T) {
	body := svcgen.Root("body", "")
	items := body.Field("items")
	item2 := items.Elem(2)
	name := item2.Field("name")
	grid := body.Field("grid")
	row := grid.Elem(0)
	cell := row.Elem(3)
	tilde := body.Field("a~b/c")
	deep := tilde.Field("x/y")
	query := svcgen.Root("query", "filter")
	queryElem := query.Elem(1)
	queryProp := query.Field("color")
	emptyKey := body.Field("")
	meta := body.Field("meta")
	metaEmpty := meta.Field("")
	list := svcgen.Root("body", "")
	listElem := list.Elem(0)

	for _, tc := range []struct {
		name string
		at   *svcgen.Path
		want svcgen.FieldError
	}{
		{"body root", &body, svcgen.FieldError{In: "body", Pointer: "#", Detail: "d"}},
		{"property", &items, svcgen.FieldError{In: "body", Field: "items", Pointer: "#/items", Detail: "d"}},
		{"item", &item2, svcgen.FieldError{In: "body", Field: "items[2]", Pointer: "#/items/2", Detail: "d"}},
		{"property of an item", &name, svcgen.FieldError{In: "body", Field: "items[2].name", Pointer: "#/items/2/name", Detail: "d"}},
		{"nested arrays", &cell, svcgen.FieldError{In: "body", Field: "grid[0][3]", Pointer: "#/grid/0/3", Detail: "d"}},
		{"pointer escapes ~ and /", &tilde, svcgen.FieldError{In: "body", Field: "a~b/c", Pointer: "#/a~0b~1c", Detail: "d"}},
		{"escaped at every level", &deep, svcgen.FieldError{In: "body", Field: "a~b/c.x/y", Pointer: "#/a~0b~1c/x~1y", Detail: "d"}},
		{"empty property name", &emptyKey, svcgen.FieldError{In: "body", Pointer: "#/", Detail: "d"}},
		{"empty map key below a property", &metaEmpty, svcgen.FieldError{In: "body", Field: "meta.", Pointer: "#/meta/", Detail: "d"}},
		{"array body", &listElem, svcgen.FieldError{In: "body", Field: "[0]", Pointer: "#/0", Detail: "d"}},
		{"parameter: no pointer", &query, svcgen.FieldError{In: "query", Field: "filter", Detail: "d"}},
		{"parameter item", &queryElem, svcgen.FieldError{In: "query", Field: "filter[1]", Detail: "d"}},
		{"parameter property", &queryProp, svcgen.FieldError{In: "query", Field: "filter.color", Detail: "d"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.at.FieldError("d"); got != tc.want {
				t.Errorf("got %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

// The paths are values on the stack: a sibling built from the same parent
// does not change a path built before it.
func TestPathSiblingsIndependent(t *testing.T) {
	body := svcgen.Root("body", "")
	a := body.Field("a")
	b := body.Field("b")
	a0 := a.Elem(0)
	if got := a0.FieldError("x").Pointer; got != "#/a/0" {
		t.Errorf("a[0] pointer = %q", got)
	}
	if got := b.FieldError("x").Pointer; got != "#/b" {
		t.Errorf("b pointer = %q", got)
	}
}

func TestErrorsParameterHelpers(t *testing.T) {
	var errs svcgen.Errors
	errs.Param("query", "limit", errString("must be an integer"))
	errs.ParamElem("query", "ids", 3, errString("must be a UUID"))
	errs.Missing("header", "X-Request-Id")
	errs.Repeated("query", "sort")
	want := svcgen.Errors{
		{In: "query", Field: "limit", Detail: "must be an integer"},
		{In: "query", Field: "ids[3]", Detail: "must be a UUID"},
		{In: "header", Field: "X-Request-Id", Detail: "is required"},
		{In: "query", Field: "sort", Detail: "must be given once"},
	}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("got %#v\nwant %#v", errs, want)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestErrorsRequired(t *testing.T) {
	errs := one(func(at *svcgen.Path, errs *svcgen.Errors) {
		errs.Required(at, []bool{true, false, true}, "id", "name", "a/b")
	})
	want := svcgen.Errors{
		{In: "body", Field: "id", Pointer: "#/id", Detail: "is required"},
		{In: "body", Field: "a/b", Pointer: "#/a~1b", Detail: "is required"},
	}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("got %#v\nwant %#v", errs, want)
	}
}

func TestLengthCountsCharacters(t *testing.T) {
	for _, tc := range []struct {
		v        string
		min, max int
		want     string
	}{
		{"abc", 3, 3, ""},
		{"ab", 3, 5, "must be at least 3 characters long"},
		{"abcdef", 1, 5, "must be at most 5 characters long"},
		{"", 1, 5, "must be at least 1 character long"},
		{"ab", 0, 1, "must be at most 1 character long"},
		{"héé", 3, 3, ""}, // 5 bytes, 3 characters
		{"日本語", 1, 3, ""}, // 9 bytes
		{"日本語x", 1, 3, "must be at most 3 characters long"},
		{"😀", 2, 4, "must be at least 2 characters long"}, // 4 bytes, 1 character
	} {
		errs := one(func(at *svcgen.Path, errs *svcgen.Errors) {
			errs.MinLength(at, tc.v, tc.min)
			errs.MaxLength(at, tc.v, tc.max)
		})
		t.Run(tc.v, func(t *testing.T) { wantDetail(t, errs, tc.want) })
	}
}

func TestCountsAndPlurals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		check func(at *svcgen.Path, errs *svcgen.Errors)
		want  string
	}{
		{"min items 1", func(at *svcgen.Path, e *svcgen.Errors) { e.MinItems(at, 0, 1) }, "must have at least 1 item"},
		{"min items 2", func(at *svcgen.Path, e *svcgen.Errors) { e.MinItems(at, 1, 2) }, "must have at least 2 items"},
		{"min items met", func(at *svcgen.Path, e *svcgen.Errors) { e.MinItems(at, 2, 2) }, ""},
		{"max items 0", func(at *svcgen.Path, e *svcgen.Errors) { e.MaxItems(at, 1, 0) }, "must have at most 0 items"},
		{"max items 1", func(at *svcgen.Path, e *svcgen.Errors) { e.MaxItems(at, 2, 1) }, "must have at most 1 item"},
		{"max items met", func(at *svcgen.Path, e *svcgen.Errors) { e.MaxItems(at, 3, 3) }, ""},
		{"min props 1", func(at *svcgen.Path, e *svcgen.Errors) { e.MinProps(at, 0, 1) }, "must have at least 1 property"},
		{"min props 3", func(at *svcgen.Path, e *svcgen.Errors) { e.MinProps(at, 2, 3) }, "must have at least 3 properties"},
		{"min props met", func(at *svcgen.Path, e *svcgen.Errors) { e.MinProps(at, 3, 3) }, ""},
		{"max props 2", func(at *svcgen.Path, e *svcgen.Errors) { e.MaxProps(at, 3, 2) }, "must have at most 2 properties"},
		{"max props met", func(at *svcgen.Path, e *svcgen.Errors) { e.MaxProps(at, 2, 2) }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) { wantDetail(t, one(tc.check), tc.want) })
	}
}

func TestPattern(t *testing.T) {
	re := svcgen.MustPattern(`^[A-Z]{3}$`)
	for _, tc := range []struct{ v, want string }{
		{"EUR", ""},
		{"eur", "must match the pattern ^[A-Z]{3}$"},
		{"EURO", "must match the pattern ^[A-Z]{3}$"},
	} {
		errs := one(func(at *svcgen.Path, e *svcgen.Errors) { e.Pattern(at, tc.v, re) })
		t.Run(tc.v, func(t *testing.T) { wantDetail(t, errs, tc.want) })
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct{ format, v, want string }{
		{"email", "ada@example.com", ""},
		{"email", "ada.lovelace+tag@sub.example.org", ""},
		{"email", "ada", "must be an email address"},
		{"email", "ada@", "must be an email address"},
		{"email", "@example.com", "must be an email address"},
		{"email", "Ada <ada@example.com>", "must be an email address"}, // an address, not a mailbox
		{"email", " ada@example.com", "must be an email address"},
		{"email", "", "must be an email address"},
		{"uuid", "123e4567-e89b-12d3-a456-426614174000", ""},
		{"uuid", "123E4567-E89B-12D3-A456-426614174000", ""},
		{"uuid", "00000000-0000-0000-0000-000000000000", ""},
		{"uuid", "123e4567e89b12d3a456426614174000", "must be a UUID"},      // no dashes
		{"uuid", "123e4567-e89b-12d3-a456-42661417400", "must be a UUID"},   // short
		{"uuid", "123e4567-e89b-12d3-a456-4266141740000", "must be a UUID"}, // long
		{"uuid", "123e4567-e89b-12d3-a456_426614174000", "must be a UUID"},  // dash misplaced
		{"uuid", "g23e4567-e89b-12d3-a456-426614174000", "must be a UUID"},
		{"uuid", "{123e4567-e89b-12d3-a456-426614174000}", "must be a UUID"},
		{"uuid", "", "must be a UUID"},
		{"hostname", "not checked", ""}, // formats svcgen does not validate pass
		{"", "anything", ""},
	} {
		errs := one(func(at *svcgen.Path, e *svcgen.Errors) { e.Format(at, tc.v, tc.format) })
		t.Run(tc.format+"/"+tc.v, func(t *testing.T) { wantDetail(t, errs, tc.want) })
	}
}

func TestIsUUIDEveryPosition(t *testing.T) {
	const good = "123e4567-e89b-12d3-a456-426614174000"
	if !svcgen.IsUUID(good) {
		t.Fatalf("IsUUID(%q) = false", good)
	}
	// Each character replaced by one of the wrong kind is refused.
	for i := range good {
		b := []byte(good)
		if b[i] == '-' {
			b[i] = 'a'
		} else {
			b[i] = '-'
		}
		if svcgen.IsUUID(string(b)) {
			t.Errorf("IsUUID(%q) = true", b)
		}
	}
}

func TestMinimumMaximum(t *testing.T) {
	type check func(e *svcgen.Errors, at *svcgen.Path)
	for _, tc := range []struct {
		name  string
		check check
		want  string
	}{
		{"min inclusive below", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.Minimum(e, at, 4, 5, "5") }, "must be at least 5"},
		{"min inclusive equal", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.Minimum(e, at, 5, 5, "5") }, ""},
		{"min inclusive above", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.Minimum(e, at, 6, 5, "5") }, ""},
		{"min exclusive equal", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.ExclusiveMinimum(e, at, 5, 5, "5") }, "must be greater than 5"},
		{"min exclusive below", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.ExclusiveMinimum(e, at, 4, 5, "5") }, "must be greater than 5"},
		{"min exclusive above", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.ExclusiveMinimum(e, at, 6, 5, "5") }, ""},
		{"max inclusive above", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.Maximum(e, at, 11, 10, "10") }, "must be at most 10"},
		{"max inclusive equal", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.Maximum(e, at, 10, 10, "10") }, ""},
		{"max exclusive equal", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.ExclusiveMaximum(e, at, 10, 10, "10") }, "must be less than 10"},
		{"max exclusive above", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.ExclusiveMaximum(e, at, 11, 10, "10") }, "must be less than 10"},
		{"max exclusive below", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.ExclusiveMaximum(e, at, 9, 10, "10") }, ""},
		{"float text as the spec wrote it", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.Minimum(e, at, 0.0999, 0.1, "0.10") }, "must be at least 0.10"},
		{"float exclusive just above", func(e *svcgen.Errors, at *svcgen.Path) {
			svcgen.ExclusiveMinimum(e, at, math.Nextafter(0.1, 1), 0.1, "0.1")
		}, ""},
		{"float32", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.Maximum[float32](e, at, 1.5, 1.25, "1.25") }, "must be at most 1.25"},
		{"int32 negative", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.Minimum[int32](e, at, -3, -2, "-2") }, "must be at least -2"},
		{"int64 large", func(e *svcgen.Errors, at *svcgen.Path) {
			svcgen.Maximum[int64](e, at, math.MaxInt64, math.MaxInt64-1, "9223372036854775806")
		}, "must be at most 9223372036854775806"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantDetail(t, one(func(at *svcgen.Path, e *svcgen.Errors) { tc.check(e, at) }), tc.want)
		})
	}
}

func TestMultipleOfInt(t *testing.T) {
	for _, tc := range []struct {
		v, m int64
		want string
	}{
		{10, 5, ""},
		{0, 5, ""},
		{-10, 5, ""},
		{11, 5, "must be a multiple of 5"},
		{-11, 5, "must be a multiple of 5"},
		{1, 1, ""},
	} {
		errs := one(func(at *svcgen.Path, e *svcgen.Errors) { svcgen.MultipleOfInt(e, at, tc.v, tc.m) })
		wantDetail(t, errs, tc.want)
	}
	// int32 and int too.
	wantDetail(t, one(func(at *svcgen.Path, e *svcgen.Errors) { svcgen.MultipleOfInt[int32](e, at, 7, 2) }), "must be a multiple of 2")
	wantDetail(t, one(func(at *svcgen.Path, e *svcgen.Errors) { svcgen.MultipleOfInt(e, at, 8, 2) }), "")
}

func TestMultipleOfFloat(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		m    float64
		text string
		want string
	}{
		{19.99, 0.01, "0.01", ""},
		{0.3, 0.1, "0.1", ""},
		{0.30000000000000004, 0.1, "0.1", "must be a multiple of 0.1"}, // 0.1 + 0.2 in float64: not what the client should send
		{1234567.89, 0.01, "0.01", ""},
		{0.07, 0.01, "0.01", ""},
		{-2.35, 0.05, "0.05", ""},
		{0, 0.01, "0.01", ""},
		{19.995, 0.01, "0.01", "must be a multiple of 0.01"},
		{0.015, 0.01, "0.01", "must be a multiple of 0.01"},
		{7.5, 2.5, "2.5", ""},
		{7.6, 2.5, "2.5", "must be a multiple of 2.5"},
		{1e15, 1, "1", ""},
		{1e15 + 0.5, 1, "1", "must be a multiple of 1"}, // a large quotient is no licence for a fraction
		{2147483647.5, 0.5, "0.5", ""},
		{2147483647.25, 0.5, "0.5", "must be a multiple of 0.5"},
		{1e300, 0.01, "0.01", ""},
		{5e-324, 0.01, "0.01", "must be a multiple of 0.01"},
		{math.Inf(1), 1, "1", "must be a multiple of 1"},
		{math.NaN(), 1, "1", "must be a multiple of 1"},
	} {
		errs := one(func(at *svcgen.Path, e *svcgen.Errors) { svcgen.MultipleOfFloat(e, at, tc.v, tc.m, tc.text) })
		t.Run(tc.text+"/"+strconv.FormatFloat(tc.v, 'g', -1, 64), func(t *testing.T) { wantDetail(t, errs, tc.want) })
	}
}

// A float32 (format: float) holds 19.99 as 19.9899997711...: it is still
// the 19.99 the client wrote.
func TestMultipleOfFloat32(t *testing.T) {
	for _, tc := range []struct {
		v    float32
		m    float64
		want string
	}{
		{19.99, 0.01, ""},
		{0.07, 0.01, ""},
		{12345.67, 0.01, ""},
		{-3.3, 0.1, ""},
		{19.995, 0.01, "must be a multiple of 0.01"},
		{0.5, 0.2, "must be a multiple of 0.2"},
	} {
		errs := one(func(at *svcgen.Path, e *svcgen.Errors) { svcgen.MultipleOfFloat(e, at, tc.v, tc.m, "m") })
		if tc.want != "" {
			tc.want = "must be a multiple of m"
		}
		t.Run(strconv.FormatFloat(float64(tc.v), 'g', -1, 32), func(t *testing.T) { wantDetail(t, errs, tc.want) })
	}
	// A named float type.
	type amount float32
	wantDetail(t, one(func(at *svcgen.Path, e *svcgen.Errors) { svcgen.MultipleOfFloat(e, at, amount(0.3), 0.1, "0.1") }), "")
}

func TestUniqueItems(t *testing.T) {
	type pair struct {
		A string `json:"a"`
		B int    `json:"b"`
	}
	for _, tc := range []struct {
		name string
		run  func(e *svcgen.Errors, at *svcgen.Path)
		want svcgen.Errors
	}{
		{"empty", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.UniqueItems[int](e, at, nil) }, nil},
		{"one", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.UniqueItems(e, at, []int{1}) }, nil},
		{"unique", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.UniqueItems(e, at, []int{1, 2, 3}) }, nil},
		{"first repeat only", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.UniqueItems(e, at, []int{1, 2, 1, 2, 2}) },
			svcgen.Errors{{In: "body", Field: "[2]", Pointer: "#/2", Detail: "repeats item 0: items must be unique"}}},
		{"strings", func(e *svcgen.Errors, at *svcgen.Path) { svcgen.UniqueItems(e, at, []string{"a", "b", "b"}) },
			svcgen.Errors{{In: "body", Field: "[2]", Pointer: "#/2", Detail: "repeats item 1: items must be unique"}}},
		{"structs", func(e *svcgen.Errors, at *svcgen.Path) {
			svcgen.UniqueItems(e, at, []pair{{"x", 1}, {"x", 2}, {"x", 1}})
		}, svcgen.Errors{{In: "body", Field: "[2]", Pointer: "#/2", Detail: "repeats item 0: items must be unique"}}},
		{"maps compare by content", func(e *svcgen.Errors, at *svcgen.Path) {
			svcgen.UniqueItems(e, at, []map[string]int{{"a": 1, "b": 2}, {"b": 2, "a": 1}})
		}, svcgen.Errors{{In: "body", Field: "[1]", Pointer: "#/1", Detail: "repeats item 0: items must be unique"}}},
		{"below a property", func(e *svcgen.Errors, at *svcgen.Path) {
			tags := at.Field("tags")
			svcgen.UniqueItems(e, &tags, []string{"a", "a"})
		}, svcgen.Errors{{In: "body", Field: "tags[1]", Pointer: "#/tags/1", Detail: "repeats item 0: items must be unique"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := one(func(at *svcgen.Path, e *svcgen.Errors) { tc.run(e, at) })
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestConstant(t *testing.T) {
	wantDetail(t, one(func(at *svcgen.Path, e *svcgen.Errors) { e.Constant(at, true, `"v1"`) }), "")
	wantDetail(t, one(func(at *svcgen.Path, e *svcgen.Errors) { e.Constant(at, false, `"v1"`) }), `must be "v1"`)
}

// order and line are a model as generated code writes one: a Validator
// that checks its properties and descends into the ones that validate
// themselves.
type order struct {
	ID    string
	Lines []line
	Ship  *line
}

type line struct {
	SKU string
	Qty int
}

func (o *order) ValidateAt(at *svcgen.Path, errs *svcgen.Errors) {
	errs.Required(at, []bool{o.ID == ""}, "id")
	for i := range o.Lines {
		lines := at.Field("lines")
		item := lines.Elem(i)
		o.Lines[i].ValidateAt(&item, errs)
	}
	if o.Ship != nil {
		ship := at.Field("ship")
		o.Ship.ValidateAt(&ship, errs)
	}
}

func (l *line) ValidateAt(at *svcgen.Path, errs *svcgen.Errors) {
	sku := at.Field("sku")
	errs.MinLength(&sku, l.SKU, 1)
	qty := at.Field("qty")
	svcgen.Minimum(errs, &qty, l.Qty, 1, "1")
}

func TestValidate(t *testing.T) {
	if err := svcgen.Validate(&order{ID: "1", Lines: []line{{"a", 1}}}); err != nil {
		t.Errorf("valid order: %v", err)
	}
	if err := svcgen.Validate(&order{ID: "1", Ship: nil}); err != nil {
		t.Errorf("absent ship is not validated: %v", err)
	}
	err := svcgen.Validate(&order{Lines: []line{{"a", 1}, {"", 0}}, Ship: &line{"b", 0}})
	want := svcgen.Errors{
		{In: "body", Field: "id", Pointer: "#/id", Detail: "is required"},
		{In: "body", Field: "lines[1].sku", Pointer: "#/lines/1/sku", Detail: "must be at least 1 character long"},
		{In: "body", Field: "lines[1].qty", Pointer: "#/lines/1/qty", Detail: "must be at least 1"},
		{In: "body", Field: "ship.qty", Pointer: "#/ship/qty", Detail: "must be at least 1"},
	}
	if !reflect.DeepEqual(err, want) {
		t.Errorf("got %#v\nwant %#v", err, want)
	}
}

func TestPathInResponse(t *testing.T) {
	resp := svcgen.Root("response", "")
	item := resp.Elem(2)
	field := item.Field("number")
	body := svcgen.Root("body", "")
	inBody := body.Field("number")
	if !resp.InResponse() || !field.InResponse() || body.InResponse() || inBody.InResponse() {
		t.Errorf("InResponse: response %v, below it %v; body %v, below it %v",
			resp.InResponse(), field.InResponse(), body.InResponse(), inBody.InResponse())
	}
}
