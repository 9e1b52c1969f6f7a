package svcgen

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestDecodeNonNull(t *testing.T) {
	for _, tc := range []struct {
		data    string
		wantErr string // "" for none
		want    *string
	}{
		{data: `"x"`, want: Ptr("x")},
		{data: `null`, wantErr: "null"},
		{data: ` null `, wantErr: "null"},
		{data: `1`, wantErr: "number"},
	} {
		var v *string
		err := DecodeNonNull([]byte(tc.data), &v, "phone")
		if tc.wantErr == "" {
			if err != nil || v == nil || *v != *tc.want {
				t.Errorf("%s: got %v, %v; want %q", tc.data, v, err, *tc.want)
			}
			continue
		}
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) || te.Field != "phone" || te.Value != tc.wantErr {
			t.Errorf("%s: got %v, want a type error at phone, value %s", tc.data, err, tc.wantErr)
			continue
		}
		if fe := JSONError(err); fe.Pointer != "#/phone" || fe.Detail != "must be a string, not null" && tc.wantErr == "null" {
			t.Errorf("%s: field error %+v", tc.data, fe)
		}
	}
}

// ObjectFields gives what decoding into a map would, in name order, for
// well-formed objects, and encoding/json's error for anything else.
func TestObjectFields(t *testing.T) {
	type T struct{}
	for _, in := range []string{
		`{}`, ` { } `, `{"a":1}`, `{"b":[1,{"x":"]}"}],"a":{"c":null}}`,
		`{"a":1,"a":2}`, `{"a\"b":"\u00e9","\u0061":true}`, "{\"\xff\":1}",
		`{"a":"x\\"}"}`, `{"n":-1.5e3 , "s" : "t" }`, `{"a":{}}`, `{"a":[]}`,
		`null`, `[1]`, `"s"`, `1`, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1} x`, `{"a":"x}`, ``,
	} {
		var want map[string]json.RawMessage
		wantErr := json.Unmarshal([]byte(in), &want)
		seq, err := ObjectFields[T]([]byte(in))
		if (err != nil) != (wantErr != nil) {
			t.Errorf("%s: error %v, want %v", in, err, wantErr)
			continue
		}
		if err != nil {
			continue
		}
		got := map[string]json.RawMessage{}
		last := ""
		for k, v := range seq {
			if k < last {
				t.Errorf("%s: %q after %q", in, k, last)
			}
			last = k
			got[k] = v
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d fields, want %d", in, len(got), len(want))
		}
		for k, v := range want {
			if string(got[k]) != string(v) {
				t.Errorf("%s: %q = %s, want %s", in, k, got[k], v)
			}
		}
	}
	var te *json.UnmarshalTypeError
	if _, err := ObjectFields[T]([]byte(`[1]`)); !errors.As(err, &te) || te.Type.Name() != "T" {
		t.Errorf("an array: %v, want a type error naming T", err)
	}
}

// Object writes each field as encoding/json would, on its fast path or not.
func TestObjectFieldMatchesEncodingJSON(t *testing.T) {
	s, i64, i32, b := "plain", int64(-42), int32(7), true
	var nilString *string
	for _, v := range []any{
		"", "plain text", "quote\"", `back\slash`, "<html>", "a&b", "tab\t", "é", "\u2028", "\xff",
		&s, nilString, int64(1) << 62, &i64, int32(-1), &i32, 3, true, false, &b, 1.5, []string{"x"}, nil,
	} {
		o := NewObject()
		o.Field(`"k"`, v)
		got, err := o.End()
		want, _ := json.Marshal(map[string]any{"k": v})
		if err != nil || string(got) != string(want) {
			t.Errorf("%#v: %s, %v; want %s", v, got, err, want)
		}
	}
}
