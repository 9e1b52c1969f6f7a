package svcgen

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// The Encoder must write what encoding/json writes, byte for byte, so that
// moving a service from one to the other changes no response.
func TestEncoderMatchesEncodingJSON(t *testing.T) {
	strs := []string{"", "plain", `q"uote`, `back\slash`, "<a>&b", "tab\tnl\nret\r", "\b\f\x00\x1f\x7f",
		"é ünïcode ✓ 😀", "\u2028\u2029", "bad \xff utf8 \xc3", "\xed\xa0\x80"}
	for _, s := range strs {
		checkEncodes(t, s)
	}
	for _, f := range []float64{0, 1, -1, 0.1, 1e-7, 1e-6, 123456789, 1e20, 1e21, 1.5e300, -2.5e-300, 3.14159} {
		checkEncodes(t, f)
		if f32 := float32(f); !math.IsInf(float64(f32), 0) {
			checkEncodes(t, f32)
		}
	}
	for _, n := range []int64{0, -1, math.MaxInt64, math.MinInt64} {
		checkEncodes(t, n)
		checkEncodes(t, int32(n))
	}
	checkEncodes(t, true)
	checkEncodes(t, time.Date(2026, 12, 6, 15, 4, 5, 123000000, time.FixedZone("x", 3600)))
	checkEncodes(t, []byte("bytes\x00\xff"))
	checkEncodes(t, json.RawMessage(`{"a":[1,2]}`))
	checkEncodes(t, []string{"a", "<b>"})
	checkEncodes(t, []int64(nil))
	checkEncodes(t, map[string]string{"b": "2", "a": "1", "<": ">"})
	checkEncodes(t, map[string]int64(nil))
	checkEncodes(t, [][]string{{"nested"}, nil}) // through encoding/json
	s := "x"
	checkEncodes(t, &s)
	checkEncodes(t, (*string)(nil))
	checkEncodes(t, Value(int64(3)))
	checkEncodes(t, Null[int64]())
	checkEncodes(t, Date{Year: 2026, Month: 12, Day: 6})
}

func checkEncodes[T any](t *testing.T, v T) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal(%#v): %v", v, err)
	}
	got, err := Marshal(&v)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("Marshal(%#v) = %s, %v; encoding/json writes %s", v, got, err, want)
	}
}

func TestEncoderErrors(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := Marshal(&f); err == nil {
			t.Errorf("Marshal(%v) succeeded", f)
		}
	}
	tm := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := Marshal(&tm); err == nil {
		t.Error("Marshal(year 10000) succeeded")
	}
	raw := json.RawMessage(`{bad`)
	if _, err := Marshal(&raw); err == nil {
		t.Error("Marshal(invalid raw JSON) succeeded")
	}
	var e Encoder
	e.Fail(errors.New("first"))
	e.Fail(errors.New("second"))
	if _, err := e.Bytes(); err == nil || err.Error() != "first" {
		t.Errorf("Bytes() error = %v, want the first", err)
	}
}

func TestEncoderPool(t *testing.T) {
	e := GetEncoder()
	e.String("x")
	PutEncoder(e)
	e = GetEncoder()
	if b, err := e.Bytes(); err != nil || len(b) != 0 {
		t.Errorf("a pooled Encoder holds %q, %v", b, err)
	}
	e.buf = make([]byte, 0, 2<<20)
	PutEncoder(e) // too big to keep: dropped, not an error
}

