package svcgen_test

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

type patch struct {
	Name svcgen.Nullable[string] `json:"name,omitzero"`
	Age  svcgen.Nullable[int]    `json:"age,omitzero"`
}

func TestNullableDecode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want patch
	}{
		{`{}`, patch{}},
		{`{"name":null}`, patch{Name: svcgen.Null[string]()}},
		{`{"name":"ada"}`, patch{Name: svcgen.Value("ada")}},
		{`{"name":""}`, patch{Name: svcgen.Value("")}},
		{`{"name":"ada","age":null}`, patch{Name: svcgen.Value("ada"), Age: svcgen.Null[int]()}},
		{`{"age": 0}`, patch{Age: svcgen.Value(0)}},
		{`{"age" :  null }`, patch{Age: svcgen.Null[int]()}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var got patch
			if err := json.Unmarshal([]byte(tc.in), &got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// Decoding into a Nullable that held a value clears what it held first.
func TestNullableDecodeReplaces(t *testing.T) {
	n := svcgen.Value("old")
	if err := json.Unmarshal([]byte(`null`), &n); err != nil {
		t.Fatal(err)
	}
	if n != svcgen.Null[string]() {
		t.Errorf("got %+v after null, want Null", n)
	}
	var m svcgen.Nullable[[]int]
	if err := json.Unmarshal([]byte(`[1,2]`), &m); err != nil || !reflect.DeepEqual(m.Value, []int{1, 2}) || !m.Set || m.Null {
		t.Errorf("got %+v, %v", m, err)
	}
}

func TestNullableDecodeTypeError(t *testing.T) {
	var p patch
	err := json.Unmarshal([]byte(`{"age":"x"}`), &p)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Field != "age" {
		t.Fatalf("got %v, want a type error at age", err)
	}
}

func TestNullableEncode(t *testing.T) {
	for _, tc := range []struct {
		in   patch
		want string
	}{
		{patch{}, `{}`}, // absent: omitzero leaves it out
		{patch{Name: svcgen.Null[string]()}, `{"name":null}`},
		{patch{Name: svcgen.Value("ada"), Age: svcgen.Value(0)}, `{"name":"ada","age":0}`},
		{patch{Name: svcgen.Value("")}, `{"name":""}`},
	} {
		b, err := json.Marshal(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("Marshal(%+v) = %s, want %s", tc.in, b, tc.want)
		}
		// And back: the same three states.
		var back patch
		if err := json.Unmarshal(b, &back); err != nil || back != tc.in {
			t.Errorf("round trip of %s: %+v, %v", b, back, err)
		}
	}
	// Absent, without omitzero, is written as null.
	b, _ := json.Marshal(struct{ N svcgen.Nullable[int] }{})
	if string(b) != `{"N":null}` {
		t.Errorf("absent without omitzero = %s", b)
	}
}

func TestNullableGetIsZero(t *testing.T) {
	for _, tc := range []struct {
		name   string
		n      svcgen.Nullable[int]
		v      int
		ok     bool
		isZero bool
	}{
		{"absent", svcgen.Nullable[int]{}, 0, false, true},
		{"null", svcgen.Null[int](), 0, false, false},
		{"zero value", svcgen.Value(0), 0, true, false},
		{"value", svcgen.Value(7), 7, true, false},
	} {
		v, ok := tc.n.Get()
		if v != tc.v || ok != tc.ok || tc.n.IsZero() != tc.isZero {
			t.Errorf("%s: Get() = %v, %v; IsZero() = %v", tc.name, v, ok, tc.n.IsZero())
		}
	}
}

func TestPtr(t *testing.T) {
	x := 3
	p := svcgen.Ptr(x)
	x = 4
	if *p != 3 {
		t.Errorf("*Ptr(x) = %d, want a copy of 3", *p)
	}
}

func TestDecodeDefault(t *testing.T) {
	var m map[string][]int
	svcgen.DecodeDefault(&m, `{"a":[1,2]}`)
	if !reflect.DeepEqual(m, map[string][]int{"a": {1, 2}}) {
		t.Errorf("got %v", m)
	}
}

type secret struct{ User, Password string }

func (s secret) Redacted() secret { s.Password = ""; return s }

func TestRedact(t *testing.T) {
	in := []secret{{"a", "x"}, {"b", "y"}}
	out := svcgen.RedactAll(in)
	if !reflect.DeepEqual(out, []secret{{"a", ""}, {"b", ""}}) {
		t.Errorf("RedactAll = %v", out)
	}
	if in[0].Password != "x" {
		t.Errorf("RedactAll changed its input: %v", in)
	}
	if svcgen.RedactAll[secret](nil) != nil {
		t.Errorf("RedactAll(nil) is not nil: null stays null")
	}
	if got := svcgen.RedactAll([]secret{}); got == nil || len(got) != 0 {
		t.Errorf("RedactAll([]) = %#v: [] must stay []", got)
	}
	m := svcgen.RedactMap(map[string]secret{"k": {"a", "x"}})
	if !reflect.DeepEqual(m, map[string]secret{"k": {"a", ""}}) {
		t.Errorf("RedactMap = %v", m)
	}
	if svcgen.RedactMap[secret](nil) != nil {
		t.Errorf("RedactMap(nil) is not nil")
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want svcgen.Date
		err  bool
	}{
		{"2024-02-29", svcgen.Date{Year: 2024, Month: time.February, Day: 29}, false},
		{"0001-01-01", svcgen.Date{Year: 1, Month: time.January, Day: 1}, false},
		{"9999-12-31", svcgen.Date{Year: 9999, Month: time.December, Day: 31}, false},
		{"2023-02-29", svcgen.Date{}, true}, // not a leap year
		{"2024-13-01", svcgen.Date{}, true},
		{"2024-1-01", svcgen.Date{}, true},
		{"2024-01-01T00:00:00Z", svcgen.Date{}, true},
		{"24-01-01", svcgen.Date{}, true},
		{"", svcgen.Date{}, true},
	} {
		got, err := svcgen.ParseDate(tc.in)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("ParseDate(%q) = %v, %v", tc.in, got, err)
		}
		if err != nil && err.Error() != "must be a date (YYYY-MM-DD)" {
			t.Errorf("ParseDate(%q) error = %q", tc.in, err)
		}
	}
}

func TestDateString(t *testing.T) {
	for _, tc := range []struct {
		d    svcgen.Date
		want string
	}{
		{svcgen.Date{Year: 2024, Month: 3, Day: 7}, "2024-03-07"},
		{svcgen.Date{Year: 33, Month: 12, Day: 31}, "0033-12-31"},
		{svcgen.Date{}, "0000-00-00"},
	} {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type event struct {
		On  svcgen.Date  `json:"on"`
		Opt *svcgen.Date `json:"opt,omitempty"`
	}
	in := event{On: svcgen.Date{Year: 2024, Month: 2, Day: 29}}
	b, err := json.Marshal(in)
	if err != nil || string(b) != `{"on":"2024-02-29"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var back event
	if err := json.Unmarshal(b, &back); err != nil || back != in {
		t.Errorf("round trip: %+v, %v", back, err)
	}

	// null leaves the date as it was.
	d := svcgen.Date{Year: 2000, Month: 1, Day: 1}
	if err := json.Unmarshal([]byte(`null`), &d); err != nil || d != (svcgen.Date{Year: 2000, Month: 1, Day: 1}) {
		t.Errorf("null: %v, %v", d, err)
	}

	for _, tc := range []struct {
		in, field, detail string
	}{
		{`{"on":"2024-02-30"}`, "on", `must be a date (YYYY-MM-DD), not string "2024-02-30"`},
		{`{"on":"yesterday"}`, "on", `must be a date (YYYY-MM-DD), not string "yesterday"`},
		{`{"opt":"2024-1-1"}`, "opt", `must be a date (YYYY-MM-DD), not string "2024-1-1"`},
	} {
		var e event
		err := json.Unmarshal([]byte(tc.in), &e)
		if err == nil {
			t.Errorf("%s: no error", tc.in)
			continue
		}
		fe := svcgen.JSONError(err)
		if fe.Field != tc.field || fe.Detail != tc.detail {
			t.Errorf("%s: got %#v, want field %q detail %q", tc.in, fe, tc.field, tc.detail)
		}
	}
	// A value that is not a string at all is a type error too, naming the
	// date rather than the string it would have been read as.
	var e event
	err = json.Unmarshal([]byte(`{"on":20240101}`), &e)
	want := svcgen.FieldError{In: "body", Field: "on", Pointer: "#/on", Detail: "must be a date (YYYY-MM-DD), not number"}
	if err == nil {
		t.Errorf("a number decoded as a date")
	} else if fe := svcgen.JSONError(err); fe != want {
		t.Errorf("got  %#v\nwant %#v", fe, want)
	}
	var d2 svcgen.Date
	if err := svcgen.Unmarshal([]byte(`{"y":2024}`), &d2); svcgen.JSONError(err).Detail != "must be a date (YYYY-MM-DD), not object" {
		t.Errorf("object as a date: %v", err)
	}
}

func TestDateSQL(t *testing.T) {
	var _ driver.Valuer = svcgen.Date{}
	var _ sql.Scanner = (*svcgen.Date)(nil)

	v, err := svcgen.Date{Year: 2024, Month: 5, Day: 1}.Value()
	if err != nil || v != "2024-05-01" {
		t.Errorf("Value() = %v, %v", v, err)
	}
	want := svcgen.Date{Year: 2024, Month: 5, Day: 1}
	for _, src := range []any{
		"2024-05-01",
		[]byte("2024-05-01"),
		time.Date(2024, 5, 1, 23, 30, 0, 0, time.FixedZone("x", -7*3600)), // the date as stored, not moved to UTC
	} {
		var d svcgen.Date
		if err := d.Scan(src); err != nil || d != want {
			t.Errorf("Scan(%#v) = %v, %v", src, d, err)
		}
	}
	for _, src := range []any{"2024-5-1", []byte("x"), 20240501, nil} {
		var d svcgen.Date
		if err := d.Scan(src); err == nil {
			t.Errorf("Scan(%#v) = %v, want an error", src, d)
		}
	}
}
