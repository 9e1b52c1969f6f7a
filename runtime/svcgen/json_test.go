package svcgen_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

func TestIsNullAndJSONKind(t *testing.T) {
	for _, tc := range []struct {
		in   string
		null bool
		kind string
	}{
		{`null`, true, "null"},
		{"  null\n", true, "null"},
		{`nul`, false, "null"},
		{`"null"`, false, "string"},
		{`{}`, false, "object"},
		{` [1]`, false, "array"},
		{`true`, false, "boolean"},
		{`false`, false, "boolean"},
		{`-1.5e3`, false, "number"},
		{`0`, false, "number"},
		{``, false, ""},
		{"  ", false, ""},
	} {
		if got := svcgen.IsNull([]byte(tc.in)); got != tc.null {
			t.Errorf("IsNull(%q) = %v", tc.in, got)
		}
		if got := svcgen.JSONKind([]byte(tc.in)); got != tc.kind {
			t.Errorf("JSONKind(%q) = %q, want %q", tc.in, got, tc.kind)
		}
	}
}

func TestDiscriminator(t *testing.T) {
	for _, tc := range []struct {
		in, tag, detail string
	}{
		{`{"kind":"cat","lives":9}`, "cat", ""},
		{`{"lives":9,"kind":"dog"}`, "dog", ""},
		{`{"lives":9}`, "", `must be a string, not object without "kind"`},
		{`{"kind":3}`, "", "must be a string, not number"},
		{`{"kind":{"a":1}}`, "", "must be a string, not object"},
		{`[1]`, "", "must be an object, not array"},
		{`"cat"`, "", "must be an object, not string"},
	} {
		tag, err := svcgen.Discriminator([]byte(tc.in), "kind")
		if tag != tc.tag {
			t.Errorf("%s: tag %q, want %q", tc.in, tag, tc.tag)
		}
		if tc.detail == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.in, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error", tc.in)
			continue
		}
		if fe := svcgen.JSONError(err); fe.Detail != tc.detail {
			t.Errorf("%s: %q, want %q", tc.in, fe.Detail, tc.detail)
		}
	}
	// The missing or mistyped tag is reported at the property.
	_, err := svcgen.Discriminator([]byte(`{"kind":3}`), "kind")
	if fe := svcgen.JSONError(err); fe.Field != "kind" || fe.Pointer != "#/kind" {
		t.Errorf("got %#v", fe)
	}
	_, err = svcgen.Discriminator([]byte(`{"a":1}`), "kind")
	if fe := svcgen.JSONError(err); fe.Field != "kind" || fe.Pointer != "#/kind" {
		t.Errorf("got %#v", fe)
	}
}

type failing struct{}

func (failing) MarshalJSON() ([]byte, error) { return nil, errors.New("cannot encode") }

func TestObject(t *testing.T) {
	o := svcgen.NewObject()
	b, err := o.End()
	if err != nil || string(b) != `{}` {
		t.Errorf("empty: %s, %v", b, err)
	}

	o = svcgen.NewObject()
	o.Field(`"id"`, 7)
	o.Field(`"tags"`, []string{"a", "<b>"})
	o.Field(`"a\"b"`, nil)
	b, err = o.End()
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id":7,"tags":["a","\u003cb\u003e"],"a\"b":null}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	if !json.Valid(b) {
		t.Errorf("invalid JSON %s", b)
	}

	// The first error stops the object and is returned.
	o = svcgen.NewObject()
	o.Field(`"a"`, 1)
	o.Field(`"bad"`, failing{})
	o.Field(`"nan"`, math.NaN())
	b, err = o.End()
	if err == nil || !strings.Contains(err.Error(), "cannot encode") || b != nil {
		t.Errorf("got %s, %v; want the first error and no bytes", b, err)
	}
	o = svcgen.NewObject()
	o.Field(`"nan"`, math.NaN())
	if _, err := o.End(); err == nil {
		t.Errorf("NaN encoded")
	}
}

func TestIsJSON(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/json":                        true,
		"application/json; charset=utf-8":         true,
		"Application/JSON":                        true,
		" application/json ;charset=utf-8":        true,
		"application/problem+json":                true,
		"application/vnd.api+json":                true,
		"text/json":                               true,
		"text/x-json":                             true,
		"application/x-www-form-urlencoded":       false,
		"text/plain":                              false,
		"application/jsonx":                       false,
		"application/json-patch+json; v=1":        true,
		"application/octet-stream":                false,
		"":                                        false,
		"multipart/form-data; boundary=something": false,
	} {
		if got := svcgen.IsJSON(ct); got != want {
			t.Errorf("IsJSON(%q) = %v", ct, got)
		}
	}
}