// The Decoder must accept exactly what encoding/json accepts and read the
// same values.
func TestDecoderMatchesEncodingJSON(t *testing.T) {
	docs := []string{`""`, `"plain"`, `"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00"`, `"lone \ud800 x"`,
		`"\ud800\u0041"`, "\"raw \xff bytes\"", `"é"`, `"bad \x"`, `"ctl ` + "\x01" + `"`, `"unterminated`, `"\u12"`,
		`0`, `-0`, `12`, `-12.5e+3`, `1E2`, `01`, `1.`, `.5`, `-`, `1e`, `+1`, `2x`,
		`true`, `false`, `null`, `nul`, `truex`, `[]`, `[1,2]`, `[1,]`, `[1 2]`, `{}`, `{"a":1}`, `{"a":1,}`, `{"a" 1}`,
		`{1:2}`, `{"a":[{"b":null}]}`, ` { "a" : [ 1 , { } ] } `, `[`, `{`, `{"a":`, `1 2`, ``, ` `}
	for _, doc := range docs {
		d := NewDecoder([]byte(doc))
		err := d.Skip()
		if err == nil {
			err = d.End()
		}
		if valid := json.Valid([]byte(doc)); valid != (err == nil) {
			t.Errorf("%q: Decoder error %v, but json.Valid = %v", doc, err, valid)
		}
		if doc == "null" {
			continue // encoding/json reads null as no change; a string here must not be null
		}
		var want, got string
		errWant := json.Unmarshal([]byte(doc), &want)
		errGot := Unmarshal([]byte(doc), &got)
		if (errWant == nil) != (errGot == nil) || want != got {
			t.Errorf("%q as string: got %q, %v; encoding/json %q, %v", doc, got, errGot, want, errWant)
		}
	}
}

func TestDecoderNumbers(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want int64
		err  string
	}{
		{"42", 42, ""},
		{"-9223372036854775808", math.MinInt64, ""},
		{"9223372036854775808", 0, "must be an integer, not number 9223372036854775808"},
		{"1.5", 0, "must be an integer, not number 1.5"},
		{"1e2", 0, "must be an integer, not number 1e2"},
		{`"1"`, 0, "must be an integer, not string"},
		{"null", 0, "must be an integer, not null"},
	} {
		var n int64
		err := Unmarshal([]byte(tc.doc), &n)
		if tc.err == "" && (err != nil || n != tc.want) || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s as int64: %d, %v; want %d, %q", tc.doc, n, err, tc.want, tc.err)
		}
	}
	var n32 int32
	if err := Unmarshal([]byte("2147483648"), &n32); err == nil || !strings.Contains(err.Error(), "32-bit") {
		t.Errorf("2147483648 as int32: %v", err)
	}
	var f float64
	if err := Unmarshal([]byte("1e400"), &f); err == nil {
		t.Error("1e400 as float64 succeeded")
	}
	var f32 float32
	if err := Unmarshal([]byte("-2.5"), &f32); err != nil || f32 != -2.5 {
		t.Errorf("-2.5 as float32: %v, %v", f32, err)
	}
}

// A decoding error names the JSON pointer of the value, array indexes
// included.
func TestDecoderErrorPaths(t *testing.T) {
	var v testOwner
	err := Unmarshal([]byte(`{"a/b":[{"x~":1},{"x~":"no"}]}`), &v)
	var de *DecodeError
	if !errors.As(err, &de) || de.Pointer != "#/a~1b/1/x~0" || de.Field != "a/b.1.x~" {
		t.Fatalf("error %#v", err)
	}
	if fe := JSONError(err); fe.Pointer != "#/a~1b/1/x~0" || fe.Detail != "must be an integer, not string" {
		t.Errorf("JSONError = %#v", fe)
	}
	err = Unmarshal([]byte(`{"a":[1,}`), &v)
	if !errors.As(err, &de) || !de.Syntax || de.Offset != 8 {
		t.Errorf("syntax error %#v", err)
	}
	if fe := JSONError(err); fe.Pointer != "#" || !strings.HasPrefix(fe.Detail, "malformed JSON at byte 8") {
		t.Errorf("JSONError = %#v", fe)
	}
	deep := strings.Repeat("[", maxDepth+1)
	var a any
	if err := UnmarshalAny([]byte(deep), &a); err == nil {
		t.Error("a too deep document decoded")
	}
	d := NewDecoder([]byte(deep))
	if err := d.Skip(); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("Skip of a too deep document: %v", err)
	}
}

