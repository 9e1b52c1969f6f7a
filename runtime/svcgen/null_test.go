package svcgen

import (
	"encoding/json"
	"testing"
)

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