func TestJSONError(t *testing.T) {
	decode := func(v any, in string) error { return json.Unmarshal([]byte(in), v) }
	stream := func(v any, in string) error { return json.NewDecoder(strings.NewReader(in)).Decode(v) }

	type inner struct {
		Count int `json:"count"`
	}
	type body struct {
		Name   string               `json:"name"`
		Small  int32                `json:"small"`
		Big    int64                `json:"big"`
		Ratio  float64              `json:"ratio"`
		OK     bool                 `json:"ok"`
		Tags   []string             `json:"tags"`
		Labels map[string]string    `json:"labels"`
		Inner  inner                `json:"inner"`
		Ptr    *inner               `json:"ptr"`
		At     time.Time            `json:"at"`
		Nulls  svcgen.Nullable[int] `json:"nulls"`
		Uint   uint8                `json:"uint"`
	}
	for _, tc := range []struct {
		name string
		err  error
		want svcgen.FieldError
	}{
		{"syntax", decode(&body{}, `{"name":}`), svcgen.FieldError{In: "body", Pointer: "#",
			Detail: "malformed JSON at byte 9: invalid character '}' looking for beginning of value"}},
		{"truncated", decode(&body{}, `{"name":"a"`), svcgen.FieldError{In: "body", Pointer: "#",
			Detail: "malformed JSON at byte 11: unexpected end of JSON input"}},
		{"truncated stream", stream(&body{}, `{"name":"a"`), svcgen.FieldError{In: "body", Pointer: "#",
			Detail: "malformed JSON: unexpected end of input"}},
		{"string", decode(&body{}, `{"name":1}`), svcgen.FieldError{In: "body", Field: "name", Pointer: "#/name", Detail: "must be a string, not number"}},
		{"int32", decode(&body{}, `{"small":"1"}`), svcgen.FieldError{In: "body", Field: "small", Pointer: "#/small", Detail: "must be a 32-bit integer, not string"}},
		{"int32 overflow", decode(&body{}, `{"small":2147483648}`), svcgen.FieldError{In: "body", Field: "small", Pointer: "#/small", Detail: "must be a 32-bit integer, not number 2147483648"}},
		{"int64 fraction", decode(&body{}, `{"big":1.5}`), svcgen.FieldError{In: "body", Field: "big", Pointer: "#/big", Detail: "must be an integer, not number 1.5"}},
		{"unsigned", decode(&body{}, `{"uint":-1}`), svcgen.FieldError{In: "body", Field: "uint", Pointer: "#/uint", Detail: "must be an integer, not number -1"}},
		{"number", decode(&body{}, `{"ratio":true}`), svcgen.FieldError{In: "body", Field: "ratio", Pointer: "#/ratio", Detail: "must be a number, not bool"}},
		{"boolean", decode(&body{}, `{"ok":"yes"}`), svcgen.FieldError{In: "body", Field: "ok", Pointer: "#/ok", Detail: "must be a boolean, not string"}},
		{"array", decode(&body{}, `{"tags":"a"}`), svcgen.FieldError{In: "body", Field: "tags", Pointer: "#/tags", Detail: "must be an array, not string"}},
		{"map", decode(&body{}, `{"labels":[]}`), svcgen.FieldError{In: "body", Field: "labels", Pointer: "#/labels", Detail: "must be an object, not array"}},
		{"struct", decode(&body{}, `{"inner":1}`), svcgen.FieldError{In: "body", Field: "inner", Pointer: "#/inner", Detail: "must be an object, not number"}},
		{"nested", decode(&body{}, `{"inner":{"count":"x"}}`), svcgen.FieldError{In: "body", Field: "inner.count", Pointer: "#/inner/count", Detail: "must be an integer, not string"}},
		{"pointer", decode(&body{}, `{"ptr":[]}`), svcgen.FieldError{In: "body", Field: "ptr", Pointer: "#/ptr", Detail: "must be an object, not array"}},
		{"nullable names its value type", decode(&body{}, `{"nulls":"x"}`), svcgen.FieldError{In: "body", Field: "nulls", Pointer: "#/nulls", Detail: "must be an integer, not string"}},
		{"whole body", decode(&body{}, `[]`), svcgen.FieldError{In: "body", Pointer: "#", Detail: "must be an object, not array"}},
		{"generated decoder", &json.UnmarshalTypeError{Value: "not one of the allowed values", Field: "status"},
			svcgen.FieldError{In: "body", Field: "status", Pointer: "#/status", Detail: "is not one of the allowed values"}},
		{"date-time", decode(&body{}, `{"at":"yesterday"}`), svcgen.FieldError{In: "body", Detail: `must be an RFC 3339 date-time: "yesterday"`}},
		{"wrapped", fmt.Errorf("decoding: %w", decode(&body{}, `{"name":1}`)), svcgen.FieldError{In: "body", Field: "name", Pointer: "#/name", Detail: "must be a string, not number"}},
		{"other", errors.New("something else"), svcgen.FieldError{In: "body", Pointer: "#", Detail: "something else"}},
		{"bare EOF", io.ErrUnexpectedEOF, svcgen.FieldError{In: "body", Pointer: "#", Detail: "malformed JSON: unexpected end of input"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil {
				t.Fatal("no error to describe")
			}
			if got := svcgen.JSONError(tc.err); got != tc.want {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

// A struct with a single field named Value is not a Nullable: its type
// name is "an object", and looking for a second field must not panic.
func TestJSONErrorOneFieldStruct(t *testing.T) {
	type money struct {
		Value int `json:"value"`
	}
	var v struct {
		Price money `json:"price"`
	}
	err := json.Unmarshal([]byte(`{"price":3}`), &v)
	want := svcgen.FieldError{In: "body", Field: "price", Pointer: "#/price", Detail: "must be an object, not number"}
	if got := svcgen.JSONError(err); got != want {
		t.Errorf("got %#v, want %#v", got, want)
	}
	// Nor is one shaped like it.
	type lookalike struct {
		Value int
		Set   bool
		Null  bool
	}
	var w struct {
		L lookalike `json:"l"`
	}
	err = json.Unmarshal([]byte(`{"l":"x"}`), &w)
	want = svcgen.FieldError{In: "body", Field: "l", Pointer: "#/l", Detail: "must be an object, not string"}
	if got := svcgen.JSONError(err); got != want {
		t.Errorf("got %#v, want %#v", got, want)
	}
}