func TestDecoderKinds(t *testing.T) {
	var s []string
	if err := Unmarshal([]byte(` ["a","b"] `), &s); err != nil || len(s) != 2 || s[1] != "b" {
		t.Errorf("[]string: %q %v", s, err)
	}
	if err := Unmarshal([]byte(`null`), &s); err != nil || s != nil {
		t.Errorf("null []string: %q %v", s, err)
	}
	var m map[string]bool
	if err := Unmarshal([]byte(`{"b":true,"a":false}`), &m); err != nil || len(m) != 2 || !m["b"] {
		t.Errorf("map: %v %v", m, err)
	}
	var p *int64
	if err := Unmarshal([]byte(`7`), &p); err != nil || p == nil || *p != 7 {
		t.Errorf("*int64: %v %v", p, err)
	}
	var n Nullable[string]
	if err := Unmarshal([]byte(`null`), &n); err != nil || !n.Set || !n.Null {
		t.Errorf("Nullable null: %+v %v", n, err)
	}
	var tm time.Time
	if err := Unmarshal([]byte(`"2026-12-06T10:00:00Z"`), &tm); err != nil || tm.Hour() != 10 {
		t.Errorf("time: %v %v", tm, err)
	}
	if err := Unmarshal([]byte(`"yesterday"`), &tm); err == nil || !strings.Contains(err.Error(), "RFC 3339") {
		t.Errorf("bad time: %v", err)
	}
	var date Date
	if err := Unmarshal([]byte(`"2026-02-30"`), &date); err == nil {
		t.Error("2026-02-30 decoded as a date")
	}
	var raw json.RawMessage
	if err := Unmarshal([]byte(` {"x": [1]} `), &raw); err != nil || string(raw) != `{"x": [1]}` {
		t.Errorf("raw: %s %v", raw, err)
	}
	var b []byte
	if err := Unmarshal([]byte(`"aGk="`), &b); err != nil || string(b) != "hi" {
		t.Errorf("bytes: %q %v", b, err)
	}
	var nested [][]int64 // no decoder of its own: through encoding/json
	if err := Unmarshal([]byte(`[[1],[2,3]]`), &nested); err != nil || len(nested) != 2 || nested[1][1] != 3 {
		t.Errorf("nested: %v %v", nested, err)
	}
	var owner testOwner // its errors placed at the path of the value
	err := Unmarshal([]byte(`{"deep":{"a/b":[{"x~":"x"}]}}`), &owner)
	var de *DecodeError
	if !errors.As(err, &de) || de.Pointer != "#/deep/a~1b/0/x~0" || de.Detail != "must be an integer, not string" {
		t.Errorf("nested fallback error: %#v", err)
	}
	var seen bool
	d := NewDecoder([]byte(`null`))
	if err := Required(d, new(string), &seen, Decode); err != nil || seen {
		t.Errorf("Required(null): seen %v, %v", seen, err)
	}
	d = NewDecoder([]byte(`null`))
	if err := NonNull(d, new(string), Decode); err == nil || !strings.Contains(err.Error(), "must not be null") {
		t.Errorf("NonNull(null): %v", err)
	}
	d = NewDecoder([]byte(`null`))
	if err := Seen(d, new(*string), &seen, DecodePtr); err != nil || !seen {
		t.Errorf("Seen(null): %v %v", seen, err)
	}
}

// FuzzDecoder checks the Decoder against encoding/json on any input: the
// same documents are valid, and strings read the same.
func FuzzDecoder(f *testing.F) {
	for _, s := range []string{`{"a":[1,"x",null,true]}`, `"\ud83d\ude00"`, "\"\xff\"", `-1.5e3`, `[{}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(data)
		err := d.Skip()
		if err == nil {
			err = d.End()
		}
		if json.Valid(data) != (err == nil) {
			t.Fatalf("%q: Decoder says %v, json.Valid %v", data, err, json.Valid(data))
		}
		var want, got string
		if json.Unmarshal(data, &want) == nil && !bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
			if err := Unmarshal(data, &got); err != nil || got != want {
				t.Fatalf("%q: got %q, %v; want %q", data, got, err, want)
			}
		}
	})
}

// FuzzEncodeString checks string encoding against encoding/json.
func FuzzEncodeString(f *testing.F) {
	f.Add("<html>&\u2028\xff")
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		got, err := Marshal(&s)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%q: %s, want %s", s, got, want)
		}
	})
}

func BenchmarkDecodeObject(b *testing.B) {
	data := []byte(`{"name":"Rex","kind":"dog","age":3,"tags":["a","b"],"owner":{"email":"a@example.com"}}`)
	b.ReportAllocs()
	for b.Loop() {
		var m map[string]json.RawMessage
		if err := Unmarshal(data, &m); err != nil {
			b.Fatal(err)
		}
	}
}

// testOwner and testItem decode as generated types do.
type testOwner struct {
	Items []testItem
	Deep  map[string]json.RawMessage
}

type testItem struct{ X int64 }

func (v *testOwner) DecodeJSON(d *Decoder) error {
	return d.Object(func(key []byte) error {
		switch string(key) {
		case "a/b":
			return DecodeSlice(d, &v.Items)
		case "deep":
			raw, err := d.Raw()
			if err != nil {
				return err
			}
			var inner testOwner
			return d.Nested(Unmarshal(raw, &inner))
		}
		return d.Skip()
	})
}

func (v *testItem) DecodeJSON(d *Decoder) error {
	return d.Object(func(key []byte) error {
		if string(key) == "x~" {
			return NonNull(d, &v.X, Decode)
		}
		return d.Skip()
	})
}

// FuzzIsEmail checks IsEmail's fast path against net/mail: it accepts
// exactly what net/mail parses back to the same address.
func FuzzIsEmail(f *testing.F) {
	for _, s := range []string{"a@b.c", "a.b@c", ".a@b", "a..b@c", "a@b.", `"q"@b`, "a@[1.2.3.4]", "A B <a@b>", "a@b@c", "ü@b", "a+tag@x-y.z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := mail.ParseAddress(s)
		want := err == nil && a.Address == s
		if got := IsEmail(s); got != want {
			t.Fatalf("IsEmail(%q) = %v, net/mail says %v", s, got, want)
		}
	})
}

func TestRawMatchesEncodingJSON(t *testing.T) {
	for _, raw := range []string{`{"a":"<b>"}`, "[1, 2,\n 3]", `"\u2028"`, "\"\u2028\"", `{"x":{"y":[true,null]}}`} {
		checkEncodes(t, json.RawMessage(raw))
	}
}

func TestDecoderKindAndErrors(t *testing.T) {
	for doc, want := range map[string]string{`"s"`: "string", `12`: "number", `-1`: "number", `true`: "boolean", `null`: "null", `{}`: "object", `[]`: "array", `x`: "", ``: ""} {
		if got := NewDecoder([]byte(doc)).Kind(); got != want {
			t.Errorf("Kind(%q) = %q, want %q", doc, got, want)
		}
	}
	for _, tc := range []struct {
		doc, detail string
		decode      func(d *Decoder) error
	}{
		{`"x"`, "must be a boolean, not string", func(d *Decoder) error { _, err := d.Bool(); return err }},
		{`trux`, "in literal true", func(d *Decoder) error { _, err := d.Bool(); return err }},
		{`[1]`, "must be a number, not array", func(d *Decoder) error { _, err := d.Float(64); return err }},
		{`1e999`, "must be a number, not number 1e999", func(d *Decoder) error { _, err := d.Float(64); return err }},
		{`{}`, "must be a string, not object", func(d *Decoder) error { _, err := d.String(); return err }},
		{`"a"`, "must be an object, not string", func(d *Decoder) error { return d.Object(func([]byte) error { return nil }) }},
		{`{"a" 1}`, "after object key", func(d *Decoder) error { return d.Object(func([]byte) error { return d.Skip() }) }},
		{`{"a":1 "b":2}`, "after object key:value pair", func(d *Decoder) error { return d.Object(func([]byte) error { return d.Skip() }) }},
		{`[1 2]`, "after array element", func(d *Decoder) error { return d.Array(func(int) error { return d.Skip() }) }},
		{`{}`, "must be an array, not object", func(d *Decoder) error { return d.Array(func(int) error { return nil }) }},
		{`"!!"`, "must be a base64 string", func(d *Decoder) error { var b []byte; return Decode(d, &b) }},
		{`7`, "must be a base64 string, not number", func(d *Decoder) error { var b []byte; return Decode(d, &b) }},
		{`5`, "must be a date (YYYY-MM-DD), not number", func(d *Decoder) error { var x Date; return Decode(d, &x) }},
		{`5`, "must be an RFC 3339 date-time, not number", func(d *Decoder) error { var x time.Time; return Decode(d, &x) }},
		{`"x"`, "is not what it should be", func(d *Decoder) error { _ = d.Skip(); return d.Invalid("is not what it should be") }},
		{`{"a":1}`, "is a property the schema does not allow", func(d *Decoder) error { return d.Object(func([]byte) error { return d.NoProperty() }) }},
		{`"1"`, "must be an integer, not string", func(d *Decoder) error {
			raw, _ := d.Raw()
			var n int
			return d.Nested(json.Unmarshal(raw, &n))
		}},
		{`1`, "is not valid: no", func(d *Decoder) error { _ = d.Skip(); return d.Nested(errors.New("no")) }},
		{`"\u00"`, "in \\u hexadecimal character escape", func(d *Decoder) error { _, err := d.String(); return err }},
		{`"\q"`, "in string escape code", func(d *Decoder) error { _, err := d.String(); return err }},
		{`-x`, "in numeric literal", func(d *Decoder) error { return d.Skip() }},
		{`1.e1`, "after decimal point", func(d *Decoder) error { return d.Skip() }},
		{`1e+x`, "in exponent", func(d *Decoder) error { return d.Skip() }},
		{`}`, "looking for beginning of value", func(d *Decoder) error { return d.Skip() }},
	} {
		err := tc.decode(NewDecoder([]byte(tc.doc)))
		if err == nil || !strings.Contains(err.Error(), tc.detail) {
			t.Errorf("%s: error %v, want %q", tc.doc, err, tc.detail)
		}
	}
	var f32 float32
	if err := Unmarshal([]byte(`1e39`), &f32); err == nil {
		t.Error("1e39 decoded as a float32")
	}
	var i int
	if err := Unmarshal([]byte(`12`), &i); err != nil || i != 12 {
		t.Errorf("int: %d %v", i, err)
	}
	var ms map[string]string
	if err := Unmarshal([]byte(`{"a":1}`), &ms); err == nil {
		t.Error("a number decoded as a map's string")
	}
	var ps *string
	if err := Unmarshal([]byte(`null`), &ps); err != nil || ps != nil {
		t.Errorf("null *string: %v %v", ps, err)
	}
	var e Encoder
	e.ArrayStart()
	e.Bool(true)
	e.Null()
	e.Raw(nil)
	e.ArrayEnd()
	if b, err := e.Bytes(); err != nil || string(b) != `[true,null,null]` {
		t.Errorf("encoder: %s %v", b, err)
	}
}

func TestPathPattern(t *testing.T) {
	p := ParsePathPattern("/a/{id}/{$}")
	if v, ok := p.Match("/a/7/"); !ok || strings.Join(v, " ") != "id 7" {
		t.Errorf("/a/7/: %q %v", v, ok)
	}
	for _, path := range []string{"/a/7/x", "/a/7", "/a//", "/a/%zz/"} {
		if _, ok := p.Match(path); ok {
			t.Errorf("%s matched", path)
		}
	}
}
